"""UK postcodes: recognising and normalising them ("ol66bh" -> "OL6 6BH")."""

from __future__ import annotations

import re

# The shape of a full UK postcode (outward code, then a digit and two letters).
_FULL = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_OUTWARD = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")


def normalise_postcode(text: str) -> str | None:
    """A full postcode in the standard form, or None if `text` is not one."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _FULL.match(compact)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_outcode(text: str) -> str | None:
    """An outward code ("OL6") in capitals, or None."""
    compact = re.sub(r"\s+", "", text or "").upper()
    return compact if _OUTWARD.match(compact) else None
