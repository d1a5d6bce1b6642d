"""Early Help contact requests: stored encrypted, audited, notified without personal data, and purged on time.

Runs through the real app and database on every backend; each test removes the rows it made.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from flask import Flask
from sqlalchemy import delete, func, select, text

from portal.config import ConfigError, load_config
from portal.contact import services
from portal.contact.crypto import ContactCipher
from portal.extensions import db
from portal.models import AuditEvent, ContactRequest, OutboxMessage

FAMILY = {
    "name": "Jolene Featherstonehaugh",
    "phone": "07700 900123",
    "email": "jolene.family@example.org",
    "safe_times": "weekday mornings",
    "message_allowed": True,
    "postcode": "OL6 7SR",
    "children_ages": [4, 9],
    "worries": ["money", "school"],
    "note": "Please do not ring after 3pm",
}
PERSONAL_STRINGS = ("Featherstonehaugh", "07700 900123", "jolene.family@example.org", "OL6 7SR",
                    "do not ring after 3pm")


@pytest.fixture
def contact_app(app: Flask) -> Iterator[Flask]:
    """The app, with the contact tables emptied afterwards and the encryption keys put back."""
    keys = list(app.config["CONTACT_ENCRYPTION_KEYS"])
    yield app
    app.config["CONTACT_ENCRYPTION_KEYS"] = keys
    db.session.rollback()
    db.session.execute(delete(ContactRequest))
    db.session.execute(delete(AuditEvent))
    db.session.execute(delete(OutboxMessage))
    db.session.commit()


def make_request(key: str = "form-submission-1", **changes: Any) -> ContactRequest:
    return services.create_request({**FAMILY, **changes}, "consent-v1", key)


def audit_actions(request_id: str) -> list[str]:
    return list(db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == request_id).order_by(AuditEvent.at, AuditEvent.id)))


def test_the_database_holds_no_readable_personal_data(contact_app: Flask) -> None:
    contact_request = make_request()
    raw = db.session.execute(text("SELECT encrypted_payload FROM contact_request WHERE id = :id"),
                             {"id": contact_request.id}).scalar_one()
    stored = bytes(raw)
    for personal in PERSONAL_STRINGS:
        assert personal.encode() not in stored
    assert contact_request.reference.startswith("EH-") and len(contact_request.reference) == 12
    assert not set(contact_request.reference[3:].replace("-", "")) & set("01ILOU")
    # Nor anywhere else: audit events and the outbox.
    everything_else = " ".join(
        [str(row) for row in db.session.execute(select(AuditEvent.__table__)).all()]
        + [str(row) for row in db.session.execute(select(OutboxMessage.__table__)).all()])
    for personal in PERSONAL_STRINGS:
        assert personal not in everything_else


def test_a_request_decrypts_back_to_what_the_family_sent(contact_app: Flask) -> None:
    contact_request = make_request()
    assert services.read_request(contact_request.id, "staff:alex") == FAMILY
    cipher = ContactCipher(contact_app.config["CONTACT_ENCRYPTION_KEYS"])
    assert cipher.decrypt(cipher.encrypt({"a": [1, "b"]})) == {"a": [1, "b"]}


def test_a_double_submit_makes_one_request(contact_app: Flask) -> None:
    first = make_request("same-key")
    second = make_request("same-key", note="submitted twice")
    assert second.id == first.id
    assert db.session.scalar(select(func.count()).select_from(ContactRequest)) == 1
    assert audit_actions(first.id) == ["created"]
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_every_read_is_audited(contact_app: Flask) -> None:
    contact_request = make_request()
    services.read_request(contact_request.id, "staff:alex")
    services.read_request(contact_request.id, "staff:sam")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert sorted(event.actor for event in events) == ["staff:alex", "staff:sam"]
    assert audit_actions(contact_request.id) == ["created", "read", "read"]


def test_rotation_moves_every_payload_to_the_new_key(contact_app: Flask) -> None:
    old_key = contact_app.config["CONTACT_ENCRYPTION_KEYS"][0]
    first, second = make_request("key-1"), make_request("key-2")
    new_key = Fernet.generate_key().decode()
    contact_app.config["CONTACT_ENCRYPTION_KEYS"] = [new_key, old_key]
    result = contact_app.test_cli_runner().invoke(args=["portal", "rotate-contact-keys"])
    assert result.exit_code == 0, result.output
    assert "Re-encrypted 2 contact requests" in result.output
    db.session.expire_all()
    for contact_request in (first, second):
        token = db.session.get(ContactRequest, contact_request.id).encrypted_payload
        with pytest.raises(InvalidToken):
            ContactCipher([old_key]).decrypt(token)
        assert ContactCipher([new_key]).decrypt(token) == FAMILY


def test_purge_deletes_only_closed_requests_past_the_cutoff(contact_app: Flask) -> None:
    old_closed = make_request("old-closed")
    recent_closed = make_request("recent-closed")
    old_open = make_request("old-open")
    for contact_request in (old_closed, recent_closed):
        services.close(contact_request.id, "staff:alex")
    old_closed.closed_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None) - dt.timedelta(days=100)
    old_open.created_at = old_closed.closed_at
    db.session.commit()
    reference, old_id = old_closed.reference, old_closed.id

    result = contact_app.test_cli_runner().invoke(args=["portal", "purge-contact-requests", "--days", "90"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 closed contact requests" in result.output
    remaining = set(db.session.scalars(select(ContactRequest.id)))
    assert remaining == {recent_closed.id, old_open.id}
    purged = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "purged")).one()
    assert purged.subject_id == old_id and purged.detail == f"reference {reference}"
    assert services.purge_closed() == 0, "the default retention (90 days) keeps the recent one"


def test_export_includes_the_payload_and_audit_trail(contact_app: Flask) -> None:
    contact_request = make_request()
    services.assign(contact_request.id, "staff:alex", "staff:sam")
    services.read_request(contact_request.id, "staff:sam")
    result = contact_app.test_cli_runner().invoke(
        args=["portal", "export-contact-request", contact_request.reference.lower()])
    assert result.exit_code == 0, result.output
    exported = json.loads(result.output)
    assert exported["reference"] == contact_request.reference
    assert exported["personal_data"] == FAMILY
    assert exported["status"] == "assigned" and exported["assigned_to"] == "staff:sam"
    assert [event["action"] for event in exported["audit_trail"]] == ["created", "assigned", "read", "exported"]
    missing = contact_app.test_cli_runner().invoke(args=["portal", "export-contact-request", "EH-XXXX-XXXX"])
    assert missing.exit_code != 0 and "No contact request" in missing.output


def test_closed_requests_cannot_be_changed(contact_app: Flask) -> None:
    contact_request = make_request()
    services.record_outcome(contact_request.id, "staff:alex", "Family supported by the school nurse")
    services.close(contact_request.id, "staff:alex")
    with pytest.raises(services.ContactRequestError, match="closed"):
        services.assign(contact_request.id, "staff:alex", "staff:sam")
    assert audit_actions(contact_request.id) == ["created", "outcome recorded", "closed"]
    details = " ".join(filter(None, db.session.scalars(select(AuditEvent.detail))))
    assert "school nurse" not in details


def test_the_inbox_notice_carries_only_the_reference(contact_app: Flask) -> None:
    contact_request = make_request()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert contact_request.reference in message.subject and contact_request.reference in message.body
    for personal in PERSONAL_STRINGS:
        assert personal not in message.subject and personal not in message.body
    # No SMTP_HOST and no EARLY_HELP_INBOX in tests: it waits in the outbox, addressed to the placeholder.
    assert message.sent_at is None and message.to == "early-help-inbox"


def test_the_inbox_notice_says_who_asked(contact_app: Flask) -> None:
    services.create_request(FAMILY, "consent-v1", "by-a-practitioner", requester="practitioner")
    services.create_request(FAMILY, "consent-v1", "by-a-young-person", requester="young_person")
    bodies = [message.body for message in db.session.scalars(select(OutboxMessage))]
    practitioner = "A practitioner has asked Early Help to contact a family they support"
    assert any(body.startswith(practitioner) for body in bodies)
    assert any(body.startswith("A young person has asked Early Help to contact them.") for body in bodies)


class FakeSMTP:
    sent: list[Any] = []
    fail = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        assert timeout <= 10

    def __enter__(self) -> FakeSMTP:
        if FakeSMTP.fail:
            raise ConnectionRefusedError("no server")
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send_message(self, message: Any) -> None:
        FakeSMTP.sent.append(message)


@pytest.mark.parametrize("server_fails", [False, True], ids=["sent", "server-down"])
def test_the_notice_is_sent_by_smtp_when_configured(contact_app: Flask, monkeypatch: pytest.MonkeyPatch,
                                                    server_fails: bool) -> None:
    monkeypatch.setattr("portal.contact.outbox.smtplib.SMTP", FakeSMTP)
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "fail", server_fails)
    for name, value in {"SMTP_HOST": "smtp.test", "EARLY_HELP_INBOX": "inbox@test.invalid"}.items():
        monkeypatch.setitem(contact_app.config, name, value)
    contact_request = make_request()
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.to == "inbox@test.invalid"
    if server_fails:
        assert message.sent_at is None and FakeSMTP.sent == []
    else:
        assert message.sent_at is not None
        assert contact_request.reference in FakeSMTP.sent[0]["Subject"]


def test_no_personal_data_is_logged(contact_app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        sqlalchemy_logger = logging.getLogger("sqlalchemy.engine")
        previous = sqlalchemy_logger.level
        sqlalchemy_logger.setLevel(logging.DEBUG)  # statements and parameters too
        try:
            contact_request = make_request()
            services.read_request(contact_request.id, "staff:alex")
            services.export_request(contact_request.reference)
        finally:
            sqlalchemy_logger.setLevel(previous)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert contact_request.reference in logged
    for personal in PERSONAL_STRINGS:
        assert personal not in logged


def test_production_refuses_to_start_without_contact_keys() -> None:
    settings = {"PORTAL_ENV": "production", "SECRET_KEY": "x" * 40, "PUBLIC_BASE_URL": "https://example.org"}
    with pytest.raises(ConfigError, match="CONTACT_ENCRYPTION_KEYS is not set"):
        load_config(settings)
    with pytest.raises(ConfigError, match="key number 2 is not a valid Fernet key"):
        load_config({**settings, "CONTACT_ENCRYPTION_KEYS": f"{Fernet.generate_key().decode()},not-a-key"})
    good = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
    assert load_config({**settings, "CONTACT_ENCRYPTION_KEYS": ", ".join(good)})["CONTACT_ENCRYPTION_KEYS"] == good
