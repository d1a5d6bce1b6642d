"""A draft made from an older version of a listing, brought up to date with what is live now.

Two editors change the same listing; A's change is approved first. B's draft still holds the old
values of everything A changed, so approving it as it is would silently put them back. Instead each
field is taken from where it last changed: B's value where B changed it, the live value where only
the live listing changed, and a conflict where both changed it differently. No Flask imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def three_way(base: Mapping[str, Any], draft: Mapping[str, Any],
              live: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the merged snapshot, the fields changed both in the draft and live, differently)."""
    merged: dict[str, Any] = {}
    conflicts: list[str] = []
    for field in sorted(set(base) | set(draft) | set(live)):
        before, mine, theirs = base.get(field), draft.get(field), live.get(field)
        if mine == before:
            merged[field] = theirs
        elif theirs == before or mine == theirs:
            merged[field] = mine
        else:
            merged[field] = mine
            conflicts.append(field)
    return merged, conflicts
