"""Parts of the page frame that are the same on every page of a language (the footer, the menu, the
urgent-help strip, the phase banner): `{% same_per_language "name" %}...{% endsame_per_language %}`.

Each is rendered on its first use for a language (and where the site is served) and its markup reused
by later pages of that language in this process, as the fixed links are (portal.i18n): about 0.8 ms of
every page's frame. The catalogues and settings they read only change with a restart.

What may go in one: text through `_()`, links without values (`url_for('pages.privacy')`) and settings.
Never anything of the request or the visitor (a search's words, the CSP nonce, the language links of this
page): that would be shown to the next visitor. An optional second argument is part of the key, for a
fragment that differs by something small and known (the menu, by the page's endpoint:
`{% same_per_language "menu", request.endpoint %}`). While url_for adds values of its own to links (a
kiosk visit's), every fragment is rendered afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from flask import current_app, request
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.parser import Parser
from markupsafe import Markup

from portal.i18n import locale_name
from portal.i18n.middleware import LOCALE_KEY, ORIGINAL_ROOT_KEY

FRAGMENTS_KEY = "portal.same_per_language"
FRAGMENTS_LIMIT = 4096
WHERE_KEY = "portal.fragments_where"  # kept with the request
PROBE_ENDPOINT = "pages.home"  # a page link: url_for adds nothing to it unless it adds to every link


class SamePerLanguage(Extension):
    tags = {"same_per_language"}

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        args: list[nodes.Expr] = [parser.parse_expression()]
        if parser.stream.skip_if("comma"):
            args.append(parser.parse_expression())
        else:
            args.append(nodes.Const(None))
        body = parser.parse_statements(("name:endsame_per_language",), drop_needle=True)
        return nodes.CallBlock(self.call_method("_fragment", args), [], [], body).set_lineno(lineno)

    def _fragment(self, name: str, variant: Hashable, caller: Callable[[], str]) -> Markup:
        key = fragment_key(name, variant)
        if key is None:
            return Markup(caller())  # nosec B704  # the block's own output, escaped as it was rendered
        kept: dict[tuple[Any, ...], Markup] = current_app.extensions.setdefault(FRAGMENTS_KEY, {})
        found = kept.get(key)
        if found is None:
            found = Markup(caller())  # nosec B704  # as above
            if len(kept) < FRAGMENTS_LIMIT:
                kept[key] = found
        return found


def fragment_key(name: str, variant: Hashable) -> tuple[Any, ...] | None:
    """What a fragment's markup depends on: the language in force and its prefix, where the site is
    served, and the fragment's variant. None while url_for adds values to page links (a kiosk)."""
    environ = request.environ
    where = environ.get(WHERE_KEY)
    if where is None:  # the same for the whole request: worked out once
        added: dict[str, Any] = {}
        current_app.inject_url_defaults(PROBE_ENDPOINT, added)
        where = environ[WHERE_KEY] = (not added, environ.get(LOCALE_KEY), request.script_root,
                                      str(environ.get(ORIGINAL_ROOT_KEY, "")))
    if not where[0]:
        return None
    return (name, variant, locale_name(), *where[1:])
