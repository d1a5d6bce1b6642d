"""What search knows about a service: one flat, immutable document per public service, read
from the database (the one source of truth: search/reading.py) and derived again whenever the
service changes."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from functools import cached_property

from portal.models.service import WIDER_AREAS
from portal.seed.gp_practices import SOURCE as GP_PRACTICES_SOURCE
from portal.seed.libraries import SOURCE as LIBRARIES_SOURCE

# Places that serve everyone whatever their need (libraries, GP practices): they can also help, but
# rank after the services for the need asked about and are labelled as such.
# With the words that ask for that kind of place: a search for one ("gp", "library") puts them first.
GENERAL_SOURCES: dict[str, frozenset[str]] = {
    LIBRARIES_SOURCE: frozenset({"library", "libraries"}),
    GP_PRACTICES_SOURCE: frozenset({"gp", "gps", "doctor", "doctors", "surgery", "surgeries", "practice"}),
}


FACET_SEPARATOR = "\x1f"
# An age range without an end of its own: from 0, up to this.
NO_MAXIMUM_AGE = 200


def facet_token(facet: str, value: str) -> str:
    """One filter option as a single string, the same object wherever it occurs (interned): a search
    counts thousands of them, and a string keeps its hash where a (facet, value) pair works it out
    at every count (half the time)."""
    return sys.intern(facet + FACET_SEPARATOR + value)


@dataclass(frozen=True)
class Place:
    latitude: float
    longitude: float
    town: str
    neighbourhood: str | None
    # The organisation asked for the exact address to be hidden: the point is its postcode district's
    # centre (portal/geo/public_point.py), never the exact one, and it is not drawn on a map.
    address_hidden: bool = False


@dataclass(frozen=True)
class ServiceDocument:
    id: str
    name: str
    organisation: str
    description: str
    eligibility: str
    need_slugs: tuple[str, ...]
    level_slugs: tuple[str, ...]
    minimum_age: int | None
    maximum_age: int | None
    free: bool | None
    self_referral: bool
    needs_referral: bool
    temporarily_closed: bool
    languages: tuple[str, ...]
    accessibility: tuple[str, ...]
    all_of_tameside: bool
    places: tuple[Place, ...]
    open_days: frozenset[str]
    neighbourhoods: frozenset[str]
    last_modified: dt.datetime
    # When the organisation last confirmed the details (Open Referral's assured_date); None: never.
    assured_date: dt.date | None = None
    # A place that serves everyone whatever their need (GENERAL_SOURCES), and the words asking for its kind.
    general: bool = False
    kind_words: frozenset[str] = frozenset()
    # The widest service area the listing covers (models.service.AREAS), or None.
    area: str | None = None

    @cached_property
    def facet_tokens(self) -> tuple[str, ...]:
        """facet_token(facet, value) for every filter option this service counts under (search/engine.py)."""
        pairs = [("need", slug) for slug in self.need_slugs] + [("level", slug) for slug in self.level_slugs]
        pairs += [("day", day) for day in self.open_days] + [("language", code) for code in self.languages]
        pairs += [("accessibility", feature) for feature in self.accessibility]
        pairs += [("neighbourhood", hood) for hood in self.neighbourhoods]
        if self.free is True:
            pairs.append(("free", "1"))
        if self.self_referral:
            pairs.append(("self_referral", "1"))
        return tuple(facet_token(facet, value) for facet, value in pairs)

    @property
    def beyond_tameside(self) -> bool:
        """A Greater Manchester or national service: for Tameside's families by phone, text or online."""
        return self.area in WIDER_AREAS

    def serves_age(self, age: int) -> bool:
        low = self.minimum_age if self.minimum_age is not None else 0
        high = self.maximum_age if self.maximum_age is not None else NO_MAXIMUM_AGE
        return low <= age <= high

    @property
    def towns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(place.town for place in self.places if place.town))
