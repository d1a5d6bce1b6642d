"""Emails from the portal: queued in the outbox with the change that causes them, then sent by SMTP
when it is configured. Unsent messages wait in the outbox (`portal send-outbox` retries them)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from portal.contact.outbox import SmtpSettings, queue_message, send_message
from portal.extensions import db
from portal.models.contact_request import OutboxMessage


def smtp_settings() -> SmtpSettings | None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return None
    return SmtpSettings(host=config["SMTP_HOST"], port=config["SMTP_PORT"],
                        sender=config.get("SMTP_FROM") or config.get("EARLY_HELP_INBOX", ""),
                        timeout_seconds=config["SMTP_TIMEOUT_SECONDS"])


def queue(to: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction. Call `send_queued` after committing."""
    return queue_message(db.session(), to=to, subject=subject, body=body)


def send_queued(*messages: OutboxMessage) -> int:
    """Try to send messages already committed to the outbox; the ones sent are marked. Returns how many."""
    settings = smtp_settings()
    sent = sum(1 for message in messages if send_message(message, settings))
    if sent:
        db.session.commit()
    return sent


def send_outbox() -> tuple[int, int]:
    """Retry every unsent message: (sent, still waiting)."""
    waiting = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                      .order_by(OutboxMessage.created_at)))
    sent = send_queued(*waiting)
    return sent, len(waiting) - sent
