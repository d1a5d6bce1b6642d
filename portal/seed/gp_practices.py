"""GP practices in Tameside (NHS England ODS, prescribing setting 4), at their registered addresses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import Vocabularies
from portal.geo.postcodes import normalise_postcode
from portal.seed.builders import PlaceSpec, ServiceSpec, add_organisation, add_place, add_service
from portal.seed.records import SeedPlan, postcode_centroid, read_csv, title_case, uk_phone

SOURCE = "nhs-ods"
GP_FILE = Path("sources") / "gp_practices_tameside.csv"
GP_PRACTICE_SETTING = "4"
# The snapshot's latest open or join date: the list was current then.
DATASET_DATE = dt.date(2025, 9, 1)
COUNTIES = {"CHESHIRE", "LANCASHIRE", "GREATER MANCHESTER", "DERBYSHIRE"}
NEEDS = ["physical-health-and-healthy-lifestyles", "emotional-wellbeing-and-mental-health", "pregnancy-and-new-baby"]


def add_gp_practices(plan: SeedPlan, data_dir: Path, vocab: Vocabularies) -> None:
    path = data_dir / GP_FILE
    for line, record in read_csv(path):
        if record.get("prescribing_setting") != GP_PRACTICE_SETTING:
            plan.skip("NHS prescribing settings that are not GP practices")
            continue
        if record.get("pc_in_tameside") != "true":
            plan.skip("GP practices outside Tameside")
            continue
        _add_practice(plan, path, line, record, vocab)


def address_parts(name: str, lines: list[str]) -> tuple[str, str | None, str]:
    """ODS address lines -> (first line, second line, town), dropping the name and county."""
    kept = [line.strip() for line in lines if line.strip()]
    kept = [line for line in kept if line.upper() != name.upper() and line.upper() not in COUNTIES]
    if not kept:
        return "", None, ""
    town = title_case(kept[-1]) if len(kept) > 1 else ""
    street = [title_case(line) for line in (kept[:-1] if len(kept) > 1 else kept)]
    return street[0], ", ".join(street[1:]) or None, town


def _add_practice(plan: SeedPlan, path: Path, line: int, record: dict[str, str], vocab: Vocabularies) -> None:
    code = record.get("org_code", "").strip()
    if not code:
        raise DataFileError(path, "a practice needs its ODS code", row=line, field="org_code")
    postcode = normalise_postcode(record.get("postcode", ""))
    if postcode is None:
        raise DataFileError(path, f"{record.get('postcode')!r} is not a postcode", row=line, field="postcode")
    name = title_case(record["name"])
    key = f"gp-{code.lower()}"
    organisation_id = add_organisation(
        plan,
        key,
        SOURCE,
        name=name,
        description=f"An NHS GP practice (ODS code {code}).",
        kind="nhs",
    )
    phone = uk_phone(record["telephone"]) if record.get("telephone") else None
    service_id = add_service(
        plan,
        ServiceSpec(
            key=key,
            organization_id=organisation_id,
            name=name,
            description=(
                "An NHS GP practice. GPs look after the health of the whole family: illness, long-term "
                "conditions, pregnancy, mental health and children's health checks. They can refer you "
                "to other services."
            ),
            source=SOURCE,
            needs=NEEDS,
            levels=["universal"],
            application_process=(
                "Contact the practice to register or to make an appointment. You can register with a GP "
                "practice without proof of address or immigration status."
            ),
            eligibility_description="Anyone who lives in the practice's area can ask to register.",
            minimum_age=0,
            self_referral=True,
            free=True,
            assured_date=DATASET_DATE,
            phones=[(phone, None)] if phone else [],
        ),
        vocab,
    )
    address_1, address_2, town = address_parts(
        record["name"], [record.get(f"address_{n}", "") for n in range(1, 6)]
    )
    latitude, longitude = postcode_centroid(path, line, record)
    add_place(
        plan,
        service_id,
        organisation_id,
        PlaceSpec(
            key=key,
            name=name,
            address_1=address_1,
            address_2=address_2,
            city=town,
            postal_code=postcode,
            latitude=latitude,
            longitude=longitude,
            ward_code=record.get("pc_ward_code") or None,
            description="The map point is the centre of the postcode, not the building itself.",
        ),
        SOURCE,
        vocab,
    )
