"""Key rotation: re-encrypt every stored contact request with the newest key.

No Flask imports. Run after putting a new key first in CONTACT_ENCRYPTION_KEYS; once it has run, the
older keys can be removed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.contact.crypto import ContactCipher
from portal.models.contact_request import ContactRequest


def rotate_payloads(session: Session, cipher: ContactCipher) -> int:
    """Re-encrypt every payload with the newest key in one transaction; returns how many were rotated."""
    count = 0
    try:
        for contact_request in session.scalars(select(ContactRequest)).all():
            contact_request.encrypted_payload = cipher.rotate(contact_request.encrypted_payload)
            count += 1
        session.commit()
    except Exception:
        session.rollback()
        raise
    return count
