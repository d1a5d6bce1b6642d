"""Tameside's open public libraries, with their staffed hours, from the public libraries dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import Vocabularies
from portal.geo.postcodes import normalise_postcode
from portal.models.schedule import WEEKDAYS
from portal.seed.builders import PlaceSpec, ServiceSpec, add_organisation, add_place, add_service
from portal.seed.records import SeedPlan, parse_time_range, postcode_centroid, read_csv

SOURCE = "libraries-dataset"
LIBRARIES_FILE = Path("sources") / "libraries_tameside.csv"
# The dataset's snapshot date: when these details were last checked at source.
DATASET_DATE = dt.date(2025, 4, 28)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
COUNCIL_KEY = "tameside-council"
NEEDS = ["early-years-and-child-development", "school-attendance-and-education"]


def add_libraries(plan: SeedPlan, data_dir: Path, vocab: Vocabularies, organisations: dict[str, str]) -> None:
    path = data_dir / LIBRARIES_FILE
    if COUNCIL_KEY not in organisations:
        raise DataFileError(data_dir / "organisations.yaml", f"libraries need an organisation {COUNCIL_KEY!r}")
    for line, record in read_csv(path):
        if record.get("Year closed", "").strip():
            plan.skip("closed libraries")
            continue
        _add_library(plan, path, line, record, vocab, organisations[COUNCIL_KEY])


def _add_library(plan: SeedPlan, path: Path, line: int, record: dict[str, str], vocab: Vocabularies,
                 council_id: str) -> None:
    name = record["Library name"].strip()
    if not name:
        raise DataFileError(path, "a library needs a name", row=line, field="Library name")
    if not name.lower().endswith("library"):
        name = f"{name} Library"
    postcode = normalise_postcode(record["Postcode"])
    if postcode is None:
        raise DataFileError(path, f"{record['Postcode']!r} is not a postcode", row=line, field="Postcode")
    hours = []
    for code, day in zip(WEEKDAYS, DAY_NAMES):
        for kind, note in (("staffed", None), ("unstaffed", "Open without staff (self-service)")):
            column = f"{day} {kind} hours"
            try:
                times = parse_time_range(record.get(column, ""))
            except ValueError as exc:
                raise DataFileError(path, str(exc), row=line, field=column) from None
            if times:
                hours.append((code, times[0], times[1], note))
    key = "library-" + "-".join(name.lower().replace("library", "").split())
    community = record.get("Type of library", "").startswith("ICL")
    organisation_id = council_id
    if community:
        organisation_id = add_organisation(
            plan,
            key,
            SOURCE,
            name=name,
            description="An independent community library, run by the community rather than the council.",
            kind="vcse",
        )
    co_located = record.get("Co-located with", "").strip()
    if community:
        description = (
            "An independent community library, run by the community rather than the council. "
            "It lends books for babies, children, young people and adults."
        )
    else:
        description = (
            "A public library run by Tameside Council. Libraries are free to join and lend books for "
            "babies, children, young people and adults."
        )
    if co_located:
        description += f" In the same building: {co_located}."
    service_id = add_service(
        plan,
        ServiceSpec(
            key=key,
            organization_id=organisation_id,
            name=name,
            description=description,
            source=SOURCE,
            needs=NEEDS,
            levels=["universal"],
            application_process="Visit during opening hours.",
            eligibility_description="Everyone is welcome.",
            minimum_age=0,
            self_referral=True,
            free=not community,
            url=record.get("URL") or None,
            email=record.get("Email address") or None,
            assured_date=DATASET_DATE,
        ),
        vocab,
    )
    latitude, longitude = postcode_centroid(path, line, record)
    add_place(
        plan,
        service_id,
        organisation_id,
        PlaceSpec(
            key=key,
            name=name,
            address_1=record["Address 1"].strip(),
            address_2=None,
            city=record["Address 2"].strip(),
            postal_code=postcode,
            latitude=latitude,
            longitude=longitude,
            ward_code=record.get("pc_ward_code") or None,
            hours=hours,
        ),
        SOURCE,
        vocab,
    )
