"""Snippets are highlighted with analysis.HighlightTokens: the stemming analyser's own tokens, made in
one loop, and fragmented in that loop too (HighlightTokens.fragments). Whatever the text and the words
looked for, the tokens and the highlighted snippet are Whoosh's own `highlight` with the analyser."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    HtmlFormatter,
    highlight,
    set_matched_filter,
    top_fragments,
)

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


FRAGMENTER = ContextFragmenter(maxchars=220, surround=60)
TERMS = [family_stem(word) for word in WORDS] + ["the", "a"]


def formatter() -> HtmlFormatter:
    return HtmlFormatter(tagname="mark", classname="portal-match", termclass="term", between=" … ")


def snippet(text: str, analyzer, terms: list[str] = TERMS,  # type: ignore[no-untyped-def]
            fragmenter: ContextFragmenter = FRAGMENTER) -> str:
    return highlight(text, terms, analyzer, fragmenter, formatter(), top=2, scorer=BasicFragmentScorer(),
                     mode="index")


def fragmented(text: str, terms: list[str] = TERMS, fragmenter: ContextFragmenter = FRAGMENTER) -> str:
    """As the Whoosh backend makes a snippet: HighlightTokens.fragments, then Whoosh's scorer and formatter."""
    fragments = HighlightTokens(stemming_analyzer()).fragments(text, frozenset(terms), fragmenter)
    return str(formatter()(text, top_fragments(fragments, 2, BasicFragmentScorer(), FIRST)))


def check(text: str) -> None:
    analyzer = stemming_analyzer()
    fast = HighlightTokens(analyzer)
    assert stream(fast(text, chars=True, mode="index", removestops=False)) == \
        stream(analyzer(text, chars=True, mode="index", removestops=False))
    assert snippet(text, fast) == snippet(text, analyzer) == fragmented(text)


def test_the_directorys_kind_of_text_gives_the_analysers_tokens_and_snippets() -> None:
    for text in TEXTS:
        check(text)
    assert "<mark" in snippet(TEXTS[0], HighlightTokens(stemming_analyzer()))


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(alphabet=st.sampled_from(list("aeiou stnrlcdmpfgbyAEIOU'’-.,;0123456789éżąمرحব")), max_size=300))
def test_any_text_gives_the_analysers_tokens_and_snippets(text: str) -> None:
    check(text)


def words_of(text: str) -> list[str]:
    return [token.text for token in stemming_analyzer()(text, mode="index", removestops=False)]


# Fragmenters small enough that a fragment fills up or a word is longer than a whole fragment, one whose
# context is wider than its fragments, and one with a character limit the text may pass.
FRAGMENTERS = [FRAGMENTER, ContextFragmenter(maxchars=12, surround=4), ContextFragmenter(maxchars=40, surround=0),
               ContextFragmenter(maxchars=30, surround=200),
               ContextFragmenter(maxchars=220, surround=60, charlimit=300)]


def drawn(data: st.DataObject) -> tuple[str, list[str], ContextFragmenter]:
    """A long text, words looked for in it (its own and common ones), and a fragmenter."""
    text = data.draw(st.text(alphabet=st.sampled_from(list("aeiou stnrlcdmpfgbAEIOU'’-.,;05éżمব")), max_size=900))
    words = words_of(text)
    terms = data.draw(st.lists(st.sampled_from(words), max_size=6)) if words else []
    terms += data.draw(st.lists(st.sampled_from(TERMS), max_size=2))
    return text, terms, data.draw(st.sampled_from(FRAGMENTERS))


@settings(max_examples=300, deadline=None, database=None)
@given(st.data())
def test_any_text_and_any_words_looked_for_give_the_analysers_snippet(data: st.DataObject) -> None:
    """Long texts, several matches close together or far apart, and fragmenters small enough that a
    fragment fills up or a single word is longer than a whole fragment."""
    text, terms, fragmenter = drawn(data)
    assert fragmented(text, terms, fragmenter) == snippet(text, stemming_analyzer(), terms, fragmenter)


def test_fragments_end_where_whooshs_do_at_each_edge() -> None:
    """A fragment exactly full, one word over, a word longer than a fragment, matches at the start and
    the end, and words past the character limit."""
    small = ContextFragmenter(maxchars=12, surround=4)
    cases = [
        ("ab ab ab ab ab ab ab ab ab", ["ab"], small),
        ("abc abc abc abc abc abc", ["abc"], small),
        ("xy ab xy xy xy xy xy ab xy xy", ["ab"], small),
        ("abcdefghijklmnop ab", ["abcdefghijklmnop", "ab"], small),
        ("ab " + "xy " * 40 + "ab", ["ab"], ContextFragmenter(maxchars=50, surround=10, charlimit=60)),
        ("food " * 200, ["food"], FRAGMENTER),
    ]
    for text, terms, fragmenter in cases:
        assert fragmented(text, terms, fragmenter) == snippet(text, stemming_analyzer(), terms, fragmenter), text


def every_fragment(fragments) -> list[tuple[int, int, list[tuple[str, int, int]]]]:  # type: ignore[no-untyped-def]
    return [(fragment.startchar, fragment.endchar, [(match.text, match.startchar, match.endchar)
                                                    for match in fragment.matches]) for fragment in fragments]


@settings(max_examples=400, deadline=None, database=None)
@given(st.data())
def test_every_fragment_is_whooshs_not_only_the_two_shown(data: st.DataObject) -> None:
    """All the fragments, with their matched words, as Whoosh's fragmenter makes them from the analyser's
    tokens: the words between fragments are jumped over, never read into a different start or end."""
    text, terms, fragmenter = drawn(data)
    analyzer = stemming_analyzer()
    tokens = set_matched_filter(analyzer(text, chars=True, mode="query", removestops=False), frozenset(terms))
    expected = every_fragment(fragmenter.fragment_tokens(text, tokens))
    assert every_fragment(HighlightTokens(analyzer).fragments(text, frozenset(terms), fragmenter)) == expected
