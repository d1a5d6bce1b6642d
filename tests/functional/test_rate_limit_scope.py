"""Reading a page is not rate limited (the limiter skips GET and HEAD without looking up any limit),
except searching and the API, whose reads have SEARCH_RATE_LIMIT: every other limit must be on
something sent. These tests hold the limits to that, and show that the skip changes nothing for the
forms that are limited."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from flask_limiter.util import get_qualified_name

from portal.extensions import READING, limiter
from tests.accounts import csrf_token


def limited_methods(app: Flask) -> dict[str, set[str]]:
    """For each rule whose view has a limit: the HTTP methods the limit applies to."""
    found: dict[str, set[str]] = {}
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            view = app.view_functions[rule.endpoint]
            for limit in limiter.limit_manager.decorated_limits(get_qualified_name(view)):
                methods = {method.upper() for method in limit.methods} if limit.methods else set(rule.methods or ())
                found.setdefault(rule.rule, set()).update(methods & set(rule.methods or ()))
    return found


# The only reads with a limit: searching and the Open Referral UK API (tests/functional/test_security_search_cost.py).
READ_LIMITED_RULES = {"/search", "/search/map"}
API_PREFIX = "/api/oruk"


def test_limits_exist_and_only_search_and_the_api_limit_reading(app: Flask) -> None:
    found = limited_methods(app)
    assert "/sign-in" in found and "POST" in found["/sign-in"], found
    reading_limited = {rule: methods & READING for rule, methods in found.items() if methods & READING}
    api_rules = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith(API_PREFIX + "/")}
    assert set(reading_limited) == READ_LIMITED_RULES | api_rules, reading_limited
    assert all(methods == set(READING) for methods in reading_limited.values()), reading_limited


def test_no_limit_covers_every_route(app: Flask) -> None:
    # A default or application-wide limit would apply to pages too, which the skip would silently undo.
    with app.test_request_context():
        assert limiter.limit_manager.default_limits == []
        assert limiter.limit_manager.application_limits == []


def test_reading_a_limited_page_does_not_count_but_sending_it_does(client: FlaskClient, app: Flask) -> None:
    limiter.reset()
    app.config["SIGN_IN_RATE_LIMIT"] = "2 per minute"
    try:
        pages = [client.get("/sign-in") for _ in range(6)]
        token = csrf_token(pages[-1].get_data(as_text=True))
        sent = [client.post("/sign-in", data={"csrf_token": token, "email": f"someone{n}@example.org",
                                              "password": "x" * 12}).status_code for n in range(3)]
        again = client.get("/sign-in").status_code
    finally:
        app.config["SIGN_IN_RATE_LIMIT"] = "10 per minute; 100 per hour"
        limiter.reset()
    assert [page.status_code for page in pages] == [200] * 6
    assert sent == [200, 200, 429]
    assert again == 200
