"""A service's page as kept for each version of the listing and language, in the database
(models/page_part.py): the listing as one record (directory/listing_record.py), its map and its QR
code. A page never seen before is read in one query, rather than a dozen for the listing's rows and
a drawing of the map (folium, about 10 ms) and QR code (segno, about 9 ms).

Each is kept with a digest of everything it was built from: the listing's last change (which every
change to a service, its places or its organisation moves: search/sync.py), the page's own link, the
words in this language and the record's format. Where the digest no longer matches, the page is
built again from the database and kept. `flask portal draw-page-parts` builds every public service's
ahead of visits (after loading the directory); a listing changed later is built at its next visit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from flask import current_app, request
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import and_, bindparam, delete, select
from sqlalchemy.exc import IntegrityError

from portal.directory.listing_record import FORMAT, ListedService, from_json, from_service, to_json
from portal.directory.services import get_public_service, valid_id
from portal.extensions import db
from portal.geo.maps import MapLabels, RenderedMap
from portal.geo.page_maps import draw_place_map, labels, service_point
from portal.i18n import LANGUAGES
from portal.i18n.languages import DEFAULT
from portal.i18n.middleware import LOCALE_KEY, ORIGINAL_ROOT_KEY
from portal.kiosk.qr import draw_qr_svg
from portal.models import Service, ServicePagePart
from portal.shortlist.services import service_url

KEPT = ServicePagePart.__table__
# A public service's last change and its kept page in a language, if any: one statement, made once.
KEPT_PAGE = (
    select(Service.last_modified, KEPT.c.version, KEPT.c.listing, KEPT.c.map_html, KEPT.c.map_scripts,
           KEPT.c.map_styles, KEPT.c.map_id, KEPT.c.qr_svg)
    .select_from(Service)
    .outerjoin(KEPT, and_(KEPT.c.service_id == Service.id, KEPT.c.locale == bindparam("locale")))
    .where(Service.id == bindparam("service_id"), Service.is_public)
)


def qr_label() -> str:
    return _("QR code: a link to this page")


@dataclass(frozen=True)
class ServicePage:
    service: ListedService
    place_map: RenderedMap | None
    qr: Markup


def _version(changed: dt.datetime | None, link: str, locale: str) -> str:
    """`locale` must be the language in force (its words are part of the version)."""
    return hashlib.sha256(repr((FORMAT, str(changed), link, locale, _words(locale))).encode("utf-8")).hexdigest()


@lru_cache(maxsize=64)
def _words(locale: str) -> tuple[MapLabels, str]:
    """The words a page's map and QR code show, in `locale`: worked out under that language on its first
    use (the catalogues change only with a restart), not at every page (eight strings, 0.15 ms)."""
    return labels(), qr_label()


def _build(service: Service, locale: str, version: str) -> dict[str, Any]:
    """The page's record, map and QR code, from the listing's rows (in this request's language)."""
    point = service_point(service)
    drawn = draw_place_map(point) if point is not None else None
    return {
        "service_id": service.id, "locale": locale, "version": version, "listing": to_json(from_service(service)),
        "map_html": drawn.html if drawn else None, "map_scripts": drawn.scripts if drawn else None,
        "map_styles": drawn.styles if drawn else None, "map_id": drawn.map_id if drawn else None,
        "qr_svg": str(draw_qr_svg(service_url(service.id), qr_label())),
    }


def _keep(values: dict[str, Any]) -> None:
    """Store a built page in its own transaction (the page's session is left as it was); another
    process storing the same page at the same moment is no error."""
    try:
        with db.engine.begin() as connection:
            connection.execute(delete(KEPT).where(
                KEPT.c.service_id == values["service_id"], KEPT.c.locale == values["locale"]))
            connection.execute(KEPT.insert().values(**values))
    except IntegrityError:
        pass


def _page(values: Mapping[Any, Any]) -> ServicePage:
    place_map = (RenderedMap(values["map_html"], values["map_scripts"] or "", values["map_styles"] or "",
                             values["map_id"] or "") if values["map_html"] is not None else None)
    # Drawn by this module from our own map code and segno: no text here is a visitor's.
    return ServicePage(from_json(values["listing"]), place_map, Markup(values["qr_svg"]))  # nosec B704


def service_page(service_id: str) -> ServicePage | None:
    """A public service's page in this request's language (None when no public service has this id):
    the kept one, in one query, or built now from the database and kept when there is none or it was
    built from something else."""
    if not valid_id(service_id):
        return None
    locale = str(get_locale()).split("_")[0]  # "en_GB" (British formats) is English
    row = db.session.connection().execute(KEPT_PAGE, {"service_id": service_id, "locale": locale}).first()
    if row is None:
        return None
    version = _version(row.last_modified, service_url(service_id), locale)
    if row.version == version and row.listing is not None:
        return _page(row._mapping)
    service = get_public_service(service_id)
    if service is None:
        return None
    values = _build(service, locale, version)
    _keep(values)
    return _page(values)


@contextmanager
def links_in(locale: str) -> Iterator[None]:
    """Within a request: links as a page in `locale` makes them (/pl/services/..., the English page's
    without a prefix), as the language prefix middleware sets them for a visit (portal.i18n)."""
    root = str(request.environ.get(ORIGINAL_ROOT_KEY, request.script_root)).rstrip("/")
    prefix = "" if locale == DEFAULT else f"/{locale}"
    with current_app.test_request_context(base_url=request.host_url.rstrip("/") + root + prefix) as context:
        context.request.environ[ORIGINAL_ROOT_KEY] = root
        if prefix:
            context.request.environ[LOCALE_KEY] = locale
        yield


def draw_all(services: Iterable[Service], locales: Iterable[str] = LANGUAGES) -> int:
    """Build and keep the pages of `services` in each language that are missing or out of date (in a
    request context, for the links); returns how many were built."""
    built = 0
    locales = tuple(locales)
    for service in services:
        kept: dict[str, str] = dict(db.session.execute(select(KEPT.c.locale, KEPT.c.version).where(
            KEPT.c.service_id == service.id)).all())  # type: ignore[arg-type]
        for locale in locales:
            with links_in(locale), force_locale(locale):
                version = _version(service.last_modified, service_url(service.id), locale)
                if kept.get(locale) != version:
                    _keep(_build(service, locale, version))
                    built += 1
    return built
