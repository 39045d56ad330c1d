"""`tasking context import-police-uk`: data.police.uk street-level CSVs as context figures."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.helpers.stores import cli_store

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,"
    "Last outcome category,Context"
)
LSOAS = [
    ("E01024438", "Sevenoaks 001A", "Swanley", 51.3972, 0.1731),
    ("E01024441", "Sevenoaks 002B", "Swanley", 51.4010, 0.1690),
    ("E01024401", "Sevenoaks 014C", "Edenbridge", 51.1969, 0.0651),
    ("E01024520", "Sevenoaks 010A", "Sevenoaks Town", 51.2724, 0.1909),
    ("E01024215", "Dartford 012D", None, 51.4440, 0.2180),
]  # the last is outside the district
CRIMES = ["Burglary", "Criminal damage and arson", "Violence and sexual offences", "Vehicle crime", "Shoplifting"]


def month_file(folder: Path, month: str, asb: int, seed: int) -> tuple[Path, dict[str, int]]:
    """A file in the exact public format: ASB rows have a blank Crime ID; some rows have no location."""
    rng = random.Random(seed)
    lines, counts = [HEADER], {"asb": 0, "asb_in_district": 0}
    for index in range(asb + 40):
        is_asb = index < asb
        if index % 17 == 0:  # the police could not place it: no coordinates, no LSOA
            lon = lat = location = code = name = ""
            place = None
        else:
            code, name, place, lat0, lon0 = rng.choice(LSOAS)
            lat, lon = f"{lat0 + rng.uniform(-0.004, 0.004):.6f}", f"{lon0 + rng.uniform(-0.004, 0.004):.6f}"
            location = rng.choice(
                [
                    "On or near Azalea Drive",
                    "On or near Parking Area",
                    "On or near High Street",
                    "On or near St Mary's Road",
                ]
            )
        crime_id = "" if is_asb else hashlib.sha256(f"{month}{index}".encode()).hexdigest()
        kind = "Anti-social behaviour" if is_asb else rng.choice(CRIMES)
        outcome = "" if is_asb else "Investigation complete; no suspect identified"
        if '"' in location or "," in location:
            location = f'"{location}"'
        lines.append(
            f"{crime_id},{month},Kent Police,Kent Police,{lon},{lat},{location or 'No location'},"
            f"{code},{name},{kind},{outcome},"
        )
        if is_asb:
            counts["asb"] += 1
            counts["asb_in_district"] += place is not None
    if not lines[1:] or asb == 0:
        pass
    path = folder / f"{month}-kent-street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, counts


@pytest.fixture(name="store")
def fixture_store(tmp_path: Path) -> dict[str, str]:
    return cli_store(str(tmp_path / "store.db"))


def _months(year: int) -> list[str]:
    return [f"{year + (m < 4)}-{m:02d}" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)]


def test_twelve_months_give_asb_incidents_equal_to_the_asb_rows(store, tmp_path: Path) -> None:
    files, asb_rows = [], 0
    for index, month in enumerate(_months(2017)):
        path, counts = month_file(tmp_path, month, 100 + index * 7, index)
        files.append(str(path))
        asb_rows += counts["asb"]
    text = Path(files[0]).read_text(encoding="utf-8")
    assert ",,,No location,,,Anti-social behaviour,," in text  # the public format's unplaced ASB row
    before_files = [str(month_file(tmp_path, month, 150, 100 + i)[0]) for i, month in enumerate(_months(2016))]
    result = json.loads(run_cli("context", "import-police-uk", *files, *before_files, "--json", env=store).stdout)
    assert [m["recorded"] for m in result["months"]] == ["recorded"] * 24
    figures = json.loads(run_cli("stats", "--year", "2017", "--json", env=store).stdout)
    police = figures["police_recorded"]
    assert police["asb_incidents"] == asb_rows and police["months_recorded"] == 12
    assert sum(police["by_month"].values()) == asb_rows and police["by_area"] == {"unmapped": asb_rows}
    assert figures["previous_year"]["police_recorded"] == {"asb_incidents": 1800}
    assert figures["previous_year"]["change"]["police_recorded.asb_incidents"]["absolute"] == asb_rows - 1800
    explained = json.loads(
        run_cli("stats", "--year", "2017", "--explain", "police_recorded.asb_incidents", "--json", env=store).stdout
    )
    assert explained["count"] == asb_rows

    # A month imported again replaces its figures: never counted twice; the old position still sees the old ones.
    old_position = figures["position"]
    again, _ = month_file(tmp_path, "2017-04", 10, 99)
    replaced = json.loads(run_cli("context", "import-police-uk", str(again), "--json", env=store).stdout)
    assert replaced["months"] == [{"month": "2017-04", "recorded": "replaced", "asb_incidents": 10}]
    same = json.loads(run_cli("context", "import-police-uk", str(again), "--json", env=store).stdout)
    assert same["months"][0]["recorded"] == "unchanged"
    now = json.loads(run_cli("stats", "--year", "2017", "--json", env=store).stdout)["police_recorded"]
    assert now["asb_incidents"] == asb_rows - 100 + 10 and now["by_month"]["2017-04"] == 10
    then = json.loads(run_cli("stats", "--year", "2017", "--position", str(old_position), "--json", env=store).stdout)
    assert then["police_recorded"] == police and then["fingerprint"] == figures["fingerprint"]


def test_an_area_map_places_lsoas_and_leaves_the_rest_out(store, tmp_path: Path) -> None:
    area_map = tmp_path / "lsoa-areas.csv"
    area_map.write_text(
        "LSOA code,area\n" + "".join(f"{code},{area}\n" for code, _, area, _, _ in LSOAS if area), encoding="utf-8"
    )
    path, counts = month_file(tmp_path, "2017-06", 60, 3)
    result = json.loads(
        run_cli("context", "import-police-uk", str(path), "--area-map", str(area_map), "--json", env=store).stdout
    )
    assert result["asb_incidents"] == counts["asb_in_district"] and result["outside_area"] > 0
    police = json.loads(run_cli("stats", "--year", "2017", "--json", env=store).stdout)["police_recorded"]
    assert sum(police["by_area"].values()) == counts["asb_in_district"]
    assert set(police["by_area"]) <= {"Swanley", "Edenbridge", "Sevenoaks Town"}


def test_a_file_in_another_format_is_refused_in_one_line(store, tmp_path: Path) -> None:
    bad = tmp_path / "other.csv"
    bad.write_text("Month,Crime type\n2017-04,Anti-social behaviour\n", encoding="utf-8")
    done = run_cli("context", "import-police-uk", str(bad), env=store, check=False)
    assert done.returncode == 1 and "not a police.uk street-level CSV" in done.stderr
    figures = json.loads(run_cli("stats", "--year", "2017", "--json", env=store).stdout)
    assert figures["police_recorded"] is None
