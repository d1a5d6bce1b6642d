"""An import is refused, with the file named, no traceback and nothing written, when it is a symbolic
link (a CSV linked to /etc/passwd was once read), nests JSON thousands deep, holds a 5,000-digit
number, or is far too large. On every backend."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask import Flask

from portal.exchange import limits
from tests.functional.test_exchange import GOOD_SERVICE, refusing_app, run, totals, unchanged  # noqa: F401


def refused(app: Flask, path: Path, message: str) -> None:
    before = totals()
    result = run(app, "import", str(path), "--approve")
    assert result.exit_code != 0, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert totals() == before, "nothing was written"


def test_deeply_nested_json_is_refused(unchanged: Flask, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "deep.json"
    path.write_text("[" * 10_000 + "]" * 10_000, encoding="utf-8")
    refused(unchanged, path, "nests lists or objects more than")


def test_a_five_thousand_digit_number_is_refused(unchanged: Flask, tmp_path: Path) -> None:  # noqa: F811
    path = tmp_path / "number.json"
    path.write_text(json.dumps({**GOOD_SERVICE, "minimum_age": 0})[:-1] + ', "maximum_age": ' + "9" * 5000 + "}",
                    encoding="utf-8")
    refused(unchanged, path, "has a number 5,000 characters long")


def test_a_symbolic_link_is_not_followed(unchanged: Flask, tmp_path: Path) -> None:  # noqa: F811
    link = tmp_path / "services.csv"
    os.symlink("/etc/passwd", link)
    refused(unchanged, link, "symbolic link")
    folder = tmp_path / "package"
    folder.mkdir()
    os.symlink("/etc/passwd", folder / "service.csv")
    refused(unchanged, folder, "symbolic link")


def test_an_oversized_file_is_refused(unchanged: Flask, tmp_path: Path,  # noqa: F811
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)  # a small limit, so the test writes a small file
    path = tmp_path / "large.json"
    path.write_text(json.dumps({"contents": [GOOD_SERVICE] * 20}), encoding="utf-8")
    refused(unchanged, path, "files of more than 1,000 bytes are not imported")
