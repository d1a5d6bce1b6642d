"""The safety panel on pages: which intent a search, a need page or a questionnaire answer matches.
Pages that show a panel also show the quick exit (`quick_exit` in the template context)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, current_app

from portal.safety.loader import load_safety_intents
from portal.safety.model import Intent, SafetyIntents
from portal.urgent import URGENT_CONTACTS


def setup_safety(app: Flask) -> None:
    """Load the safety intents once; a wrong reference stops the portal starting."""
    data = Path(app.config["DIRECTORY_DATA_DIR"])
    app.extensions["safety_intents"] = load_safety_intents(
        data / "search" / "safety.yaml", data / "sources" / "support_services.csv", URGENT_CONTACTS,
        app.extensions["vocabularies"].needs)


def needs_quick_exit(slug: str) -> bool:
    """Need pages about harm or safety have the quick exit, with or without a panel."""
    return slug in safety_intents().quick_exit_needs


def safety_intents() -> SafetyIntents:
    intents: SafetyIntents = current_app.extensions["safety_intents"]
    return intents


def safety_context(text: str | None = None, needs: Iterable[str] = ()) -> dict[str, Any]:
    """For a page's template: `safety_intent` (the panel to show first) and `quick_exit`, when the words
    typed, or else the needs asked about, match an intent; nothing otherwise."""
    intents = safety_intents()
    intent: Intent | None = intents.for_text(text) or intents.for_needs(needs)
    return {"safety_intent": intent, "quick_exit": True} if intent is not None else {}
