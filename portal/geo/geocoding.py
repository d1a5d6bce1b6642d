"""Online geocoding for staff entering a new address: OFF unless GEOCODING_ENABLED is set.

The public never triggers it: searches resolve postcodes and towns offline from the gazetteer.
When on, it follows the OpenStreetMap Nominatim usage policy: at most one request a second (geopy's
RateLimiter), an identifying User-Agent, and every answer cached so an address is looked up once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from sqlalchemy.orm import Session, scoped_session

from portal.models.geography import GeocodeCache

MIN_DELAY_SECONDS = 1.0  # Nominatim's policy: no more than one request per second
# Around Tameside, to prefer local answers (not a hard limit).
TAMESIDE_VIEWBOX = ((53.56, -2.20), (53.40, -1.94))


class GeocodingDisabled(RuntimeError):
    """Online geocoding is switched off (the default)."""


@dataclass(frozen=True)
class Located:
    latitude: float
    longitude: float
    label: str
    from_cache: bool


def cache_key(address: str) -> str:
    normalised = " ".join(address.lower().replace(",", " ").split())
    return hashlib.sha256(normalised.encode()).hexdigest()


class AddressGeocoder:
    def __init__(self, enabled: bool, user_agent: str, session: Session | scoped_session[Any],
                 lookup: Callable[..., Any] | None = None) -> None:
        self.enabled = enabled
        self.session = session
        if lookup is None and enabled:
            lookup = Nominatim(user_agent=user_agent, timeout=10).geocode
        self._lookup = RateLimiter(lookup, min_delay_seconds=MIN_DELAY_SECONDS, max_retries=1) if lookup else None

    def locate(self, address: str) -> Located | None:
        """Coordinates for a UK address, from the cache or (once) from Nominatim."""
        key = cache_key(address)
        cached = self.session.get(GeocodeCache, key)
        if cached is not None:
            if cached.latitude is None or cached.longitude is None:
                return None
            return Located(cached.latitude, cached.longitude, cached.label or "", True)
        if not self.enabled or self._lookup is None:
            raise GeocodingDisabled("Online geocoding is off. Enter the postcode, which is looked up offline, "
                                    "or set GEOCODING_ENABLED=1 for staff address look-ups.")
        found = self._lookup(address, country_codes="gb", viewbox=TAMESIDE_VIEWBOX, exactly_one=True)
        entry = GeocodeCache(
            key=key,
            latitude=found.latitude if found else None,
            longitude=found.longitude if found else None,
            label=found.address[:255] if found else None,
            created_at=dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
        )
        self.session.add(entry)
        self.session.commit()
        return Located(found.latitude, found.longitude, found.address, False) if found else None
