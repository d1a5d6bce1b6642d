"""QR codes as inline SVG (segno), to take a link away on a phone. No Flask imports."""

from __future__ import annotations

import io
from functools import lru_cache

import segno
from markupsafe import Markup

MAX_QR_TEXT = 1200  # a shortlist link of 12 ids is about 500 characters; refuse anything absurd


def draw_qr_svg(text: str, label: str) -> Markup:
    """`text` as a QR code in an <svg> with a text alternative. Empty markup for empty or oversized text."""
    if not text or len(text) > MAX_QR_TEXT:
        return Markup("")
    code = segno.make(text, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", xmldecl=False, svgns=True, svgclass="portal-qr", lineclass=None, scale=4,
              omitsize=True, dark="#000", light="#fff", border=4)
    svg = buffer.getvalue().decode("ascii")
    # segno writes no accessible name: add one (escaped) as role=img + aria-label.
    # segno's own SVG output, with the label escaped by Markup.format (bandit B704 checked)
    return Markup(svg.replace("<svg ", Markup('<svg role="img" aria-label="{}" ').format(label), 1))  # nosec B704


# The same link always makes the same code: a shortlist's codes are made once per process, not per visit.
# (A service page's own code is kept with the page's other parts: directory/page_parts.py.)
qr_svg = lru_cache(maxsize=1024)(draw_qr_svg)
