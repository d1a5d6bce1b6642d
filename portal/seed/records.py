"""The rows a seed source wants to exist, and small helpers the sources share."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.datafiles import DataFileError
from portal.extensions import db
from portal.inputs import has_control_characters


@dataclass
class SeedPlan:
    """Everything the sources want: rows by model, in the order they must be written."""

    rows: dict[type[db.Model], list[dict[str, Any]]] = field(default_factory=dict)  # type: ignore[name-defined]
    skipped: dict[str, int] = field(default_factory=dict)

    def add(self, model: type[db.Model], **values: Any) -> dict[str, Any]:  # type: ignore[name-defined]
        self.rows.setdefault(model, []).append(values)
        return values

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


_SMALL_WORDS = {"and", "of", "the", "in", "on", "at", "for", "via", "under"}


def title_case(text: str) -> str:
    """'ST. ANDREW'S HOUSE SURGERY' -> "St. Andrew's House Surgery"; vowel-less words (GP, HT) stay capitals."""
    words = []
    for index, word in enumerate(text.strip().lower().split()):
        if index and word in _SMALL_WORDS:
            words.append(word)
        elif word.isalpha() and not re.search(r"[aeiouy]", word):
            words.append(word.upper())
        else:
            words.append(re.sub(r"(^|[-/(])([a-z])", lambda m: m.group(1) + m.group(2).upper(), word))
    return " ".join(words)


def uk_phone(number: str) -> str:
    """Space a UK number the usual way (0161 368 3312); other forms are kept as given."""
    digits = re.sub(r"\D", "", number)
    if len(digits) == 11 and digits.startswith("0161"):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) == 11 and digits.startswith("01"):
        return f"{digits[:5]} {digits[5:]}"
    return number.strip()


def parse_time_range(text: str) -> tuple[dt.time, dt.time] | None:
    """'08:30-17:00' -> (08:30, 17:00); raises ValueError for a malformed or backwards range."""
    text = text.strip()
    if not text:
        return None
    match = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})", text)
    if not match:
        raise ValueError(f"{text!r} is not a time range like 09:00-17:00")
    hour1, minute1, hour2, minute2 = (int(part) for part in match.groups())
    opens, closes = dt.time(hour1, minute1), dt.time(hour2, minute2)
    if closes <= opens:
        raise ValueError(f"{text!r} closes before it opens")
    return opens, closes


def read_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows of a CSV file with their line numbers (the header is line 1)."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(path, "the file is missing") from None
    with handle:
        for line, record in enumerate(csv.DictReader(handle), start=2):
            for name, value in record.items():
                if isinstance(value, str) and has_control_characters(value, multiline=True):
                    raise DataFileError(path, "holds control characters such as NUL (only tabs and line breaks)",
                                        row=line, field=name)
            yield line, record


def postcode_centroid(path: Path, line: int, record: dict[str, str]) -> tuple[float | None, float | None]:
    """The pc_latitude / pc_longitude columns the open-data files carry, checked."""
    try:
        latitude = float(record["pc_latitude"]) if record.get("pc_latitude") else None
        longitude = float(record["pc_longitude"]) if record.get("pc_longitude") else None
    except ValueError:
        raise DataFileError(path, "coordinates must be numbers", row=line, field="pc_latitude") from None
    return latitude, longitude
