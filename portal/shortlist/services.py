"""The shortlist's services, read from the directory: only public services, in the person's order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app, session, url_for
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import Service, ServiceAtLocation
from portal.models.service import public_services
from portal.shortlist import ids as shortlist_ids

SESSION_KEY = "shortlist"


@dataclass
class Listed:
    services: list[Service] = field(default_factory=list)
    dropped: int = 0  # ids that name no public service (unknown or withdrawn)


def saved_ids() -> list[str]:
    return shortlist_ids.cleaned(session.get(SESSION_KEY))


def save_ids(ids: list[str]) -> None:
    session[SESSION_KEY] = list(ids)


def public_service_exists(service_id: str) -> bool:
    if not shortlist_ids.is_service_id(service_id):
        return False
    found = db.session.execute(public_services().where(Service.id == service_id)).scalar_one_or_none()
    return found is not None


def services_in_order(ids: Sequence[str]) -> Listed:
    """The public services named by `ids`, in that order, and how many ids named none."""
    if not ids:
        return Listed()
    query = public_services().where(Service.id.in_(list(ids))).options(
        selectinload(Service.phones),
        selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.phones),
    )
    found = {service.id: service for service in db.session.execute(query).scalars().all()}
    return Listed([found[i] for i in ids if i in found], sum(1 for i in ids if i not in found))


def share_url(ids: Sequence[str]) -> str:
    """A link holding only the ids. On a dedicated kiosk terminal (KIOSK_MODE) the public site's address
    (PUBLIC_BASE_URL) is used, since the terminal's own address may mean nothing on a phone."""
    joined = ",".join(ids)
    if current_app.config.get("KIOSK_MODE"):
        return current_app.config["PUBLIC_BASE_URL"] + url_for("shortlist.shared", ids=joined, kv=None)
    return url_for("shortlist.shared", ids=joined, kv=None, _external=True)


def service_url(service_id: str) -> str:
    if current_app.config.get("KIOSK_MODE"):
        return current_app.config["PUBLIC_BASE_URL"] + url_for("directory.service", service_id=service_id, kv=None)
    return url_for("directory.service", service_id=service_id, kv=None, _external=True)
