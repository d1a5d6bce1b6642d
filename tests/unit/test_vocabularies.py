"""The vocabularies are checked at start-up: a broken file stops the app with a precise message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portal.config import PROJECT_DIR
from portal.datafiles import DataFileError
from portal.datafiles.vocabularies import REQUIRED_NEED_SLUGS, load_vocabularies


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "directory_data"
    shutil.copytree(PROJECT_DIR / "directory_data", target)
    return target


def test_the_shipped_vocabularies_are_complete() -> None:
    vocab = load_vocabularies(PROJECT_DIR / "directory_data")
    assert tuple(vocab.needs) == REQUIRED_NEED_SLUGS
    assert [level.level for level in vocab.levels.values()] == [1, 2, 3, 4]
    assert list(vocab.levels) == ["universal", "additional-needs", "complex-needs", "specialist"]
    assert len(vocab.neighbourhoods) == 4
    assert len(vocab.ward_neighbourhood) == 19


def test_a_missing_need_is_refused(data_dir: Path) -> None:
    path = data_dir / "vocabularies" / "needs.yaml"
    path.write_text(path.read_text().replace("slug: young-carers", "slug: carers"))
    with pytest.raises(DataFileError, match="young-carers") as error:
        load_vocabularies(data_dir)
    assert error.value.path == path


def test_a_ward_in_two_neighbourhoods_is_refused(data_dir: Path) -> None:
    path = data_dir / "vocabularies" / "neighbourhoods.yaml"
    text = path.read_text()
    path.write_text(text.replace("      - E05014522  # Audenshaw", "      - E05014519  # Ashton Hurst again"))
    with pytest.raises(DataFileError, match="E05014519 is already in north") as error:
        load_vocabularies(data_dir)
    assert error.value.row == 4 and error.value.field == "wards"


def test_a_level_with_the_wrong_number_is_refused(data_dir: Path) -> None:
    path = data_dir / "vocabularies" / "levels_of_need.yaml"
    path.write_text(path.read_text().replace("level: 3", "level: 2", 1))
    with pytest.raises(DataFileError, match="complex-needs is level 3") as error:
        load_vocabularies(data_dir)
    assert error.value.row == 3 and error.value.field == "level"
