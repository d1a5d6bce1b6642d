"""Password hashing (argon2id) and the rules a new password must meet. No Flask imports."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MINIMUM_LENGTH = 12
MAXIMUM_LENGTH = 128
# zxcvbn's guessability score (0 to 4) a new password needs: 3 is "safely unguessable" online.
MINIMUM_STRENGTH = 3
# Words anyone attacking this service would try first.
SITE_WORDS = ("tameside", "family", "families", "help", "council", "early", "portal", "ashton", "hyde")
# argon2-cffi's defaults are argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()
# Verified against when no account has the email, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only here for even timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# For commands and logs; the web forms use their own translated messages.
PROBLEM_TEXT = {
    "too_short": f"the password must be at least {MINIMUM_LENGTH} characters long",
    "too_long": f"the password must be {MAXIMUM_LENGTH} characters or fewer",
    "common": "the password is too common or too easy to guess",
    "contains_email": "the password must not contain the email address",
    "weak": "the password would be easy to guess: use three or four unrelated words",
}


@lru_cache(maxsize=4)
def common_passwords(path: Path) -> frozenset[str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip().lower() for line in handle if line.strip())


def password_problem(password: str, email: str, common_list: Path) -> str | None:
    """Why this password cannot be used ("too_short", "too_long", "common", "contains_email", "weak"), or None:
    the length, the list of common passwords, the email address, then a maintained strength estimator."""
    if len(password) < MINIMUM_LENGTH:
        return "too_short"
    if len(password) > MAXIMUM_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in common_passwords(common_list) or len(set(lowered)) < 4:
        return "common"
    local_part = email.lower().partition("@")[0]
    if len(local_part) >= 4 and local_part in lowered:
        return "contains_email"
    if strength(password, email) < MINIMUM_STRENGTH:
        return "weak"
    return None


def strength(password: str, email: str) -> int:
    """zxcvbn's estimate (0 to 4) of how hard the password is to guess, knowing the person's email
    address and this service's own words."""
    hints = [part for part in email.lower().replace("@", " ").replace(".", " ").split() if part]
    return int(zxcvbn(password, user_inputs=[*hints, *SITE_WORDS])["score"])
