"""When nothing local matches: the national and Greater Manchester services for the needs asked about
(the helpline fallback). They reach Tameside's families by phone, text or online, so a search, a need
page, a questionnaire outcome or a kiosk search is never left with nothing to offer. No Flask here."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from portal.models.service import AREA_GREATER_MANCHESTER
from portal.search.documents import ServiceDocument

# Enough to choose from without burying the page: the best fits first.
MOST_HELPLINES = 6


def helplines_for(documents: Iterable[ServiceDocument], needs: Collection[str],
                  leave_out: Collection[str] = (), most: int = MOST_HELPLINES) -> list[ServiceDocument]:
    """The national and Greater Manchester services for any of `needs`: those serving more of the
    needs first, then Greater Manchester's before national ones, then by name; none in `leave_out`
    (ids already shown)."""
    wanted = frozenset(needs)
    found = [document for document in documents if document.beyond_tameside and document.id not in leave_out
             and not wanted.isdisjoint(document.need_slugs)]
    found.sort(key=lambda document: (-len(wanted.intersection(document.need_slugs)),
                                     document.area != AREA_GREATER_MANCHESTER, document.name.lower()))
    return found[:most]
