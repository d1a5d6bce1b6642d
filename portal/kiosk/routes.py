"""/kiosk: the start screen, choosing a town for a need, "Start again", and "I'm still here"."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from portal.access import public
from portal.extensions import csrf
from portal.kiosk import session as visit
from portal.kiosk.hooks import init_kiosk
from portal.templating import vocabularies

blueprint = Blueprint("kiosk", __name__, template_folder="templates")
blueprint.record_once(lambda state: init_kiosk(state.app))  # type: ignore[arg-type]


@blueprint.get("/kiosk")
@public
def start():  # type: ignore[no-untyped-def]
    """The kiosk's start screen. A browser that is not yet a kiosk is only offered a button to become
    one: opening the address (a link from anywhere) changes nothing and signs nobody out."""
    if not visit.kiosk_active():
        return render_template("kiosk/begin.html")
    vocab = vocabularies()
    return render_template("kiosk/start.html", needs=list(vocab.needs.values()), towns=list(vocab.towns.values()))


@blueprint.post("/kiosk")
@public
def begin():  # type: ignore[no-untyped-def]
    """Make this browser a kiosk, from the form on /kiosk (with its token: another site cannot do it)."""
    visit.start_visit()  # anyone signed in is signed out
    return redirect(visit.start_url(), code=303)


@blueprint.get("/kiosk/where")
@public
def where():  # type: ignore[no-untyped-def]
    if not visit.kiosk_active():
        return redirect(url_for("kiosk.start"), code=303)
    need = vocabularies().needs.get((request.args.get("need") or "").strip().lower()[:80])
    if need is None:
        abort(404)
    return render_template("kiosk/where.html", need=need, towns=list(vocabularies().towns.values()))


# Not checked for a form token: starting again must work even when the kiosk's session (and its token)
# has gone. It only ever acts on a browser that is a kiosk already (KIOSK_MODE, or a kiosk session): a
# post from another site, or from anyone's own browser, changes nothing for a session that is not one
# (and the session cookie is SameSite=Lax, so a post from another site carries no session anyway).
@blueprint.post("/kiosk/reset")
@public
@csrf.exempt
def reset():  # type: ignore[no-untyped-def]
    if visit.kiosk_active():
        visit.start_visit()
    return redirect(visit.start_url(), code=303)


@blueprint.post("/kiosk/still-here")
@public
def still_here():  # type: ignore[no-untyped-def]
    # The last-activity time was moved on before this view ran (hooks.before_request).
    return ("", 204)
