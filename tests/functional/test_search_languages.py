"""Searching in Urdu, Bengali, Polish and Arabic finds the services for what was asked, through the
phrases in directory_data/search/synonyms.<lang>.yaml; text in another script never gets an English
"did you mean"."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient

from portal.datafiles import DataFileError
from portal.search.synonyms import load_all_synonyms

DOMESTIC_ABUSE = "domestic-abuse"
FOOD = "money-debt-and-food"


def first_results(app: Flask, client: FlaskClient, path: str, q: str) -> tuple[list[set[str]], str]:
    seen: list[dict] = []
    with template_rendered.connected_to(lambda sender, template, context, **extra: seen.append(context), app):
        response = client.get(path, query_string={"q": q})
    assert response.status_code == 200
    outcome = next(context["outcome"] for context in seen if "outcome" in context)
    return [set(result.document.need_slugs) for result in outcome.results[:5]], response.get_data(as_text=True)


@pytest.mark.parametrize("path, q, need", [
    ("/ur/search", "گھریلو تشدد", DOMESTIC_ABUSE),
    ("/ur/search", "گھريلو تشدد", DOMESTIC_ABUSE),  # typed with the Arabic form of yeh
    ("/bn/search", "পারিবারিক সহিংসতা", DOMESTIC_ABUSE),
    ("/pl/search", "bank żywności", FOOD),
    ("/pl/search", "bank zywnosci", FOOD),  # without Polish letters
    ("/ar/search", "العنف الأسري", DOMESTIC_ABUSE),
    ("/ar/search", "العنف الاسري", DOMESTIC_ABUSE),  # without hamza
    ("/search", "bank żywności", FOOD),  # any page: people type in the language they think in
])
def test_a_search_in_your_own_language_finds_the_services_for_it(app: Flask, client: FlaskClient, path: str,
                                                                 q: str, need: str) -> None:
    needs, _ = first_results(app, client, path, q)
    assert needs and all(need in found for found in needs[:3])


@pytest.mark.parametrize("path, q", [
    ("/ur/search", "زرافہ"), ("/ar/search", "زرافة"), ("/bn/search", "জিরাফ"), ("/search", "گھریلو councelling"),
    ("/pl/search", "żyrafa councelling"),
])
def test_text_in_another_script_never_gets_an_english_did_you_mean(app: Flask, client: FlaskClient, path: str,
                                                                   q: str) -> None:
    _, page = first_results(app, client, path, q)
    assert "Did you mean" not in page


def test_every_language_file_is_checked_and_names_the_file_and_row(tmp_path: Path, project_dir: Path) -> None:
    folder = project_dir / "directory_data" / "search"
    (tmp_path / "synonyms.yaml").write_text((folder / "synonyms.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "synonyms.pl.yaml").write_text(
        "entries:\n  - phrases: [bank żywności]\n    needs: [money-debt-and-food]\n"
        "  - phrases: [przemoc]\n    needs: [no-such-need]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_all_synonyms(tmp_path, ["money-debt-and-food", *_needs(project_dir)])
    assert "synonyms.pl.yaml" in str(error.value) and "row 2" in str(error.value)


def _needs(project_dir: Path) -> list[str]:
    import yaml

    data = yaml.safe_load((project_dir / "directory_data" / "vocabularies" / "needs.yaml").read_text(encoding="utf-8"))
    return [need["slug"] for need in data["needs"]]


def test_each_language_file_covers_every_need(project_dir: Path) -> None:
    import yaml

    needs = set(_needs(project_dir))
    for code in ("ur", "bn", "pl", "ar"):
        path = project_dir / "directory_data" / "search" / f"synonyms.{code}.yaml"
        covered = {need for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["entries"]
                   for need in entry["needs"]}
        assert covered == needs, code
