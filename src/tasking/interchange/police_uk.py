"""Reading data.police.uk street-level CSVs into a month's context figures.

The public files (one per force per month, e.g. `2017-04-kent-street.csv`) have this header:
`Crime ID, Month, Reported by, Falls within, Longitude, Latitude, Location, LSOA code, LSOA name,
Crime type, Last outcome category, Context`. ASB rows have a blank `Crime ID`; rows the police
could not place have no coordinates and no LSOA.

With `--area-map`, each LSOA is mapped to one of the partnership's areas, and rows in LSOAs not on
the map (or with none) fall outside the partnership and are left out, counted. Without a map,
every row counts, under the area `unmapped`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasking.config import PartnershipConfig
from tasking.errors import DomainError

HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
ASB = "Anti-social behaviour"
UNMAPPED = "unmapped"


@dataclass
class Month:
    month: str
    asb: list[list[Any]] = field(default_factory=list)
    crimes: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    files: set[str] = field(default_factory=set)

    def content(self) -> tuple[list[list[Any]], dict[str, dict[str, int]], list[str]]:
        """The month's figures in a canonical order, and what identifies them: the files and a digest."""
        asb = sorted(self.asb, key=lambda item: [str(part) for part in item])
        crimes = {kind: dict(sorted(areas.items())) for kind, areas in sorted(self.crimes.items())}
        digest = hashlib.sha256(json.dumps([asb, crimes], sort_keys=True).encode()).hexdigest()
        return asb, crimes, [*sorted(self.files), f"sha256:{digest}"]


@dataclass
class Reading:
    months: dict[str, Month] = field(default_factory=dict)
    rows: int = 0
    outside: int = 0  # rows in LSOAs not on the area map, or with no LSOA, when a map is given


def read_area_map(path: Path, config: PartnershipConfig) -> dict[str, str]:
    """`LSOA code,area` rows (a header line first): each LSOA in the partnership, and its area."""
    text = _text(path)
    reader = csv.DictReader(io.StringIO(text))
    columns = {name.strip().casefold(): name for name in reader.fieldnames or []}
    code_column, area_column = columns.get("lsoa code"), columns.get("area")
    if not code_column or not area_column:
        raise DomainError("area-map", f"{path.name} needs the columns 'LSOA code' and 'area'")
    found: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
        code = (row[code_column] or "").strip()
        if not code:
            raise DomainError("area-map", f"{path.name} row {number}: LSOA code is blank")
        found[code] = config.check_area(row[area_column] or "", f"area-map row {number}")
    return found


def read_files(paths: list[Path], area_map: dict[str, str] | None) -> Reading:
    reading = Reading()
    for path in paths:
        _read_one(path, area_map, reading)
    return reading


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DomainError("file", f"cannot read {path}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _coordinate(value: str, path: Path, number: int, column: str) -> float | None:
    value = value.strip()
    if not value:
        return None
    try:
        return round(float(value), 6)
    except ValueError:
        raise DomainError("file", f"{path.name} row {number}, column {column}: not a number") from None


def _read_one(path: Path, area_map: dict[str, str] | None, reading: Reading) -> None:
    reader = csv.reader(io.StringIO(_text(path)))
    header = [name.strip() for name in next(reader, [])]
    if header != HEADER:
        raise DomainError(
            "file", f"{path.name} is not a police.uk street-level CSV: the header must be {', '.join(HEADER)}"
        )
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(HEADER):
            raise DomainError("file", f"{path.name} row {number}: {len(values)} columns, expected {len(HEADER)}")
        row = dict(zip(HEADER, values, strict=True))
        month = row["Month"].strip()
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
            raise DomainError("file", f"{path.name} row {number}, column Month: must be YYYY-MM")
        reading.rows += 1
        lsoa = row["LSOA code"].strip()
        if area_map is not None:
            if lsoa not in area_map:
                reading.outside += 1
                continue
            area = area_map[lsoa]
        else:
            area = UNMAPPED
        figures = reading.months.setdefault(month, Month(month))
        figures.files.add(path.name)
        kind = row["Crime type"].strip()
        if kind == ASB:
            figures.asb.append(
                [
                    lsoa or None,
                    area,
                    _coordinate(row["Latitude"], path, number, "Latitude"),
                    _coordinate(row["Longitude"], path, number, "Longitude"),
                    row["Location"].strip() or None,
                ]
            )
        else:
            figures.crimes[kind or "unknown"][area] += 1
