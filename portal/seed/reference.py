"""Reference data: the needs and levels taxonomies, neighbourhoods, wards and the postcode gazetteer."""

from __future__ import annotations

import csv
from pathlib import Path

from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import LEVELS_TAXONOMY, NEEDS_TAXONOMY, Vocabularies
from portal.geo.postcodes import normalise_postcode
from portal.models import Neighbourhood, Postcode, Taxonomy, TaxonomyTerm, Ward
from portal.seed.builders import taxonomy_id, term_id
from portal.seed.records import SeedPlan

POSTCODES_FILE = Path("sources") / "postcodes_tameside.csv"
POSTCODE_COLUMNS = ("postcode", "outcode", "latitude", "longitude", "in_tameside", "ward_code", "ward_name")


def add_taxonomies(plan: SeedPlan, vocab: Vocabularies) -> None:
    plan.add(
        Taxonomy,
        id=taxonomy_id(NEEDS_TAXONOMY),
        name=NEEDS_TAXONOMY,
        description="What families look for help with, in everyday words.",
        uri=None,
        version="1",
    )
    plan.add(
        Taxonomy,
        id=taxonomy_id(LEVELS_TAXONOMY),
        name=LEVELS_TAXONOMY,
        description="The four levels of need in Tameside's Early Help model (TSCB threshold levels 1 to 4).",
        uri=None,
        version="1",
    )
    for need in vocab.needs.values():
        plan.add(
            TaxonomyTerm,
            id=term_id(NEEDS_TAXONOMY, need.slug),
            code=need.slug,
            name=need.name,
            description=need.description,
            taxonomy=NEEDS_TAXONOMY,
            taxonomy_id=taxonomy_id(NEEDS_TAXONOMY),
            parent_id=None,
            language="en",
        )
    for level in vocab.levels.values():
        plan.add(
            TaxonomyTerm,
            id=term_id(LEVELS_TAXONOMY, level.slug),
            code=level.slug,
            name=level.name,
            description=level.description,
            taxonomy=LEVELS_TAXONOMY,
            taxonomy_id=taxonomy_id(LEVELS_TAXONOMY),
            parent_id=None,
            language="en",
        )


def add_geography(plan: SeedPlan, vocab: Vocabularies) -> None:
    for hood in vocab.neighbourhoods.values():
        plan.add(Neighbourhood, slug=hood.slug, name=hood.name)
    for ward in vocab.wards.values():
        plan.add(
            Ward,
            code=ward.code,
            name=ward.name,
            neighbourhood_slug=vocab.ward_neighbourhood[ward.code],
            centroid_latitude=ward.centroid_latitude,
            centroid_longitude=ward.centroid_longitude,
        )


def add_postcodes(plan: SeedPlan, data_dir: Path, vocab: Vocabularies) -> None:
    path = data_dir / POSTCODES_FILE
    seen: set[str] = set()
    try:
        handle = path.open(newline="", encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, "the file is missing") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [column for column in POSTCODE_COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise DataFileError(path, f"missing columns: {', '.join(missing)}", row=1)
        for line, record in enumerate(reader, start=2):
            postcode = normalise_postcode(record["postcode"])
            if postcode is None:
                raise DataFileError(path, f"{record['postcode']!r} is not a postcode", row=line, field="postcode")
            if postcode in seen:
                raise DataFileError(path, f"{postcode} appears twice", row=line, field="postcode")
            seen.add(postcode)
            if not record["latitude"] or not record["longitude"]:
                plan.skip("postcodes without coordinates")
                continue
            latitude = _coordinate(path, line, "latitude", record["latitude"], 49.0, 61.0)
            longitude = _coordinate(path, line, "longitude", record["longitude"], -8.7, 2.0)
            in_tameside = record["in_tameside"] == "true"
            ward_code = record["ward_code"] or None
            plan.add(
                Postcode,
                postcode=postcode,
                outcode=postcode.split(" ")[0],
                latitude=latitude,
                longitude=longitude,
                ward_code=ward_code,
                ward_name=record["ward_name"] or None,
                neighbourhood=vocab.ward_neighbourhood.get(ward_code or "") if in_tameside else None,
                in_tameside=in_tameside,
            )


def _coordinate(path: Path, line: int, field: str, raw: str, low: float, high: float) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise DataFileError(path, f"{raw!r} is not a number", row=line, field=field) from None
    if not low <= value <= high:
        raise DataFileError(path, f"{value} is outside the UK ({low} to {high})", row=line, field=field)
    return value
