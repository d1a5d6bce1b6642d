"""Where to go after signing in: only ever a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(value: str | None) -> str | None:
    """`value` when it is a path on this site ("/moderation?page=2"), otherwise None."""
    if not value or len(value) > 500:
        return None
    value = value.strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return None
    if any(ord(character) < 32 for character in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value
