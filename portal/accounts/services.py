"""Account operations: the only code that writes accounts, links and roles. Every change is audited.

Audit events name accounts by id ("user:<id>"); they never hold passwords, codes, tokens or links.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, url_for
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from portal.accounts import lockout, server_sessions, totp
from portal.accounts.passwords import PROBLEM_TEXT, hash_password, needs_rehash, password_problem, verify_password
from portal.accounts.tokens import hash_token, new_token
from portal.contact.audit import record_event
from portal.contact.crypto import ContactCipher
from portal.extensions import db
from portal.models.account import ROLES, AccountToken, PasswordResetRequest, UserAccount, UserRole
from portal.models.contact_request import OutboxMessage, utcnow
from portal.models.organisation import Organization
from portal.notify import SECRET_MARK, cancel_links, queue_link, send_queued

SUBJECT_ACCOUNT = "account"
INVITATION = "invitation"
PASSWORD_RESET = "password_reset"  # nosec B105  # the name of a kind of link, not a password
UNLOCK = "unlock"
ANONYMOUS = "anonymous"
UNKNOWN_ACCOUNT = "unknown"  # the audit subject of failed sign-ins with an email address that has no account


class AccountError(ValueError):
    """The operation cannot be done; the message is for the person."""


class SignIn(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignIn
    account: UserAccount | None = None
    locked_until: dt.datetime | None = None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def common_password_list() -> Path:
    return Path(current_app.config["DIRECTORY_DATA_DIR"]) / "security" / "common-passwords.txt.gz"


def check_new_password(password: str, email: str) -> str | None:
    return password_problem(password, email, common_password_list())


def data_cipher() -> ContactCipher:
    """The portal's data keys (CONTACT_ENCRYPTION_KEYS) also protect second-factor secrets."""
    return ContactCipher(current_app.config["CONTACT_ENCRYPTION_KEYS"])


def audit(actor: str, action: str, subject_id: str, detail: str | None = None) -> None:
    record_event(db.session(), actor, action, subject_id, detail=detail, subject_type=SUBJECT_ACCOUNT)


def _organisations(ids: Iterable[str]) -> list[Organization]:
    return list(db.session.scalars(select(Organization).where(Organization.id.in_(set(ids)))))


def account_by_email(email: str) -> UserAccount | None:
    return db.session.scalar(select(UserAccount).where(UserAccount.email == normalise_email(email)))


# Signing in ----------------------------------------------------------------------------------------
#
# Wrong passwords are counted per email address and client address, whether or not the address has
# an account, and answered the same way (see lockout.py); wrong security codes are counted per account
# and client address, and a right password does not reset them.

def _lock_settings() -> tuple[int, int]:
    config = current_app.config
    return int(config["SIGN_IN_LOCKOUT_ATTEMPTS"]), int(config["SIGN_IN_LOCKOUT_MINUTES"])


def _register_failure(key: str, account: UserAccount | None, what: str) -> SignInResult:
    """Count a failure, with its audit event in the same commit: the same statements for a real account
    and for an unknown address (named "unknown", never by the address), so neither answers faster."""
    attempts, minutes = _lock_settings()
    audit(ANONYMOUS, f"{what} failed", account.id if account is not None else UNKNOWN_ACCOUNT)
    failure = lockout.register_failure(key, account.id if account else None, attempts, minutes)
    if account is not None and failure.lock_started:
        audit(ANONYMOUS, "locked", account.id, detail=f"{what}: for {minutes} minutes, from one address")
        _unlock_email(account)  # sent by the outbox worker, not in this request
        db.session.commit()
    if failure.locked_until is not None:
        return SignInResult(SignIn.LOCKED, locked_until=failure.locked_until)
    return SignInResult(SignIn.WRONG)


def check_password(email: str, password: str, address: str | None) -> SignInResult:
    """The first step of signing in, from a client address. A locked email address (at this client
    address) is refused even with the right password. An unknown email address gets the same work,
    answers and lock as a real one."""
    key = lockout.counter_key(lockout.PASSWORD, normalise_email(email), address)
    # Roles and organisations are loaded only once the password is right: no extra queries for a real address.
    account = db.session.scalar(select(UserAccount).options(lazyload("*"))
                                .where(UserAccount.email == normalise_email(email)))
    if account is not None and not account.active:
        account = None
    until = lockout.locked_until(key)
    if until is not None:
        return SignInResult(SignIn.LOCKED, locked_until=until)
    if not verify_password(account.password_hash if account else None, password) or account is None:
        return _register_failure(key, account, "sign-in")
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    lockout.clear(key)
    db.session.commit()
    return SignInResult(SignIn.OK, account=account)


def check_second_factor(account: UserAccount, code: str, address: str | None) -> SignInResult:
    key = lockout.counter_key(lockout.CODE, account.id, address)
    until = lockout.locked_until(key)
    if until is not None:
        return SignInResult(SignIn.LOCKED, locked_until=until)
    if account.totp_secret_encrypted is None:
        return SignInResult(SignIn.WRONG)
    secret = data_cipher().decrypt(account.totp_secret_encrypted)["secret"]
    step = totp.verify(secret, code, account.totp_last_step)
    if step is None:
        return _register_failure(key, account, "security code")
    account.totp_last_step = step
    lockout.clear(key)
    db.session.commit()
    return SignInResult(SignIn.OK, account=account)


def set_up_second_factor(account: UserAccount, secret: str, code: str) -> bool:
    """Keep the secret once the person has proved their app shows the right code."""
    step = totp.verify(secret, code, None)
    if step is None:
        return False
    account.totp_secret_encrypted = data_cipher().encrypt({"secret": secret})
    account.totp_last_step = step
    audit(account.actor, "second factor set up", account.id)
    db.session.commit()
    return True


def record_sign_in(account: UserAccount) -> None:
    audit(account.actor, "signed in", account.id)
    lockout.purge_stale()
    db.session.commit()


def record_sign_out(account: UserAccount) -> None:
    audit(account.actor, "signed out", account.id)
    db.session.commit()


def sign_out_everywhere(account: UserAccount, actor: str) -> None:
    server_sessions.close_every_session(account)
    audit(actor, "signed out everywhere", account.id)
    db.session.commit()


# Links: invitations and password resets ----------------------------------------------------------------

def _link(endpoint: str) -> str:
    """An emailed link, with the mark its secret replaces when it is sent (portal/notify.py): always
    PUBLIC_BASE_URL, never the Host header the request happened to carry."""
    placeholder = "TOKEN"
    path = url_for(endpoint, token=placeholder).replace(placeholder, SECRET_MARK)
    return current_app.config["PUBLIC_BASE_URL"] + path


def _new_link_token(purpose: str, email: str, created_by: str, lifetime: dt.timedelta, *,
                    user_id: str | None = None, roles: Iterable[str] = (),
                    organisation_ids: Iterable[str] = ()) -> AccountToken:
    """A new link's record. Earlier unused links for the same account (or, for invitations, the same
    address) stop working. The record's hash matches no secret anyone has until its email is sent."""
    email = normalise_email(email)
    earlier = select(AccountToken).where(AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
    earlier = earlier.where(AccountToken.user_id == user_id if user_id else AccountToken.email == email)
    cancel_links(list(db.session.scalars(earlier)))
    _, unknown_hash = new_token()
    record = AccountToken(purpose=purpose, token_hash=unknown_hash, email=email, user_id=user_id,
                          roles=",".join(sorted(roles)), organisation_ids=",".join(sorted(organisation_ids)),
                          created_by=created_by, expires_at=utcnow() + lifetime)
    db.session.add(record)
    db.session.flush()
    return record


def find_link(purpose: str, token: str) -> AccountToken | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(AccountToken).where(AccountToken.purpose == purpose,
                                                        AccountToken.token_hash == hash_token(token)))


class LinkState(enum.Enum):
    USABLE = "usable"
    EXPIRED = "expired"
    USED = "used"
    UNKNOWN = "unknown"


def link_state(record: AccountToken | None) -> LinkState:
    if record is None:
        return LinkState.UNKNOWN
    if record.used_at is not None:
        return LinkState.USED
    if record.expires_at <= utcnow():
        return LinkState.EXPIRED
    return LinkState.USABLE


def invite(email: str, roles: Iterable[str], organisation_ids: Iterable[str], inviter: UserAccount) -> OutboxMessage:
    """Invite someone by email. Moderators may invite editors only; administrators any role."""
    roles = sorted(set(roles))
    organisation_ids = sorted(set(organisation_ids))
    if not roles or set(roles) - set(ROLES):
        raise AccountError("Select at least one role")
    if not inviter.has_role("admin") and set(roles) != {"editor"}:
        raise AccountError("Moderators can only invite organisation editors")
    if "editor" in roles and not organisation_ids:
        raise AccountError("Select the organisations this editor will look after")
    known = set(db.session.scalars(select(Organization.id).where(Organization.id.in_(organisation_ids))))
    if known != set(organisation_ids):
        raise AccountError("Select organisations from the list")
    if account_by_email(email) is not None:
        raise AccountError("There is already an account with this email address")
    record = _new_link_token(INVITATION, email, inviter.actor,
                             dt.timedelta(days=current_app.config["INVITATION_DAYS"]),
                             roles=roles, organisation_ids=organisation_ids)
    audit(inviter.actor, "invited", record.id, detail="roles: " + ", ".join(roles))
    message = _invitation_email(record)
    db.session.commit()
    send_queued(message)
    return message


def _invitation_email(record: AccountToken) -> OutboxMessage:
    days = current_app.config["INVITATION_DAYS"]
    return queue_link(record.email, "You have been invited to Tameside Family Help",
                      "You have been invited to help keep Tameside Family Help up to date.\n\n"
                      f"Create your account with this link within {days} days. It works once:\n"
                      f"{_link('accounts.accept_invitation')}\n\n"
                      "If you were not expecting this, you can ignore this email.", record)


def renew_invitation(record: AccountToken) -> OutboxMessage:
    """An expired invitation, sent again to the same address with the same roles."""
    if link_state(record) is not LinkState.EXPIRED:
        raise AccountError("This invitation cannot be renewed")
    record.used_at = utcnow()
    fresh = _new_link_token(INVITATION, record.email, record.created_by,
                            dt.timedelta(days=current_app.config["INVITATION_DAYS"]),
                            roles=record.roles.split(","),
                            organisation_ids=[i for i in record.organisation_ids.split(",") if i])
    audit(ANONYMOUS, "invitation renewed", fresh.id, detail=f"replaces {record.id}")
    message = _invitation_email(fresh)
    db.session.commit()
    send_queued(message)
    return message


def accept_invitation(record: AccountToken, display_name: str, password: str) -> UserAccount:
    """One account per invitation, even when it is accepted twice at once: the link is claimed by a
    single conditional update first, and the other attempt is told the link has been used."""
    if link_state(record) is not LinkState.USABLE:
        raise AccountError("This invitation link cannot be used")
    password_hash = hash_password(password)  # slow on purpose: before the claim, so the claim is short
    claimed = db.session.execute(update(AccountToken)
                                 .where(AccountToken.id == record.id, AccountToken.used_at.is_(None))
                                 .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if getattr(claimed, "rowcount", 0) != 1:
        db.session.rollback()
        raise AccountError("This invitation link has already been used")
    if account_by_email(record.email) is not None:
        db.session.rollback()
        raise AccountError("There is already an account with this email address")
    account = UserAccount(email=record.email, display_name=display_name.strip(), password_hash=password_hash)
    account.role_rows = [UserRole(role=role) for role in record.roles.split(",") if role]
    account.organisations = _organisations(i for i in record.organisation_ids.split(",") if i)
    db.session.add(account)
    try:
        db.session.flush()
        audit(account.actor, "invitation accepted", account.id, detail="roles: " + record.roles)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("There is already an account with this email address") from None
    return account


def request_password_reset(email: str) -> None:
    """Record that someone asked to reset the password for `email`, and nothing else: the same work
    whether or not there is such an account, so the answer and its timing say nothing. The outbox
    worker answers it (`answer_password_reset_requests`)."""
    db.session.add(PasswordResetRequest(email=normalise_email(email)[:254]))
    db.session.commit()


def answer_password_reset_requests() -> int:
    """Email a reset link for each address asked for that has an active account (once per address,
    however often it was asked for), drop the rest; returns how many links were queued."""
    requests = list(db.session.scalars(select(PasswordResetRequest).order_by(PasswordResetRequest.created_at)))
    queued = 0
    for email in dict.fromkeys(request.email for request in requests):
        account = account_by_email(email)
        if account is None or not account.active:
            continue
        record = _new_link_token(PASSWORD_RESET, account.email, ANONYMOUS,
                                 dt.timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]),
                                 user_id=account.id)
        audit(ANONYMOUS, "password reset asked for", account.id)
        minutes = current_app.config["PASSWORD_RESET_MINUTES"]
        queue_link(account.email, "Reset your Tameside Family Help password",
                   f"Use this link within {minutes} minutes to choose a new password. It works once:\n"
                   f"{_link('accounts.reset_password')}\n\n"
                   "If you did not ask to reset your password, you can ignore this email: "
                   "your password has not changed.", record)
        queued += 1
    for request in requests:
        db.session.delete(request)
    db.session.commit()
    return queued


def reset_password(record: AccountToken, password: str) -> UserAccount:
    if link_state(record) is not LinkState.USABLE or record.user_id is None:
        raise AccountError("This link cannot be used")
    account = db.session.get(UserAccount, record.user_id)
    if account is None or not account.active:
        raise AccountError("This link cannot be used")
    account.password_hash = hash_password(password)
    lockout.clear_account(account.id)
    server_sessions.close_every_session(account)  # a new password signs out every other session
    record.used_at = utcnow()
    audit(account.actor, "password reset", account.id)
    db.session.commit()
    return account


def _unlock_email(account: UserAccount) -> OutboxMessage:
    """A lock has started on the account: a single-use link for its owner to lift every lock, sent
    like a password reset."""
    record = _new_link_token(UNLOCK, account.email, ANONYMOUS,
                             dt.timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]),
                             user_id=account.id)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return queue_link(account.email, "Your Tameside Family Help account was locked",
                      "Someone (perhaps you) got the password or security code wrong too many times, so signing "
                      "in to your account from where they are is paused for a while.\n\n"
                      f"If it was you, use this link within {minutes} minutes to unlock your account. "
                      "It works once:\n"
                      f"{_link('accounts.unlock_account')}\n\n"
                      "If it was not you, you do not need to do anything: they cannot sign in without your "
                      "password and security code, and you can still sign in from your own device.", record)


def unlock_account(record: AccountToken) -> UserAccount:
    """The owner followed the emailed link: every lock of the account is lifted, from every address."""
    if link_state(record) is not LinkState.USABLE or record.user_id is None:
        raise AccountError("This link cannot be used")
    account = db.session.get(UserAccount, record.user_id)
    if account is None or not account.active:
        raise AccountError("This link cannot be used")
    lockout.clear_account(account.id)
    record.used_at = utcnow()
    audit(account.actor, "unlocked by email", account.id)
    db.session.commit()
    return account


def purge_old_links(older_than_days: int = 30) -> int:
    """Delete invitation and reset links (they hold an email address) used or expired this long ago."""
    from sqlalchemy import delete, or_

    cutoff = utcnow() - dt.timedelta(days=older_than_days)
    result = db.session.execute(delete(AccountToken).where(or_(AccountToken.used_at < cutoff,
                                                               AccountToken.expires_at < cutoff)))
    db.session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


# Administration ------------------------------------------------------------------------------------------

def all_accounts() -> list[UserAccount]:
    return list(db.session.scalars(select(UserAccount).order_by(func.lower(UserAccount.display_name))))


def change_access(account: UserAccount, roles: Iterable[str], organisation_ids: Iterable[str], active: bool,
                  admin: UserAccount) -> None:
    roles = sorted(set(roles))
    if set(roles) - set(ROLES):
        raise AccountError("Select roles from the list")
    if "editor" in roles and not organisation_ids:
        raise AccountError("Select the organisations this editor will look after")
    if account.id == admin.id and ("admin" not in roles or not active):
        raise AccountError("You cannot remove your own administrator access")
    organisations = _organisations(organisation_ids)
    before = (sorted(account.roles), sorted(account.organisation_ids), account.active)
    account.role_rows = [UserRole(role=role) for role in roles]
    account.organisations = organisations
    account.active = active
    after = (roles, sorted(o.id for o in organisations), active)
    if before != after:
        # New access needs a new sign-in (and a second factor where the new roles need one).
        server_sessions.close_every_session(account)
        audit(admin.actor, "access changed", account.id,
              detail=f"roles: {', '.join(roles) or 'none'}; organisations: {len(organisations)}; "
                     f"{'active' if active else 'deactivated'}")
    db.session.commit()


def create_account(email: str, display_name: str, password: str, roles: Iterable[str],
                   organisation_ids: Iterable[str] = (), actor: str = "command-line") -> UserAccount:
    """For the `create-account` command (the first administrator of a new installation)."""
    problem = check_new_password(password, email)
    if problem:
        raise AccountError(PROBLEM_TEXT[problem].capitalize())
    if account_by_email(email) is not None:
        raise AccountError("There is already an account with this email address")
    account = UserAccount(email=normalise_email(email), display_name=display_name,
                          password_hash=hash_password(password))
    account.role_rows = [UserRole(role=role) for role in sorted(set(roles))]
    account.organisations = _organisations(organisation_ids)
    db.session.add(account)
    db.session.flush()
    audit(actor, "account created", account.id, detail="roles: " + ", ".join(sorted(set(roles))))
    db.session.commit()
    return account
