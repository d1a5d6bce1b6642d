"""Maps for the pages: the places of some services (search results), or one service's place. The web
layer of geo (Flask: words translated, links made); the drawing is done by portal.geo.maps."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from flask import current_app, url_for
from flask_babel import gettext as _

from portal.geo.maps import MapLabels, MapPoint, RenderedMap, place_map, results_map
from portal.i18n import links_for
from portal.models import Service


class MappedPlace(Protocol):
    latitude: float
    longitude: float
    address_hidden: bool


class Mapped(Protocol):
    """A service as a page's map needs it (a search document, say)."""

    id: str
    name: str
    organisation: str

    @property
    def places(self) -> Iterable[MappedPlace]: ...


def labels() -> MapLabels:
    return MapLabels(
        results_region=_("Map of the places in these results"),
        results_note=_("The same places are listed in the results."),
        place_region=_("Map showing where this service is"),
        place_note=_("The address is given on this page."),
        wards_layer=_("Wards"),
        neighbourhoods_layer=_("Neighbourhoods"),
        places_layer=_("Places"),
        attribution=_("Boundaries: ONS, OGL v3. Contains OS data © Crown copyright and database right 2025"),
    )


def _neighbourhood_of_ward() -> dict[str, str]:
    vocab = current_app.extensions["vocabularies"]
    return {code: vocab.neighbourhoods[slug].name for code, slug in vocab.ward_neighbourhood.items()}


def map_of_results(services: Iterable[Mapped]) -> RenderedMap:
    """A map of these services' places (none whose address is hidden)."""
    points = []
    service_link = links_for("directory.service", "service_id")
    for service in services:
        url = service_link(service.id)
        for place in service.places:
            if place.address_hidden:
                continue
            points.append(MapPoint(service.id, service.name, url, place.latitude, place.longitude,
                                   service.organisation))
    return results_map(points, current_app.extensions["ward_boundaries"], _neighbourhood_of_ward(), labels())


def service_point(service: Service) -> MapPoint | None:
    """The place a service's page marks: its first place with a point whose address may be shown."""
    for link in service.service_at_locations:
        location = link.location
        if location.latitude is None or location.longitude is None or location.mask_exact_address:
            continue
        return MapPoint(service.id, location.name or service.name,
                        url_for("directory.service", service_id=service.id), location.latitude,
                        location.longitude, service.organization.name)
    return None


def draw_place_map(point: MapPoint) -> RenderedMap:
    """A small map of one place, in this request's language (directory/page_parts.py keeps it)."""
    return place_map(point, current_app.extensions["ward_boundaries"], labels())
