"""Jinja set-up: GOV.UK Frontend macros, the CSP nonce, and helpers every page uses."""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from collections.abc import Callable, MutableMapping
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_decimal
from flask import Flask, current_app
from flask.templating import Environment
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader

from portal.accounts.navigation import staff_links
from portal.datafiles.vocabularies import Vocabularies
from portal.i18n import gettext, locale_name, ngettext
from portal.listing_words import age_range, day_name, option_count
from portal.paging import pages_shown
from portal.phones import phone, phone_link, with_phones
from portal.security import csp_nonce
from portal.urgent import URGENT_CONTACTS
from portal.weblinks import allowed_link


class TemplateGlobals(ChainMap[str, Any]):
    """A template's globals as Jinja makes them (its own over the environment's, both live), with its
    keys as a set. At every `{% from ... import ... %}` (twenty-odd on a page) Jinja takes the
    importing page's global names minus these keys, which a ChainMap answers name by name in Python
    (about a tenth of a service page's time); two dicts' keys make a set at C speed."""

    def keys(self) -> Any:
        return set().union(*(layer.keys() for layer in self.maps))


class PortalEnvironment(Environment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals(d if d is not None else {}, self.globals)


def vocabularies() -> Vocabularies:
    vocab: Vocabularies = current_app.extensions["vocabularies"]
    return vocab


def init_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader(
        [
            app.jinja_loader,  # type: ignore[list-item]
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    app.jinja_env.filters["clock"] = clock
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["allowed_link"] = allowed_link
    app.jinja_env.filters["with_phones"] = with_phones
    app.jinja_env.globals["miles"] = miles
    app.jinja_env.globals["locale_name"] = locale_name
    app.jinja_env.globals["age_range"] = age_range
    app.jinja_env.globals["day_name"] = day_name
    app.jinja_env.globals["option_count"] = option_count
    app.jinja_env.globals["pages_shown"] = pages_shown
    app.jinja_env.globals["page_links"] = page_links
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["staff_links"] = staff_links
    app.jinja_env.globals["phone"] = phone
    app.jinja_env.globals["phone_link"] = phone_link

    @app.context_processor
    def page_context() -> dict[str, Any]:
        return {
            "cspNonce": csp_nonce(),
            "service_name": app.config["SERVICE_NAME"],
            "urgent_contacts": URGENT_CONTACTS,
            "vocabularies": vocabularies(),
        }


def clock(value: dt.time | None) -> str:
    """A time of day as people in the current language write it (en: 08:30)."""
    return format_time(value, "short", locale=locale_name()) if value else ""


def long_date(value: dt.date | None) -> str:
    """A date written out (en: 28 April 2025)."""
    return format_date(value, "long", locale=locale_name()) if value else ""


def paragraphs(text: str | None) -> list[str]:
    """Text split at blank lines, for organisations' own descriptions (rendered escaped)."""
    return [part.strip() for part in (text or "").split("\n\n") if part.strip()]


def miles(distance: float, locale: str | None = None) -> str:
    """A distance as people read it (en: "0.8 miles", "1 mile"), in `locale` (the locale in force:
    locale_name(), which a list of cards finds once)."""
    return _miles(None if distance < 0.05 else round(distance, 1), locale or locale_name())


@lru_cache(maxsize=4096)
def _miles(rounded: float | None, locale: str) -> str:
    """The phrase for a distance rounded to a tenth of a mile (None: under 0.05) in a language: worked
    out once per distance and language (twenty cards a page), as the catalogue never changes."""
    if rounded is None:
        return gettext("less than 0.1 miles")
    number = _decimal(rounded, locale)
    return ngettext("%(distance)s mile", "%(distance)s miles", 1 if rounded == 1 else 2, distance=number)


@lru_cache(maxsize=2048)
def _decimal(number: float, locale: str) -> str:
    """A distance's number in the locale's digits and separators (distances are few: kept)."""
    return format_decimal(number, format="#,##0.#", locale=locale)


def page_links(base: str, first_bare: bool = False) -> Callable[[int], str]:
    """The link to each page of a list, from `base`, the list's own link without a page number: built
    once, where url_for with every filter of a search cost about 30 µs for each of the ten or so links
    of the pagination. With `first_bare`, page 1 is the list's own link."""
    separator = "&" if "?" in base else "?"

    def link(number: int) -> str:
        return base if first_bare and number <= 1 else f"{base}{separator}page={int(number)}"

    return link


@lru_cache(maxsize=512)
def language_name(code: str) -> str:
    """A language's name, written in that language (اردو, Polski), so its speakers recognise it: the
    same in every page's language, so worked out once per code (a filter panel names each language)."""
    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
