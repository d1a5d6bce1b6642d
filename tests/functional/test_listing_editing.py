"""Editors change their own organisations' listings as drafts and submit them; moderators approve or
reject; the public and search see only approved details. On every backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, ListingVersion, OutboxMessage, Service
from tests.accounts import sign_in_as
from tests.listings import World, make_world, post_form, remove_world
from tests.pages import fetch_page

TIMES = {f"{day}_{slot}_{end}": "" for day in ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
         for slot in (1, 2) for end in ("opens", "closes")}


@pytest.fixture
def world(app: Flask) -> Iterator[World]:
    made = make_world(app)
    yield made
    remove_world(app, made)


def times(**values: str) -> dict[str, str]:
    return {**TIMES, **values}


def versions_of(service_id: str) -> list[ListingVersion]:
    db.session.expire_all()
    return list(db.session.scalars(select(ListingVersion).where(ListingVersion.service_id == service_id)
                                   .order_by(ListingVersion.number)))


def search_text(client: FlaskClient, query: str) -> str:
    return fetch_page(client, f"/search?q={query}").get_text(" ", strip=True)


def test_an_editor_changes_opening_times_and_a_moderator_approves(
        client: FlaskClient, world: World) -> None:
    service_url = f"/manage/services/{world.service_a}"
    sign_in_as(client, world.editor_a)
    page = fetch_page(client, "/manage")
    assert f"Test organisation A {world.word}" in page.get_text()
    fetch_page(client, f"/manage/organisations/{world.organisation_a}")
    fetch_page(client, service_url)

    # Closing before opening is explained, and what was typed is kept.
    times_url = f"{service_url}/times/0"
    response = post_form(client, times_url, times(MO_1_opens="10:00", MO_1_closes="9am"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "govuk-error-summary" in html and "closing time must be after the opening time" in html
    assert 'value="9am"' in html and "<title>Error:" in html

    response = post_form(client, times_url, times(MO_1_opens="10:00", MO_1_closes="1pm", WE_1_opens="9.30",
                                                  WE_1_closes="11:30"))
    assert response.status_code == 303
    (draft,) = [v for v in versions_of(world.service_a) if v.status == "draft"]
    assert draft.created_by == f"user:{world.editor_a.id}"
    # A second save updates the same draft.
    post_form(client, f"{service_url}/sections/details",
              {"name": f"Test stay and play A {world.word}", "description": f"Songs, play and {world.word}x stories.",
               "url": "", "email": "hello@example.org", "phones": "0161 496 0123"})
    assert [v.status for v in versions_of(world.service_a)] == ["draft"]

    # The public still sees the approved times.
    public = fetch_page(client, f"/services/{world.service_a}").get_text(" ", strip=True)
    assert "10:00 to 13:00" not in public and "09:00 to 12:00" in public

    response = post_form(client, f"{service_url}/submit", {"note": "New Monday times"}, page_url=service_url)
    assert response.status_code == 303
    (pending,) = versions_of(world.service_a)
    assert pending.status == "pending" and pending.editor_note == "New Monday times"
    assert "Waiting for review" in fetch_page(client, service_url).get_text()

    # The moderator sees the difference and approves.
    sign_in_as(client, world.moderator)
    queue = fetch_page(client, "/moderation")
    assert f"Test stay and play A {world.word}" in queue.get_text()
    review_url = f"/moderation/versions/{pending.id}"
    review = fetch_page(client, review_url)
    differences = review.find(id="differences").get_text(" ", strip=True)
    assert "Monday 09:00 to 12:00" in differences
    assert "Monday 10:00 to 13:00; Wednesday 09:30 to 11:30" in differences
    response = post_form(client, review_url, {"decision": "approve", "reason": ""})
    assert response.status_code == 303

    public = fetch_page(client, f"/services/{world.service_a}").get_text(" ", strip=True)
    assert "10:00 to 13:00" in public and "09:30 to 11:30" in public and "09:00 to 12:00" not in public
    assert f"Test stay and play A {world.word}" in search_text(client, f"{world.word}x")
    assert versions_of(world.service_a)[0].status == "approved"
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == world.service_a)))
    assert {"listing.submitted", "listing.approved"} <= actions
    emails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == world.editor_a.email)))
    assert any("published" in message.subject for message in emails)
    link = client.application.config["PUBLIC_BASE_URL"] + f"/manage/services/{world.service_a}"
    assert any(link in message.body for message in emails)


def test_a_rejected_change_shows_the_reason_and_the_public_page_stays(client: FlaskClient, world: World) -> None:
    service_url = f"/manage/services/{world.service_a}"
    sign_in_as(client, world.editor_a)
    post_form(client, f"{service_url}/sections/who", {"minimum_age": "0", "maximum_age": "11",
                                                      "needs": ["parenting-and-family-relationships"],
                                                      "levels": ["universal"], "self_referral": "y"})
    post_form(client, f"{service_url}/submit", {"note": ""}, page_url=service_url)
    (pending,) = versions_of(world.service_a)

    sign_in_as(client, world.moderator)
    review_url = f"/moderation/versions/{pending.id}"
    response = post_form(client, review_url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert "Enter the reason for rejecting this change" in response.get_data(as_text=True)
    response = post_form(client, review_url, {"decision": "reject", "reason": "Ages <b>0 to 11</b>: please check"})
    assert response.status_code == 303
    assert versions_of(world.service_a)[0].status == "rejected"

    sign_in_as(client, world.editor_a)
    html = client.get(service_url).get_data(as_text=True)
    assert "Not approved" in html and "Ages &lt;b&gt;0 to 11&lt;/b&gt;: please check" in html
    assert "0 to 5" in fetch_page(client, f"/services/{world.service_a}").get_text(" ", strip=True) or \
        db.session.get(Service, world.service_a).maximum_age == 5
    emails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == world.editor_a.email)))
    assert any("not approved" in message.subject for message in emails)


def test_bad_input_is_explained_and_kept(client: FlaskClient, world: World) -> None:
    service_url = f"/manage/services/{world.service_a}"
    sign_in_as(client, world.editor_a)
    response = post_form(client, f"{service_url}/sections/who", {"minimum_age": "12", "maximum_age": "5"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "The oldest age must be the same as or more than the youngest age" in html and 'value="12"' in html

    place_url = f"{service_url}/places/new"
    response = post_form(client, place_url, {"address_1": "2 Test Street", "town": "Hyde", "postcode": "SW1A 1AA"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "We cannot find the postcode SW1A 1AA" in html and "2 Test Street" in html
    response = post_form(client, place_url, {"address_1": "2 Test Street", "town": "Hyde", "postcode": "not one"})
    assert "Enter a full postcode" in response.get_data(as_text=True)

    response = post_form(client, f"{service_url}/sections/details",
                         {"name": "", "description": "x", "url": "not a website", "email": "nope", "phones": "call us"})
    html = response.get_data(as_text=True)
    for message in ("Enter the name of the service", "Enter a website address in the correct format",
                    "Enter an email address in the correct format", "Enter each phone number on its own line"):
        assert message in html
    response = post_form(client, f"{service_url}/times/0", times(TU_1_opens="25:00", TU_1_closes="", SA_1_closes="3pm"))
    html = response.get_data(as_text=True)
    assert "Enter the time Tuesday opens, like 09:00 or 9am" in html
    assert "Enter the time Saturday opens, or leave both times empty" in html
    response = post_form(client, f"{service_url}/sections/costs", {"cost": "paid", "amount": "lots"})
    assert "Enter the cost in pounds, like 2.50" in response.get_data(as_text=True)
    # None of it made a draft.
    assert versions_of(world.service_a) == []
    # Unknown sections and places are not found.
    assert client.get(f"{service_url}/sections/secret").status_code == 404
    assert client.get(f"{service_url}/places/7").status_code == 404
    assert client.get(f"{service_url}/times/x").status_code == 404


def test_html_is_shown_escaped_everywhere(client: FlaskClient, world: World) -> None:
    service_url = f"/manage/services/{world.service_a}"
    script = "<script>alert('x')</script>"
    sign_in_as(client, world.editor_a)
    post_form(client, f"{service_url}/sections/details",
              {"name": f"Test {script}", "description": f"About {script}", "url": "", "email": "", "phones": ""})
    assert script not in client.get(service_url).get_data(as_text=True)
    assert "&lt;script&gt;" in client.get(service_url).get_data(as_text=True)
    post_form(client, f"{service_url}/submit", {"note": script}, page_url=service_url)
    (pending,) = versions_of(world.service_a)
    sign_in_as(client, world.moderator)
    for url in ("/moderation", f"/moderation/versions/{pending.id}"):
        html = client.get(url).get_data(as_text=True)
        assert script not in html and "&lt;script&gt;" in html
    post_form(client, f"/moderation/versions/{pending.id}", {"decision": "approve"})
    html = client.get(f"/services/{world.service_a}").get_data(as_text=True)
    assert script not in html and "&lt;script&gt;" in html
    html = client.get(f"/moderation/services/{world.service_a}/history").get_data(as_text=True)
    assert script not in html


def test_a_hidden_address_shows_only_the_area_to_the_public(client: FlaskClient, world: World) -> None:
    service_url = f"/manage/services/{world.service_a}"
    sign_in_as(client, world.editor_a)
    post_form(client, f"{service_url}/places/0", {"name": "Test refuge room", "address_1": "9 Hidden Road",
                                                  "town": "Ashton-under-Lyne", "postcode": "ol6 6bh",
                                                  "hide_exact_address": "y"})
    post_form(client, f"{service_url}/submit", {}, page_url=service_url)
    (pending,) = versions_of(world.service_a)
    sign_in_as(client, world.moderator)
    post_form(client, f"/moderation/versions/{pending.id}", {"decision": "approve"})
    client.get("/sign-out")
    html = fetch_page(client, f"/services/{world.service_a}").get_text(" ", strip=True)
    assert "9 Hidden Road" not in html and "Ashton-under-Lyne OL6" in html
    assert "The service will give you the exact address when you contact them" in html
    html = client.get(f"/search?q={world.word}").get_data(as_text=True)
    assert "9 Hidden Road" not in html and "Ashton-under-Lyne" in html
    map_html = client.get(f"/search/map?q={world.word}").get_data(as_text=True)
    assert f"/services/{world.service_a}" not in map_html


def test_an_editor_adds_a_new_service(client: FlaskClient, world: World) -> None:
    sign_in_as(client, world.editor_a)
    new_url = f"/manage/organisations/{world.organisation_a}/services/new"
    response = post_form(client, new_url, {"name": "", "description": ""})
    assert "Enter the name of the service" in response.get_data(as_text=True)
    response = post_form(client, new_url, {"name": f"Test dads group {world.word}",
                                           "description": "A group for dads."})
    assert response.status_code == 303
    service_url = response.headers["Location"]
    service_id = service_url.rsplit("/", 1)[1]
    assert db.session.get(Service, service_id) is None
    assert "Test dads group" in fetch_page(client, f"/manage/organisations/{world.organisation_a}").get_text()
    post_form(client, f"{service_url}/places/new", {"address_1": "3 Test Street", "town": "Ashton-under-Lyne",
                                                    "postcode": "OL6 6BH"})
    post_form(client, f"{service_url}/times/0", times(SA_1_opens="10am", SA_1_closes="12pm"))
    post_form(client, f"{service_url}/sections/status", {"temporarily_closed": "yes", "alert": "Back in June"})
    post_form(client, f"{service_url}/submit", {}, page_url=service_url)
    (pending,) = versions_of(service_id)
    assert client.get(f"/services/{service_id}").status_code == 404

    sign_in_as(client, world.moderator)
    review = fetch_page(client, f"/moderation/versions/{pending.id}").get_text(" ", strip=True)
    assert "New service" in review and "Saturday 10:00 to 12:00" in review
    post_form(client, f"/moderation/versions/{pending.id}", {"decision": "approve"})
    public = fetch_page(client, f"/services/{service_id}").get_text(" ", strip=True)
    assert "This service is temporarily closed" in public and "Back in June" in public
    assert "10:00 to 12:00" in public
    assert f"Test dads group {world.word}" in search_text(client, world.word)


def test_history_and_restoring_an_earlier_version(client: FlaskClient, world: World) -> None:
    service_url = f"/manage/services/{world.service_a}"
    for name in ("first", "second"):
        sign_in_as(client, world.editor_a)
        post_form(client, f"{service_url}/sections/details",
                  {"name": f"Test {name} {world.word}", "description": "Songs.", "url": "", "email": "",
                   "phones": ""})
        post_form(client, f"{service_url}/submit", {}, page_url=service_url)
        pending = versions_of(world.service_a)[-1]
        sign_in_as(client, world.moderator)
        post_form(client, f"/moderation/versions/{pending.id}", {"decision": "approve"})
    first = versions_of(world.service_a)[0]
    history_url = f"/moderation/services/{world.service_a}/history"
    page = fetch_page(client, history_url)
    assert len(page.find_all("form", action=lambda a: a and a.endswith("/restore"))) == 1
    response = post_form(client, f"/moderation/versions/{first.id}/restore", {}, page_url=history_url)
    assert response.status_code == 303
    statuses = [(v.number, v.status) for v in versions_of(world.service_a)]
    assert statuses == [(1, "approved"), (2, "approved"), (3, "approved")]
    assert db.session.get(Service, world.service_a).name == f"Test first {world.word}"
    assert f"Test first {world.word}" in search_text(client, world.word)
    assert "listing.restored" in set(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == world.service_a)))


def test_safeguarding_details_reach_moderators_only(client: FlaskClient, world: World) -> None:
    edit_url = f"/manage/organisations/{world.organisation_a}/edit"
    sign_in_as(client, world.editor_a)
    base = {"name": f"Test organisation A {world.word}", "description": "For tests", "website": "", "email": "",
            "works_with_children": "y", "note": ""}
    response = post_form(client, edit_url, {**base, "safeguarding_lead": ""})
    html = response.get_data(as_text=True)
    assert "Enter the name of your safeguarding lead" in html
    assert "Enter the date of your safeguarding policy" in html
    response = post_form(client, edit_url, {**base, "safeguarding_lead": "Test Lead Person",
                                            "safeguarding_policy_date": ["31", "2", "2025"]})
    assert "as a real date" in response.get_data(as_text=True)
    response = post_form(client, edit_url, {**base, "safeguarding_lead": "Test Lead Person",
                                            "safeguarding_policy_date": ["3", "4", "2025"]})
    assert response.status_code == 303
    (pending,) = versions_of(world.organisation_a)
    assert pending.subject == "organisation"

    sign_in_as(client, world.moderator)
    review = fetch_page(client, f"/moderation/versions/{pending.id}").get_text(" ", strip=True)
    assert "Test Lead Person" in review and "2025-04-03" in review
    post_form(client, f"/moderation/versions/{pending.id}", {"decision": "approve"})
    # Moderators see the details with every change from this organisation; the public never does.
    sign_in_as(client, world.editor_a)
    post_form(client, f"/manage/services/{world.service_a}/times/0", times(FR_1_opens="9", FR_1_closes="10"))
    post_form(client, f"/manage/services/{world.service_a}/submit", {},
              page_url=f"/manage/services/{world.service_a}")
    version = versions_of(world.service_a)[-1]
    sign_in_as(client, world.moderator)
    safeguarding = fetch_page(client, f"/moderation/versions/{version.id}").find(id="safeguarding").get_text()
    assert "Test Lead Person" in safeguarding and "3 April 2025" in safeguarding
    client.get("/sign-out")
    for url in (f"/organisations/{world.organisation_a}", f"/services/{world.service_a}"):
        assert "Test Lead Person" not in client.get(url).get_data(as_text=True)


def test_a_change_overtaken_by_another_is_flagged_and_a_long_note_is_explained(
        client: FlaskClient, world: World, app: Flask) -> None:
    from tests.accounts import make_account

    service_url = f"/manage/services/{world.service_a}"
    colleague = make_account(app, roles=("editor",), organisations=(world.organisation_a,))
    sign_in_as(client, world.editor_a)
    post_form(client, f"{service_url}/sections/costs", {"cost": "paid", "amount": "£2.50", "description": "A session"})
    response = post_form(client, f"{service_url}/submit", {"note": "x" * 1001}, page_url=service_url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "The note must be 1000 characters or fewer" in html
    assert "govuk-error-summary" in html

    # A colleague's change to the same service is submitted and published first.
    sign_in_as(client, colleague)
    post_form(client, f"{service_url}/places/0/remove", {}, page_url=f"{service_url}/places/0")
    post_form(client, f"{service_url}/submit", {}, page_url=service_url)
    sign_in_as(client, world.moderator)
    colleagues = [v for v in versions_of(world.service_a) if v.status == "pending"][0]
    post_form(client, f"/moderation/versions/{colleagues.id}", {"decision": "approve"})
    assert db.session.get(Service, world.service_a).service_at_locations == []

    sign_in_as(client, world.editor_a)
    post_form(client, f"{service_url}/submit", {"note": "Prices"}, page_url=service_url)
    mine = [v for v in versions_of(world.service_a) if v.status == "pending"][0]
    sign_in_as(client, world.moderator)
    review = fetch_page(client, f"/moderation/versions/{mine.id}").get_text(" ", strip=True)
    assert "Another change to this listing was published after this one was started" in review
    assert "£2.50, A session" in review
