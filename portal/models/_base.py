"""Shared column helpers for the Open Referral UK 3.0 tables."""

import uuid

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

# Stable ids: records loaded from seed data get a uuid5 of their seed key in this namespace, so
# re-running the loader finds the same rows and every URL stays the same.
SEED_NAMESPACE = uuid.UUID("6f0f3b4e-6a0e-4e53-9d1f-2f6a8f3c1d10")


# `data_source` of records the directory's own people look after: new listings made in the portal, and
# seeded listings once a moderator has approved an organisation's change to them. The seed loader
# leaves these alone, so re-running it never undoes an approved edit.
PORTAL_SOURCE = "portal"


def seed_id(kind: str, key: str) -> str:
    """The id a seeded record of `kind` with the stable `key` always has."""
    return str(uuid.uuid5(SEED_NAMESPACE, f"{kind}:{key}"))


def new_id() -> str:
    return str(uuid.uuid4())


def id_column() -> Mapped[str]:
    return mapped_column(String(36), primary_key=True, default=new_id)
