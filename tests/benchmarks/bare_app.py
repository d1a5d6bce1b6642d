"""The baseline for `make bench`: a bare Flask app with one route returning a short HTML page,
served by gunicorn exactly as the portal is, so the portal's figures can be read as a ratio of it."""

from flask import Flask

app = Flask(__name__)

PAGE = "<!DOCTYPE html><html lang=en><title>Bare</title><p>Hello from a bare Flask route.</p></html>"


@app.get("/")
def index() -> str:
    return PAGE
