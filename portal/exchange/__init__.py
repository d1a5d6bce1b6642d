"""Bulk data exchange in Open Referral UK 3.0: JSON and the CSV data package, in and out, plus a
simple one-row-per-service CSV template for organisations. No Flask here (the commands live in
portal/exchange/commands.py)."""
