"""Who may use each route: the rule every route declares, and the answer each kind of person gets.

A route added without a rule stops the app from starting (see test_a_route_without_a_rule_stops_the_app);
a route added without a line in EXPECTED_ACCESS fails here, so every access decision is written down twice.
Object-level rules (an editor of one organisation and another's drafts) are tested with their features.
"""

from __future__ import annotations

import re

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient

from portal.access import rule_for
from portal.config import ConfigError
from tests.accounts import Person, csrf_token, make_account, sign_in_as

PUBLIC = "public"
SIGNED_IN = "signed in"

# endpoint -> "public", "signed in" or "roles: a, b" (as AccessRule.describe() writes it).
EXPECTED_ACCESS = {
    "static": PUBLIC,
    "health.healthz": PUBLIC,
    "pages.home": PUBLIC,
    "pages.early_help": PUBLIC,
    "pages.practitioners": PUBLIC,
    "pages.urgent_help": PUBLIC,
    "pages.accessibility": PUBLIC,
    "pages.privacy": PUBLIC,
    "pages.data_sources": PUBLIC,
    "directory.needs": PUBLIC,
    "directory.need": PUBLIC,
    "directory.service": PUBLIC,
    "directory.organisation": PUBLIC,
    "search.results": PUBLIC,
    "search.results_map": PUBLIC,
    # Kiosk mode and shortlists (no account: everyone).
    "kiosk.start": PUBLIC,
    "kiosk.begin": PUBLIC,
    "kiosk.where": PUBLIC,
    "kiosk.reset": PUBLIC,
    "kiosk.still_here": PUBLIC,
    "shortlist.view": PUBLIC,
    "shortlist.add": PUBLIC,
    "shortlist.remove": PUBLIC,
    "shortlist.move": PUBLIC,
    "shortlist.print_summary": PUBLIC,
    "shortlist.shared": PUBLIC,
    "shortlist.keep": PUBLIC,
    "questionnaire.start": PUBLIC,
    "questionnaire.leave": PUBLIC,
    "questionnaire.check": PUBLIC,
    "questionnaire.block": PUBLIC,
    "questionnaire.outcome": PUBLIC,
    "questionnaire.contact": PUBLIC,
    "questionnaire.contact_sent": PUBLIC,
    # Accounts.
    "accounts.sign_in": PUBLIC,
    "accounts.two_factor": PUBLIC,
    "accounts.set_up_two_factor": PUBLIC,
    "accounts.sign_out": PUBLIC,
    "accounts.forgotten_password": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.unlock_account": PUBLIC,
    "accounts.accept_invitation": PUBLIC,
    "accounts.renew_invitation": PUBLIC,
    "accounts.account": SIGNED_IN,
    "accounts.sign_out_everywhere": SIGNED_IN,
    "admin.users": "roles: admin",
    "admin.user": "roles: admin",
    "admin.invite": "roles: admin, moderator",
    "admin.audit": "roles: admin",
    # Open Referral UK API (read-only, open to all).
    "oruk_api.index": PUBLIC,
    "oruk_api.openapi": PUBLIC,
    "oruk_api.service_list": PUBLIC,
    "oruk_api.service": PUBLIC,
    "oruk_api.service_at_location_list": PUBLIC,
    "oruk_api.service_at_location": PUBLIC,
    "oruk_api.taxonomy_list": PUBLIC,
    "oruk_api.taxonomy": PUBLIC,
    "oruk_api.taxonomy_term_list": PUBLIC,
    "oruk_api.taxonomy_term": PUBLIC,
    # Editing listings (editors) and moderation (moderators).
    "listings.organisations": "roles: editor",
    "listings.organisation": "roles: editor",
    "listings.edit_organisation": "roles: editor",
    "listings.new_service": "roles: editor",
    "listings.service": "roles: editor",
    "listings.section": "roles: editor",
    "listings.place": "roles: editor",
    "listings.remove_place": "roles: editor",
    "listings.opening_times": "roles: editor",
    "listings.submit": "roles: editor",
    "listings.discard": "roles: editor",
    "moderation.queue": "roles: moderator",
    "moderation.review": "roles: moderator",
    "moderation.history": "roles: moderator",
    "moderation.restore": "roles: moderator",
    # Freshness, problem reports and requests to manage a listing.
    "freshness.still_correct": "roles: editor, moderator",
    "freshness.overdue": "roles: moderator",
    "reports.report_problem": PUBLIC,
    "reports.problem_reported": PUBLIC,
    "reports.open_reports": "roles: editor, moderator",
    "reports.resolve": "roles: editor, moderator",
    "manage_requests.ask": PUBLIC,
    "manage_requests.asked": PUBLIC,
    "manage_requests.pending": "roles: moderator",
    "manage_requests.request_page": "roles: moderator",
    "manage_requests.approve": "roles: moderator",
    "manage_requests.reject": "roles: moderator",
    # Early Help staff queue: families' details, so Early Help staff only (not administrators).
    "early_help.queue": "roles: early_help",
    "early_help.request_page": "roles: early_help",
    "early_help.assign": "roles: early_help",
    "early_help.outcome": "roles: early_help",
    "early_help.close": "roles: early_help",
}

# Values for URL parts; made-up ids are fine: access is decided before the view looks anything up.
URL_VALUES = {
    "section": "details", "place": "new",
    "service_at_location_id": "00000000-0000-0000-0000-000000000000",
    "taxonomy_id": "00000000-0000-0000-0000-000000000000", "taxonomy_term_id": "00000000-0000-0000-0000-000000000000",
    "slug": "family-support", "service_id": "00000000-0000-0000-0000-000000000000",
    "organisation_id": "00000000-0000-0000-0000-000000000000", "account_id": "00000000-0000-0000-0000-000000000000",
    "token": "not-a-real-token", "block_id": "who", "outcome_id": "services_for_all", "filename": "css/app.css",
    "reference": "EH-0000-0000", "request_id": "00000000-0000-0000-0000-000000000000",
    "version_id": "00000000-0000-0000-0000-000000000000", "report_id": "00000000-0000-0000-0000-000000000000",
}
PEOPLE = ("anonymous", "editor_a", "editor_b", "moderator", "early_help", "admin")
ROLES_OF = {"editor_a": ("editor",), "editor_b": ("editor",), "moderator": ("moderator",),
            "early_help": ("early_help",), "admin": ("admin",)}


def test_every_route_has_the_expected_rule(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED_ACCESS), (
        f"routes without a written-down access decision: {sorted(endpoints - set(EXPECTED_ACCESS))}; "
        f"decisions for routes that are gone: {sorted(set(EXPECTED_ACCESS) - endpoints)}")
    for endpoint, expected in EXPECTED_ACCESS.items():
        rule = rule_for(app, endpoint)
        assert rule is not None and rule.describe() == expected, f"{endpoint}: {rule and rule.describe()}"


def test_a_route_without_a_rule_stops_the_app(app: Flask) -> None:
    from portal.access import check_every_route_has_a_rule

    extra = Blueprint("forgotten", __name__)
    extra.add_url_rule("/forgotten", "forgotten", lambda: "no rule")
    bare = Flask("bare")
    bare.register_blueprint(extra)
    with pytest.raises(ConfigError, match="forgotten.forgotten"):
        check_every_route_has_a_rule(bare)


@pytest.fixture(scope="module")
def people(seeded_app: Flask) -> dict[str, Person]:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models.organisation import Organization

    with seeded_app.app_context():
        first, second = list(db.session.scalars(select(Organization.id).order_by(Organization.name).limit(2)))
    made = {}
    for name, roles in ROLES_OF.items():
        organisations = (first,) if name == "editor_a" else (second,) if name == "editor_b" else ()
        made[name] = make_account(seeded_app, roles=roles, organisations=organisations)
    return made


def _url(app: Flask, endpoint: str) -> tuple[str, str]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    url = rule.rule
    for argument in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{argument}>", URL_VALUES[argument], url)
    method = "GET" if "GET" in (rule.methods or ()) else "POST"
    return url, method


def _expected_refusal(person: str, rule_text: str) -> int | None:
    """The status a person must get, or None when they are let through to the page itself."""
    if rule_text == PUBLIC:
        return None
    if person == "anonymous":
        return 303  # to sign in (401 for a POST, checked below)
    if rule_text == SIGNED_IN:
        return None
    allowed = set(rule_text.removeprefix("roles: ").split(", "))
    return None if allowed & set(ROLES_OF[person]) else 403


@pytest.mark.parametrize("person", PEOPLE)
def test_each_person_gets_the_answer_their_role_allows(
        client: FlaskClient, people: dict[str, Person], person: str) -> None:
    app = client.application
    for endpoint, rule_text in sorted(EXPECTED_ACCESS.items()):
        if endpoint in ("accounts.sign_out", "accounts.sign_out_everywhere", "static"):
            continue  # they end the session; tested with sign-in
        if person != "anonymous":
            sign_in_as(client, people[person])
        else:
            with client.session_transaction() as session:
                session.clear()
        url, method = _url(app, endpoint)
        if method == "GET":
            response = client.get(url)
        else:
            token = csrf_token(client.get("/sign-in" if person == "anonymous" else "/account").get_data(as_text=True))
            response = client.post(url, data={"csrf_token": token})
        refusal = _expected_refusal(person, rule_text)
        if refusal is None:
            assert response.status_code not in (401, 403) and not (
                response.status_code in (302, 303) and "/sign-in?next=" in response.headers.get("Location", "")
            ), f"{person} should reach {method} {url} ({endpoint}) but got {response.status_code}"
            assert response.status_code < 500, f"{method} {url} answered {response.status_code}"
        elif refusal == 303 and method == "POST":
            assert response.status_code == 401, f"{person} {method} {url}: {response.status_code}"
        elif refusal == 303:
            assert response.status_code == 303, f"{person} {method} {url}: {response.status_code}"
            assert response.headers["Location"].startswith("/sign-in?next=")
        else:
            assert response.status_code == refusal, f"{person} {method} {url}: {response.status_code}"


def test_a_post_without_a_csrf_token_is_refused(client: FlaskClient, people: dict[str, Person]) -> None:
    sign_in_as(client, people["admin"])
    response = client.post(f"/admin/users/{people['editor_a'].id}", data={"roles": ["admin"], "active": "y"})
    assert response.status_code == 400
    from portal.extensions import db
    from portal.models.account import UserAccount

    assert db.session.get(UserAccount, people["editor_a"].id).roles == frozenset({"editor"})
