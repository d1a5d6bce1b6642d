"""Time-based one-time passwords (RFC 6238) for the second factor. No Flask imports.

A code is accepted for the current 30-second step or the one either side (clock drift), and each
step only once per account: `verify` returns the step it used, which the caller stores.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time

import pyotp
import segno

ISSUER = "Tameside Family Help"
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def verify(secret: str, code: str, last_step: int | None, now: float | None = None) -> int | None:
    """The time step the code belongs to, or None when it is wrong or was already used."""
    code = "".join(code.split())
    if not re.fullmatch(r"[0-9]{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    moment = time.time() if now is None else now
    current = totp.timecode(dt.datetime.fromtimestamp(moment, tz=dt.timezone.utc))
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def code_at(secret: str, seconds: float) -> str:
    """The code an authenticator app would show at this moment (used by tests and set-up checks)."""
    return pyotp.TOTP(secret).at(int(seconds))


def qr_svg(uri: str) -> str:
    """The provisioning address as an inline SVG QR code for authenticator apps."""
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(buffer, kind="svg", xmldecl=False, svgns=True, scale=4,
                                    title="QR code for your authenticator app")
    return buffer.getvalue().decode("utf-8")
