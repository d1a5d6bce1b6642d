"""Who may use each route. Every view states its rule; one check before each request enforces it.

    @public                       anyone, signed in or not
    @signed_in                    any signed-in account (second factor done where the account needs one)
    @roles("moderator", "admin")  signed in with at least one of these roles

Object-level rules (an editor may touch only their own organisations) live in the services, which
answer 404 for anything outside the person's organisations. `check_every_route_has_a_rule` runs at
start-up: a route added without a rule stops the app from starting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.config import ConfigError

View = TypeVar("View", bound=Callable[..., Any])
ATTRIBUTE = "access_rule"


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[str] = frozenset()  # empty with public=False: any signed-in account

    def describe(self) -> str:
        if self.public:
            return "public"
        return "roles: " + ", ".join(sorted(self.roles)) if self.roles else "signed in"


PUBLIC = AccessRule(public=True)
SIGNED_IN = AccessRule()
# Endpoints that Flask itself adds.
BUILT_IN_RULES = {"static": PUBLIC}


def _mark(view: View, rule: AccessRule) -> View:
    setattr(view, ATTRIBUTE, rule)
    return view


def public(view: View) -> View:
    return _mark(view, PUBLIC)


def signed_in(view: View) -> View:
    return _mark(view, SIGNED_IN)


def roles(*names: str) -> Callable[[View], View]:
    from portal.models.account import ROLES

    unknown = set(names) - set(ROLES)
    if unknown or not names:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")

    def decorate(view: View) -> View:
        return _mark(view, AccessRule(roles=frozenset(names)))

    return decorate


def rule_for(app: Flask, endpoint: str) -> AccessRule | None:
    if endpoint in BUILT_IN_RULES:
        return BUILT_IN_RULES[endpoint]
    view = app.view_functions.get(endpoint)
    rule = getattr(view, ATTRIBUTE, None)
    return rule if isinstance(rule, AccessRule) else None


def check_every_route_has_a_rule(app: Flask) -> None:
    missing = sorted(rule.endpoint for rule in app.url_map.iter_rules() if rule_for(app, rule.endpoint) is None)
    if missing:
        raise ConfigError("These routes have no access rule (mark them @public, @signed_in or @roles(...)): "
                          + ", ".join(missing))


def enforce(app: Flask) -> Response | None:
    """Before each request: let it through, send the person to sign in, or refuse with 403."""
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    rule = rule_for(app, endpoint)
    if rule is None:  # cannot happen after the start-up check; refuse rather than guess
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        if request.method in ("GET", "HEAD"):
            # script_root keeps a language prefix (/ur): the person comes back to the page in their language.
            here = request.script_root + request.full_path.rstrip("?")
            return redirect(url_for("accounts.sign_in", next=here), code=303)
        abort(401)
    if rule.roles and not current_user.has_role(*rule.roles):
        abort(403)
    return None


def init_access(app: Flask) -> None:
    @app.before_request
    def check_access() -> Response | None:
        return enforce(app)
