"""Distances in miles along the great circle (as geopy's great_circle, on the same mean radius): one
at a time, and for many places at once (numpy) for what is near and the distances people read."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


# The Earth's mean radius, as geopy's great_circle takes it (6,371.009 km), in miles.
EARTH_RADIUS_MILES = 6371.009 / 1.609344


def haversine_miles(a: Point, latitude: float, longitude: float) -> float:
    """The great-circle distance from `a` to a point, in miles (the haversine formula)."""
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
