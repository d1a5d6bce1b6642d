"""The vocabularies in directory_data/vocabularies/: needs, levels of need and neighbourhoods.

Loaded and checked once at start-up; the app refuses to start if one is malformed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from portal.datafiles import DataFileError, read_yaml

# The needs every part of the portal (search, questionnaire, API) relies on.
REQUIRED_NEED_SLUGS = (
    "parenting-and-family-relationships",
    "early-years-and-child-development",
    "pregnancy-and-new-baby",
    "emotional-wellbeing-and-mental-health",
    "domestic-abuse",
    "drugs-and-alcohol",
    "send-and-disability",
    "school-attendance-and-education",
    "money-debt-and-food",
    "housing",
    "employment-and-skills",
    "youth-activities-and-support",
    "youth-crime-and-exploitation",
    "young-carers",
    "physical-health-and-healthy-lifestyles",
    "sexual-health-and-relationships",
)
LEVEL_SLUGS = ("universal", "additional-needs", "complex-needs", "specialist")
NEEDS_TAXONOMY = "Tameside needs"
LEVELS_TAXONOMY = "Tameside levels of need"


@dataclass(frozen=True)
class Need:
    slug: str
    name: str
    description: str


@dataclass(frozen=True)
class Level:
    slug: str
    level: int
    name: str
    family_name: str
    family_summary: str
    description: str


@dataclass(frozen=True)
class Neighbourhood:
    slug: str
    name: str
    ward_codes: tuple[str, ...]


@dataclass(frozen=True)
class WardInfo:
    code: str
    name: str
    centroid_latitude: float
    centroid_longitude: float


@dataclass(frozen=True)
class Town:
    slug: str
    name: str
    aliases: tuple[str, ...]
    ward_codes: tuple[str, ...]
    latitude: float
    longitude: float


@dataclass
class Vocabularies:
    needs: dict[str, Need]
    levels: dict[str, Level]
    neighbourhoods: dict[str, Neighbourhood]
    wards: dict[str, WardInfo]
    towns: dict[str, Town] = field(default_factory=dict)
    neighbourhoods_provisional: bool = True
    ward_neighbourhood: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.ward_neighbourhood = {
            code: hood.slug for hood in self.neighbourhoods.values() for code in hood.ward_codes
        }


def vocabulary_dir(data_dir: Path) -> Path:
    return data_dir / "vocabularies"


def _load_needs(path: Path) -> dict[str, Need]:
    needs: dict[str, Need] = {}
    for row, item in enumerate(read_yaml(path, "needs")["needs"], start=1):
        if item["slug"] in needs:
            raise DataFileError(path, f"the slug {item['slug']!r} appears twice", row=row, field="slug")
        needs[item["slug"]] = Need(item["slug"], item["name"].strip(), item["description"].strip())
    missing = [slug for slug in REQUIRED_NEED_SLUGS if slug not in needs]
    if missing:
        raise DataFileError(path, f"these needs are required but missing: {', '.join(missing)}", field="slug")
    return needs


def _load_levels(path: Path) -> dict[str, Level]:
    levels: dict[str, Level] = {}
    for row, item in enumerate(read_yaml(path, "levels_of_need")["levels"], start=1):
        expected = LEVEL_SLUGS.index(item["slug"]) + 1
        if item["level"] != expected:
            raise DataFileError(path, f"{item['slug']} is level {expected}", row=row, field="level")
        if item["slug"] in levels:
            raise DataFileError(path, f"the slug {item['slug']!r} appears twice", row=row, field="slug")
        levels[item["slug"]] = Level(
            slug=item["slug"],
            level=int(item["level"]),
            name=item["name"].strip(),
            family_name=item["family_name"].strip(),
            family_summary=item["family_summary"].strip(),
            description=item["description"].strip(),
        )
    return dict(sorted(levels.items(), key=lambda pair: pair[1].level))


def load_wards(path: Path) -> dict[str, WardInfo]:
    wards: dict[str, WardInfo] = {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            for line, record in enumerate(csv.DictReader(handle), start=2):
                try:
                    wards[record["ward_code"]] = WardInfo(
                        record["ward_code"],
                        record["ward_name"],
                        float(record["centroid_lat"]),
                        float(record["centroid_lon"]),
                    )
                except (KeyError, TypeError, ValueError) as exc:
                    raise DataFileError(path, f"unreadable ward ({exc})", row=line) from None
    except FileNotFoundError:
        raise DataFileError(path, "the file is missing") from None
    return wards


def _load_neighbourhoods(path: Path, wards: dict[str, WardInfo]) -> tuple[dict[str, Neighbourhood], bool]:
    data = read_yaml(path, "neighbourhoods")
    hoods: dict[str, Neighbourhood] = {}
    seen: dict[str, str] = {}
    for row, item in enumerate(data["neighbourhoods"], start=1):
        for code in item["wards"]:
            if code not in wards:
                raise DataFileError(path, f"{code} is not a Tameside ward", row=row, field="wards")
            if code in seen:
                raise DataFileError(path, f"{code} is already in {seen[code]}", row=row, field="wards")
            seen[code] = item["slug"]
        hoods[item["slug"]] = Neighbourhood(item["slug"], item["name"], tuple(item["wards"]))
    unplaced = sorted(set(wards) - set(seen))
    if unplaced:
        raise DataFileError(path, f"these wards are in no neighbourhood: {', '.join(unplaced)}", field="wards")
    return hoods, bool(data.get("provisional", False))


def _load_towns(path: Path, wards: dict[str, WardInfo]) -> dict[str, Town]:
    towns: dict[str, Town] = {}
    aliases: dict[str, str] = {}
    for row, item in enumerate(read_yaml(path, "towns")["towns"], start=1):
        unknown = [code for code in item["wards"] if code not in wards]
        if unknown:
            raise DataFileError(path, f"not Tameside wards: {', '.join(unknown)}", row=row, field="wards")
        for alias in item["aliases"]:
            alias = " ".join(alias.lower().split())
            if alias in aliases:
                raise DataFileError(path, f"{alias!r} already names {aliases[alias]}", row=row, field="aliases")
            aliases[alias] = item["slug"]
        points = [wards[code] for code in item["wards"]]
        towns[item["slug"]] = Town(
            slug=item["slug"],
            name=item["name"],
            aliases=tuple(" ".join(alias.lower().split()) for alias in item["aliases"]),
            ward_codes=tuple(item["wards"]),
            latitude=round(sum(w.centroid_latitude for w in points) / len(points), 5),
            longitude=round(sum(w.centroid_longitude for w in points) / len(points), 5),
        )
    return towns


def load_vocabularies(data_dir: Path) -> Vocabularies:
    folder = vocabulary_dir(data_dir)
    wards = load_wards(data_dir / "sources" / "tameside_wards.csv")
    hoods, provisional = _load_neighbourhoods(folder / "neighbourhoods.yaml", wards)
    return Vocabularies(
        needs=_load_needs(folder / "needs.yaml"),
        levels=_load_levels(folder / "levels_of_need.yaml"),
        neighbourhoods=hoods,
        wards=wards,
        towns=_load_towns(folder / "towns.yaml", wards),
        neighbourhoods_provisional=provisional,
    )
