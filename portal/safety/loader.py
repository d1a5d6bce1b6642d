"""Read `directory_data/search/safety.yaml` and check it against the support services file and the
urgent numbers: a wrong reference stops the portal starting, naming the file and the intent."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from portal.safety.matching import compile_phrase
from portal.safety.model import LANGUAGES, Helpline, Intent, PanelContact, SafetyIntents

_NUMBER = re.compile(r"^\s*(\+?[0-9][0-9 ]*[0-9])\s*(?:\((.+)\))?\s*$")


class SafetyDataError(ValueError):
    pass


def _hours(text: str) -> str | None:
    """The source's hours, unless the source itself is old or unsure ("... check")."""
    text = text.strip()
    return None if not text or "check" in text.lower() else text


def helpline_from_row(row: dict[str, str]) -> Helpline:
    confirmed = row.get("contact_confirmed", "").strip() == "yes"
    phone, note = None, None
    match = _NUMBER.match(row.get("phone", ""))
    if confirmed and match:
        phone, note = match.group(1), match.group(2)
    text = row.get("text", "").strip() if confirmed else ""
    return Helpline(name=row["name"].strip(), phone=phone, phone_note=note,
                    text=text if _NUMBER.match(text) else None, hours=_hours(row.get("hours", "")),
                    website=row.get("website", "").strip() or None, confirmed=confirmed)


def read_helplines(path: Path) -> dict[str, Helpline]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"].strip(): helpline_from_row(row) for row in csv.DictReader(handle)}


def _fail(path: Path, where: str, problem: str) -> SafetyDataError:
    return SafetyDataError(f"{path}: {where}: {problem}")


def _contact(path: Path, where: str, item: Any, helplines: dict[str, Helpline],
             urgent_keys: Iterable[str]) -> PanelContact:
    if isinstance(item, dict) and set(item) == {"urgent"}:
        if item["urgent"] not in set(urgent_keys):
            raise _fail(path, where, f"no urgent number called {item['urgent']!r}")
        return PanelContact(urgent=str(item["urgent"]))
    if isinstance(item, dict) and set(item) == {"service"}:
        helpline = helplines.get(str(item["service"]))
        if helpline is None:
            raise _fail(path, where, f"no support service called {item['service']!r} in the support services file")
        return PanelContact(helpline=helpline)
    raise _fail(path, where, f"a contact is `urgent: <key>` or `service: <name>`, not {item!r}")


def load_safety_intents(path: Path, services_path: Path, urgent_keys: Iterable[str],
                        need_slugs: Iterable[str]) -> SafetyIntents:
    helplines = read_helplines(services_path)
    needs = set(need_slugs)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SafetyDataError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("intents"), list) or not data["intents"]:
        raise SafetyDataError(f"{path}: needs a list of `intents`")
    intents, seen = [], set()
    for number, item in enumerate(data["intents"], 1):
        where = f"intent {item.get('id', number) if isinstance(item, dict) else number}"
        if not isinstance(item, dict):
            raise _fail(path, where, "an intent is a mapping")
        missing = {"id", "title", "now", "needs", "contacts", "phrases"} - set(item)
        if missing:
            raise _fail(path, where, "missing " + ", ".join(sorted(missing)))
        if item["id"] in seen:
            raise _fail(path, where, "the id is used twice")
        seen.add(item["id"])
        unknown_needs = set(item["needs"] or ()) - needs
        if unknown_needs:
            raise _fail(path, where, "unknown needs " + ", ".join(sorted(unknown_needs)))
        contacts = tuple(_contact(path, where, contact, helplines, urgent_keys) for contact in item["contacts"] or ())
        if not any(contact.urgent == "emergency" for contact in contacts):
            raise _fail(path, where, "every panel starts from 999 (`urgent: emergency`)")
        phrases = item["phrases"] or {}
        if set(phrases) != set(LANGUAGES):
            raise _fail(path, where, "phrases are needed in each of " + ", ".join(LANGUAGES))
        compiled = {}
        for language in LANGUAGES:
            if not phrases[language]:
                raise _fail(path, where, f"no phrases in {language}")
            try:
                compiled[language] = tuple(compile_phrase(str(phrase)) for phrase in phrases[language])
            except ValueError as error:
                raise _fail(path, where, f"{language}: {error}") from error
        intents.append(Intent(id=str(item["id"]), title=str(item["title"]), now=str(item["now"]),
                              needs=tuple(item["needs"] or ()), contacts=contacts, phrases=compiled))
    quick_exit_needs = frozenset(data.get("quick_exit_needs") or ())
    if quick_exit_needs - needs:
        raise SafetyDataError(f"{path}: quick_exit_needs: unknown needs " + ", ".join(sorted(quick_exit_needs - needs)))
    return SafetyIntents(tuple(intents), quick_exit_needs)
