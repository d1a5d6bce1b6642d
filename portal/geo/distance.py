"""Distances in miles (geopy's geodesic) and bounding boxes for a cheap first cut."""

from __future__ import annotations

import math
from dataclasses import dataclass

from geopy.distance import geodesic

MILES_PER_DEGREE_LATITUDE = 69.05


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class BoundingBox:
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return (self.min_latitude <= latitude <= self.max_latitude
                and self.min_longitude <= longitude <= self.max_longitude)


def bounding_box(centre: Point, miles: float) -> BoundingBox:
    """A box that holds every point within `miles` of `centre` (a little more, never less)."""
    margin = 1.01
    latitude_span = miles / MILES_PER_DEGREE_LATITUDE * margin
    longitude_span = miles / (MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(centre.latitude))) * margin
    return BoundingBox(
        centre.latitude - latitude_span,
        centre.latitude + latitude_span,
        centre.longitude - longitude_span,
        centre.longitude + longitude_span,
    )


def miles_between(a: Point, b: Point) -> float:
    return float(geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).miles)
