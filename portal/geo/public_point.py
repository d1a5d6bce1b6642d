"""Where the public may be told a place is: its exact point, or, when the organisation hides the exact
address (a refuge, say), the centre of its postcode district.

Every public answer that measures, filters, sorts or draws by place (search distances and radius,
the API's proximity filter, maps, the search documents) takes its point from here, so a hidden
place's exact point never leaves the database: whatever a visitor asks, every answer is the same
as it would be for a place standing at the district's centre. Staff pages read the exact point
from the model as before.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from portal.geo.distance import Point
from portal.geo.postcodes import normalise_outcode, normalise_postcode
from portal.models import Location, Postcode


def outcode_of(postcode: str | None) -> str | None:
    """The postcode district ("SK14") of a full postcode or of a district on its own."""
    text = (postcode or "").strip()
    full = normalise_postcode(text)
    if full:
        return full.split(" ")[0]
    return normalise_outcode(text)


class PublicPoints:
    """Public points for many places, each district's centre looked up once (one per batch of work)."""

    def __init__(self, session: Session | scoped_session[Any]) -> None:
        self._session = session
        self._centres: dict[str, Point | None] = {}

    def of(self, location: Location) -> Point | None:
        address = location.address
        return self.point(location.latitude, location.longitude, bool(location.mask_exact_address),
                          address.postal_code if address else None)

    def point(self, latitude: float | None, longitude: float | None, hidden: bool,
              postcode: str | None) -> Point | None:
        """The exact point of a place shown in full; its district's centre when the exact address is
        hidden (None when the district is not known: such a place is then never near anything)."""
        if not hidden:
            return Point(latitude, longitude) if latitude is not None and longitude is not None else None
        outcode = outcode_of(postcode)
        return self.district_centre(outcode) if outcode else None

    def district_centre(self, outcode: str) -> Point | None:
        """The mean of the district's postcodes in the gazetteer: the same centre a visitor who types
        the district ("SK14") searches from."""
        if outcode not in self._centres:
            latitude, longitude = self._session.execute(
                select(func.avg(Postcode.latitude), func.avg(Postcode.longitude)).where(Postcode.outcode == outcode)
            ).one()
            self._centres[outcode] = (None if latitude is None
                                      else Point(round(float(latitude), 5), round(float(longitude), 5)))
        return self._centres[outcode]
