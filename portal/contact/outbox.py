"""Email notices: written to the outbox in the same transaction as the change, sent by SMTP when configured.

No Flask imports: the SMTP settings are passed in. A failed send leaves the message unsent in the outbox.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.orm import Session

from portal.models.contact_request import OutboxMessage, utcnow

logger = logging.getLogger(__name__)

# Used as the recipient while EARLY_HELP_INBOX is unset. It is deliberately not an email address:
# no address is invented, and messages to it stay in the outbox until the real inbox is configured.
INBOX_PLACEHOLDER = "early-help-inbox"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    timeout_seconds: float


def queue_message(session: Session, to: str, subject: str, body: str) -> OutboxMessage:
    message = OutboxMessage(to=to, subject=subject, body=body)
    session.add(message)
    return message


def send_message(message: OutboxMessage, smtp: SmtpSettings | None, body: str | None = None,
                 drop_dir: Path | None = None) -> bool:
    """Try to send one message (with `body` in place of the stored one, for an email whose link is made
    as it is sent); True (and sent_at set) when the server accepted it, or when it was written into
    `drop_dir` (development and tests, with no SMTP server). The caller commits."""
    email = EmailMessage()
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body if body is None else body)
    if (smtp is None or not smtp.host) and drop_dir is not None:
        email["From"] = "tameside-family-help"
        drop_dir.mkdir(parents=True, exist_ok=True)
        (drop_dir / f"{message.id}.eml").write_bytes(bytes(email))
        message.sent_at = utcnow()
        return True
    if smtp is None or not smtp.host or "@" not in message.to or not smtp.sender:
        return False
    email["From"] = smtp.sender
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds) as server:
            server.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        # Only the message id and the error's type: the outbox holds no personal data, but stay terse anyway.
        logger.warning("outbox message %s not sent (%s); it stays in the outbox", message.id, type(exc).__name__)
        return False
    message.sent_at = utcnow()
    return True
