"""Links given by organisations and imported files: only web addresses (http, https) and mailto: and
tel: links are kept, accepted or shown. Anything else (javascript:, data:, vbscript:, file:, an address
with control characters in it) is refused on import and edit, and is never rendered as a link or passed
on by the API or an export, since data already in the database may hold one. No Flask here."""

from __future__ import annotations

import re

ALLOWED_SCHEMES = ("http", "https", "mailto", "tel")
# A scheme we allow and something after it: a host for web addresses, an address or number otherwise.
_ALLOWED = re.compile(r"(?:https?://[^\s/?#]|mailto:\S|tel:\S)", re.IGNORECASE)
# Browsers ignore control characters and spaces around a link and tabs and newlines inside it.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# The Open Referral UK fields that hold links, in every table.
LINK_FIELDS = frozenset({"url", "website", "logo", "uri", "term_uri"})
REFUSED = "must be a web address starting http:// or https://, or a mailto: or tel: link"


def is_allowed_link(url: str | None) -> bool:
    """Whether `url` is an http(s) address or a mailto: or tel: link, with no control characters."""
    if not url:
        return False
    text = url.strip()
    return not _CONTROL.search(text) and _ALLOWED.match(text) is not None


def allowed_link(url: str | None) -> str | None:
    """The link (without surrounding spaces) if it is one we allow; otherwise None, so it is not shown."""
    return url.strip() if url and is_allowed_link(url) else None
