"""The urgent-help route, shown on every page. Numbers from Tameside's Early Help strategic
framework ("Smarter, Stronger, Sooner, Safer", Figure 2)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString


@dataclass(frozen=True)
class UrgentContact:
    number: str
    name: LazyString
    when: LazyString


URGENT_CONTACTS = {
    "emergency": UrgentContact("999", _l("Emergency services"), _l("If a child is in danger right now")),
    "hub": UrgentContact(
        "0161 342 4101",
        _l("Children's HUB"),
        _l("Office hours, if you are worried a child is being harmed"),
    ),
    "out_of_hours": UrgentContact(
        "0161 342 2222",
        _l("Out of hours team"),
        _l("When the Children's HUB is closed"),
    ),
}
