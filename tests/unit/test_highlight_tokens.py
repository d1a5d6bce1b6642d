"""Snippets are highlighted with analysis.HighlightTokens: the stemming analyser's own tokens, made in
one loop. Whatever the text, the tokens and the highlighted snippet are the analyser's."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.highlight import BasicFragmentScorer, ContextFragmenter, HtmlFormatter, highlight

from portal.search.analysis import HighlightTokens, family_stem, stemming_analyzer

TEXTS = [
    "Counselling for young carers and their families. Call 0161 496 0000; we're open on Mondays.",
    "A FOOD bank: food parcels, and advice on money & debt — Ashton-under-Lyne, Hyde; Stalybridge.",
    "Stay and play for under-5s in Dukinfield. It's free; no need to book (term time only).",
    "Zażółć gęślą jaźń. مرحبا بكم في مركز الأسرة. পরিবার সহায়তা. خاندان کی مدد",
    "a an I x y the of to in counsellor counsellors midwife midwives parenting parents parent's",
    "",
]
WORDS = ("counsel", "famili", "food", "bank", "money", "parent", "play", "the", "a", "midwif", "young", "carer")


def stream(tokens) -> list[tuple[str, bool, int, int]]:  # type: ignore[no-untyped-def]
    return [(token.text, token.stopped, token.startchar, token.endchar) for token in tokens]


def snippet(text: str, analyzer) -> str:  # type: ignore[no-untyped-def]
    formatter = HtmlFormatter(tagname="mark", classname="portal-match", termclass="term", between=" … ")
    return highlight(text, [family_stem(word) for word in WORDS] + ["the", "a"], analyzer,
                     ContextFragmenter(maxchars=220, surround=60), formatter, top=2, scorer=BasicFragmentScorer(),
                     mode="index")


def check(text: str) -> None:
    analyzer = stemming_analyzer()
    fast = HighlightTokens(analyzer)
    assert stream(fast(text, chars=True, mode="index", removestops=False)) == \
        stream(analyzer(text, chars=True, mode="index", removestops=False))
    assert snippet(text, fast) == snippet(text, analyzer)


def test_the_directorys_kind_of_text_gives_the_analysers_tokens_and_snippets() -> None:
    for text in TEXTS:
        check(text)
    assert "<mark" in snippet(TEXTS[0], HighlightTokens(stemming_analyzer()))


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("aeiou stnrlcdmpfgbyAEIOU'’-.,;0123456789éżąمرحব")), max_size=300))
def test_any_text_gives_the_analysers_tokens_and_snippets(text: str) -> None:
    check(text)
