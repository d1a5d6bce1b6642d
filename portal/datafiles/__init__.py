"""Reading the portal's data files (YAML and CSV in directory_data/), validated against JSON
Schemas, with errors that name the file, the row and the field at fault."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


class DataFileError(ValueError):
    """A data file is malformed. `row` is 1-based (a CSV line number, or a YAML list position)."""

    def __init__(self, path: Path | str, message: str, row: int | None = None, field: str | None = None):
        self.path = Path(path)
        self.row = row
        self.field = field
        self.message = message
        where = [str(self.path)]
        if row is not None:
            where.append(f"row {row}")
        if field:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}")


@cache
def _validator(schema_name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{schema_name}.schema.json").read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def read_yaml(path: Path, schema_name: str) -> Any:
    """Parse a YAML file and check it against a schema, raising DataFileError on the first problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError(path, "the file is missing") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DataFileError(path, f"not valid YAML ({getattr(exc, 'problem', exc)})", row=line) from None
    errors = sorted(_validator(schema_name).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise schema_error(path, errors[0])
    return data


def schema_error(path: Path, error: Any) -> DataFileError:
    """Turn a jsonschema error into one that names the list position (row) and the field."""
    parts = list(error.absolute_path)
    row = None
    field_parts: list[str] = []
    for part in parts:
        if isinstance(part, int) and row is None:
            row = part + 1
        else:
            field_parts.append(str(part))
    # The key at fault when a required property is missing.
    if error.validator == "required" and isinstance(error.validator_value, list):
        missing = [key for key in error.validator_value if key not in (error.instance or {})]
        if missing:
            field_parts.append(missing[0])
    field = ".".join(field_parts[1:] if row is not None and field_parts else field_parts) or None
    return DataFileError(path, error.message, row=row, field=field)
