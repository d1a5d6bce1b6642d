"""Languages: the URL prefix (/ur/...), the remembered choice, and what every page needs to offer them.

How a language is chosen (README "Languages"):
- /ur/..., /bn/..., /pl/..., /ar/... serve that language; a path without a prefix is English.
- Visiting a prefixed page remembers the language in a cookie. /en/... remembers English and
  redirects to the page without a prefix (the switcher and the "read this page in English" link use it).
- An unprefixed page (GET) is redirected to the remembered language, or on a first visit (no cookie)
  to the best language in Accept-Language; English needs no redirect.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from babel.support import NullTranslations
from flask import Flask, current_app, g, redirect, request, url_for
from flask_babel import get_locale, get_translations, refresh
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.wrappers import Response

from portal.i18n.languages import (
    COOKIE,
    COOKIE_MAX_AGE,
    DEFAULT,
    LANGUAGES,
    NATIVE_NAMES,
    TRANSLATED,
    best_match,
    direction,
)
from portal.i18n.middleware import LOCALE_KEY, ORIGINAL_ROOT_KEY, LanguagePrefixMiddleware

# Endpoints that are not pages: never redirected to a language.
NOT_PAGE_BLUEPRINTS = ("api", "oruk_api", "health")


def init_i18n(app: Flask) -> None:
    from portal.i18n.fragments import SamePerLanguage

    app.wsgi_app = LanguagePrefixMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    # Flask-Babel caches the locale on the app context, which tests and CLI commands share between
    # requests: each request decides its own language.
    app.before_request(refresh)
    app.before_request(_choose_language)
    app.after_request(_remember_language)
    app.context_processor(_language_context)
    app.context_processor(catalogue_context)
    app.jinja_env.globals["own_words"] = own_words
    app.jinja_env.globals["url_for"] = url_for_without_prefix_for_assets
    app.jinja_env.globals["links_for"] = links_for
    app.jinja_env.add_extension(SamePerLanguage)
    app.extensions[FIXED_LINKS_KEY] = {}
    # Templates' _(), as Flask-Babel installs it, with the catalogue looked up once per request and language.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: page_translations().ugettext(s),
        ngettext=lambda s, p, n: page_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: page_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: page_translations().unpgettext(c, s, p, n),
    )
    # ... then _(), gettext() and ngettext() called straight, not through Jinja's alias (see newstyle()).
    app.jinja_env.globals.update(newstyle(page_translations))


TRANSLATIONS_KEY = "_portal_translations"


def page_translations() -> NullTranslations:
    """The catalogue of the language in force, for the hundred or more strings of a page. Flask-Babel
    finds it again at every string (its cache is keyed by the locale's name, formatted each time:
    about 8 µs a string); here it is found once per request and language, and found again whenever
    the language in force is another Locale object (a refresh, or force_locale)."""
    locale = get_locale()
    kept = g.get(TRANSLATIONS_KEY) if locale is not None else None
    if kept is not None and kept[0] is locale:
        return kept[1]  # type: ignore[no-any-return]
    translations = get_translations()
    if locale is not None:
        setattr(g, TRANSLATIONS_KEY, (locale, translations))
    return translations


def locale_name() -> str:
    """The name of the locale in force (the request's language, or one forced, as for an email): the
    catalogue page_translations reads is that locale's."""
    locale = get_locale()
    return str(locale) if locale else "en_GB"


def gettext(string: str, **variables: Any) -> str:
    """Flask-Babel's gettext for text a page shows, through the catalogue found once per request."""
    text: str = page_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """Flask-Babel's ngettext (num given as a variable too), through the request's catalogue."""
    variables.setdefault("num", num)
    text: str = page_translations().ungettext(singular, plural, num)
    return text % variables


# Links that are the same on every page of a language (the menu's, the footer's, static files'), kept
# with each app under this key.
FIXED_LINKS_KEY = "portal.fixed_links"
FIXED_LINKS_LIMIT = 1024


def url_for_without_prefix_for_assets(endpoint: str, **values: Any) -> str:
    """Templates' url_for: pages keep the language prefix, static files do not (one cached copy).

    A link with no values but a static file's name (a page's menu and footer links, its style sheet
    and scripts: twenty or thirty on every page) depends only on where the site is served and the
    language prefix, so it is built once for each (per app) and reused. Links the url_defaults hooks add to
    (a kiosk visit's) and links with values are built every time."""
    fixed = _fixed_link(endpoint, values)
    kept: dict[tuple[str, str, str, str], str] = current_app.extensions[FIXED_LINKS_KEY]
    if fixed is not None:
        found = kept.get(fixed)
        if found is not None:
            return found
    url = url_for(endpoint, **values)
    if (endpoint == "static" or endpoint.endswith(".static")) and not values.get("_external"):
        prefixed, root = request.script_root, str(request.environ.get(ORIGINAL_ROOT_KEY, ""))
        if request.environ.get(LOCALE_KEY) and url.startswith(prefixed + "/"):
            url = root.rstrip("/") + url[len(prefixed):]
    if fixed is not None and len(kept) < FIXED_LINKS_LIMIT:
        kept[fixed] = url
    return url


# A value a link carries as it is (url_for escapes none of its characters), and the stand-in for it.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9_.~-]+\Z")
_STAND_IN = "portal0link0value"


def links_for(endpoint: str, name: str) -> Callable[[object], str]:
    """url_for_without_prefix_for_assets(endpoint, name=value) for many values (a results page's twenty
    service links, a map's thousand markers): the link is built once with a stand-in value, then each
    value is put in its place. A value with any character a link would escape is built by url_for."""
    pattern = url_for_without_prefix_for_assets(endpoint, **{name: _STAND_IN})
    before, found, after = pattern.partition(_STAND_IN)

    def built(value: object) -> str:
        return url_for_without_prefix_for_assets(endpoint, **{name: value})

    if not found or _STAND_IN in after:
        return built

    def link(value: object) -> str:
        text = str(value)
        return before + text + after if _PLAIN_VALUE.match(text) else built(value)

    return link


def _fixed_link(endpoint: str, values: dict[str, Any]) -> tuple[str, str, str, str] | None:
    """The key of a link that is the same wherever it is asked for, given where the site is served
    and the language prefix; None for any other link."""
    if endpoint == "static":
        if len(values) != 1 or not isinstance(values.get("filename"), str):
            return None
        filename = values["filename"]
    elif values or endpoint.startswith("."):
        return None
    else:
        filename = ""
        added: dict[str, Any] = {}
        current_app.inject_url_defaults(endpoint, added)
        if added:
            return None
    return (request.script_root, str(request.environ.get(ORIGINAL_ROOT_KEY, "")), endpoint, filename)


def own_words() -> Markup:
    """Attributes for text organisations wrote themselves (in English so far), which is not translated:
    on a translated page it says which language it is in and finds its own direction. A global, so
    macros imported without context can use it."""
    return Markup(' lang="en" dir="auto"') if current_language() != DEFAULT else Markup("")


def current_language() -> str:
    """The language of this request: from its URL prefix, English without one."""
    return str(request.environ.get(LOCALE_KEY, DEFAULT)) if request else DEFAULT


def babel_locale() -> str:
    """Flask-Babel's locale selector: British English formats (28 April 2025) for English."""
    code = current_language()
    return "en_GB" if code == DEFAULT else code


def _is_page() -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    endpoint = request.endpoint or ""
    return endpoint != "static" and request.blueprint not in NOT_PAGE_BLUEPRINTS


def _here() -> str:
    """This page's path and query, without any language prefix."""
    path = quote(request.path)
    query = request.query_string.decode("latin-1")
    return path + ("?" + query if query else "")


def language_url(code: str) -> str:
    """This page in another language. English goes through /en/ so that the choice is remembered."""
    root = str(request.environ.get(ORIGINAL_ROOT_KEY, request.script_root)).rstrip("/")
    return f"{root}/{code}{_here()}"


def _choose_language() -> Response | None:
    locale = request.environ.get(LOCALE_KEY)
    if locale == DEFAULT:
        if request.method in ("GET", "HEAD"):
            root = str(request.environ.get(ORIGINAL_ROOT_KEY, "")).rstrip("/")
            return redirect(root + _here(), code=302)
        return None
    if locale or not _is_page():
        return None
    wanted = request.cookies.get(COOKIE)
    if wanted not in LANGUAGES:
        wanted = best_match(request.headers.get("Accept-Language"))
    if wanted and wanted != DEFAULT:
        return redirect(language_url(wanted), code=302)
    return None


def _remember_language(response: Response) -> Response:
    locale = request.environ.get(LOCALE_KEY)
    if locale and request.cookies.get(COOKIE) != locale:
        response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE, secure=request.is_secure,
                            httponly=True, samesite="Lax")
    if not locale and _is_page():
        response.vary.update(("Cookie", "Accept-Language"))
    return response


def _language_context() -> dict[str, Any]:
    code = current_language()
    return {
        "html_lang": code,
        "html_dir": direction(code),
        # GOV.UK's template writes only <html lang="{{ htmlLang }}">: the direction rides along with it.
        "html_lang_and_dir": Markup('{}" dir="{}').format(code, direction(code)),
        "translated_language": code in TRANSLATED,
        "language_links": [
            {"code": other, "name": NATIVE_NAMES[other], "url": language_url(other), "current": other == code,
             "dir": direction(other)}
            for other in LANGUAGES
        ],
        "english_url": language_url(DEFAULT),
    }


def catalogue_context() -> dict[str, Any]:
    """`_()` and `ngettext()` in templates, through this render's catalogue, looked up once per page.

    Flask-Babel's own template callables look the catalogue up again for every string (about a third
    of the time a results page took to render). Made at each render, so a page rendered under
    `force_locale` (an email in English) gets that catalogue. Macros imported without context use the
    globals, which find the catalogue through page_translations()."""
    catalogue = get_translations()
    return newstyle(lambda: catalogue)


def newstyle(catalogue: Callable[[], NullTranslations]) -> dict[str, Any]:
    """_(), gettext() and ngettext() as Jinja's "newstyle" ones behave: the catalogue's text (ours) is
    marked safe and always formatted with the variables given, which Markup's % escapes.

    They take the evaluation context, not the whole context: Jinja hands a function that takes the
    context a new copy of it whenever it is called inside a loop or a block that sets variables (ten
    copies a service page), and Jinja's own _() is an alias that resolves and calls gettext again."""

    @pass_eval_context
    def gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
        text = catalogue().ugettext(string)
        if not variables and "%" not in text:  # what formatting would give back (most of a page's strings)
            return Markup(text) if eval_ctx.autoescape else text  # nosec B704
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # nosec B704

    @pass_eval_context
    def ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
        variables.setdefault("num", num)
        text = catalogue().ungettext(singular, plural, num)
        return (Markup(text) if eval_ctx.autoescape else text) % variables  # nosec B704

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}
