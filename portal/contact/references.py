"""Human-friendly references such as "EH-7K3P-9QX2", read out over the phone without confusion."""

from __future__ import annotations

import secrets

# No 0/O, 1/I/L, or U (which can turn random letters into words); 30 symbols, 8 of them: ~6.5e11 references.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "EH"


def new_reference() -> str:
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{symbols[:4]}-{symbols[4:]}"


def normalise_reference(text: str) -> str:
    """What someone typed, in the stored form: upper case, without spaces."""
    return "".join(text.split()).upper()
