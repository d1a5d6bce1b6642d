"""The session cookie holds a visitor's questionnaire answers (a worry about domestic abuse, a postcode)
and shortlist: it is encrypted as well as signed, so nobody with the browser can read them. A cookie
that does not decrypt is an empty session, not an error. On every backend."""

from __future__ import annotations

import base64
import zlib

from flask.testing import FlaskClient

from tests.functional.test_questionnaire_journey import go, safe_family


def readable(cookie: str) -> str:
    """Everything itsdangerous's format would let someone read out of the cookie."""
    payload = cookie.split(".")[0] if not cookie.startswith(".") else cookie[1:].split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    try:
        raw = zlib.decompress(raw)
    except zlib.error:
        pass
    return raw.decode("latin-1") + cookie


def test_questionnaire_answers_cannot_be_read_from_the_cookie(client: FlaskClient) -> None:
    safe_family(client)
    go(client, "ages", {"ages": "3, 8"})
    go(client, "worries", {"worries": ["domestic-abuse"]})
    go(client, "postcode", {"postcode": "ol6 6bh"})
    cookie = client.get_cookie("session")
    assert cookie is not None
    with client.session_transaction() as session:
        assert "domestic-abuse" in str(dict(session)), "the answers are in the session"
    text = readable(cookie.value)
    for secret in ("domestic", "OL6", "ol6", "worries"):
        assert secret not in text, f"{secret!r} readable in the session cookie"


def test_a_cookie_that_does_not_decrypt_is_an_empty_session(client: FlaskClient) -> None:
    client.set_cookie("session", "gAAAAABnot-a-real-token")
    assert client.get("/questionnaire/who").status_code == 200
