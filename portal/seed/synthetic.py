"""Synthetic services for scale tests and the benchmark (`flask --app wsgi portal generate-synthetic`).

Everything made here is marked: `data_source` is "synthetic" on every service, organisation and
location, and every name starts with "Synthetic". It is never loaded by default, and the generator
refuses to touch a database that holds any real listing, so it can never mix with a real directory.
Running it again on a synthetic-only database replaces the synthetic records.

Descriptions are drawn from a word list that includes the words people use for each need, with a
long tail of rarer words, so that keyword searches match a realistic share of the directory. Rows
are written with Core inserts in chunks (about 100,000 services a minute on a small machine).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select

from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import NEEDS_TAXONOMY, Vocabularies
from portal.extensions import db
from portal.geo.postcodes import normalise_postcode
from portal.models import CostOption, Location, Organization, Service, TaxonomyTerm, Ward
from portal.models._base import seed_id
from portal.models.schedule import WEEKDAYS
from portal.seed.builders import PlaceSpec, ServiceSpec, add_organisation, add_place, add_service
from portal.seed.records import SeedPlan, read_csv
from portal.seed.reference import POSTCODES_FILE
from portal.seed.sync import CHUNK, WRITE_ORDER, owned_ids

SOURCE = "synthetic"
BATCH = 2_000  # services built and written at a time, so memory stays flat at any count
SERVICES_PER_ORGANISATION = 10
# The tables synthetic records live in; reference tables (needs, wards, postcodes) are never touched.
SYNTHETIC_TABLES = WRITE_ORDER[WRITE_ORDER.index(Organization):]

# What a service is about, for its name, by need.
TOPICS: dict[str, tuple[str, ...]] = {
    "parenting-and-family-relationships": ("family support", "parenting course", "dads group", "family mediation"),
    "early-years-and-child-development": ("stay and play", "baby and toddler group", "speech and language",
                                          "early learning"),
    "pregnancy-and-new-baby": ("antenatal class", "breastfeeding support", "new baby group", "baby bank"),
    "emotional-wellbeing-and-mental-health": ("counselling", "wellbeing group", "anxiety support",
                                              "bereavement support"),
    "domestic-abuse": ("domestic abuse support", "freedom programme", "safe relationships"),
    "drugs-and-alcohol": ("drug and alcohol support", "recovery group", "family recovery"),
    "send-and-disability": ("SEND support", "autism group", "short breaks", "disability play"),
    "school-attendance-and-education": ("attendance support", "homework club", "tuition", "school transition"),
    "money-debt-and-food": ("food bank", "debt advice", "benefits advice", "community pantry"),
    "housing": ("housing advice", "homeless support", "tenancy support"),
    "employment-and-skills": ("job club", "skills training", "ESOL class", "volunteering"),
    "youth-activities-and-support": ("youth club", "sports club", "holiday activities", "youth work"),
    "youth-crime-and-exploitation": ("youth justice", "exploitation support", "mentoring"),
    "young-carers": ("young carers group", "carers support"),
    "physical-health-and-healthy-lifestyles": ("healthy eating", "family fitness", "stop smoking", "dental health"),
    "sexual-health-and-relationships": ("sexual health clinic", "relationships advice", "contraception"),
}

# The words a description of a service for each need uses.
NEED_WORDS: dict[str, tuple[str, ...]] = {
    "parenting-and-family-relationships": ("parenting", "parents", "family", "relationships", "behaviour",
                                           "routines", "arguments", "dads", "mums", "mediation"),
    "early-years-and-child-development": ("toddlers", "babies", "play", "talking", "learning", "nursery",
                                          "development", "speech", "language", "songs"),
    "pregnancy-and-new-baby": ("pregnancy", "antenatal", "midwife", "breastfeeding", "newborn", "baby",
                               "feeding", "sleep", "postnatal", "maternity"),
    "emotional-wellbeing-and-mental-health": ("counselling", "anxiety", "stress", "wellbeing", "mental",
                                              "health", "feelings", "bereavement", "low", "mood"),
    "domestic-abuse": ("domestic", "abuse", "violence", "safety", "controlling", "refuge", "recovery",
                       "relationships", "safe", "trauma"),
    "drugs-and-alcohol": ("drugs", "alcohol", "drinking", "recovery", "addiction", "substance", "misuse",
                          "treatment", "harm", "reduction"),
    "send-and-disability": ("send", "autism", "adhd", "disability", "disabled", "sensory", "additional",
                            "needs", "dyslexia", "ehcp"),
    "school-attendance-and-education": ("school", "attendance", "education", "homework", "college",
                                        "learning", "exclusion", "tutoring", "reading", "maths"),
    "money-debt-and-food": ("money", "debt", "food", "foodbank", "benefits", "budgeting", "bills", "pantry",
                            "meals", "energy"),
    "housing": ("housing", "homeless", "tenancy", "rent", "landlord", "eviction", "accommodation", "repairs",
                "damp", "home"),
    "employment-and-skills": ("employment", "jobs", "work", "skills", "training", "cv", "interview", "esol",
                              "volunteering", "qualifications"),
    "youth-activities-and-support": ("youth", "club", "teenagers", "sports", "football", "activities",
                                     "holidays", "games", "music", "friends"),
    "youth-crime-and-exploitation": ("exploitation", "crime", "gangs", "mentoring", "justice", "grooming",
                                     "county", "lines", "knife", "diversion"),
    "young-carers": ("carers", "caring", "young", "respite", "breaks", "siblings", "responsibilities",
                     "peer", "support", "trips"),
    "physical-health-and-healthy-lifestyles": ("healthy", "eating", "exercise", "fitness", "smoking", "dental",
                                               "teeth", "weight", "cooking", "active"),
    "sexual-health-and-relationships": ("sexual", "contraception", "testing", "clinic", "consent", "lgbt",
                                        "confidential", "relationships", "advice", "pregnancy"),
}

OPENINGS = ("A friendly", "A free", "A welcoming", "A small", "A weekly", "A confidential", "An informal",
            "A volunteer-led", "A trusted", "A busy")
KINDS = ("group", "service", "drop-in", "project", "programme", "club", "clinic", "session", "team", "network")
AUDIENCES = ("parents and carers", "children and young people", "families", "mums and dads", "teenagers",
             "children under five", "young people aged 11 to 19", "the whole family", "grandparents and kinship carers",
             "young adults with SEND")
# Everyday words of the sector, then a long tail: drawn with falling (Zipf) weights, so a few are
# common and most are rare, like the vocabulary of a real directory.
GENERAL_WORDS = (
    "support", "help", "advice", "sessions", "weekly", "friendly", "local", "community", "volunteers",
    "trained", "staff", "information", "one-to-one", "appointments", "online", "phone", "centre", "groups",
    "workers", "confidential", "welcome", "drop", "visits", "home", "courses", "activities", "outreach",
    "practical", "emotional", "listening", "signposting", "guidance", "advocacy", "workshops", "coffee",
    "chat", "meet", "share", "experience", "peer", "partnership", "council", "charity", "church", "library",
    "park", "hall", "venue", "crèche", "childcare", "transport", "accessible", "wheelchair", "interpreters",
    "languages", "urdu", "bengali", "polish", "arabic", "evening", "weekend", "morning", "afternoon",
    "term", "time", "holiday", "summer", "allotment", "art", "baking", "bikes", "board", "choir", "crafts",
    "dance", "drama", "gardening", "knitting", "lunch", "nature", "outdoor", "photography", "science",
    "sewing", "swimming", "theatre", "walking", "yoga", "cricket", "netball", "boxing", "climbing",
    "computers", "coding", "gaming", "film", "radio", "podcast", "poetry", "writing", "storytelling",
    "massage", "mindfulness", "relaxation", "nutrition", "recipes", "shopping", "clothes", "uniform",
    "furniture", "appliances", "energy", "warm", "space", "fuel", "vouchers", "grants", "forms", "letters",
    "appeals", "tribunal", "immigration", "asylum", "refugees", "citizenship", "translation", "faith",
    "mosque", "temple", "gurdwara", "synagogue", "chapel", "scouts", "guides", "cadets", "duke", "edinburgh",
    "award", "apprenticeships", "placements", "enterprise", "business", "money", "savings", "credit", "union",
    "pension", "veterans", "armed", "forces", "prison", "probation", "fostering", "adoption", "kinship",
    "special", "guardianship", "contact", "centre", "separation", "divorce", "co-parenting", "stepfamilies",
    "twins", "premature", "neonatal", "stillbirth", "miscarriage", "infertility", "menopause", "dementia",
    "stroke", "diabetes", "asthma", "epilepsy", "cancer", "hospice", "palliative", "wheelchairs", "hearing",
    "deaf", "signing", "bsl", "makaton", "visual", "impairment", "braille", "down", "syndrome", "cerebral",
    "palsy", "dyspraxia", "tourette", "ocd", "eating", "disorders", "self-harm", "suicide", "crisis",
    "samaritans", "helpline", "textline", "chatline", "webchat", "app", "digital", "tablets", "wifi", "data",
)
STREETS = ("Market Street", "Stamford Street", "Church Lane", "Mottram Road", "Manchester Road", "Oldham Road",
           "Stockport Road", "Hyde Road", "Park Road", "Station Road", "King Street", "Queen Street",
           "Victoria Street", "Mill Lane", "Chapel Street", "Granville Street", "Trafalgar Square", "High Street")
AGE_RANGES: tuple[tuple[int | None, int | None], ...] = (
    (0, 4), (0, 5), (0, 18), (5, 11), (8, 13), (11, 18), (11, 19), (13, 19), (16, 25), (0, 25), (None, None),
)
ORGANISATION_KINDS = ("vcse", "vcse", "vcse", "council", "nhs")


class SyntheticRefused(Exception):
    """The database is not one synthetic records may be written to; the message says why."""


@dataclass
class SyntheticReport:
    services: int
    organisations: int
    locations: int
    rows: int
    replaced: int
    seconds: float
    by_table: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class _Postcode:
    postcode: str
    latitude: float
    longitude: float
    ward_code: str | None


def check_database() -> int:
    """How many synthetic services there are already. Refuses (SyntheticRefused) a database with
    any real service, organisation or location, or one without the reference data."""
    for model in (Service, Organization, Location):
        real = db.session.execute(
            select(func.count()).select_from(model).where(model.data_source != SOURCE)
        ).scalar_one()
        if real:
            raise SyntheticRefused(
                f"The database has {real} {model.__tablename__} record(s) that are not synthetic, so synthetic "
                "services will not be added: they must never mix with a real directory. Point DATABASE_URL at a "
                "database of its own (empty, or synthetic only)."
            )
    if not db.session.execute(select(func.count()).select_from(Ward)).scalar_one() or not db.session.execute(
        select(func.count()).select_from(TaxonomyTerm).where(TaxonomyTerm.taxonomy == NEEDS_TAXONOMY)
    ).scalar_one():
        raise SyntheticRefused(
            "The reference data (needs, levels, wards, postcodes) is not loaded. "
            "Run `flask --app wsgi portal load-data --reference-only` first."
        )
    count: int = db.session.execute(
        select(func.count()).select_from(Service).where(Service.data_source == SOURCE)
    ).scalar_one()
    return count


def tameside_postcodes(data_dir: Path) -> list[_Postcode]:
    """Real Tameside postcodes with coordinates, from the ONS file the gazetteer is loaded from."""
    path = data_dir / POSTCODES_FILE
    found = []
    for line, record in read_csv(path):
        if record.get("in_tameside") != "true" or not record.get("latitude") or not record.get("longitude"):
            continue
        postcode = normalise_postcode(record["postcode"])
        if postcode is None:
            raise DataFileError(path, f"{record['postcode']!r} is not a postcode", row=line, field="postcode")
        found.append(_Postcode(postcode, float(record["latitude"]), float(record["longitude"]),
                               record.get("ward_code") or None))
    if not found:
        raise DataFileError(path, "no Tameside postcodes with coordinates")
    return found


def _remove_synthetic() -> None:
    for model in reversed(SYNTHETIC_TABLES):
        scope = owned_ids(model, (SOURCE,), [])
        if scope is not None:
            (pk,) = model.__table__.primary_key.columns
            db.session.execute(delete(model).where(pk.in_(scope)))


class _Generator:
    def __init__(self, rng: random.Random, vocab: Vocabularies, postcodes: Sequence[_Postcode], width: int) -> None:
        self.rng = rng
        self.vocab = vocab
        self.postcodes = postcodes
        self.width = width
        self.needs = [slug for slug in TOPICS if slug in vocab.needs]
        self.levels = list(vocab.levels)
        self.general_weights = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(GENERAL_WORDS))))
        self.town_by_ward = {code: town.name for town in vocab.towns.values() for code in town.ward_codes}

    def number(self, index: int) -> str:
        return f"{index:0{self.width}d}"

    def organisation(self, plan: SeedPlan, index: int) -> str:
        number = self.number(index)
        return add_organisation(
            plan,
            f"{SOURCE}:{number}",
            SOURCE,
            name=f"Synthetic organisation {number}",
            description="A made-up organisation for testing the directory at scale. It does not exist.",
            kind=self.rng.choice(ORGANISATION_KINDS),
        )

    def description(self, needs: list[str], town: str) -> str:
        rng = self.rng
        sentences = [f"{rng.choice(OPENINGS)} {rng.choice(KINDS)} for {rng.choice(AUDIENCES)} in {town}."]
        for slug in needs:
            first, second = rng.sample(NEED_WORDS[slug], 2)
            sentences.append(f"We help with {first} and {second}, and {rng.choice(NEED_WORDS[slug])} too.")
        tail = rng.choices(GENERAL_WORDS, cum_weights=self.general_weights, k=rng.randint(8, 20))
        sentences.append(f"Includes {', '.join(dict.fromkeys(tail))}.")
        sentences.append("This is synthetic test data, not a real service.")
        return " ".join(sentences)

    def hours(self) -> list[tuple[str, dt.time, dt.time, str | None]]:
        rng = self.rng
        if rng.random() < 0.35:
            return []
        days = sorted(rng.sample(WEEKDAYS[:5], rng.randint(1, 4)), key=WEEKDAYS.index)
        if rng.random() < 0.15:
            days.append(rng.choice(WEEKDAYS[5:]))
        opens = dt.time(rng.choice((9, 9, 10, 13, 17)), rng.choice((0, 30)))
        closes = dt.time(min(opens.hour + rng.randint(2, 8), 21), opens.minute)
        return [(day, opens, closes, None) for day in days]

    def service(self, plan: SeedPlan, index: int, organisation_id: str) -> None:
        rng = self.rng
        number = self.number(index)
        key = f"{SOURCE}:{number}"
        needs = rng.sample(self.needs, rng.choice((1, 1, 2, 2, 3)))
        topic = rng.choice(TOPICS[needs[0]])
        postcode = rng.choice(self.postcodes)
        town = self.town_by_ward.get(postcode.ward_code or "", "Tameside")
        minimum_age, maximum_age = rng.choice(AGE_RANGES)
        borough_wide = rng.random() < 0.1
        self_referral = rng.random() < 0.45
        price = rng.random()
        spec = ServiceSpec(
            key=key,
            organization_id=organisation_id,
            name=f"Synthetic service {number} – {topic}",
            description=self.description(needs, town),
            source=SOURCE,
            needs=needs,
            levels=[rng.choice(self.levels)],
            eligibility_description=(f"Families living in {town}." if rng.random() < 0.3 else None),
            minimum_age=minimum_age,
            maximum_age=maximum_age,
            self_referral=self_referral,
            needs_referral=not self_referral and rng.random() < 0.5,
            free=price < 0.55,
            all_of_tameside=borough_wide,
            # Ofcom keeps 0161 496 0000 to 0999 for drama: these numbers can never reach anyone.
            phones=[(f"0161 496 0{rng.randint(0, 999):03d}", None)] if rng.random() < 0.5 else [],
        )
        service_id = add_service(plan, spec, self.vocab)
        if 0.55 <= price < 0.7:
            plan.add(CostOption, id=seed_id("cost_option", key), service_id=service_id, option="Per session",
                     amount=Decimal(rng.choice(("1.50", "2.00", "3.50", "5.00"))), currency="GBP",
                     amount_description="A small charge per session")
        if borough_wide and rng.random() < 0.5:
            return  # delivered across the borough, with no place of its own
        place = PlaceSpec(
            key=key,
            name=f"Synthetic venue {number}",
            address_1=f"{rng.randint(1, 250)} {rng.choice(STREETS)}",
            address_2=None,
            city=town,
            postal_code=postcode.postcode,
            latitude=postcode.latitude,
            longitude=postcode.longitude,
            ward_code=postcode.ward_code,
            hours=self.hours(),
        )
        add_place(plan, service_id, organisation_id, place, SOURCE, self.vocab)


def _insert(plan: SeedPlan, counts: dict[str, int]) -> None:
    for model in WRITE_ORDER:
        rows: list[dict[str, Any]] = plan.rows.get(model, [])
        for start in range(0, len(rows), CHUNK * 4):
            db.session.execute(insert(model), rows[start:start + CHUNK * 4])
        if rows:
            counts[model.__tablename__] = counts.get(model.__tablename__, 0) + len(rows)


def generate_synthetic(count: int, seed: int, vocab: Vocabularies, data_dir: Path) -> SyntheticReport:
    """Replace any synthetic records with `count` fresh synthetic services (the same ones for the
    same count and seed), in one transaction. The caller's session is committed here."""
    if count < 1:
        raise SyntheticRefused("The count must be at least 1.")
    started = time.perf_counter()
    try:
        replaced = check_database()
        postcodes = tameside_postcodes(data_dir)
        if replaced:
            _remove_synthetic()
        rng = random.Random(seed)  # nosec B311  # synthetic test data, reproducible from its seed: no secret
        generator = _Generator(rng, vocab, postcodes, width=max(5, len(str(count - 1))))
        counts: dict[str, int] = {}
        organisation_id = ""
        for batch_start in range(0, count, BATCH):
            plan = SeedPlan()
            for index in range(batch_start, min(count, batch_start + BATCH)):
                if index % SERVICES_PER_ORGANISATION == 0:
                    organisation_id = generator.organisation(plan, index // SERVICES_PER_ORGANISATION)
                generator.service(plan, index, organisation_id)
            _insert(plan, counts)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return SyntheticReport(
        services=counts.get(Service.__tablename__, 0),
        organisations=counts.get(Organization.__tablename__, 0),
        locations=counts.get(Location.__tablename__, 0),
        rows=sum(counts.values()),
        replaced=replaced,
        seconds=time.perf_counter() - started,
        by_table=counts,
    )
