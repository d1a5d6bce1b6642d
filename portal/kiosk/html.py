"""Kiosk pages, made safe after rendering: every page on a kiosk, whoever wrote its template, must have
no link that leaves the site, no sign-in link, and forms that remember nothing. No Flask imports.

Templates are ours and Jinja escapes every attribute value, so a double quote or `>` never appears
inside one: a small regular-expression pass over the finished page is enough, and it is unit-tested.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from markupsafe import Markup

ANCHOR = re.compile(r"<a(\s[^>]*)?>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
FORM = re.compile(r"<form(\s[^>]*)?>", re.IGNORECASE)
FIELD = re.compile(r"<(input|textarea|select)(\s[^>]*)?>", re.IGNORECASE)
HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
METHOD = re.compile(r"""\bmethod\s*=\s*["']?post""", re.IGNORECASE)
AUTOCOMPLETE = re.compile(r"""\sautocomplete\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)
TAGS = re.compile(r"<[^>]+>")


def leaves_site(href: str, host: str) -> bool:
    """True for a link a kiosk must not follow: another site, email, phone, or script."""
    target = href.strip()
    if target.startswith("//"):
        return urlsplit("http:" + target).netloc.lower() != host.lower()
    parts = urlsplit(target)
    if not parts.scheme:
        return False
    if parts.scheme.lower() in ("http", "https"):
        return parts.netloc.lower() != host.lower()
    return True


def shown_address(href: str) -> str:
    """How an outside address is written for someone to copy down: no scheme, no mailto:/tel:."""
    parts = urlsplit(href.strip())
    scheme = parts.scheme.lower()
    if scheme in ("mailto", "tel", "sms"):
        return parts.path
    if scheme in ("http", "https") or href.startswith("//"):
        return (parts.netloc + parts.path).rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return ""


def is_blocked(href: str, blocked_paths: tuple[str, ...]) -> bool:
    """A link to a page a kiosk never offers (signing in), under any language prefix."""
    path = urlsplit(href.strip()).path
    return any(path == blocked or path.endswith(blocked) or (blocked + "/") in path for blocked in blocked_paths)


def _squashed(text: str) -> str:
    return "".join(text.lower().split())


def make_kiosk_safe(page: str, host: str, visit: str | None, blocked_paths: tuple[str, ...]) -> str:
    def anchor(match: re.Match[str]) -> str:
        attributes, text = match.group(1) or "", match.group(2)
        found = HREF.search(attributes)
        if not found:
            return match.group(0)
        href = html.unescape(found.group(1) if found.group(1) is not None else found.group(2))
        if is_blocked(href, blocked_paths):
            return ""
        if not leaves_site(href, host):
            return match.group(0)
        address = shown_address(href)
        visible = html.unescape(TAGS.sub("", text))
        note = ""
        if address and _squashed(address) not in _squashed(visible):
            note = Markup(' <span class="portal-offsite__address">({})</span>').format(address)
        return f'<span class="portal-offsite">{text}</span>{note}'

    def form(match: re.Match[str]) -> str:
        attributes = AUTOCOMPLETE.sub("", match.group(1) or "")
        tag = f'<form{attributes} autocomplete="off">'
        if visit and not METHOD.search(attributes):
            # GET forms replace the query string of their action: carry the visit in a field instead.
            tag += str(Markup('<input type="hidden" name="kv" value="{}">').format(visit))
        return tag

    def field(match: re.Match[str]) -> str:
        name, attributes = match.group(1), match.group(2) or ""
        if 'type="hidden"' in attributes:
            return match.group(0)
        closing = "/" if attributes.rstrip().endswith("/") else ""
        attributes = AUTOCOMPLETE.sub("", attributes.rstrip().rstrip("/"))
        return f'<{name}{attributes} autocomplete="off"{closing}>'

    page = ANCHOR.sub(anchor, page)
    page = FORM.sub(form, page)
    return FIELD.sub(field, page)
