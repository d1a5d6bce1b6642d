"""Distances in miles: geopy's great-circle distance for the figures people read, and the same
distance for many places at once (numpy) for what is near."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from geopy.distance import great_circle
from numpy.typing import NDArray


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def miles_between(a: Point, b: Point) -> float:
    """The distance people are shown: geopy's great-circle distance. Over a few miles it is within
    0.5% of the geodesic on the WGS84 ellipsoid (far less than the tenth of a mile shown), at a
    fifteenth of the cost."""
    return float(great_circle((a.latitude, a.longitude), (b.latitude, b.longitude)).miles)


EARTH_RADIUS_MILES = 3958.7613


def haversine_miles(a: Point, latitude: float, longitude: float) -> float:
    """The same great-circle distance as miles_between, written out for the inner loop that decides
    what is within a radius and in what order (what people see comes from geopy)."""
    phi1, phi2 = math.radians(a.latitude), math.radians(latitude)
    dphi = phi2 - phi1
    dlambda = math.radians(longitude - a.longitude)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


# The same great-circle distance for many places at once: each point as a vector on the unit sphere,
# the squared straight line between two of them (the chord), then the arc it spans. The chord grows
# with the distance, so the nearest and what is within a radius are found from it, and the
# trigonometry is left to the few distances kept.
Axis = NDArray[np.float64]


def unit_vectors(latitudes: Axis, longitudes: Axis) -> tuple[Axis, Axis, Axis]:
    """Each point (degrees) on the unit sphere: its x, y and z, one array each."""
    phi, lam = np.radians(latitudes), np.radians(longitudes)
    return np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)


def chord_squared(miles: float) -> float:
    """The squared chord of the unit sphere for a great-circle distance in miles."""
    return (2 * math.sin(min(miles / EARTH_RADIUS_MILES, math.pi) / 2)) ** 2


def miles_of_chords_squared(squared: Axis) -> Axis:
    """The great-circle distance in miles spanned by each squared chord of the unit sphere (as
    haversine_miles); infinite for an infinite chord."""
    miles: Axis = 2 * EARTH_RADIUS_MILES * np.arcsin(np.minimum(1.0, np.sqrt(squared) / 2))
    return np.where(np.isinf(squared), np.inf, miles)
