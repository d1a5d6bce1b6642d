"""Flask extensions, created once and bound to the app in create_app()."""

from collections.abc import Callable
from typing import Any

from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name, get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints, so that Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)

# Limits are on something sent (a form, a sign-in): reading a page is not limited, so a GET or HEAD
# skips the check, except on the few costly reads marked with limit_reads (search and the API, limited
# by SEARCH_RATE_LIMIT). tests/functional/test_rate_limit_scope.py holds every limit to that.
READING = frozenset({"GET", "HEAD"})
_READ_LIMITED: set[str] = set()


def limit_reads(limit: Callable[[], str]) -> Callable[[Any], Any]:
    """A limit per client address on reading a costly page (search, the API)."""
    def decorate(view: Any) -> Any:
        _READ_LIMITED.add(get_qualified_name(view))
        return limiter.limit(limit, methods=sorted(READING))(view)
    return decorate


def search_rate_limit() -> str:
    return str(current_app.config.get("SEARCH_RATE_LIMIT") or "120 per minute")


@limiter.request_filter
def _reading() -> bool:
    if request.method not in READING:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return view is None or get_qualified_name(view) not in _READ_LIMITED


login_manager = LoginManager()
