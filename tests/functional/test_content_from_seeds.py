"""What the public pages say comes from Tameside's own documents (seed 000 and the board reports), not
from another council's strategy or from nowhere."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from portal.extensions import db
from portal.models import Service
from tests.functional.test_questionnaire_journey import go, safe_family, text_of
from tests.pages import fetch_page


def service_page_text(client: FlaskClient, name: str) -> str:
    service = db.session.execute(select(Service).where(Service.name == name)).scalar_one()
    return text_of(fetch_page(client, f"/services/{service.id}"))


def test_no_page_gives_an_age_range_the_seeds_do_not(client: FlaskClient) -> None:
    home = text_of(fetch_page(client, "/"))
    assert "Services for children, young people and their families." in home
    assert "up to 25" not in home and "up to age 18" not in home
    iscan = service_page_text(client, "Integrated Team for Children with Disabilities (ISCAN)")
    assert "0 to 25" not in iscan and "Up to 25" not in iscan


def test_the_urgent_page_promises_nothing_the_seeds_do_not(client: FlaskClient) -> None:
    go(client, "who", {"who": "child"})
    location = go(client, "safety", {"danger_now": "yes", "child_harmed": "no"})
    text = text_of(fetch_page(client, location))
    assert "not to tell the family who called" not in text
    assert "in the evening" not in text.lower() and "weekend" not in text.lower()
    assert "At other times, call the out of hours team on 0161 342 2222" in text


def test_the_out_of_hours_team_has_only_the_name_the_seeds_give(client: FlaskClient) -> None:
    text = service_page_text(client, "Out of hours team")
    assert "emergency duty" not in text.lower()
    assert "bank holidays" not in text.lower()
    assert "bank holidays" not in text_of(fetch_page(client, "/urgent-help")).lower()


def test_consent_says_staff_must_act_when_a_child_is_at_risk_with_dignity(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "3"})
    go(client, "worries", {"worries": ["housing"]})
    go(client, "postcode", {})
    location = go(client, "situation", {"situation": "several_problems"})
    text = text_of(fetch_page(client, location))
    assert "staff must act to keep the child safe, and share their worries with Children's Social Care" in text
    assert "We will always treat your family with dignity and respect." in text


def test_supportive_words_come_first(client: FlaskClient) -> None:
    families_together = service_page_text(client, "Tameside Families Together")
    assert families_together.index("supports families") < families_together.index("Children's Social Care")
    early_help = text_of(fetch_page(client, "/early-help"))
    assert "keeps an eye on" not in early_help
    assert "The services work together with the family to give that help" in early_help
