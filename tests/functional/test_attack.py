"""Attack: random and hostile input on every public route finds no 500, comes back escaped or refused,
never redirects off the site, and every answer carries the exact security headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.routing import Rule

from portal.access import rule_for
from portal.accounts.redirects import safe_next
from portal.extensions import db, limiter
from portal.models import Service
from portal.security import STATIC_HEADERS
from tests.accounts import csrf_token, make_account

# Every query parameter any public page reads, and a few it does not.
PARAMETERS = ("q", "postcode", "radius", "age", "need", "level", "free", "day", "language", "accessibility",
              "neighbourhood", "self_referral", "sort", "page", "change", "next", "ids", "taxonomy_id", "lang")
# Routes that are not pages to probe: leaving the questionnaire goes to another site by design.
SKIPPED = {"questionnaire.leave"}
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "{{ 98765*3 }}",
    "{% for x in range(3) %}tpl{% endfor %}",
    "{{ config.SECRET_KEY }}",
    "${98765*3}",
    "' OR '1'='1",
    "1; DROP TABLE service; --",
    "' UNION SELECT password_hash FROM user_account --",
    "../../../../etc/passwd",
    "%00%0d%0aSet-Cookie: injected=1",
    "\u202etxt.exe",
    "x" * 5000,
)
# What must never appear in a page: each payload's active part, unescaped, or what evaluating it would print.
FORBIDDEN = ("<script>alert(1)</script>", "<img src=x onerror", "<svg onload", "href=\"javascript:", "296295",
             "tpltpltpl", "injected=1\r\n", "root:x:0:0")
text_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
values = st.one_of(text_values, st.integers(min_value=-10**12, max_value=10**12).map(str), st.sampled_from(PAYLOADS))


def public_rules(app: Flask, method: str) -> list[Rule]:
    rules = []
    for rule in app.url_map.iter_rules():
        access = rule_for(app, rule.endpoint)
        if access is not None and access.public and method in (rule.methods or ()) and rule.endpoint not in SKIPPED:
            rules.append(rule)
    return sorted(rules, key=lambda rule: rule.rule)


def build(app: Flask, rule: Rule, arguments: dict[str, str], query: dict[str, Any]) -> str:
    adapter = app.url_map.bind("localhost")
    values = {name: arguments.get(name, "x") or "x" for name in rule.arguments}
    url = adapter.build(rule.endpoint, {**values, **query}, force_external=False)
    return str(url)


def services_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Service)) or 0)


def on_this_site(location: str) -> bool:
    """Where a browser on https://family-help.example/ would go for this Location is on that site."""
    target = urlsplit(urljoin("https://family-help.example/somewhere/", location))
    return target.scheme == "https" and target.netloc == "family-help.example" and "\\" not in location


def client_app(response: Any) -> Flask:
    from flask import current_app

    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


def check_safe(response: Any, url: str) -> None:
    assert response.status_code < 500, f"{url} answered {response.status_code}"
    body = response.get_data(as_text=True)
    response.close()
    assert str(client_app(response).config["SECRET_KEY"]) not in body, f"{url} shows the secret key"
    for forbidden in FORBIDDEN:
        assert forbidden not in body, f"{url}: {forbidden!r} in the page"
    location = response.headers.get("Location", "")
    if location:
        assert on_this_site(location), f"{url} redirects to {location}"


@pytest.fixture
def open_forms(app: Flask) -> Iterator[None]:
    """Forms without CSRF and with generous limits, so random input reaches the form handling itself."""
    names = ("WTF_CSRF_ENABLED", "SIGN_IN_RATE_LIMIT", "CONTACT_RATE_LIMIT")
    saved = {key: app.config.get(key, True) for key in names}
    app.config.update(WTF_CSRF_ENABLED=False, SIGN_IN_RATE_LIMIT="100000 per minute",
                      CONTACT_RATE_LIMIT="100000 per minute")
    limiter.reset()
    yield
    app.config.update(saved)
    limiter.reset()
    db.session.rollback()


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_parameters_on_every_public_page_never_give_a_500(app: Flask, client: FlaskClient,
                                                                 data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from(public_rules(app, "GET")), label="route")
    arguments = data.draw(st.dictionaries(st.sampled_from(sorted(rule.arguments) or ["none"]), values), label="path")
    query = data.draw(st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=6), label="query")
    url = build(app, rule, arguments, query)
    check_safe(client.get(url), url)


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_form_posts_to_every_public_form_never_give_a_500(app: Flask, client: FlaskClient, open_forms: None,
                                                                 data: st.DataObject) -> None:
    rule = data.draw(st.sampled_from(public_rules(app, "POST")), label="route")
    arguments = data.draw(st.dictionaries(st.sampled_from(sorted(rule.arguments) or ["none"]), values), label="path")
    fields = ("email", "password", "code", "name", "phone", "safe_times", "postcode", "note", "consent",
              "message_allowed", "form_token", "website", "who", "ages", "worries", "situation", "danger_now",
              "child_harmed", "ask_contact", "next", "new_password", "confirm_password")
    form = data.draw(st.dictionaries(st.sampled_from(fields), values, max_size=8), label="form")
    url = build(app, rule, arguments, {})
    check_safe(client.post(url, data=form), url)


@pytest.mark.parametrize("url", ["/invitation//0", "/search//", "/needs//parenting", "/services//x", "/pl//search"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_doubled_slashes_are_not_redirected_by_the_router(client: FlaskClient, method: str, url: str) -> None:
    """The router would redirect a doubled slash to an address it builds from the request's own host
    and scheme (http:// behind an https proxy): such a path is simply not found."""
    response = client.open(url, method=method)
    check_safe(response, url)
    assert response.status_code not in (301, 308), response.headers.get("Location")


def test_hostile_values_in_every_parameter_are_escaped_or_refused(app: Flask, client: FlaskClient) -> None:
    before = services_count()
    service_id = db.session.scalars(select(Service.id).order_by(Service.id)).first()
    for rule in public_rules(app, "GET"):
        for payload in PAYLOADS:
            arguments = {name: payload for name in rule.arguments}
            if rule.endpoint == "directory.service":
                arguments = {"service_id": service_id}  # a real page, with hostile query parameters
            url = build(app, rule, arguments, {name: payload for name in PARAMETERS})
            check_safe(client.get(url), url)
    assert services_count() == before


def test_a_search_for_markup_shows_it_as_text(client: FlaskClient) -> None:
    body = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert(1)" not in body


def test_hostile_values_in_the_sign_in_forms_are_escaped_or_refused(app: Flask, client: FlaskClient) -> None:
    limit = app.config["SIGN_IN_RATE_LIMIT"]
    app.config["SIGN_IN_RATE_LIMIT"] = "100000 per minute"
    limiter.reset()
    try:
        for url in ("/sign-in", "/sign-in/forgotten-password"):
            for payload in PAYLOADS:
                token = csrf_token(client.get(url).get_data(as_text=True))
                response = client.post(url, data={"csrf_token": token, "email": payload, "password": payload,
                                                  "next": payload})
                check_safe(response, url)
                assert response.status_code in (200, 303, 400)
    finally:
        app.config["SIGN_IN_RATE_LIMIT"] = limit
        limiter.reset()


def test_hostile_values_in_the_contact_form_are_escaped_or_refused(app: Flask, client: FlaskClient) -> None:
    from tests.functional.test_contact_form import reach_the_form, submit

    limit = app.config["CONTACT_RATE_LIMIT"]
    app.config["CONTACT_RATE_LIMIT"] = "100000 per hour"
    limiter.reset()
    try:
        for payload in PAYLOADS:
            page = reach_the_form(client)
            response = submit(client, page, name=payload, safe_times=payload, note=payload, postcode=payload,
                              email=payload)
            check_safe(response, "/questionnaire/outcome/contact")
            assert response.status_code in (200, 303)
    finally:
        app.config["CONTACT_RATE_LIMIT"] = limit
        limiter.reset()
        from sqlalchemy import delete

        from portal.models import AuditEvent, ContactRequest, OutboxMessage

        db.session.rollback()
        for table in (ContactRequest, AuditEvent, OutboxMessage):
            db.session.execute(delete(table))
        db.session.commit()


# -- next= stays on the site ----------------------------------------------------------------------------

OFF_SITE = ("//evil.example", "https://evil.example/", "http:evil.example", "/\\evil.example", "\\\\evil.example",
            "/%2F%2Fevil.example", " //evil.example", "\t//evil.example", "javascript:alert(1)",
            "/\t/evil.example", "/\r\n/evil.example", "https:/evil.example", "//evil.example/%2F..", "\x00//evil",
            "///evil.example", "evil.example", "@evil.example", "/" + "a" * 600)


@pytest.mark.parametrize("value", OFF_SITE)
def test_safe_next_refuses_anything_off_the_site(value: str) -> None:
    kept = safe_next(value)
    assert kept is None or (kept.startswith("/") and not kept.startswith("//") and "\\" not in kept
                            and not re.search(r"[\x00-\x1f]", kept)), kept


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None, database=None)
def test_safe_next_only_ever_gives_a_path_on_this_site(value: str) -> None:
    kept = safe_next(value)
    if kept is not None:
        assert on_this_site(kept), kept


@pytest.mark.parametrize("value", OFF_SITE[:8] + ("/search?q=parenting",))
def test_signing_in_with_a_next_address_stays_on_the_site(app: Flask, client: FlaskClient, value: str) -> None:
    limiter.reset()
    person = make_account(app, roles=("editor",))
    answer = client.get("/sign-in", query_string={"next": value})
    if re.search(r"[\x00-\x1f]", value):
        assert answer.status_code == 400  # control characters are refused at the edge
        return
    page = answer.get_data(as_text=True)
    response = client.post("/sign-in", data={"csrf_token": csrf_token(page), "email": person.email,
                                             "password": person.password, "next": value})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert on_this_site(location), location
    if value.startswith("/search"):
        assert location == value
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/account").get_data(as_text=True))})


# -- headers on every kind of answer ---------------------------------------------------------------------

CSP = re.compile(
    r"default-src 'self'; script-src 'self' 'nonce-([\w-]+)'; style-src 'self' 'nonce-\1'; img-src 'self' data:; "
    r"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    r"frame-ancestors 'none'$")


@pytest.mark.parametrize("method,url,status", [
    ("GET", "/", 200), ("GET", "/search?q=counselling", 200), ("GET", "/no-such-page", 404),
    ("GET", "/static/css/app.css", 200), ("POST", "/sign-in", 400), ("GET", "/healthz", 200),
    ("GET", "/questionnaire/who", 200), ("GET", "/services/not-a-service", 404),
])
def test_every_kind_of_answer_has_the_exact_security_headers(client: FlaskClient, method: str, url: str,
                                                             status: int) -> None:
    response = client.open(url, method=method)
    response.close()  # a static file is sent from an open file
    assert response.status_code == status
    assert CSP.match(response.headers["Content-Security-Policy"]), response.headers["Content-Security-Policy"]
    assert {name: response.headers.get(name) for name in STATIC_HEADERS} == STATIC_HEADERS
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Server" not in response.headers or "Werkzeug" not in response.headers.get("Server", "")


def test_hostile_values_in_every_questionnaire_answer_are_escaped_or_refused(client: FlaskClient) -> None:
    from tests.functional.test_questionnaire_journey import answer, go, safe_family

    for payload in PAYLOADS:
        with client.session_transaction() as session:
            session.clear()
        check_safe(answer(client, "who", {"who": payload}), "/questionnaire/who")
        go(client, "who", {"who": "child"})
        check_safe(answer(client, "safety", {"danger_now": payload, "child_harmed": payload}), "/questionnaire/safety")
        safe_family(client)
        check_safe(answer(client, "ages", {"ages": payload}), "/questionnaire/ages")
        go(client, "ages", {"ages": "4"})
        check_safe(answer(client, "worries", {"worries": [payload, "housing"]}), "/questionnaire/worries")
        go(client, "worries", {"worries": ["housing"]})
        check_safe(answer(client, "postcode", {"postcode": payload}), "/questionnaire/postcode")
