"""Freshness: "last checked" on every listing, one-click "still correct" for editors, reminders to
organisations at FRESHNESS_REMINDER_MONTHS and "may be out of date" (ranked lower) at FRESHNESS_STALE_MONTHS."""
