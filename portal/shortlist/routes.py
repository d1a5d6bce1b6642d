"""/shortlist: add, remove and move services, print with a note, share as a link or QR code.

Every change is a POST form with a form token, answered with a redirect: no JavaScript needed.
Bad values (an unknown id, a withdrawn service, a strange direction) change nothing and never fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import quote

from flask import Blueprint, flash, has_request_context, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from portal.access import public
from portal.accounts.redirects import safe_next
from portal.inputs import without_control_characters
from portal.kiosk.qr import qr_svg
from portal.kiosk.session import on_kiosk
from portal.shortlist import ids as shortlist_ids
from portal.shortlist import services
from portal.shortlist.forms import NoteForm
from portal.weblinks import allowed_link

blueprint = Blueprint("shortlist", __name__, template_folder="templates")
FLASH = "shortlist"


@blueprint.app_context_processor
def shortlist_context() -> dict[str, object]:
    """Which services are on this person's shortlist, for the add/remove buttons on every listing."""
    if not has_request_context():  # templates rendered by commands (emails) have no session
        return {"shortlist_ids": frozenset()}
    return {"shortlist_ids": frozenset(services.saved_ids())}


SHORTLIST_FORM_KEY = "portal.shortlist_form"  # kept with the request (g can outlive one, as in tests)


@dataclass(frozen=True)
class ShortlistForm:
    add: str
    remove: str
    token: str
    back: str  # the page to come back to


@blueprint.app_template_global()
def shortlist_form() -> ShortlistForm:
    """What every add or remove button on a page shares (the two addresses, this visitor's form token,
    the page to come back to): worked out once a page rather than once a button (twenty on a page of
    results)."""
    found: ShortlistForm | None = request.environ.get(SHORTLIST_FORM_KEY)
    if found is None:
        found = ShortlistForm(url_for("shortlist.add"), url_for("shortlist.remove"), generate_csrf(),
                              request.full_path if request.query_string else request.path)
        request.environ[SHORTLIST_FORM_KEY] = found
    return found


@blueprint.app_template_global()
def take_away_links(service, page_qr=None) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A service page's link and QR code to take away (`page_qr`: the code already drawn, as a service
    page keeps it); on a kiosk, a QR code of its website too."""
    link = services.service_url(service.id)
    website = allowed_link(service.url) if on_kiosk() else None
    return {
        "link": link,
        "qr": page_qr or qr_svg(link, _("QR code: a link to this page")),
        "website_qr": qr_svg(website, _("QR code: the service's website")) if website else None,
    }


@blueprint.app_template_global()
def today() -> dt.date:
    return dt.date.today()


def _service_id() -> str:
    return without_control_characters(request.form.get("service_id") or "").strip().lower()[:40]


def _back(service_id: str) -> Response:
    target = safe_next(request.form.get("next")) or url_for("shortlist.view")
    if shortlist_ids.is_service_id(service_id):
        target = target.split("#", 1)[0] + f"#shortlist-{service_id}"
    return redirect(target, code=303)


def _sharing(ids: list[str]) -> dict[str, object]:
    link = services.share_url(ids)
    subject = _("Services from Tameside Family Help")
    body = _("Here are the services we talked about: %(link)s", link=link)
    return {
        "share_link": link,
        "share_qr": qr_svg(link, _("QR code: a link to this list of services")),
        "mailto": f"mailto:?subject={quote(subject)}&body={quote(body)}",
    }


@blueprint.get("/shortlist")
@public
def view():  # type: ignore[no-untyped-def]
    return _view_page(NoteForm())


def _view_page(form: NoteForm, status: int = 200):  # type: ignore[no-untyped-def]
    ids = services.saved_ids()
    listed = services.services_in_order(ids)
    if listed.dropped:
        services.save_ids([service.id for service in listed.services])
    kept = [service.id for service in listed.services]
    page = render_template("shortlist/view.html", listed=listed, form=form, form_errors=bool(form.errors),
                           max_items=shortlist_ids.MAX_ITEMS, **_sharing(kept))
    return page, status


@blueprint.post("/shortlist/add")
@public
def add():  # type: ignore[no-untyped-def]
    service_id = _service_id()
    if not services.public_service_exists(service_id):
        flash(_("That service is no longer listed, so it was not added."), FLASH)
        return redirect(url_for("shortlist.view"), code=303)
    changed = shortlist_ids.add(services.saved_ids(), service_id)
    if changed is None:
        flash(_("Your shortlist is full: it can hold %(count)d services. Remove one to add another.",
                count=shortlist_ids.MAX_ITEMS), FLASH)
        return redirect(url_for("shortlist.view"), code=303)
    services.save_ids(changed)
    return _back(service_id)


@blueprint.post("/shortlist/remove")
@public
def remove():  # type: ignore[no-untyped-def]
    service_id = _service_id()
    services.save_ids(shortlist_ids.remove(services.saved_ids(), service_id))
    return _back(service_id)


@blueprint.post("/shortlist/move")
@public
def move():  # type: ignore[no-untyped-def]
    service_id = _service_id()
    direction = (request.form.get("direction") or "")[:10]
    services.save_ids(shortlist_ids.move(services.saved_ids(), service_id, direction))
    return redirect(url_for("shortlist.view", _anchor=f"shortlist-{service_id}"), code=303)


@blueprint.route("/shortlist/print", methods=["GET", "POST"])
@public
def print_summary():  # type: ignore[no-untyped-def]
    """The one-page summary. The note comes with the POST and goes out in this page only: never stored."""
    form = NoteForm()
    note = ""
    if request.method == "POST":
        if not form.validate_on_submit():
            return _view_page(form, status=400)
        note = (form.note.data or "").strip()
    listed = services.services_in_order(services.saved_ids())
    kept = [service.id for service in listed.services]
    return render_template("shortlist/print.html", listed=listed, note=note, **_sharing(kept))


@blueprint.get("/shortlist/shared")
@public
def shared():  # type: ignore[no-untyped-def]
    found = shortlist_ids.read_shared_ids(request.args.getlist("ids"))
    if found.too_many:
        return render_template("shortlist/too_many.html", max_items=shortlist_ids.MAX_ITEMS), 400
    listed = services.services_in_order(found.ids)
    kept = [service.id for service in listed.services]
    return render_template("shortlist/shared.html", listed=listed, malformed=found.malformed, kept=kept,
                           **_sharing(kept))


@blueprint.post("/shortlist/keep")
@public
def keep():  # type: ignore[no-untyped-def]
    """Add a shared list's services to this person's own shortlist."""
    found = shortlist_ids.read_shared_ids(request.form.getlist("ids"))
    listed = services.services_in_order(found.ids)
    merged, left_out = shortlist_ids.merge(services.saved_ids(), [service.id for service in listed.services])
    services.save_ids(merged)
    if left_out:
        flash(_("Your shortlist is full, so %(count)d services were not added.", count=left_out), FLASH)
    return redirect(url_for("shortlist.view"), code=303)
