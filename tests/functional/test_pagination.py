"""Lists of services are paged with GOV.UK Frontend's pagination component, written out in
templates/macros/pagination.html: its markup is the one govuk-frontend-jinja's govukPagination makes
for the same pages, links and words, whatever the page, the number of pages and the language."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string
from flask_babel import refresh

from tests.pages import fetch_page

OURS = ('{% from "macros/pagination.html" import pagination with context %}'
        '{{ pagination(page, pages, page_links("/search?q=food"), "Results pages") }}')
GOVUK = """{% from "govuk_frontend_jinja/components/pagination/macro.html" import govukPagination %}
{% set href = page_links("/search?q=food") %}
{% set items = [] %}
{% for number in pages_shown(page, pages) %}
  {% if number is none %}{% do items.append({'ellipsis': true}) %}
  {% else %}{% do items.append({'number': number, 'href': href(number), 'current': number == page,
                                'visuallyHiddenText': _('Page %(number)d', number=number)}) %}{% endif %}
{% endfor %}
{{ govukPagination({
  'items': items,
  'previous': {'href': href(page - 1), 'text': _('Previous')} if page > 1 else none,
  'next': {'href': href(page + 1), 'text': _('Next')} if page < pages else none,
  'landmarkLabel': 'Results pages'
}) }}"""


def markup(html: str) -> str:
    """The markup with the layout's whitespace taken out."""
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    return re.sub(r'\s+(?=[/]?>)', "", html).strip()


@pytest.mark.parametrize("prefix", ["", "/ur", "/pl"])
def test_the_pages_markup_is_govuk_frontends(app: Flask, prefix: str) -> None:
    with app.test_request_context(f"{prefix}/search?q=food"):
        app.preprocess_request()
        refresh()
        for pages in range(1, 12):
            for page in range(1, pages + 1):
                ours = render_template_string(OURS, page=page, pages=pages)
                theirs = render_template_string(GOVUK, page=page, pages=pages)
                assert markup(ours) == markup(theirs), (prefix, page, pages)


def test_each_page_link_is_labelled_in_the_page_language(app: Flask) -> None:
    client = app.test_client()
    english = fetch_page(client, "/needs/money-debt-and-food")
    labels = [link["aria-label"] for link in english.select("ul.govuk-pagination__list a")]
    assert labels and labels[0] == "Page 1"
    polish = fetch_page(app.test_client(), "/pl/needs/money-debt-and-food")
    labels = [link["aria-label"] for link in polish.select("ul.govuk-pagination__list a")]
    assert labels and labels[0] == "Strona 1"
