"""Where is the person? A postcode, an outward code or a Tameside town, resolved offline from the
gazetteer loaded into the database (no online look-up)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, case, func, select
from sqlalchemy.orm import Session, scoped_session

from portal.datafiles.vocabularies import Town
from portal.geo.distance import Point
from portal.geo.postcodes import normalise_outcode, normalise_postcode
from portal.models import Postcode

# A postcode's point: its columns alone, without a Postcode object for the session to keep, through a
# statement made once (a third of the time session.get took).
_TABLE = Postcode.__table__
POSTCODE_POINT = select(_TABLE.c.latitude, _TABLE.c.longitude, _TABLE.c.in_tameside).where(
    _TABLE.c.postcode == bindparam("postcode"))


class Outcome(Enum):
    FOUND = "found"
    NOT_COVERED = "not_covered"  # a real-looking postcode we have no data for
    INVALID = "invalid"  # not a postcode or a town


@dataclass(frozen=True)
class Place:
    outcome: Outcome
    text: str
    label: str = ""
    point: Point | None = None
    in_tameside: bool = False


def _town(text: str, towns: dict[str, Town]) -> Town | None:
    wanted = " ".join(text.lower().replace("-", " ").split())
    for town in towns.values():
        if wanted in {alias.replace("-", " ") for alias in town.aliases}:
            return town
    return None


def town_in_text(text: str, towns: dict[str, Town]) -> tuple[Town | None, str]:
    """A Tameside town named at the end of a search ("food bank in Hyde"), and the text without it."""
    words = text.split()
    for size in (3, 2, 1):
        if len(words) <= size:
            continue
        tail = " ".join(words[-size:])
        town = _town(tail.strip(",."), towns)
        if town:
            rest = words[:-size]
            if rest and rest[-1].lower() in {"in", "near", "around"}:
                rest = rest[:-1]
            return town, " ".join(rest)
    return None, text


def resolve(session: Session | scoped_session[Any], text: str, towns: dict[str, Town]) -> Place:
    """Resolve what someone typed in the postcode box."""
    text = (text or "").strip()[:40]
    postcode = normalise_postcode(text)
    if postcode:
        row = session.connection().execute(POSTCODE_POINT, {"postcode": postcode}).first()
        if row is None:
            return Place(Outcome.NOT_COVERED, text)
        return Place(Outcome.FOUND, text, postcode, Point(row.latitude, row.longitude), bool(row.in_tameside))
    outcode = normalise_outcode(text)
    if outcode:
        latitude, longitude, in_tameside = session.execute(
            select(func.avg(Postcode.latitude), func.avg(Postcode.longitude),
                   func.max(case((Postcode.in_tameside, 1), else_=0)))
            .where(Postcode.outcode == outcode)
        ).one()
        if latitude is None:
            return Place(Outcome.NOT_COVERED, text)
        return Place(Outcome.FOUND, text, outcode, Point(float(latitude), float(longitude)), bool(in_tameside))
    town = _town(text, towns)
    if town:
        return Place(Outcome.FOUND, text, town.name, Point(town.latitude, town.longitude), True)
    return Place(Outcome.INVALID, text)
