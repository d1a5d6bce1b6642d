"""The catalogue checks (`make translations-check` runs the first through the command line too):
every string a person reads is extracted, and every shipped catalogue is complete and compiles."""

from __future__ import annotations

import ast
import configparser
import re
from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes
from jinja2.ext import InternationalizationExtension
from jinja2.utils import import_string

from portal.config import PROJECT_DIR
from portal.i18n import catalogues

PORTAL = PROJECT_DIR / "portal"
TEMPLATES = sorted(path for path in PORTAL.glob("**/templates/**/*.html"))
TAG = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>|&[#\w]+;", re.S)
LETTERS = re.compile(r"[^\W\d_]{2,}")
# Reviewed text that is not translated: names and codes that read the same in every language.
ALLOWED_TEMPLATE_TEXT = {
    "portal/pages/templates/pages/privacy.html": {"language"},  # a cookie's name
}
# Keys of GOV.UK macro parameters that a person reads.
# The Jinja extensions `make translations` extracts the templates' strings with (babel.cfg): a tag
# the extractor does not know makes it skip the whole template without a word.
EXTRACTION = configparser.ConfigParser()
EXTRACTION.read(PROJECT_DIR / "babel.cfg", encoding="utf-8")
EXTRACTION_EXTENSIONS = [name.strip() for name in
                         EXTRACTION["jinja2: portal/**/templates/**.html"]["extensions"].split(",")]
READ_KEYS = {"text", "html", "label", "legend", "hint", "title", "menuButtonText", "visuallyHiddenText",
             "caption", "titleText", "describedBy", "errorMessage"}


def test_every_catalogue_is_complete_compiles_and_matches_a_fresh_extraction() -> None:
    problems = catalogues.check()
    assert not problems, (f"{len(problems)} problems: run `make translations` and translate the new strings:\n"
                          + "\n".join(problems[:40]))


def bare_template_text(path: Path) -> list[str]:
    environment = jinja2.Environment(extensions=[*EXTRACTION_EXTENSIONS, "jinja2.ext.i18n"])
    tree = environment.parse(path.read_text(encoding="utf-8"))
    # Text between tags, with every expression or statement standing in as a placeholder.
    html = "§".join(node.data for node in tree.find_all(nodes.TemplateData))
    found = [match.group(0) for match in LETTERS.finditer(TAG.sub(" ", html))]
    for pair in tree.find_all(nodes.Pair):
        if (isinstance(pair.key, nodes.Const) and pair.key.value in READ_KEYS and isinstance(pair.value, nodes.Const)
                and isinstance(pair.value.value, str) and LETTERS.search(pair.value.value)):
            found.append(pair.value.value)
    allowed = ALLOWED_TEMPLATE_TEXT.get(path.relative_to(PROJECT_DIR).as_posix() if path.is_relative_to(PROJECT_DIR)
                                        else path.name, set())
    return [text for text in found if text not in allowed]


def test_the_extraction_knows_every_tag_the_app_knows() -> None:
    """babel.cfg lists each Jinja extension the app adds: with one missing, a template that uses its tag
    is parsed by neither this check nor `make translations` (whose extractor skips it silently, and so
    drops every string of that template from the catalogues)."""
    from portal import create_app

    app = create_app({"TESTING": True})
    added = {type(extension) for extension in app.jinja_env.extensions.values()} - {InternationalizationExtension}
    assert added and added <= {import_string(name) for name in EXTRACTION_EXTENSIONS}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(PORTAL)))
def test_templates_show_no_text_outside_gettext(path: Path) -> None:
    assert bare_template_text(path) == [], f"{path}: wrap this text in _()"


def test_the_template_check_finds_bare_text(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text('<p class="govuk-body">{{ _("Fine") }} <a href="{{ x }}">Not fine</a></p>'
                    "{{ govukButton({'text': 'Also not fine'}) }}", encoding="utf-8")
    assert bare_template_text(page) == ["Not", "fine", "Also not fine"]


# Calls whose string arguments people read: flash("..."), abort(404, "..."), ValidationError("..."),
# and form fields and validators (StringField("Label"), Length(message="...")).
SHOWN_POSITIONAL = {"flash": 0, "abort": 1, "ValidationError": 0, "StopValidation": 0}
SHOWN_KEYWORDS = {"message", "label", "description", "description_text"}


def _name(function: ast.expr) -> str:
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def bare_python_text(source: str) -> list[str]:
    found = []
    for call in (node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)):
        name = _name(call.func)
        candidates = [keyword.value for keyword in call.keywords if keyword.arg in SHOWN_KEYWORDS]
        position = 0 if name.endswith("Field") else SHOWN_POSITIONAL.get(name)
        if position is not None and len(call.args) > position:
            candidates.append(call.args[position])
        for value in candidates:
            if isinstance(value, ast.JoinedStr) or (
                    isinstance(value, ast.Constant) and isinstance(value.value, str) and LETTERS.search(value.value)):
                found.append(ast.unparse(value))
    return found


@pytest.mark.parametrize("path", sorted(PORTAL.glob("**/*.py")), ids=lambda path: str(path.relative_to(PORTAL)))
def test_python_shows_no_message_outside_gettext(path: Path) -> None:
    if {"migrations", "seed"} & set(path.parts):  # seed data is organisations' own text, not the interface
        return
    assert bare_python_text(path.read_text(encoding="utf-8")) == [], f"{path}: wrap these in _() or _l()"


def test_the_python_check_finds_bare_messages() -> None:
    source = ('flash("Saved")\nabort(404, "Gone")\nraise ValidationError(f"Bad {x}")\n'
              'name = StringField("Name", validators=[Length(message=_l("Too long"))])\nflash(_("Fine"))\n')
    assert bare_python_text(source) == ["'Saved'", "'Gone'", "f'Bad {x}'", "'Name'"]


def test_the_catalogue_check_fails_on_an_untranslated_fuzzy_or_missing_string(tmp_path: Path) -> None:
    import shutil

    from babel.messages.pofile import read_po

    shutil.copytree(catalogues.TRANSLATIONS, tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo"))
    directory = tmp_path / "translations"
    with (directory / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    template.add("A string nobody has translated yet")
    urdu = catalogues.read(catalogues.po_path("ur", directory), "ur")
    urdu["Search"].string = ""
    urdu["Back"].flags.add("fuzzy")
    urdu["Send"].string = "%(name)s بھیجیں"
    catalogues.write(urdu, catalogues.po_path("ur", directory))
    found = catalogues.problems(directory, template)
    assert "ur: untranslated: 'Search'" in found
    assert "ur: fuzzy: 'Back'" in found
    assert any(line.startswith("ur: placeholders differ in 'Send'") for line in found)
    assert "pl: not in the catalogue (run make translations): 'A string nobody has translated yet'" in found
