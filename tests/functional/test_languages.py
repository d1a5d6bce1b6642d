"""Languages: the /ur/ prefix, the switcher, the remembered choice, Accept-Language, and formats."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.i18n.middleware import LOCALE_KEY
from portal.templating import clock, long_date, miles
from tests.accounts import csrf_token, make_account
from tests.pages import fetch_page

NATIVE = {"en": "English", "ur": "اردو", "bn": "বাংলা", "pl": "Polski", "ar": "العربية"}


def test_english_has_no_prefix_and_offers_every_language_named_in_itself(client: FlaskClient) -> None:
    page = fetch_page(client, "/")
    assert page.html["lang"] == "en" and page.html["dir"] == "ltr"
    switcher = page.find("nav", class_="portal-languages")
    named = {element["lang"]: element.get_text(strip=True) for element in switcher.find_all(attrs={"lang": True})}
    assert named == NATIVE
    assert switcher.find("a", lang="ur")["href"] == "/ur/"
    assert switcher.find(attrs={"aria-current": "true"})["lang"] == "en"
    assert page.find(class_="portal-review-notice") is None


@pytest.mark.parametrize("code,direction", [("ur", "rtl"), ("ar", "rtl"), ("bn", "ltr"), ("pl", "ltr")])
def test_a_prefixed_page_is_in_that_language_and_its_links_keep_it(client: FlaskClient, code: str,
                                                                   direction: str) -> None:
    page = fetch_page(client, f"/{code}/early-help")
    assert page.html["lang"] == code and page.html["dir"] == direction
    assert "Skip to main content" not in page.get_text(), "the page is translated"
    navigation = [link["href"] for link in page.select(".govuk-service-navigation a")]
    assert navigation and all(href.startswith(f"/{code}/") for href in navigation)
    assert page.find("link", rel="stylesheet")["href"] == "/static/css/app.css", "one copy of each asset"
    notice = page.find(class_="portal-review-notice")
    assert notice is not None and notice.a["href"] == "/en/early-help" and notice.a["hreflang"] == "en"
    assert client.get_cookie("language").value == code


def test_the_questionnaire_and_vocabularies_are_translated(client: FlaskClient) -> None:
    page = fetch_page(client, "/ur/questionnaire/who")
    assert "آپ کس کے لیے مدد تلاش کر رہے ہیں؟" in page.get_text()
    page = fetch_page(client, "/pl/needs")
    assert "Przemoc domowa" in page.get_text()


def test_organisations_own_words_keep_their_language_on_a_translated_page(client: FlaskClient) -> None:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Service

    service = db.session.execute(select(Service).where(Service.name == "Ashton Library")).scalar_one()
    english = fetch_page(client, f"/services/{service.id}")
    urdu = fetch_page(client, f"/ur/services/{service.id}")
    assert english.find("p", attrs={"lang": "en"}) is None
    described = urdu.find_all("p", attrs={"lang": "en", "dir": "auto"})
    assert described and service.description.split("\n\n")[0].strip() == described[0].get_text(strip=True)
    languages = urdu.find("h2", string="زبانیں")
    assert languages is not None


def test_choosing_english_remembers_it_and_drops_the_prefix(client: FlaskClient) -> None:
    client.get("/ur/")
    response = client.get("/en/search?q=food+bank")
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=food+bank"
    assert client.get_cookie("language").value == "en"
    assert client.get("/search?q=food+bank", headers={"Accept-Language": "ur"}).status_code == 200


def test_a_remembered_language_brings_an_unprefixed_link_back_to_it(client: FlaskClient) -> None:
    client.get("/pl/")
    response = client.get("/search?q=food+bank")
    assert response.status_code == 302 and response.headers["Location"] == "/pl/search?q=food+bank"


@pytest.mark.parametrize("header,expected", [
    ("bn-BD,bn;q=0.9,en;q=0.5", "/bn/"), ("en-GB,ur;q=0.8", None), ("fr, ar;q=0.5", "/ar/"), ("de", None),
])
def test_a_first_visit_honours_accept_language(client: FlaskClient, header: str, expected: str | None) -> None:
    response = client.get("/", headers={"Accept-Language": header})
    if expected:
        assert response.status_code == 302 and response.headers["Location"] == expected
    else:
        assert response.status_code == 200
    assert "Accept-Language" in response.headers.get("Vary", "")


def test_forms_health_and_static_files_are_never_redirected(client: FlaskClient) -> None:
    headers = {"Accept-Language": "ur"}
    assert client.get("/healthz", headers=headers).status_code == 200
    for url, sent in (("/static/css/app.css", headers), ("/ur/static/css/app.css", {})):
        with client.get(url, headers=sent) as response:
            assert response.status_code == 200
    assert client.post("/questionnaire/who", headers=headers).status_code != 302


def test_redirects_keep_the_language(client: FlaskClient) -> None:
    page = client.get("/ur/questionnaire/who").get_data(as_text=True)
    response = client.post("/ur/questionnaire/who", data={"csrf_token": csrf_token(page), "who": "child"})
    assert response.status_code == 303 and response.headers["Location"].startswith("/ur/questionnaire/")


def test_signing_in_from_a_translated_page_comes_back_to_it(app: Flask, client: FlaskClient) -> None:
    from portal.extensions import limiter

    limiter.reset()
    person = make_account(app, roles=("editor",))
    response = client.get("/ur/account")
    assert response.status_code == 303
    assert response.headers["Location"] == "/ur/sign-in?next=/ur/account"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post("/ur/sign-in", data={"csrf_token": csrf_token(page), "email": person.email,
                                                "password": person.password, "next": "/ur/account"})
    assert response.status_code == 303 and response.headers["Location"] == "/ur/account"


@pytest.mark.parametrize("code,distance,date,time", [
    ("en", "1.5 miles", "28 April 2025", "08:30"),
    ("pl", "1,5 mili", "28 kwietnia 2025", "08:30"),
    ("ar", "1.5 ميل", "28 أبريل 2025", "8:30 ص"),
])
def test_numbers_dates_and_times_follow_the_language(app: Flask, code: str, distance: str, date: str,
                                                     time: str) -> None:
    with app.test_request_context("/", environ_overrides={LOCALE_KEY: code}):
        assert miles(1.52) == distance
        assert long_date(dt.date(2025, 4, 28)) == date
        assert clock(dt.time(8, 30)) == time


def test_a_distance_reads_in_the_language_in_force_each_time(app: Flask) -> None:
    """Distances' phrases are kept per distance and language: the language in force still decides."""
    from flask_babel import force_locale, refresh

    with app.test_request_context("/"):
        refresh()
        assert miles(1.52) == "1.5 miles"
        with force_locale("pl"):
            assert miles(1.52) == "1,5 mili" and miles(1.0) == "1 mila"
        assert miles(1.52) == "1.5 miles" and miles(1.0) == "1 mile" and miles(0.01) == "less than 0.1 miles"


PUBLIC_PAGES = ["/", "/early-help", "/early-help/practitioners", "/urgent-help", "/needs", "/needs/housing",
                "/accessibility", "/privacy", "/data-sources", "/search?q=food+bank", "/search?q=qqzzxxvv",
                "/search?q=parenting&age=200", "/search/map?q=library", "/questionnaire", "/questionnaire/who",
                "/sign-in", "/kiosk", "/shortlist"]


@pytest.mark.parametrize("code", ["ur", "bn", "pl", "ar"])
def test_every_public_page_renders_in_every_language(client: FlaskClient, code: str) -> None:
    """A translation that breaks a placeholder, or a page that cannot be drawn in a language, fails here."""
    for path in PUBLIC_PAGES:
        page = fetch_page(client, f"/{code}{path}")
        assert page.html["lang"] == code, path
        assert page.find(class_="portal-review-notice") is not None, path


def test_a_template_string_follows_the_language_in_force_within_one_request(app: Flask) -> None:
    """Templates find the catalogue once per request and language (i18n.page_translations): a language
    forced for part of a request (as page parts are drawn in each language) is followed, and left."""
    from flask_babel import force_locale, refresh

    line = app.jinja_env.from_string('{{ _("Ages:") }}')
    with app.test_request_context("/"):
        refresh()
        assert line.render() == "Ages:"
        with force_locale("pl"):
            assert line.render() == "Wiek:"
        assert line.render() == "Ages:"
        with force_locale("pl"):
            assert line.render() == "Wiek:"


def test_template_strings_translate_and_escape_in_loops_blocks_and_macros(app: Flask) -> None:
    """_(), gettext() and ngettext() take the evaluation context (i18n.newstyle): inside a loop, a block
    that sets variables, and a macro imported with or without context, they translate from the language
    in force and escape the variables given, as Jinja's own newstyle gettext does."""
    from flask import render_template
    from flask_babel import force_locale, refresh
    from jinja2 import DictLoader

    loader = app.jinja_env.loader
    app.jinja_env.loader = DictLoader({
        "strings.html": '{% macro ages() %}{{ _("Ages:") }}{% endmacro %}'
                        '{% macro named(name) %}{{ _("Back to %(name)s", name=name) }}{% endmacro %}',
        "page.html": '{% from "strings.html" import ages, named %}'
                     '{% from "strings.html" import ages as ages_here with context %}'
                     '{% block body %}{% set shown = 1 %}'
                     '{% for name in names %}{{ _("Back to %(name)s", name=name) }}|{{ ages() }}|'
                     '{{ ages_here() }}|{{ named(name) }}|{{ gettext("Ages:") }}|'
                     '{{ ngettext("%(num)d service", "%(num)d services", shown + loop.index) }}{% endfor %}'
                     '{% endblock %}',
    })
    try:
        page = app.jinja_env.get_template("page.html")
        with app.test_request_context("/"):
            refresh()
            english = page.render(names=["<b>A&B</b>"])
            rendered = render_template("page.html", names=["<b>A&B</b>"])  # with the context processors
            with force_locale("pl"):
                polish = page.render(names=["<b>A&B</b>"])
                rendered_polish = render_template("page.html", names=["<b>A&B</b>"])
    finally:
        app.jinja_env.loader = loader
    assert english == ("Back to &lt;b&gt;A&amp;B&lt;/b&gt;|Ages:|Ages:|Back to &lt;b&gt;A&amp;B&lt;/b&gt;|Ages:|"
                       "2 services")
    assert rendered == english and rendered_polish == polish
    assert polish.count("Wiek:") == 3 and "&lt;b&gt;A&amp;B&lt;/b&gt;" in polish and "<b>" not in polish


def test_result_cards_mark_organisations_own_words_on_a_translated_page_only(client: FlaskClient) -> None:
    """Each card's description keeps its language (macros/results.html works it out once a page)."""
    client.get("/en/")
    english = fetch_page(client, "/search?q=food")
    urdu = fetch_page(client, "/ur/search?q=food")
    english_cards, urdu_cards = english.select(".portal-card"), urdu.select(".portal-card")
    assert english_cards and len(urdu_cards) == len(english_cards)
    assert not english.select(".portal-card p[lang]")
    assert all(card.select_one("p[lang=en][dir=auto]") for card in urdu_cards)
    assert all(card.select_one("dt").get_text() == "عمریں:" for card in urdu_cards)


def test_a_template_string_reads_as_formatting_makes_it_with_or_without_variables(app: Flask) -> None:
    """_() always formats its text (as Jinja's newstyle gettext does: "%%" reads "%"), whether or not
    variables are given, escaped in HTML and plain in text."""
    from flask import render_template
    from flask_babel import refresh
    from jinja2 import DictLoader

    source = '{{ _("Ages:") }}|{{ _("100%% of %(name)s", name=name) }}|{{ _("100%% free") }}'
    loader = app.jinja_env.loader
    app.jinja_env.loader = DictLoader({"page.html": source, "page.txt": source})
    try:
        with app.test_request_context("/"):
            refresh()
            html = render_template("page.html", name="<b>")
            text = render_template("page.txt", name="<b>")
    finally:
        app.jinja_env.loader = loader
    assert html == "Ages:|100% of &lt;b&gt;|100% free"
    assert text == "Ages:|100% of <b>|100% free"


def test_result_cards_give_ages_and_distances_in_the_page_language(app: Flask) -> None:
    """A card's ages and distance are written in the page's language (the locale found once for the
    list of cards), English after Polish and Polish after English."""
    polish, english = ("Każdy wiek", " lat", " mili"), ("All ages", " years", " mile")
    for prefix, words, others in (("/pl", polish, english), ("", english, polish), ("/pl", polish, english)):
        page = fetch_page(app.test_client(), f"{prefix}/search?q=library&postcode=OL6+7SG&radius=5")
        facts = " | ".join(dd.get_text(" ", strip=True) for dd in page.select("ul.portal-card-list dl.portal-facts dd"))
        assert words[0] in facts and words[2] in facts, (prefix, facts)
        assert not any(other in facts for other in others), (prefix, facts)
