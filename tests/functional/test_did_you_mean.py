""""Did you mean" never changes the meaning: no suggestion for words that matched a safety intent,
none that swaps a real word for another ("kill" for "call", "life" for "die"), none for text in
another script; only misspellings that are not words at all are corrected. On every backend."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

# The query, and the suggestion it must get (None: no "Did you mean" at all).
QUERIES: list[tuple[str, str | None]] = [
    # Safety words are never "corrected".
    ("kill myself", None),
    ("i want to kill myself", None),
    ("he wants to kil himself", None),
    ("end my life", None),
    ("sucide", None),
    ("selfharm", None),
    ("self harm", None),
    ("partner hits me", None),
    ("my dad hits me", None),
    ("forced marriage", None),
    ("honour based violence", None),
    ("run away from home", None),
    ("my son is being groomed", None),
    # Real words stay as they are.
    ("start for life", None),
    ("life skills", None),
    ("call me back", None),
    ("bored teenager", None),
    ("cope with stress", None),
    ("house", None),
    ("council", None),
    ("evicted", None),
    ("homeless", None),
    ("holiday activities", None),
    ("divorce", None),
    ("grief", None),
    ("dentist", None),
    ("food bank", None),
    ("stay and play", None),
    ("health visitor", None),
    # Other scripts and languages get no English suggestion.
    ("bank żywności", None),
    ("pomoc dla rodziny", None),
    ("گھریلو تشدد", None),
    ("পারিবারিক সহায়তা", None),
    ("مساعدة الأسرة", None),
    # Misspellings that are not words are corrected, and only they.
    ("councelling for teenager", "counselling for teenager"),
    ("scool", "school"),
    ("my sone wont go to scool", "my sone wont go to school"),
    ("speach therapy", "speech therapy"),
    ("todler group", "toddler group"),
    ("midwfe", "midwife"),
    ("mental helth", "mental health"),
    ("anxeity", "anxiety"),
    ("youth clubb", "youth club"),
    ("depresion", "depression"),
]

SUGGESTION = re.compile(r"Did you mean <a[^>]*>([^<]*)</a>")


@pytest.mark.parametrize(("query", "expected"), QUERIES)
def test_did_you_mean_keeps_the_meaning(client: FlaskClient, query: str, expected: str | None) -> None:
    response = client.get("/search", query_string={"q": query}, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = SUGGESTION.search(html)
    assert (found.group(1) if found else None) == expected, query
