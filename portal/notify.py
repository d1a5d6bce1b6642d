"""Emails from the portal: queued in the outbox with the change that causes them, then sent by SMTP
when it is configured (or, outside production, written into MAIL_DROP_DIR). Unsent messages wait in
the outbox (`portal send-outbox` retries them; `portal purge-outbox` deletes old ones).

An email with a single-use link (an invitation, a password reset) is queued with `queue_link`: its
body holds `SECRET_MARK` where the link's secret goes and names the link's record. The secret is made
only when the email is sent: its hash goes on the record, the secret into what is sent, and the body
kept afterwards says only that a link was sent. So neither the outbox nor a backup ever holds a usable
link, and an email whose link has expired, been used or been replaced is dropped, not sent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, or_, select

from portal.accounts.tokens import new_token
from portal.contact.outbox import SmtpSettings, queue_message, send_message
from portal.extensions import db
from portal.models.account import AccountToken
from portal.models.contact_request import OutboxMessage, utcnow

SECRET_MARK = "{secret}"  # nosec B105  # a placeholder in an email body, not a password
SECRET_NOT_KEPT = "(link not kept)"  # nosec B105  # words put where a sent link was


def smtp_settings() -> SmtpSettings | None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return None
    return SmtpSettings(host=config["SMTP_HOST"], port=config["SMTP_PORT"],
                        sender=config.get("SMTP_FROM") or config.get("EARLY_HELP_INBOX", ""),
                        timeout_seconds=config["SMTP_TIMEOUT_SECONDS"])


def _drop_dir() -> Path | None:
    folder = current_app.config.get("MAIL_DROP_DIR")
    return Path(folder) if folder and not current_app.config.get("SMTP_HOST") else None


def queue(to: str, subject: str, body: str) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction. Call `send_queued` after committing."""
    return queue_message(db.session(), to=to, subject=subject, body=body)


def queue_link(to: str, subject: str, body: str, record: AccountToken) -> OutboxMessage:
    """Queue an email whose body has `SECRET_MARK` where the single-use link's secret goes."""
    if SECRET_MARK not in body:
        raise ValueError("an email with a link needs SECRET_MARK where the link's secret goes")
    message = queue_message(db.session(), to=to, subject=subject, body=body)
    message.link_token_id = record.id
    return message


def _body_to_send(message: OutboxMessage) -> str | None:
    """What to send: the body itself, or for an email with a link, the body with a fresh secret in it
    (its hash now on the link's record). None when the link can no longer be used."""
    if message.link_token_id is None:
        return message.body
    record = db.session.get(AccountToken, message.link_token_id)
    if record is None or record.used_at is not None or record.expires_at <= utcnow():
        return None
    secret, secret_hash = new_token()
    record.token_hash = secret_hash
    return message.body.replace(SECRET_MARK, secret)


def send_queued(*messages: OutboxMessage) -> int:
    """Try to send messages already committed to the outbox; the ones sent are marked, emails whose
    link can no longer be used are deleted. Returns how many were sent."""
    settings, drop = smtp_settings(), _drop_dir()
    sent = 0
    changed = False
    for message in messages:
        body = _body_to_send(message)
        if body is None:
            db.session.delete(message)
            changed = True
            continue
        if send_message(message, settings, body=body, drop_dir=drop):
            sent += 1
            if message.link_token_id is not None:
                message.body = message.body.replace(SECRET_MARK, SECRET_NOT_KEPT)
        changed = True
    if changed:
        db.session.commit()
    return sent


def send_outbox() -> tuple[int, int]:
    """Retry every unsent message: (sent, still waiting)."""
    waiting = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                      .order_by(OutboxMessage.created_at)))
    sent = send_queued(*waiting)
    still = db.session.scalar(select(db.func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.sent_at.is_(None))) or 0
    return sent, int(still)


def cancel_links(records: list[AccountToken]) -> None:
    """Earlier links replaced by a new one: they stop working and their unsent emails are dropped."""
    if not records:
        return
    now = utcnow()
    for record in records:
        record.used_at = record.used_at or now
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.link_token_id.in_([r.id for r in records]),
                                                   OutboxMessage.sent_at.is_(None)))


def purge_outbox(now: dt.datetime | None = None) -> int:
    """Delete sent emails older than OUTBOX_RETENTION_DAYS, unsent ones older than CONTACT_RETENTION_DAYS
    (no email outlives what it was about), and unsent emails whose link can no longer be used."""
    now = now or utcnow()
    config = current_app.config
    sent_cutoff = now - dt.timedelta(days=config["OUTBOX_RETENTION_DAYS"])
    unsent_cutoff = now - dt.timedelta(days=config["CONTACT_RETENTION_DAYS"])
    dead_links = select(AccountToken.id).where(or_(AccountToken.used_at.is_not(None), AccountToken.expires_at <= now))
    result = db.session.execute(delete(OutboxMessage).where(or_(
        OutboxMessage.sent_at < sent_cutoff,
        (OutboxMessage.sent_at.is_(None)) & (OutboxMessage.created_at < unsent_cutoff),
        (OutboxMessage.sent_at.is_(None)) & OutboxMessage.link_token_id.in_(dead_links),
    )).execution_options(synchronize_session=False))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
