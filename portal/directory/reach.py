"""How to reach a documented service that has no phone, email or website of its own: through a route
that exists (a Family Hub, the GP, the school...), as `reach` in directory_data/services/*.yaml says.

Read once at start-up. A route that names listings links to them (when they are public); the others
are places every family already knows (their GP practice, their child's school).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from portal.datafiles import read_yaml
from portal.models._base import seed_id

SERVICES_DIR = Path("services")
# The seed keys of the listings each route points to (keys are stable for ever).
ROUTE_LISTINGS: dict[str, tuple[str, ...]] = {
    "family-hub": (
        "support-tameside-north-family-hub",
        "support-tameside-south-family-hub",
        "support-tameside-east-family-hub",
        "support-tameside-west-family-hub",
    ),
    "health-visitor": ("support-tameside-health-visiting-and-school-nursing",),
    "early-help": ("support-tameside-early-help-ehash",),
    "gp": (),
    "school": (),
}


@dataclass(frozen=True)
class Route:
    code: str
    listing_ids: tuple[str, ...]


def load_reach(data_dir: Path) -> dict[str, tuple[Route, ...]]:
    """Routes by service id, from every documented services file."""
    routes: dict[str, tuple[Route, ...]] = {}
    for path in sorted((data_dir / SERVICES_DIR).glob("*.yaml")):
        for item in read_yaml(path, "services")["services"]:
            if item.get("reach"):
                routes[seed_id("service", item["key"])] = tuple(
                    Route(code, tuple(seed_id("service", key) for key in ROUTE_LISTINGS[code]))
                    for code in item["reach"]
                )
    return routes


def listing_ids(routes: Sequence[Route]) -> set[str]:
    return {listing for route in routes for listing in route.listing_ids}
