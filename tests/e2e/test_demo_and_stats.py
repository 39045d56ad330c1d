"""The demo year through the real CLI: the seed's figures, reproducible byte for byte."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, make_store
from tests.conftest import run_cli as _run_cli

VIEWS: dict[str, str] = {}  # each store's own views file, kept out of the working directory


def run_cli(*args: str, env: dict[str, str] | None = None, check: bool = True):  # noqa: ANN201
    store = args[args.index("--store") + 1] if "--store" in args else (env or {}).get("TASKING_STORE")
    extra = {"TASKING_VIEWS": VIEWS[store]} if store in VIEWS else {}
    return _run_cli(*args, env={**extra, **(env or {})}, check=check)


def new_store(backend: str, folder: Path, request, name: str) -> str:  # noqa: ANN001
    store = make_store(backend, folder, request, name=name)
    VIEWS[store] = str(folder / f"{name}-views.db")
    return store


@pytest.fixture(name="demo_store", scope="module", params=BACKENDS)
def fixture_demo_store(request, tmp_path_factory) -> str:  # noqa: ANN001
    store = new_store(request.param, tmp_path_factory.mktemp("demo"), request, "district")
    done = run_cli("demo", "--store", store)
    assert "Daily tasking meeting Monday 05 March 2018" in done.stdout
    assert "Year-end figures 2017/18" in done.stdout
    return store


def stats_bytes(store: str, *args: str) -> str:
    return run_cli("--store", store, "stats", "--year", "2017", "--json", *args).stdout


def test_the_demo_year_matches_the_seed(demo_store: str) -> None:
    figures = json.loads(stats_bytes(demo_store))
    assert figures["financial_year"] == "2017/18"
    assert figures["taskings"] == 653
    assert figures["follow_ups"] >= 500
    partners = sum(figures["follow_ups_by_agency"].get(a, 0) for a in ("POLICE", "COUNCIL", "WARDENS", "HOUSING"))
    assert partners >= 500
    assert (figures["powers"]["CPW"], figures["powers"]["CPN"], figures["powers"]["CBO"]) == (9, 5, 1)
    assert figures["asb_reports_from_residents"]["COUNCIL"] == 108
    assert figures["previous_year"]["asb_reports_from_residents"]["COUNCIL"] == 93
    assert figures["previous_year"]["change"]["asb_reports_from_residents.COUNCIL"] == {"absolute": 15, "percent": 16.1}
    assert figures["fingerprint"].startswith("sha256:") and figures["position"] > 0
    for key in ("reports", "reporter_updates", "feedback_rate", "referrals", "by_area", "by_category", "by_source",
                "by_month", "cases_closed", "from", "to"):
        assert key in figures


def test_every_resident_who_wanted_feedback_got_it_but_a_handful_still_open(demo_store: str) -> None:
    figures = json.loads(stats_bytes(demo_store))
    owed, given = figures["feedback"]["owed"], figures["feedback"]["given"]
    assert owed > 100 and 0 < owed - given <= 12
    missing = json.loads(run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "feedback.owed",
                                 "--json").stdout)["items"]
    given_cases = {i["case"] for i in json.loads(run_cli("--store", demo_store, "stats", "--year", "2017", "--explain",
                                                         "feedback.given", "--json").stdout)["items"]}
    for item in missing:
        if item["case"] not in given_cases:
            state = json.loads(run_cli("--store", demo_store, "show", item["case"], "--json").stdout)
            assert state["status"] == "open" or item["at"] >= "2018-03-25", item


def test_the_fingerprint_survives_reruns_rebuilds_and_a_second_store(demo_store: str, tmp_path: Path, request) -> None:  # noqa: ANN001
    first = stats_bytes(demo_store)
    assert stats_bytes(demo_store) == first
    run_cli("--store", demo_store, "projections", "rebuild")
    assert stats_bytes(demo_store) == first
    backend = "postgres" if demo_store.startswith("postgresql://") else "sqlite"
    twin = new_store(backend, tmp_path, request, "twin")
    run_cli("demo", "--store", twin)
    assert stats_bytes(twin) == first
    other = new_store("sqlite", tmp_path, request, "other")
    run_cli("demo", "--store", other, "--seed", "99")
    other_figures = json.loads(stats_bytes(other))
    assert other_figures["taskings"] == 653 and other_figures["fingerprint"] != json.loads(first)["fingerprint"]


def test_explain_lists_exactly_the_events_behind_a_figure(demo_store: str) -> None:
    cpw = json.loads(run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "powers.CPW", "--json").stdout)
    assert cpw["count"] == 9 and {i["event"] for i in cpw["items"]} == {"PowerUsed"}
    assert all(i["detail"] == "CPW" and "2017-03-31" < i["at"] < "2018-04-01" for i in cpw["items"])
    taskings = json.loads(run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "taskings", "--json").stdout)
    assert taskings["count"] == 653 == len({(i["case"], i["position"]) for i in taskings["items"]})
    audit = json.loads(run_cli("--store", demo_store, "audit", cpw["items"][0]["case"], "--json").stdout)
    assert "PowerUsed" in [e["event"] for e in audit["entries"]]
    done = run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "nonsense", check=False)
    assert done.returncode != 0 and "explain: unknown figure" in done.stderr


def test_the_demo_gives_the_same_figures_on_both_backends(tmp_path: Path, request) -> None:  # noqa: ANN001
    stores = [new_store(backend, tmp_path, request, f"both-{backend}") for backend in BACKENDS]
    for store in stores:
        run_cli("demo", "--store", store)
    for year in ("2016", "2017"):
        first, second = (run_cli("--store", s, "stats", "--year", year, "--json").stdout for s in stores)
        assert first == second


def test_the_annual_report_has_its_charts_and_a_manifest(demo_store: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    run_cli("--store", demo_store, "stats", "--year", "2017", "--html", "--out", str(out))
    page = (out / "report.html").read_text()
    images = page.split('src="data:image/png;base64,')[1:]
    assert len(images) == 5
    assert all(base64.b64decode(img.split('"', 1)[0])[:8] == b"\x89PNG\r\n\x1a\n" for img in images)
    for caption in ("Reports by area", "Reports by category", "Monthly trend", "This year against last",
                    "Smaller figures, this year against last", "1 April 2017 to 31 March 2018"):
        assert caption in page
    manifest = json.loads((out / "manifest.json").read_text())
    figures = json.loads((out / "figures.json").read_text())
    assert manifest["fingerprint"] == figures["fingerprint"] and manifest["position"] == figures["position"]
    assert "taskings,,Taskings from the daily meeting,653,598,55,9.2" in (out / "figures.csv").read_text().splitlines()
    assert "asb_reports_from_residents,COUNCIL,Sevenoaks District Council,108,93,15,16.1" in (out / "figures.csv").read_text()
    again = tmp_path / "again"
    run_cli("--store", demo_store, "stats", "--year", "2017", "--html", "--out", str(again))
    assert all((out / n).read_bytes() == (again / n).read_bytes() for n in manifest["files"])


def test_the_demo_refuses_a_store_that_holds_events(demo_store: str) -> None:
    done = run_cli("demo", "--store", demo_store, check=False)
    assert done.returncode != 0 and "already holds" in done.stderr
    if demo_store.startswith("postgresql://"):
        assert "--replace" not in done.stderr and "--store PATH" in done.stderr
        replace = run_cli("demo", "--store", demo_store, "--replace", check=False)
        assert replace.returncode != 0 and "--replace deletes SQLite files only" in replace.stderr
    else:
        assert "--replace" in done.stderr


def test_follow_on_commands_act_as_the_demo_roster(demo_store: str) -> None:
    env = {"TASKING_STORE": demo_store, "TASKING_USER": "coordinator"}
    brief = json.loads(run_cli("briefing", "--at", "2018-03-05T09:00", "--json", env=env).stdout)
    assert brief["new_reports"] and brief["meeting"] == "2018-03-05T09:00:00Z"
    roster = {u["login"]: u for u in json.loads(run_cli("users", "list", "--json", env=env).stdout)["users"]}
    assert roster["coordinator"]["agency"] == "COUNCIL" and roster["analyst"]["role"] == "analyst"
