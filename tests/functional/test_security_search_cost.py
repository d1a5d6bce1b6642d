"""One search's cost is bounded, however it is asked: a long run of random letters, many words or many
near-miss typos make no more typo work than a few ordinary misspellings (the web search, the kiosk and
the Open Referral UK API's search= alike, on every backend); searching and the API are rate limited
per client address, with a clear answer past the limit."""

from __future__ import annotations

import random
import string
import time
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from whoosh.query import FuzzyTerm

from portal.extensions import limiter
from portal.search.analysis import MAX_TYPO_EXPANSIONS, MAX_TYPO_WORDS, TYPO_MAX_CHARACTERS
from portal.search.backends.whoosh import BOOSTS, WhooshIndex
from tests.pages import fetch_page

# Only a guard against a search costing seconds again, generous enough for a loaded CI machine: the bounds
# themselves are held by the counts above (typo words and expansions), not by a clock. Speed is measured
# by `make bench` (its worst-case scenario).
WALL_SECONDS = 2.0


def random_letters(seed: int, count: int = 200) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(count))


def near_misses(seed: int, count: int = 12) -> str:
    """Words of the directory with one letter changed: each one a typo to look for."""
    rng = random.Random(seed)
    words = ["counselling", "breastfeeding", "bereavement", "homelessness", "safeguarding", "parenting",
             "playgroup", "wellbeing", "employment", "disability", "nursery", "library"]
    typed = []
    for word in rng.sample(words, count):
        at = rng.randrange(1, len(word))
        typed.append(word[:at] + rng.choice("qxzj") + word[at + 1:])
    return " ".join(typed)


def text_match(app: Flask, words: str):  # type: ignore[no-untyped-def]
    service = app.extensions["search"]
    service.ensure_ready()
    return service.engine.text.match(words, [], [], set())


def fuzzy_work(app: Flask, match) -> tuple[list[str], int]:  # type: ignore[no-untyped-def]
    """The words typos were looked for in, and (Whoosh) the directory words they were expanded into."""
    index = app.extensions["search"].index
    if not isinstance(index, WhooshIndex):
        return list(match.typo_words), 0
    reader = index.searcher().reader()
    leaves = [leaf for leaf in match.query.leaves() if isinstance(leaf, FuzzyTerm)]
    expanded = sum(len(list(leaf.expanded_terms(reader))) for leaf in leaves)
    return list(dict.fromkeys(leaf.text for leaf in leaves if leaf.field() == "spelling")), expanded


def test_a_long_random_string_costs_no_typo_work(app: Flask) -> None:
    match = text_match(app, random_letters(1))
    words, expanded = fuzzy_work(app, match)
    assert words == [] and expanded == 0
    assert match.typo_words == ()
    assert match.suggestion is None


def test_many_near_misses_look_for_typos_in_a_few_words_only(app: Flask) -> None:
    match = text_match(app, near_misses(2))
    words, expanded = fuzzy_work(app, match)
    assert 0 < len(words) <= MAX_TYPO_WORDS
    assert all(len(word) <= TYPO_MAX_CHARACTERS for word in words)
    assert expanded <= MAX_TYPO_WORDS * (len(BOOSTS) + 1) * MAX_TYPO_EXPANSIONS
    assert len(match.typo_words) <= MAX_TYPO_WORDS


def test_an_ordinary_misspelling_is_still_forgiven(app: Flask, client: FlaskClient) -> None:
    match = text_match(app, "conselling")
    assert match.typo_words == ("conselling",)
    page = fetch_page(client, "/search?q=conselling")
    assert "Healthy Young Minds" in page.get_text()


def timed_get(client: FlaskClient, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    response = client.get(path)
    return response.status_code, time.perf_counter() - started


def test_two_hundred_random_letters_answer_quickly_and_say_the_words_were_shortened(client: FlaskClient) -> None:
    client.get("/search?q=parenting")  # the documents are loaded once per process
    status, seconds = timed_get(client, "/search?" + urlencode({"q": random_letters(3)}))
    assert status == 200
    assert seconds < WALL_SECONDS
    page = fetch_page(client, "/search?" + urlencode({"q": random_letters(4)}))
    assert "so we searched for the first 12 words and the first 30 letters of each" in page.get_text(" ")


def test_the_api_search_is_bounded_too(client: FlaskClient) -> None:
    client.get("/api/oruk/services?search=parenting")
    for seed in (6, 7):
        status, seconds = timed_get(client, "/api/oruk/services?" + urlencode({"search": random_letters(seed)}))
        assert status == 200
        assert seconds < WALL_SECONDS
    status, seconds = timed_get(client, "/api/oruk/services?" + urlencode({"search": near_misses(8)}))
    assert status == 200
    assert seconds < WALL_SECONDS


def test_searching_and_the_api_are_rate_limited_with_a_clear_answer(client: FlaskClient, app: Flask) -> None:
    limiter.reset()
    app.config["SEARCH_RATE_LIMIT"] = "3 per minute"
    try:
        searches = [client.get(f"/search?q=food+{n}") for n in range(4)]
        other_page = client.get("/")
        limiter.reset()
        api = [client.get(f"/api/oruk/services?search=food+{n}") for n in range(4)]
    finally:
        app.config["SEARCH_RATE_LIMIT"] = "100000 per minute"
        limiter.reset()
    assert [response.status_code for response in searches] == [200, 200, 200, 429]
    assert "Too many requests" in searches[-1].get_data(as_text=True)
    assert other_page.status_code == 200
    assert [response.status_code for response in api] == [200, 200, 200, 429]
    body = api[-1].get_json()
    assert body["status"] == 429 and "3 per 1 minute" in body["message"]
