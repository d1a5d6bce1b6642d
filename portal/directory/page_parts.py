"""A service page's map and QR code, drawn once for each version of the listing and language, and kept
in the database (models/page_part.py) rather than drawn at every visit.

Drawing them is most of what a service page costs (folium's map about 10 ms, segno's QR code about
9 ms). Each is kept with a digest of everything it was drawn from: the place marked (its name,
organisation and point), the page's own link, and the words in this language. A page finds its parts
in one query; where the digest no longer matches (the listing changed, or a translation did) they are
drawn again and kept. `flask portal draw-page-parts` draws every public service's parts ahead of
visits (after loading the directory); a listing changed later is drawn again at its next visit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.geo.maps import MapPoint, RenderedMap
from portal.geo.page_maps import draw_place_map, labels, service_point
from portal.i18n import LANGUAGES
from portal.kiosk.qr import draw_qr_svg
from portal.models import Service, ServicePagePart
from portal.shortlist.services import service_url


def qr_label() -> str:
    return _("QR code: a link to this page")


@dataclass(frozen=True)
class PageParts:
    place_map: RenderedMap | None
    qr: Markup


def _digest(point: MapPoint | None, link: str, locale: str) -> str:
    words = (labels(), qr_label())
    return hashlib.sha256(repr((point, link, locale, words)).encode("utf-8")).hexdigest()


def _draw(service: Service, point: MapPoint | None, link: str, locale: str, version: str) -> ServicePagePart:
    drawn = draw_place_map(point) if point is not None else None
    return ServicePagePart(
        service_id=service.id, locale=locale, version=version,
        map_html=drawn.html if drawn else None, map_scripts=drawn.scripts if drawn else None,
        map_styles=drawn.styles if drawn else None, map_id=drawn.map_id if drawn else None,
        qr_svg=str(draw_qr_svg(link, qr_label())),
    )


def _keep(part: ServicePagePart) -> None:
    """Store `part` in its own transaction (the page's session is left as it was); another process
    storing the same part at the same moment is no error."""
    values = {column.key: getattr(part, column.key) for column in ServicePagePart.__table__.columns}
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(ServicePagePart).where(
                ServicePagePart.service_id == part.service_id, ServicePagePart.locale == part.locale))
            connection.execute(ServicePagePart.__table__.insert().values(**values))
    except IntegrityError:
        pass


def _current(service: Service, locale: str) -> tuple[ServicePagePart, bool]:
    """The service's parts in `locale` (the language being rendered): the kept ones, or drawn now and
    kept when there are none or they were drawn from something else; and whether they were drawn."""
    point = service_point(service)
    link = service_url(service.id)
    version = _digest(point, link, locale)
    part = db.session.execute(select(ServicePagePart).where(
        ServicePagePart.service_id == service.id, ServicePagePart.locale == locale)).scalar_one_or_none()
    if part is not None and part.version == version:
        return part, False
    part = _draw(service, point, link, locale, version)
    _keep(part)
    return part, True


def page_parts(service: Service) -> PageParts:
    """This page's map and QR code, in this request's language: kept ones, or drawn now and kept."""
    part, _ = _current(service, str(get_locale()).split("_")[0])  # "en_GB" (British formats) is English
    place_map = (RenderedMap(part.map_html, part.map_scripts or "", part.map_styles or "", part.map_id or "")
                 if part.map_html is not None else None)
    # Drawn by this module from our own map code and segno: no text here is a visitor's.
    return PageParts(place_map, Markup(part.qr_svg))  # nosec B704


def draw_all(services: Iterable[Service], locales: Iterable[str] = LANGUAGES) -> int:
    """Draw and keep the parts of `services` in each language that are missing or out of date (in a
    request context, for the links); returns how many were drawn."""
    drawn = 0
    locales = tuple(locales)
    for service in services:
        for locale in locales:
            with force_locale(locale):
                drawn += _current(service, locale)[1]
    return drawn
