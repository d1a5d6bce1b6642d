"""A shortlist is an ordered list of service ids. Reading a shared link's ids and changing the order.
No Flask imports."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

MAX_ITEMS = 10
# A link longer than this cannot be a shortlist of MAX_ITEMS ids, whatever the separators.
MAX_LINK_CHARACTERS = MAX_ITEMS * 40 + 20
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def is_service_id(value: object) -> bool:
    if not isinstance(value, str) or not _UUID.match(value):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass
class SharedIds:
    ids: list[str] = field(default_factory=list)
    malformed: int = 0  # parts of the link that were not service ids
    too_many: bool = False


def read_shared_ids(values: list[str]) -> SharedIds:
    """The ids in a shared link (?ids=a,b,c, or ids repeated). Never raises."""
    shared = SharedIds()
    if sum(len(value) for value in values) > MAX_LINK_CHARACTERS:
        shared.too_many = True
        return shared
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            if not is_service_id(part):
                shared.malformed += 1
            elif part not in shared.ids:
                shared.ids.append(part)
    if len(shared.ids) > MAX_ITEMS:
        shared.too_many = True
        shared.ids = []
    return shared


def cleaned(saved: object) -> list[str]:
    """The shortlist kept in the session, trusting nothing about its shape."""
    if not isinstance(saved, list):
        return []
    ids: list[str] = []
    for item in saved:
        if is_service_id(item) and item not in ids:
            ids.append(item)
    return ids[:MAX_ITEMS]


def add(ids: list[str], service_id: str) -> list[str] | None:
    """The list with the service added at the end; None when it is full."""
    if service_id in ids:
        return ids
    if len(ids) >= MAX_ITEMS:
        return None
    return ids + [service_id]


def remove(ids: list[str], service_id: str) -> list[str]:
    return [item for item in ids if item != service_id]


def move(ids: list[str], service_id: str, direction: str) -> list[str]:
    """The list with the service moved one place "up" or "down" (unchanged at either end)."""
    if service_id not in ids or direction not in ("up", "down"):
        return ids
    position = ids.index(service_id)
    other = position - 1 if direction == "up" else position + 1
    if other < 0 or other >= len(ids):
        return ids
    moved = list(ids)
    moved[position], moved[other] = moved[other], moved[position]
    return moved


def merge(ids: list[str], incoming: list[str]) -> tuple[list[str], int]:
    """`incoming` added after `ids`, up to MAX_ITEMS; how many did not fit."""
    merged = list(ids)
    left_out = 0
    for service_id in incoming:
        if service_id in merged:
            continue
        if len(merged) >= MAX_ITEMS:
            left_out += 1
        else:
            merged.append(service_id)
    return merged, left_out
