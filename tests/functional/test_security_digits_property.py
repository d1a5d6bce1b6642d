"""Numbers are ASCII digits only: other Unicode digits ("²", "٣", "５") in any numeric parameter or
form field are refused with a clear answer, never a 500 and never read as a number."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extensions import limiter
from portal.inputs import whole_number
from tests.accounts import csrf_token, make_account, sign_in_as
from tests.listings import World, make_world, remove_world

# Digits that are not 0 to 9: superscripts, Arabic-Indic, full-width, Devanagari, and so on.
UNICODE_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: c not in "0123456789")
NUMBERS = st.builds(lambda head, digit, tail: head + digit + tail,
                    st.text("0123456789", max_size=2), UNICODE_DIGITS, st.text("0123456789", max_size=2))
EXAMPLES = settings(max_examples=15, deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    limiter.reset()
    made = make_world(app)
    yield made
    remove_world(app, made)


@given(text=st.one_of(NUMBERS, st.text(max_size=12)))
@EXAMPLES
def test_whole_number_reads_ascii_digits_only(text: str) -> None:
    number = whole_number(text, 10 ** 9)
    if number is not None:
        assert re.fullmatch("[0-9]+", text) and number == int(text), text


@pytest.mark.parametrize("text", ["²", "٣", "５", "1²", "¹0", "٣٣"])
def test_known_unicode_digits_are_refused(text: str) -> None:
    assert whole_number(text, 10 ** 9) is None


@given(number=NUMBERS)
@EXAMPLES
def test_public_numeric_parameters(client: FlaskClient, number: str) -> None:
    value = quote(number)
    for name in ("page", "age", "radius"):
        response = client.get(f"/search?q=play&{name}={value}")
        assert response.status_code == 200, (name, number, response.status_code)
        if name != "page":
            assert "govuk-error-summary" in response.get_data(as_text=True), (name, number)
    for name in ("page", "per_page", "minimum_age", "maximum_age"):
        response = client.get(f"/api/oruk/services?{name}={value}")
        assert response.status_code == 400 and response.is_json, (name, number, response.status_code)


@given(number=NUMBERS)
@EXAMPLES
def test_staff_numeric_parameters(app: Flask, client: FlaskClient, number: str) -> None:
    sign_in_as(client, make_account(app, roles=("early_help", "admin")))
    for url in (f"/early-help/requests?page={quote(number)}", f"/admin/audit?page={quote(number)}"):
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)


def _post(client: FlaskClient, url: str, data: dict[str, str]) -> tuple[int, str]:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    response = client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})
    return response.status_code, response.get_data(as_text=True)


def test_editor_numeric_fields_and_places(app: Flask, client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.editor_a)
    service = f"/manage/services/{world.service_a}"

    @given(number=NUMBERS)
    @EXAMPLES
    def check(number: str) -> None:
        for url in (f"{service}/places/{quote(number)}", f"{service}/times/{quote(number)}"):
            assert client.get(url).status_code == 404, (url, number)
        status, html = _post(client, f"{service}/sections/who", {"minimum_age": number, "maximum_age": "5"})
        assert status == 200 and "Enter an age in whole years" in html, (number, status)
        status, html = _post(client, f"{service}/sections/costs", {"cost": "paid", "amount": number})
        assert status == 200 and "Enter the cost in pounds" in html, (number, status)
        status, html = _post(client, f"{service}/times/0", {"MO_1_opens": number, "MO_1_closes": "17:00"})
        assert status == 200 and "Enter the time Monday opens" in html, (number, status)

    check()
