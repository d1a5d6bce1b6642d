"""Passwords, security codes and sign-in redirects, without the app."""

from __future__ import annotations

import pytest

from portal.accounts import totp
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.accounts.redirects import safe_next
from portal.config import PROJECT_DIR

COMMON = PROJECT_DIR / "directory_data" / "security" / "common-passwords.txt.gz"


def test_hashes_are_argon2id_and_verify() -> None:
    hashed = hash_password("lantern orchard pebble")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "lantern orchard pebble")
    assert not verify_password(hashed, "lantern orchard pebbles")
    assert not verify_password(None, "anything at all")
    assert not verify_password("not a hash", "anything at all")


@pytest.mark.parametrize(("password", "problem"), [
    ("short", "too_short"),
    ("x" * 129, "too_long"),
    ("Qwerty123456", "common"),
    ("aaaaaaaaaaaaaaaa", "common"),
    ("my name is jo.bloggs!!", "contains_email"),
    ("lantern orchard pebble", None),
])
def test_new_password_rules(password: str, problem: str | None) -> None:
    assert password_problem(password, "jo.bloggs@example.org", COMMON) == problem


def test_the_common_password_list_is_real() -> None:
    from portal.accounts.passwords import common_passwords

    words = common_passwords(COMMON)
    assert len(words) > 19_000 and "password" in words and "qwerty" in words


def test_a_security_code_is_accepted_once_and_only_near_its_time() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000.0
    code = totp.code_at(secret, now)
    step = totp.verify(secret, code, None, now)
    assert step is not None
    assert totp.verify(secret, code, step, now) is None, "no replay"
    assert totp.verify(secret, totp.code_at(secret, now - 30), None, now) is not None, "one step of clock drift"
    assert totp.verify(secret, totp.code_at(secret, now - 120), None, now) is None
    assert totp.verify(secret, "12 34 5x", None, now) is None


@pytest.mark.parametrize(("value", "expected"), [
    ("/moderation?page=2", "/moderation?page=2"),
    ("/", "/"),
    ("https://evil.example/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("javascript:alert(1)", None),
    ("/ok\r\nSet-Cookie: x=1", None),
    ("", None),
    (None, None),
])
def test_next_addresses_stay_on_this_site(value: str | None, expected: str | None) -> None:
    assert safe_next(value) == expected
