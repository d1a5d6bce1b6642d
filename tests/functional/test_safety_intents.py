"""Safety intents (directory_data/search/safety.yaml): words that mean someone may be at risk, in
English, Urdu, Bengali, Polish and Arabic, misspelt or not, put their panel first in <main>: above
any result, on a page with no results, on the kiosk, on need pages and on the questionnaire's
outcomes. Its numbers come from the urgent route and the support services file. On every backend."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from portal.safety.loader import SafetyDataError, load_safety_intents
from portal.urgent import URGENT_CONTACTS
from tests.functional.test_kiosk import enter_kiosk
from tests.functional.test_questionnaire_journey import go, safe_family

# (path, intent) - one at least for each intent in each language.
SEARCHES = [
    ("/search?q=kill+myself", "suicide-self-harm"),
    ("/search?q=i+want+to+kil+myself", "suicide-self-harm"),
    ("/search?q=sucide", "suicide-self-harm"),
    ("/search?q=self-harm", "suicide-self-harm"),
    ("/search?q=partner+hits+me", "domestic-abuse"),
    ("/search?q=my+husband+beats+me", "domestic-abuse"),
    ("/search?q=domestic+violence", "domestic-abuse"),
    ("/search?q=my+dad+hits+me", "child-harm"),
    ("/search?q=child+neglect", "child-harm"),
    ("/search?q=i+was+raped", "sexual-abuse"),
    ("/search?q=forced+marriage", "forced-marriage"),
    ("/search?q=honour+based+abuse", "forced-marriage"),
    ("/search?q=ran+away+from+home", "running-away"),
    ("/search?q=county+lines", "exploitation"),
    ("/search?q=my+son+is+being+groomed", "exploitation"),
    ("/ur/search?q=" + quote("خودکشی"), "suicide-self-harm"),
    ("/ur/search?q=" + quote("گھریلو تشدد"), "domestic-abuse"),
    ("/ur/search?q=" + quote("ابو مجھے مارتے ہیں"), "child-harm"),
    ("/ur/search?q=" + quote("جنسی زیادتی"), "sexual-abuse"),
    ("/ur/search?q=" + quote("جبری شادی"), "forced-marriage"),
    ("/ur/search?q=" + quote("گھر سے بھاگ گیا"), "running-away"),
    ("/ur/search?q=" + quote("بچوں کا استحصال"), "exploitation"),
    ("/bn/search?q=" + quote("আত্মহত্যা"), "suicide-self-harm"),
    ("/bn/search?q=" + quote("পারিবারিক সহিংসতা"), "domestic-abuse"),
    ("/bn/search?q=" + quote("বাবা আমাকে মারে"), "child-harm"),
    ("/bn/search?q=" + quote("ধর্ষণ"), "sexual-abuse"),
    ("/bn/search?q=" + quote("জোর করে বিয়ে"), "forced-marriage"),
    ("/bn/search?q=" + quote("বাড়ি থেকে পালাতে চাই"), "running-away"),
    ("/bn/search?q=" + quote("শিশু শোষণ"), "exploitation"),
    ("/pl/search?q=" + quote("myśli samobójcze"), "suicide-self-harm"),
    ("/pl/search?q=" + quote("przemoc domowa"), "domestic-abuse"),
    ("/pl/search?q=przemocy+domowej", "domestic-abuse"),
    ("/pl/search?q=" + quote("tata mnie bije"), "child-harm"),
    ("/pl/search?q=" + quote("gwałt"), "sexual-abuse"),
    ("/pl/search?q=" + quote("przymusowe małżeństwo"), "forced-marriage"),
    ("/pl/search?q=" + quote("ucieczka z domu"), "running-away"),
    ("/pl/search?q=" + quote("wykorzystywanie dzieci"), "exploitation"),
    ("/ar/search?q=" + quote("انتحار"), "suicide-self-harm"),
    ("/ar/search?q=" + quote("العنف الأسري"), "domestic-abuse"),
    ("/ar/search?q=" + quote("أبي يضربني"), "child-harm"),
    ("/ar/search?q=" + quote("اغتصاب"), "sexual-abuse"),
    ("/ar/search?q=" + quote("الزواج القسري"), "forced-marriage"),
    ("/ar/search?q=" + quote("الهروب من المنزل"), "running-away"),
    ("/ar/search?q=" + quote("استغلال الأطفال"), "exploitation"),
]


def main_of(client: FlaskClient, path: str) -> BeautifulSoup:
    response = client.get(path, follow_redirects=True)  # a language chosen earlier redirects
    assert response.status_code == 200, path
    main = BeautifulSoup(response.get_data(as_text=True), "html.parser").find("main")
    assert main is not None
    return main


def first_panel(main: BeautifulSoup) -> str | None:
    """The intent of the panel when it is the first thing in <main>, else None."""
    first = main.find(True)
    panel = first.find(attrs={"data-safety-intent": True}) if first is not None else None
    return panel["data-safety-intent"] if panel is not None else None


@pytest.mark.parametrize(("path", "intent"), SEARCHES)
def test_a_search_that_means_risk_shows_its_panel_first(client: FlaskClient, path: str, intent: str) -> None:
    main = main_of(client, path)
    assert first_panel(main) == intent, path
    panel = main.find(attrs={"data-safety-intent": True})
    assert panel.find("a", href="tel:999"), "999 first"
    assert "Did you mean" not in main.get_text()


def test_the_panels_numbers_come_from_real_listings(client: FlaskClient) -> None:
    suicide = main_of(client, "/search?q=kill+myself").find(attrs={"data-safety-intent": True})
    numbers = {link["href"] for link in suicide.find_all("a", href=True) if link["href"].startswith("tel:")}
    assert {"tel:999", "tel:116123", "tel:08001111", "tel:08000684141", "tel:08000149995"} <= numbers
    abuse = main_of(client, "/search?q=partner+hits+me").find(attrs={"data-safety-intent": True})
    text = abuse.get_text(" ")
    assert "National Domestic Abuse Helpline" in text and "0808 2000 247" in text
    assert abuse.find("a", href="tel:08003280967"), "the local 24-hour line (Bridges)"
    harm = main_of(client, "/search?q=my+dad+hits+me").find(attrs={"data-safety-intent": True})
    assert harm.find("a", href="tel:" + URGENT_CONTACTS["hub"].number.replace(" ", ""))


def test_an_unconfirmed_number_is_never_shown(client: FlaskClient) -> None:
    panel = main_of(client, "/search?q=rape").find(attrs={"data-safety-intent": True})
    item = next(li for li in panel.find_all("li") if "Rape and Sexual Abuse Support Line" in li.get_text())
    assert item.find("a", href=lambda href: href and href.startswith("tel:")) is None
    assert "Contact details to be confirmed" in item.get_text()


def test_the_panel_shows_on_a_page_with_no_results(client: FlaskClient) -> None:
    main = main_of(client, "/search?q=kill+myself+zzqxv")
    assert first_panel(main) == "suicide-self-harm"


def test_everyday_searches_show_no_panel(client: FlaskClient) -> None:
    for path in ("/search?q=toddler+groups", "/search?q=food+bank", "/search?q=start+for+life",
                 "/search?q=holiday+activities", "/pl/search?q=od+3+lat", "/search?q=football"):
        main = main_of(client, path)
        assert main.find(attrs={"data-safety-intent": True}) is None, path


def test_nothing_typed_can_hide_the_panel(client: FlaskClient) -> None:
    for q in ("kill myself <!--", "kill myself </main>", 'kill myself "><div hidden>', "kill myself {{ 7*7 }}"):
        main = main_of(client, "/search?q=" + quote(q) + "&page=1&sort=distance")
        assert first_panel(main) == "suicide-self-harm", q


def test_the_kiosk_search_shows_the_panel_first(client: FlaskClient) -> None:
    enter_kiosk(client)
    main = main_of(client, "/search?q=partner+hits+me")
    assert first_panel(main) == "domestic-abuse"


def test_need_pages_about_harm_show_their_panel(client: FlaskClient) -> None:
    assert first_panel(main_of(client, "/needs/domestic-abuse")) == "domestic-abuse"
    assert first_panel(main_of(client, "/needs/youth-crime-and-exploitation")) == "exploitation"
    assert first_panel(main_of(client, "/needs/housing")) is None


def test_a_questionnaire_worry_about_abuse_puts_the_panel_first(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "4, 7"})
    go(client, "worries", {"worries": ["domestic-abuse"]})
    outcome_path = go(client, "postcode", {"postcode": "ol6 6bh"})  # its own page, without "How are things going?"
    assert outcome_path.endswith("/questionnaire/outcome/domestic_abuse")
    assert first_panel(main_of(client, outcome_path)) == "domestic-abuse"


def test_a_wrong_reference_stops_the_portal_starting(tmp_path: Path, project_dir: Path) -> None:
    broken = tmp_path / "safety.yaml"
    text = (project_dir / "directory_data" / "search" / "safety.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace('service: "Samaritans"', 'service: "Samaritans Helpline"'), encoding="utf-8")
    needs = ["domestic-abuse", "youth-crime-and-exploitation", "sexual-health-and-relationships"]
    with pytest.raises(SafetyDataError, match=r"safety.yaml: intent suicide-self-harm: no support service called"):
        load_safety_intents(broken, project_dir / "directory_data" / "sources" / "support_services.csv",
                            URGENT_CONTACTS, needs)
