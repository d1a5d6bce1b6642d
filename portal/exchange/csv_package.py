"""Reading the Open Referral UK 3.0 CSV data package: a folder with one CSV file per table (and the same
rows in the tabular JSON form). No database and no Flask here."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from portal.csv_cells import as_written
from portal.exchange.limits import UnsafeFile, check_file
from portal.exchange.records import PARENT_FIELD, Bundle, Origin
from portal.exchange.tables import NOT_KEPT, TABLES

HSDS_1_FILES = ("regular_schedules.csv", "physical_addresses.csv", "services_at_location.csv", "services_taxonomy.csv")


def read_table_rows(bundle: Bundle, file_name: str, rows: Iterable[dict[str, Any]], origin_of: Any) -> None:
    table = next((table for table in TABLES if file_name in table.files), None)
    stem = file_name.removesuffix(".csv")
    if table is None:
        reason = (f"not imported: the portal does not keep {stem}" if stem in NOT_KEPT
                  else "not imported: not a table of Open Referral UK 3.0 that we know")
        bundle.warn(Origin(file_name, ""), "", reason)
        return
    parent = PARENT_FIELD.get(table.name)
    if parent:
        bundle.complete.setdefault(table.name, set()).add("*")
    for index, row in enumerate(rows):
        values = {name: value for name, value in row.items() if name}
        if table.name == "attribute" and not values.get("link_entity"):
            values.pop("link_entity", None)
        bundle.add(table.name, values, origin_of(index))


def read_csv_folder(bundle: Bundle, folder: Path) -> None:
    names = {path.name for path in folder.glob("*.csv")}
    old = sorted(names & set(HSDS_1_FILES))
    if old:
        bundle.error(Origin(str(folder), ""), "", f"this looks like an HSDS 1.1 data package ({', '.join(old)}); "
                     "the portal imports Open Referral UK 3.0: convert it first")
        return
    for table in TABLES:
        given = [name for name in table.files if name in names]
        if len(given) > 1:
            bundle.error(Origin(str(folder), ""), "", f"both {' and '.join(given)} are given for {table.name}: "
                         "give one")
    for name in sorted(names):
        path = folder / name
        read_csv_file(bundle, path, name)


def read_csv_file(bundle: Bundle, path: Path, file_name: str) -> None:
    label = str(path)
    try:
        check_file(path)
    except UnsafeFile as problem:
        bundle.error(Origin(label, ""), "", str(problem))
        return
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = []
            for row in reader:
                if None in row:
                    bundle.error(Origin(label, f"line {reader.line_num}"), "", "has more values than the header "
                                 "has columns")
                    continue
                # Our own exports put a quote before cells a spreadsheet would run: taken off again.
                rows.append((reader.line_num, {name: as_written(value) for name, value in row.items()}))
    except UnicodeDecodeError:
        bundle.error(Origin(label, ""), "", "is not UTF-8 text")
        return
    except csv.Error as exc:
        bundle.error(Origin(label, ""), "", f"is not valid CSV: {exc}")
        return
    lines = [line for line, _ in rows]
    read_table_rows(bundle, file_name, [row for _, row in rows],
                    lambda index: Origin(label, f"line {lines[index]}"))
