"""Kiosk mode for screens in libraries and GP surgeries: a start screen that needs no keyboard, large
touch targets, no way off the site, and a full reset after a visitor walks away (routes.py, hooks.py)."""
