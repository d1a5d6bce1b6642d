"""Behind a reverse proxy: the client's address from X-Forwarded-For, set by the proxy, so that rate
limits count each person, not the proxy. Only as many proxies as TRUSTED_PROXIES are believed (0, the
default, believes none: a client cannot forge its address by sending the header itself)."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_proxy(app: Flask) -> None:
    hops = int(app.config.get("TRUSTED_PROXIES", 0))
    if hops > 0:
        wrapped = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
        app.wsgi_app = wrapped  # type: ignore[method-assign]
