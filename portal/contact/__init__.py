"""Consent-based Early Help contact requests: encrypted storage, audit trail, notification and retention.

Only the data layer lives here so far; the form that calls `services.create_request` comes later.
"""
