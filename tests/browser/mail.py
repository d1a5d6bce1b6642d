"""The served portal's emails, as its recipients get them: read from the mail drop folder
(MAIL_DROP_DIR), because the outbox table never keeps an emailed link."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path


def latest_email(environment: dict[str, str], to: str) -> tuple[str, str]:
    """(subject, body) of the newest email delivered to `to`."""
    emails = sorted(Path(environment["MAIL_DROP_DIR"]).glob("*.eml"), key=lambda path: path.stat().st_mtime_ns)
    parsed: list[EmailMessage] = [message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
                                  for path in emails]
    delivered = [message for message in parsed if message["To"] == to]
    assert delivered, f"no email delivered to {to}"
    return str(delivered[-1]["Subject"]), str(delivered[-1].get_content())


def emailed_path(environment: dict[str, str], to: str, path: str) -> str:
    """The path on this site ("/invitation/...") of the link to `path` in the newest email to `to`:
    the email's links start with the configured public address."""
    _subject, body = latest_email(environment, to)
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body)
    assert match, body
    return match.group(1)
