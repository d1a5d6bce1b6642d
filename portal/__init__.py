"""Tameside Family Help: the borough's Early Help offer and family service directory."""

from __future__ import annotations

from typing import Any

from flask import Flask

from portal.config import ConfigError, check_search_backend, load_config

__all__ = ["ConfigError", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app. `config` overrides settings read from the environment (tests use it)."""
    from portal.templating import PortalEnvironment

    app = Flask(__name__, instance_relative_config=False)
    app.jinja_environment = PortalEnvironment
    # A path with doubled slashes is not found, rather than redirected by the router to an address it
    # builds from the request's own host and scheme (absolute: http://, behind the proxy's https).
    app.url_map.merge_slashes = False
    settings = load_config()
    settings.update(config or {})
    # Checked again once overrides are in, since they may change the database or the backend.
    check_search_backend(settings["SEARCH_BACKEND"], settings["SQLALCHEMY_DATABASE_URI"])
    app.config.update(settings)

    setup_logging(app)
    setup_proxy(app)
    setup_extensions(app)
    setup_i18n(app)
    setup_vocabularies(app)
    setup_reach(app)
    setup_safety(app)
    setup_questionnaire(app)
    setup_security(app)
    setup_access(app)
    setup_templates(app)
    setup_blueprints(app)
    setup_search(app)
    setup_errors(app)
    setup_cli(app)
    check_access_rules(app)
    return app


def setup_logging(app: Flask) -> None:
    from portal.request_log import init_request_logging

    init_request_logging(app)


def setup_proxy(app: Flask) -> None:
    from portal.operations.proxy import init_proxy

    init_proxy(app)


def setup_extensions(app: Flask) -> None:
    import portal.models  # noqa: F401  (registers the tables)
    from portal.config import PACKAGE_DIR
    from portal.extensions import babel, csrf, db, limiter, migrate
    from portal.i18n import babel_locale

    # The engine never writes SQL parameters (a visitor's name, email, phone) into logs or errors.
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
                                               "hide_parameters": True}
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PACKAGE_DIR / "migrations"), render_as_batch=True)
    babel.init_app(app, locale_selector=babel_locale)
    csrf.init_app(app)
    limiter.init_app(app)


def setup_i18n(app: Flask) -> None:
    from portal.i18n import init_i18n

    init_i18n(app)


def setup_vocabularies(app: Flask) -> None:
    from portal.datafiles.vocabularies import load_vocabularies

    app.extensions["vocabularies"] = load_vocabularies(app.config["DIRECTORY_DATA_DIR"])


def setup_reach(app: Flask) -> None:
    """How to reach documented services with no contact details (`reach` in directory_data/services/)."""
    from portal.directory.reach import load_reach

    app.extensions["reach"] = load_reach(app.config["DIRECTORY_DATA_DIR"])


def setup_safety(app: Flask) -> None:
    """The safety intents (directory_data/search/safety.yaml), checked against the support services."""
    from portal.safety.web import setup_safety as load

    load(app)


def setup_questionnaire(app: Flask) -> None:
    """Load the questionnaire once, and refuse to start if any path through it is unsafe."""
    from pathlib import Path

    from portal.questionnaire import load_questionnaire
    from portal.questionnaire.paths import enumerate_paths
    from portal.questionnaire.safety import safety_problems

    path = Path(app.config["DIRECTORY_DATA_DIR"]) / "questionnaires" / "what_help.yaml"
    towns = app.extensions["vocabularies"].towns.values()
    places = {alias.replace("-", " "): town.name for town in towns for alias in (*town.aliases, town.name.lower())}
    questionnaire = load_questionnaire(path).with_places(places)
    problems = safety_problems(questionnaire, enumerate_paths(questionnaire))
    if problems:
        raise ConfigError(f"{path} is not safe to use: " + "; ".join(problems))
    app.extensions["questionnaire"] = questionnaire


def setup_security(app: Flask) -> None:
    from portal.forms import init_parameter_guard
    from portal.security import init_security

    init_security(app)
    init_parameter_guard(app)


def setup_access(app: Flask) -> None:
    """Sessions for signed-in staff (idle timeout first), then the access rule of every route."""
    from portal.access import init_access
    from portal.accounts.session import init_sessions

    init_sessions(app)
    init_access(app)


def check_access_rules(app: Flask) -> None:
    from portal.access import check_every_route_has_a_rule

    check_every_route_has_a_rule(app)


def setup_templates(app: Flask) -> None:
    from portal.templating import init_templates

    init_templates(app)


def setup_blueprints(app: Flask) -> None:
    from portal.accounts.admin_routes import blueprint as admin
    from portal.accounts.routes import blueprint as accounts
    from portal.api.routes import blueprint as oruk_api
    from portal.contact.staff_routes import blueprint as early_help
    from portal.directory.routes import blueprint as directory
    from portal.freshness.routes import blueprint as freshness
    from portal.health import blueprint as health
    from portal.kiosk.routes import blueprint as kiosk
    from portal.listings.moderation_routes import blueprint as moderation
    from portal.listings.routes import blueprint as listings
    from portal.manage_requests.routes import blueprint as manage_requests
    from portal.pages.routes import blueprint as pages
    from portal.questionnaire.routes import blueprint as questionnaire
    from portal.reports.routes import blueprint as reports
    from portal.search.routes import blueprint as search
    from portal.shortlist.routes import blueprint as shortlist

    app.register_blueprint(pages)
    app.register_blueprint(search)
    app.register_blueprint(shortlist)
    app.register_blueprint(directory)
    app.register_blueprint(health)
    app.register_blueprint(kiosk)
    app.register_blueprint(questionnaire)
    app.register_blueprint(accounts)
    app.register_blueprint(admin)
    app.register_blueprint(listings)
    app.register_blueprint(moderation)
    app.register_blueprint(freshness)
    app.register_blueprint(reports)
    app.register_blueprint(manage_requests)
    register_oruk_api(app, oruk_api)
    app.register_blueprint(early_help)


def register_oruk_api(app: Flask, blueprint: Any) -> None:
    """The Open Referral UK API is read-only (GET routes only), so it needs no CSRF token."""
    from portal.extensions import csrf

    csrf.exempt(blueprint)
    app.register_blueprint(blueprint)


def setup_search(app: Flask) -> None:
    from portal.search.routes import init_search

    init_search(app)


def setup_errors(app: Flask) -> None:
    from portal.errors import init_error_pages

    init_error_pages(app)


def setup_cli(app: Flask) -> None:
    from portal.cli import portal_cli

    app.cli.add_command(portal_cli)
