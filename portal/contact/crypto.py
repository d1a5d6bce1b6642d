"""Encryption of a contact request's personal data (Fernet, via MultiFernet for key rotation).

No Flask imports: the keys are passed in (config CONTACT_ENCRYPTION_KEYS, newest first).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ["ContactCipher", "InvalidToken"]


class ContactCipher:
    """Encrypts with the newest key; decrypts with any of them."""

    def __init__(self, keys: Sequence[str | bytes]) -> None:
        if not keys:
            raise ValueError("At least one encryption key is needed.")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, payload: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(payload, sort_keys=True).encode("utf-8"))

    def decrypt(self, token: bytes) -> dict[str, Any]:
        data = json.loads(self._fernet.decrypt(bytes(token)).decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("A contact request payload must be a JSON object.")
        return data

    def rotate(self, token: bytes) -> bytes:
        """The same payload, re-encrypted with the newest key."""
        return self._fernet.rotate(bytes(token))
