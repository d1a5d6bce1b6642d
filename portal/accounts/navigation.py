"""The staff menu: each feature adds its own entry. Shown only to signed-in people with the role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user


@dataclass(frozen=True)
class StaffLink:
    endpoint: str
    label: Any
    roles: frozenset[str]  # empty: every signed-in person


STAFF_LINKS: list[StaffLink] = [
    StaffLink("listings.organisations", _l("Your organisations"), frozenset({"editor"})),
    StaffLink("moderation.queue", _l("Changes to review"), frozenset({"moderator"})),
    StaffLink("freshness.overdue", _l("Overdue listings"), frozenset({"moderator"})),
    StaffLink("reports.open_reports", _l("Problem reports"), frozenset({"editor", "moderator"})),
    StaffLink("manage_requests.pending", _l("Requests to manage listings"), frozenset({"moderator"})),
    StaffLink("early_help.queue", _l("Contact requests"), frozenset({"early_help"})),
    StaffLink("admin.invite", _l("Invite someone"), frozenset({"admin", "moderator"})),
    StaffLink("admin.users", _l("People"), frozenset({"admin"})),
    StaffLink("admin.audit", _l("Audit log"), frozenset({"admin"})),
    StaffLink("accounts.account", _l("Your account"), frozenset()),
]


def staff_links(active_endpoint: str | None) -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    links = []
    for link in STAFF_LINKS:
        if link.endpoint not in current_app.view_functions:
            continue  # a feature that is not installed
        if link.roles and not current_user.has_role(*link.roles):
            continue
        links.append({"href": url_for(link.endpoint), "text": link.label,
                      "active": active_endpoint == link.endpoint})
    return links
