"""The message catalogues: extract, update, compile and check them (`make translations`, `make test`).

    python -m portal.i18n.catalogues update    extract messages.pot, update every .po, compile .mo
    python -m portal.i18n.catalogues compile   compile .po into .mo where the .mo is missing or older
    python -m portal.i18n.catalogues check     fail on anything untranslated, fuzzy, broken or not extracted
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from portal.i18n.languages import DEFAULT, LANGUAGES

PROJECT_DIR = Path(__file__).resolve().parents[2]
TRANSLATIONS = PROJECT_DIR / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
KEYWORDS = ["_l", "lazy_gettext", "lazy_ngettext:1,2", "N_"]  # besides Babel's own (_, gettext, ngettext...)


def po_path(code: str, directory: Path = TRANSLATIONS) -> Path:
    return directory / code / "LC_MESSAGES" / "messages.po"


def extract(output: Path = TEMPLATE) -> Catalog:
    """Every message in the code, templates, questionnaire and vocabularies (babel.cfg says where)."""
    arguments = ["pybabel", "-q", "extract", "-F", str(PROJECT_DIR / "babel.cfg"), "--add-location=file",
                 "--sort-by-file", "--project=Tameside Family Help", "--copyright-holder=Tameside Family Help",
                 "--msgid-bugs-address=", "-o", str(output)]
    for keyword in KEYWORDS:
        arguments += ["-k", keyword]
    with contextlib.chdir(PROJECT_DIR):  # locations relative to the project
        CommandLineInterface().run(arguments + ["."])
    with output.open("rb") as handle:
        return read_po(handle)


def read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, include_previous=False)


def update(directory: Path = TRANSLATIONS) -> None:
    """messages.pot afresh, then every language's .po brought in line with it (new messages empty,
    removed ones dropped, nothing guessed), English filled from the source text, then compiled."""
    extract(directory / "messages.pot")
    for code in LANGUAGES:
        template = read(directory / "messages.pot")  # afresh each time: update() adopts its messages
        path = po_path(code, directory)
        catalog = read(path, code) if path.exists() else Catalog(
            locale=code, project="Tameside Family Help", copyright_holder="Tameside Family Help", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if code == DEFAULT:
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        write(catalog, path)
    compile_all(directory, force=True)


def compile_all(directory: Path = TRANSLATIONS, force: bool = False) -> list[Path]:
    """Write each .mo next to its .po when it is missing or older (or always, with force)."""
    written = []
    for code in LANGUAGES:
        source = po_path(code, directory)
        target = source.with_suffix(".mo")
        if source.exists() and (force or not target.exists() or target.stat().st_mtime < source.stat().st_mtime):
            catalog = read(source, code)
            with target.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
            written.append(target)
    return written


PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfir]|%%\{\w+\}|%%")


def placeholders(text: str) -> set[str]:
    """The named placeholders in a message ("%(name)s"), and GOV.UK's "%%{count}", which must survive."""
    return {match.group(0) for match in PLACEHOLDER.finditer(text)}


def problems(directory: Path = TRANSLATIONS, fresh: Catalog | None = None) -> list[str]:
    """What stops the catalogues shipping: each problem as one line naming the language and message."""
    found: list[str] = []
    expected = {message.id for message in (fresh or read(directory / "messages.pot")) if message.id}
    for code in LANGUAGES:
        path = po_path(code, directory)
        if not path.exists():
            found.append(f"{code}: no catalogue at {path}")
            continue
        catalog = read(path, code)
        present = {message.id for message in catalog if message.id}
        for missing in sorted(map(str, expected - present)):
            found.append(f"{code}: not in the catalogue (run make translations): {missing!r}")
        for message in catalog:
            if not message.id:
                continue
            strings = [str(text or "") for text in
                       (message.string if isinstance(message.string, (tuple, list)) else (message.string,))]
            if message.fuzzy:
                found.append(f"{code}: fuzzy: {message.id!r}")
            if not all(strings) or len(strings) < (catalog.num_plurals if message.pluralizable else 1):
                found.append(f"{code}: untranslated: {message.id!r}")
                continue
            sources = [str(text) for text in (message.id if isinstance(message.id, (tuple, list)) else (message.id,))]
            wanted: set[str] = set().union(*(placeholders(text) for text in sources))
            for text in strings:
                if placeholders(text) != wanted:
                    found.append(f"{code}: placeholders differ in {sources[0]!r}: {sorted(placeholders(text))} "
                                 f"instead of {sorted(wanted)}")
        try:
            write_mo(io.BytesIO(), catalog)
        except Exception as error:  # pragma: no cover - a catalogue Babel cannot compile
            found.append(f"{code}: does not compile: {error}")
    return found


def check(directory: Path = TRANSLATIONS) -> list[str]:
    """problems(), measured against a fresh extraction, so a string added since the last
    `make translations` counts as missing."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = extract(Path(folder) / "messages.pot")
    return problems(directory, fresh)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = check()
        for line in found:
            print(line)
        print(f"translations-check: {len(found)} problem(s)")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
