"""Browsing the directory: needs, services and organisations."""
