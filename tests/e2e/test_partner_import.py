"""`tasking import`: a partner's spreadsheet in, through the same commands as `tasking report`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from tests.conftest import make_store, run_cli
from tests.helpers.cli import report_args
from tests.helpers.stores import cli_store, event_count

MAPPING = Path(__file__).resolve().parents[2] / "examples" / "housing-import.toml"
HEADER = [
    "Case No",
    "Date Reported",
    "Incident Date",
    "ASB Type",
    "Parish",
    "Street",
    "Summary",
    "Risk",
    "Latitude",
    "Longitude",
    "No Contact",
    "Complainant",
    "Complainant Tel",
    "Complainant Address",
    "Victim",
]
# Each bad row breaks one rule; the errors file must name this column and rule.
BAD = [
    ("ASB Type", "category: unknown category", lambda r: r.update({"ASB Type": "Loud parties"})),
    ("Date Reported", "received: not a date", lambda r: r.update({"Date Reported": "31/02/2018 10:00"})),
    ("Parish", "area: unknown area", lambda r: r.update({"Parish": "Atlantis"})),
    ("Summary", "summary: looks like contact details", lambda r: r.update({"Summary": "Call 07700 900123 back"})),
    ("Incident Date", "occurred: must not be after", lambda r: r.update({"Incident Date": "05/03/2018 23:00"})),
    ("Street", "location: is required", lambda r: r.update({"Street": ""})),
    ("Complainant", "reporter_name: is required", lambda r: r.update({"Complainant": ""})),
    ("Risk", "risk: Input should be", lambda r: r.update({"Risk": "Severe"})),
    ("Latitude", "lat: not a number", lambda r: r.update({"Latitude": "north"})),
    ("Complainant", "reporter_name: String should have at most", lambda r: r.update({"Complainant": "N" * 2100})),
]
SECRET_NAME = "Zebedee Quartermaine"


def _row(number: int) -> dict[str, str]:
    day = dt.date(2018, 3, 5) - dt.timedelta(days=number % 300)
    return {
        "Case No": f"WK-{number:05d}",
        "Date Reported": f"{day:%d/%m/%Y} 10:{number % 60:02d}",
        "Incident Date": f"{day:%d/%m/%Y} 08:{number % 60:02d}",
        "ASB Type": ["Noise", "Youths", "Neighbour dispute"][number % 3],
        "Parish": ["Swanley St Mary's", "Edenbridge", "Sevenoaks Northern"][number % 3],
        "Street": f"{number % 40} Azalea Drive",
        "Summary": "Loud music late at night",
        "Risk": ["Low", "Med", "High"][number % 3],
        "Latitude": "51.3972" if number % 2 else "",
        "Longitude": "0.1731" if number % 2 else "",
        "No Contact": "Y" if number % 7 == 0 else "",
        "Complainant": SECRET_NAME if number % 5 == 0 else "",
        "Complainant Tel": "01322 000000" if number % 5 == 0 else "",
        "Complainant Address": "",
        "Victim": "",
    }


def write_file(path: Path, count: int, bad_every: int = 100, encoding: str = "utf-8") -> dict[int, tuple[str, str]]:
    """`count` rows; every `bad_every`-th row breaks one rule. Returns {spreadsheet row: (column, rule)}."""
    bad = {}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, lineterminator="\r\n")
    writer.writeheader()
    for number in range(count):
        row = _row(number)
        if number % bad_every == bad_every - 1:
            column, rule, spoil = BAD[(number // bad_every) % len(BAD)]
            if column == "Complainant" and "at most" not in rule:
                row["Complainant Tel"] = "01322 000000"
            spoil(row)
            bad[number + 2] = (column, rule)
        writer.writerow(row)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return bad


@pytest.fixture(name="store")
def fixture_store(tmp_path: Path) -> dict[str, str]:
    return cli_store(str(tmp_path / "store.db"))


@pytest.fixture(name="any_store")
def fixture_any_store(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """A new store on SQLite or PostgreSQL, with its views in tmp_path."""
    return cli_store(make_store(backend, tmp_path, request), tmp_path / "views.db")


def test_5000_rows_with_50_bad_imports_4950_lists_the_50_and_a_reimport_writes_nothing(store, tmp_path: Path) -> None:
    data, errors = tmp_path / "weekly.csv", tmp_path / "errors.csv"
    bad = write_file(data, 5000)
    assert len(bad) == 50
    first = json.loads(
        run_cli("import", str(data), "--mapping", str(MAPPING), "--errors", str(errors), "--json", env=store).stdout
    )
    assert (first["imported"], first["skipped_already_imported"], first["conflicts"], first["errors"]) == (
        4950,
        0,
        0,
        50,
    )
    listed = list(csv.DictReader(errors.open(encoding="utf-8")))
    assert {int(row["row"]) for row in listed} == set(bad)
    for row in listed:
        column, rule = bad[int(row["row"])]
        assert row["column"] == column and rule in row["rule"], row
    text = errors.read_text(encoding="utf-8")
    assert SECRET_NAME not in text and "07700" not in text and "N" * 100 not in text
    before = event_count(store["TASKING_STORE"])
    second = json.loads(run_cli("import", str(data), "--mapping", str(MAPPING), "--json", env=store).stdout)
    assert (second["imported"], second["skipped_already_imported"], second["conflicts"]) == (0, 4950, 0)
    assert second["events_written"] == 0 and event_count(store["TASKING_STORE"]) == before
    cases = json.loads(run_cli("cases", "--json", env=store).stdout)["cases"]
    assert len(cases) == 4950


def test_a_changed_row_is_a_conflict_and_is_not_applied(any_store, tmp_path: Path) -> None:
    store = any_store
    data = tmp_path / "weekly.csv"
    write_file(data, 20, bad_every=1000)
    run_cli("import", str(data), "--mapping", str(MAPPING), env=store)
    text = data.read_text(encoding="utf-8").replace("WK-00003,", "WK-00003,", 1)
    lines = text.splitlines()
    lines[4] = lines[4].replace("Azalea Drive", "Azalea Close")  # row 5 is WK-00003
    data.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    before = event_count(store["TASKING_STORE"])
    result = json.loads(run_cli("import", str(data), "--mapping", str(MAPPING), "--json", env=store).stdout)
    assert (result["imported"], result["skipped_already_imported"], result["conflicts"]) == (0, 19, 1)
    assert result["error_rows"][0]["row"] == 5 and result["error_rows"][0]["rule"].startswith("conflict")
    assert event_count(store["TASKING_STORE"]) == before


def test_all_or_nothing_refuses_the_whole_file(any_store, tmp_path: Path) -> None:
    store = any_store
    data = tmp_path / "weekly.csv"
    write_file(data, 30, bad_every=10)
    before = event_count(store["TASKING_STORE"])
    done = run_cli("import", str(data), "--mapping", str(MAPPING), "--all-or-nothing", env=store, check=False)
    assert done.returncode == 1 and "all-or-nothing: 3 bad rows" in done.stderr
    assert event_count(store["TASKING_STORE"]) == before
    dry = json.loads(run_cli("import", str(data), "--mapping", str(MAPPING), "--dry-run", "--json", env=store).stdout)
    assert (dry["imported"], dry["errors"], dry["events_written"]) == (27, 3, 0) and event_count(
        store["TASKING_STORE"]
    ) == before


def test_windows_1252_csv_and_xlsx_are_read(store, tmp_path: Path) -> None:
    import openpyxl

    data = tmp_path / "legacy.csv"
    write_file(data, 6, bad_every=1000, encoding="cp1252")
    data.write_bytes(data.read_bytes().replace(b"Loud music", "Loud music \u2013 caf\u00e9".encode("cp1252")))
    result = json.loads(run_cli("import", str(data), "--mapping", str(MAPPING), "--json", env=store).stdout)
    assert result["imported"] == 6
    shown = json.loads(run_cli("show", "CSU-2017-00001", "--json", env=store).stdout)
    assert "caf\u00e9" in json.dumps(shown, ensure_ascii=False)
    # The mapping's aliases and constants: "Swanley St Mary's" is Swanley, "Noise" noise, "Low" standard.
    assert (shown["area"], shown["category"], shown["risk"], shown["channel"], shown["source"]) == (
        "Swanley",
        "noise",
        "standard",
        "partner-referral",
        "HOUSING",
    )
    assert shown["reporter"].startswith("PER-") and shown["feedback"] == "declined"  # "No Contact" = Y
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for number in range(100, 104):
        row = _row(number)
        row["Date Reported"] = dt.datetime(2018, 3, 1, 10, number - 100)  # a date cell, local time
        sheet.append([row[c] for c in HEADER])
    book.save(tmp_path / "weekly.xlsx")
    result = json.loads(
        run_cli("import", str(tmp_path / "weekly.xlsx"), "--mapping", str(MAPPING), "--json", env=store).stdout
    )
    assert result["imported"] == 4 and result["errors"] == 0
    case = json.loads(run_cli("show", "CSU-2017-00007", "--json", env=store).stdout)
    assert case["received_at"] == "2018-03-01T10:00:00Z"


def test_an_imported_report_matching_another_agencys_is_suggested_then_confirmed_or_dismissed(
    store, tmp_path: Path
) -> None:
    for location, day in (("0 Azalea Drive", "2018-03-05"), ("1 Azalea Drive", "2018-03-04")):
        run_cli(
            *report_args(source="POLICE", location=location, occurred=f"{day}T08:30", received=f"{day}T11:00"),
            env=store,
        )
    data = tmp_path / "weekly.csv"
    write_file(data, 2, bad_every=1000)  # 5 March 08:00 at 0 Azalea Drive, 4 March 08:01 at 1
    result = json.loads(run_cli("import", str(data), "--mapping", str(MAPPING), "--json", env=store).stdout)
    assert result["imported"] == 2 and result["possible_duplicates"] == 2
    listed = json.loads(run_cli("duplicates", "--json", env=store).stdout)["possible_duplicates"]
    assert [(i["case"], i["other"], i["match"]) for i in listed] == [
        ("CSU-2017-00001", "CSU-2017-00003", "same-location"),
        ("CSU-2017-00002", "CSU-2017-00004", "same-location"),
    ]
    incidents = json.loads(run_cli("stats", "--year", "2017", "--json", env=store).stdout)["reports"]
    run_cli("duplicates", "confirm", "CSU-2017-00001", "CSU-2017-00003", "--at", "2018-03-05T12:00", env=store)
    run_cli(
        "duplicates",
        "dismiss",
        "CSU-2017-00002",
        "CSU-2017-00004",
        "--reason",
        "Different flats",
        "--at",
        "2018-03-05T12:05",
        env=store,
    )
    assert json.loads(run_cli("duplicates", "--json", env=store).stdout)["possible_duplicates"] == []
    assert json.loads(run_cli("stats", "--year", "2017", "--json", env=store).stdout)["reports"] == incidents - 1
    again = run_cli(
        "duplicates", "dismiss", "CSU-2017-00004", "CSU-2017-00002", "--reason", "Again", env=store, check=False
    )
    assert again.returncode == 1 and "already dismissed" in again.stderr


def test_without_a_reference_column_a_rows_hash_keeps_it_once(store, tmp_path: Path) -> None:
    mapping = tmp_path / "no-reference.toml"
    mapping.write_text(
        MAPPING.read_text(encoding="utf-8").replace('reference = "Case No"', "# no reference"), encoding="utf-8"
    )
    data = tmp_path / "weekly.csv"
    write_file(data, 3, bad_every=1000)
    text = data.read_text(encoding="utf-8")
    data.write_text(text + text.splitlines()[1] + "\r\n", encoding="utf-8")  # the first row again, word for word
    first = json.loads(run_cli("import", str(data), "--mapping", str(mapping), "--json", env=store).stdout)
    assert (first["imported"], first["skipped_already_imported"]) == (3, 1)
    again = json.loads(run_cli("import", str(data), "--mapping", str(mapping), "--json", env=store).stdout)
    assert (again["imported"], again["skipped_already_imported"], again["events_written"]) == (0, 4, 0)
