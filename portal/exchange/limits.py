"""What an import may be: a plain file (never a link to somewhere else) of a sane size, JSON of a sane
depth with numbers of a sane length. Anything else is refused with the file (and where it is known,
the line) named, before anything is read into the directory. No database and no Flask here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 50 * 1024 * 1024  # far more than Tameside's whole directory
MAX_JSON_DEPTH = 32  # an ORUK service with its places and their addresses nests about six deep
MAX_NUMBER_CHARACTERS = 40  # a coordinate or an amount: never thousands of digits


class UnsafeFile(ValueError):
    """Why a file cannot be imported (said to the person importing)."""


def check_file(path: Path) -> None:
    """A file to read: not a symbolic link, and not too large."""
    if path.is_symlink():
        raise UnsafeFile("is a symbolic link: give the file itself (links are not followed)")
    if not path.is_file():
        raise UnsafeFile("is not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnsafeFile(f"is {size:,} bytes: files of more than {MAX_FILE_BYTES:,} bytes are not imported")


def _number(text: str) -> Any:
    if len(text) > MAX_NUMBER_CHARACTERS:
        raise UnsafeFile(f"has a number {len(text):,} characters long (at most {MAX_NUMBER_CHARACTERS})")
    return json.loads(text)


def _depth(data: Any) -> int:
    """How deeply lists and objects nest (without recursion)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def load_json(text: str) -> Any:
    """JSON with its limits: raises UnsafeFile (or json.JSONDecodeError for what is not JSON)."""
    try:
        data = json.loads(text, parse_int=_number, parse_float=lambda value: float(_number(value)))
    except RecursionError:
        raise UnsafeFile(f"nests lists or objects more than {MAX_JSON_DEPTH} deep") from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise UnsafeFile(f"nests lists or objects more than {MAX_JSON_DEPTH} deep")
    return data
