"""The demo year through the real CLI: the seed's figures, reproducible byte for byte."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tests.conftest import BACKENDS, make_store
from tests.conftest import run_cli as _run_cli
from tests.helpers.stores import copy_demo, demo_output

VIEWS: dict[str, str] = {}  # each store's own views file, kept out of the working directory


def run_cli(*args: str, env: dict[str, str] | None = None, check: bool = True):
    store = args[args.index("--store") + 1] if "--store" in args else (env or {}).get("TASKING_STORE")
    extra = {"TASKING_VIEWS": VIEWS[store]} if store in VIEWS else {}
    return _run_cli(*args, env={**extra, **(env or {})}, check=check)


def new_store(backend: str, folder: Path, request, name: str) -> str:
    store = make_store(backend, folder, request, name=name)
    VIEWS[store] = str(folder / f"{name}-views.db")
    return store


@pytest.fixture(name="demo_store", scope="module", params=BACKENDS)
def fixture_demo_store(request, tmp_path_factory, demo_template: Path) -> str:
    """The demo on each backend: on SQLite a copy of the one `tasking demo` built for the run, with
    what that printed; on PostgreSQL built here."""
    folder = tmp_path_factory.mktemp("demo")
    if request.param == "sqlite":
        store = copy_demo(demo_template, folder)
        VIEWS[store] = str(folder / "district.views.db")
        printed = demo_output(demo_template)
    else:
        store = new_store(request.param, folder, request, "district")
        printed = run_cli("demo", "--store", store).stdout
    assert "Daily tasking meeting Monday 05 March 2018" in printed
    assert "Year-end figures 2017/18" in printed
    DEMO_OUTPUT[store] = printed
    return store


DEMO_OUTPUT: dict[str, str] = {}


def test_the_demo_s_try_lines_are_whole_commands_whatever_the_width(demo_store: str) -> None:
    """Printed through a pipe (80 columns), each suggested command stays on one line to copy, even with
    a long --store (a PostgreSQL URL)."""
    tail = DEMO_OUTPUT[demo_store].split(" Try:\n", 1)[1].splitlines()
    assert [line.split(" --store ")[0] for line in tail[:3]] == [
        "  TASKING_USER=coordinator tasking",
        "  TASKING_USER=analyst tasking",
        "  TASKING_USER=coordinator tasking",
    ]
    assert tail[0].endswith("briefing --at 2018-03-05T09:00") and tail[1].endswith(
        "stats --year 2017 --explain powers.CPW"
    )
    assert " audit CSU-" in tail[2]


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
    for key in (
        "reports",
        "reporter_updates",
        "feedback_rate",
        "referrals",
        "by_area",
        "by_category",
        "by_source",
        "by_month",
        "cases_closed",
        "from",
        "to",
    ):
        assert key in figures


def test_every_resident_who_wanted_feedback_got_it_but_a_handful_still_open(demo_store: str) -> None:
    figures = json.loads(stats_bytes(demo_store))
    owed, given = figures["feedback"]["owed"], figures["feedback"]["given"]
    assert owed > 100 and 0 < owed - given <= 12
    missing = json.loads(
        run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "feedback.owed", "--json").stdout
    )["items"]
    given_cases = {
        i["case"]
        for i in json.loads(
            run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "feedback.given", "--json").stdout
        )["items"]
    }
    for item in missing:
        if item["case"] not in given_cases:
            state = json.loads(run_cli("--store", demo_store, "show", item["case"], "--json").stdout)
            assert state["status"] == "open" or item["at"] >= "2018-03-25", item


def test_the_fingerprint_survives_reruns_rebuilds_and_a_second_store(
    demo_store: str, demo_template: Path, tmp_path: Path
) -> None:
    """The second store is the SQLite demo that `tasking demo` built for the run: on the PostgreSQL
    store this is also the check that the demo gives the same figures, byte for byte, on both backends."""
    first = stats_bytes(demo_store)
    assert stats_bytes(demo_store) == first
    run_cli("--store", demo_store, "projections", "rebuild")
    assert stats_bytes(demo_store) == first
    twin = copy_demo(demo_template, tmp_path, name="twin")
    for year in ("2016", "2017"):
        # Reads by other tests have added access-log events to the shared demo store since it was
        # built: compare the twin with the demo store at the twin's head, where they hold the same events.
        twin_bytes = run_cli("--store", twin, "stats", "--year", year, "--json").stdout
        position = str(json.loads(twin_bytes)["position"])
        assert (
            run_cli("--store", demo_store, "stats", "--year", year, "--json", "--position", position).stdout
            == twin_bytes
        )
    assert json.loads(stats_bytes(twin))["fingerprint"] == json.loads(first)["fingerprint"]


def test_another_seed_gives_the_same_taskings_but_another_fingerprint(
    demo_template: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    seed = json.loads(stats_bytes(copy_demo(demo_template, tmp_path, name="seed-2017")))
    other = new_store("sqlite", tmp_path, request, "other")
    run_cli("demo", "--store", other, "--seed", "99")
    other_figures = json.loads(stats_bytes(other))
    assert other_figures["taskings"] == 653 and other_figures["fingerprint"] != seed["fingerprint"]


def test_explain_lists_exactly_the_events_behind_a_figure(demo_store: str) -> None:
    cpw = json.loads(
        run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "powers.CPW", "--json").stdout
    )
    assert cpw["count"] == 9 and {i["event"] for i in cpw["items"]} == {"PowerUsed"}
    assert all(i["detail"] == "CPW" and "2017-03-31" < i["at"] < "2018-04-01" for i in cpw["items"])
    taskings = json.loads(
        run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "taskings", "--json").stdout
    )
    assert taskings["count"] == 653 == len({(i["case"], i["position"]) for i in taskings["items"]})
    audit = json.loads(run_cli("--store", demo_store, "audit", cpw["items"][0]["case"], "--json").stdout)
    assert "PowerUsed" in [e["event"] for e in audit["entries"]]
    done = run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", "nonsense", check=False)
    assert done.returncode != 0 and "explain: unknown figure" in done.stderr


def test_the_annual_report_has_its_charts_and_a_manifest(demo_store: str, tmp_path: Path) -> None:
    out = tmp_path / "report"
    run_cli("--store", demo_store, "stats", "--year", "2017", "--html", "--out", str(out))
    page = (out / "report.html").read_text()
    images = page.split('src="data:image/png;base64,')[1:]
    assert len(images) == 6  # five charts and the hotspot map
    assert all(base64.b64decode(img.split('"', 1)[0])[:8] == b"\x89PNG\r\n\x1a\n" for img in images)
    for caption in (
        "Reports by area",
        "Reports by category",
        "Monthly trend",
        "This year against last",
        "Smaller figures, this year against last",
        "1 April 2017 to 31 March 2018",
        "Hotspot map",
    ):
        assert caption in page
    manifest = json.loads((out / "manifest.json").read_text())
    figures = json.loads((out / "figures.json").read_text())
    assert manifest["fingerprint"] == figures["fingerprint"] and manifest["position"] == figures["position"]
    assert manifest["chain_head"].startswith(f"{manifest['position']}:")  # the chain's head at the report's position
    assert run_cli("--store", demo_store, "verify", "--head", manifest["chain_head"]).returncode == 0
    assert "taskings,,Taskings from the daily meeting,653,598,55,9.2" in (out / "figures.csv").read_text().splitlines()
    assert (
        "asb_reports_from_residents,COUNCIL,Sevenoaks District Council,108,93,15,16.1"
        in (out / "figures.csv").read_text()
    )
    again = tmp_path / "again"
    run_cli("--store", demo_store, "stats", "--year", "2017", "--html", "--out", str(again))
    assert all((out / n).read_bytes() == (again / n).read_bytes() for n in manifest["files"])


def test_the_demo_store_verifies_its_hash_chain(demo_store: str) -> None:
    """The demo writes through the batching app: every one of its events is chained too."""
    found = json.loads(run_cli("--store", demo_store, "verify", "--json").stdout)
    assert found["ok"] is True and found["events"] > 9000


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


def recount(store: str, year: int) -> dict:
    """The year's report figures counted straight from the stored events, by the README's rule, without
    the views or the statistics code: incidents joined by same-incident links, counted once."""
    import datetime as dt
    from collections import Counter
    from zoneinfo import ZoneInfo

    from tasking.bootstrap import Settings, bootstrap

    services = bootstrap(Settings(store=store, views=VIEWS[store]))
    try:
        app, config = services.app, services.app.config
        events = [app.mapper.to_domain_event(n) for n in app.recorder.select_notifications(0, 10**7)]
    finally:
        services.close()
    london = ZoneInfo("Europe/London")
    start = dt.datetime(year, 4, 1, tzinfo=london)
    end = dt.datetime(year + 1, 4, 1, tzinfo=london)
    reports: dict[str, dict] = {}
    parent: dict[str, str] = {}
    by_id: dict[object, str] = {}
    counts: Counter = Counter()

    def root(ref: str) -> str:
        while parent.get(ref, ref) != ref:
            ref = parent[ref]
        return ref

    for e in events:
        name = type(e).__qualname__
        if name == "Case.Reported":
            by_id[e.originator_id] = e.reference
            reports[e.reference] = {
                "ref": e.reference,
                "at": e.at,
                "source": e.source,
                "channel": e.channel,
                "category": e.category,
                "area": e.area,
                "feedback": e.feedback,
            }
        elif name == "Case.Corrected" and e.field in ("source", "area", "category"):
            reports[by_id[e.originator_id]][e.field] = e.value
        elif name == "Case.Linked" and e.reason == "same-incident":
            a, b = root(by_id[e.originator_id]), root(e.to)
            if a != b:
                parent[max(a, b)] = min(a, b)
        elif start <= getattr(e, "at", start - dt.timedelta(1)) < end:
            key = {
                "Case.TaskingRaised": "taskings",
                "Case.PowerUsed": "powers_used",
                "Case.Referred": "referrals_made",
                "Case.ReporterUpdated": "reporter_updates",
            }.get(name)
            if key:
                counts[key] += 1
            if name == "Case.FollowUpMade" and e.kind in ("visit", "call"):
                counts["follow_ups"] += 1
    incidents: dict[str, list[dict]] = {}
    for ref, report in reports.items():
        incidents.setdefault(root(ref), []).append(report)
    by = {
        "by_area": Counter(),
        "by_category": Counter(),
        "by_month": Counter(),
        "by_source": Counter(),
        "asb_reports_from_residents": Counter(),
    }
    for members in incidents.values():
        members.sort(key=lambda r: (r["at"], r["ref"]))
        first = members[0]
        if start <= first["at"] < end:
            counts["reports"] += 1
            counts["asb_reports"] += config.is_asb(first["category"])
            by["by_area"][first["area"]] += 1
            by["by_category"][first["category"]] += 1
            by["by_month"][first["at"].astimezone(london).strftime("%Y-%m")] += 1
        seen: set[str] = set()
        for report in members:
            counts["reports_received"] += start <= report["at"] < end
            if report["source"] in seen:
                continue
            seen.add(report["source"])
            if start <= report["at"] < end:
                by["by_source"][report["source"]] += 1
                resident = (
                    report["feedback"] != "report-back"
                    and report["channel"] != "partner-referral"
                    and not config.reports_back(report["source"])
                )
                if config.is_asb(report["category"]) and resident:
                    by["asb_reports_from_residents"][report["source"]] += 1
    return {**counts, **{key: {k: v for k, v in sorted(c.items()) if v} for key, c in by.items()}}


@pytest.mark.parametrize("year", [2016, 2017])
def test_an_independent_recount_from_the_stored_events_agrees_with_stats(demo_store: str, year: int) -> None:
    figures = json.loads(run_cli("--store", demo_store, "stats", "--year", str(year), "--json").stdout)
    expected = recount(demo_store, year)
    for key, value in expected.items():
        got = figures[key]
        if isinstance(got, dict):
            got = {k: v for k, v in got.items() if v}
        assert got == value, key
    # Twelve incidents a year were reported to the council and, again, by the police.
    assert figures["reports_received"] - figures["reports"] == 12
    explained = json.loads(
        run_cli("--store", demo_store, "stats", "--year", str(year), "--explain", "reports", "--json").stdout
    )
    assert explained["count"] == figures["reports"]
    assert sum(len(item["reports"]) for item in explained["items"]) >= figures["reports"] + 12


def test_the_demo_escalation_routes_match_the_seed(demo_store: str, tmp_path: Path) -> None:
    """2017/18: no case review, 9 Task and Finish groups (7 completed, 2 ongoing), 3 Channel Panel
    referrals, a monthly Community MARAC from 20 September 2017; 2016/17: two applications."""
    figures = json.loads(stats_bytes(demo_store))
    assert figures["case_reviews"] == {
        "applications": 0,
        "threshold_not_met": 0,
        "reviews": 0,
        "reviews_with_recommendations": 0,
    }
    assert figures["task_and_finish_groups"] == {"opened": 9, "completed": 7, "ongoing": 2}
    assert figures["referrals"]["channel-panel"] == 3
    assert figures["community_marac"]["meetings"] == 7 and figures["community_marac"]["cases_discussed"] > 0
    assert figures["community_marac"]["referrals"] == figures["referrals"]["community-marac"]
    before = json.loads(run_cli("--store", demo_store, "stats", "--year", "2016", "--json").stdout)
    assert before["case_reviews"] == {
        "applications": 2,
        "threshold_not_met": 1,
        "reviews": 1,
        "reviews_with_recommendations": 1,
    }
    explained = json.loads(
        run_cli(
            "--store", demo_store, "stats", "--year", "2016", "--explain", "case_reviews.applications", "--json"
        ).stdout
    )
    assert [item["case"] for item in explained["items"]] == ["CR-2016-001", "CR-2016-002"]
    meetings = json.loads(run_cli("--store", demo_store, "marac", "meetings", "list", "--json").stdout)["meetings"]
    assert meetings[0]["meeting"] == "2017-09-20" and meetings[0]["discussions"]
    run_cli("--store", demo_store, "stats", "--year", "2016", "--html", "--out", str(tmp_path / "report"))
    page = (tmp_path / "report" / "report.html").read_text()
    assert '<table class="case-reviews">' in page and "Case reviews that led to recommendations" in page


def test_erasing_a_demo_person_changes_no_figure_of_either_year(demo_store: str) -> None:
    """Crypto-shredding destroys a key, not an event: both years' fingerprints stay as they were."""
    before = {
        year: json.loads(run_cli("--store", demo_store, "stats", "--year", year, "--json").stdout)["fingerprint"]
        for year in ("2016", "2017")
    }
    env = {"TASKING_USER": "coordinator"}
    run_cli("--store", demo_store, "person", "erase", "PER-00001", "--reason", "Erasure request ER-7", env=env)
    assert "[erased]" in run_cli("--store", demo_store, "person", "show", "PER-00001").stdout
    after = {
        year: json.loads(run_cli("--store", demo_store, "stats", "--year", year, "--json").stdout)["fingerprint"]
        for year in ("2016", "2017")
    }
    assert after == before


def test_the_demo_partnership_year_matches_the_seed(demo_store: str) -> None:
    """Issue 26: the action plan, activities, funding and mobile CCTV, each figure explainable."""
    figures = json.loads(stats_bytes(demo_store))
    assert figures["action_plan"]["achieved_percent"] == 92
    assert figures["previous_year"]["action_plan"]["achieved_percent"] == 85
    before = json.loads(run_cli("--store", demo_store, "stats", "--year", "2016", "--json").stdout)
    assert before["action_plan"]["achieved_percent"] == 85
    funding = figures["funding"]
    assert funding["by_funder"] == {"KFRS": "3500.00", "PCC": "31107.00"}
    assert {name: p["full_year"] for name, p in funding["projects"].items() if p["funder"] == "PCC"} == {
        "Substance Misuse Youth Worker": "12000.00",
        "Community Domestic Abuse Perpetrators Programme": "1500.00",
        "CSU Initiatives": "11500.00",
        "Medium Risk DA Victims": "6107.00",
    }
    assert funding["unallocated"] == "0.00" and funding["received"] == funding["allocated"]
    cctv = figures["cctv"]
    assert cctv["cameras"] == 5 and set(cctv["by_location"]) == {
        "Azalea Shops",
        "Bradbourne Vale Road",
        "Moultain Hill",
        "Caxton Close",
    }
    kinds = figures["activities"]["by_kind"]
    assert kinds["eva"] == 2 and kinds["night-of-action"] >= 15
    assert {"PACT-SWANLEY", "PACT-EDENBRIDGE", "PACT-WEST-KINGSDOWN", "PACT-NEW-ASH-GREEN", "PACT-WESTERHAM"} == set(
        figures["activities"]["by_panel"]
    )
    nights = json.loads(
        run_cli(
            "--store",
            demo_store,
            "activity",
            "list",
            "--kind",
            "night-of-action",
            "--from",
            "2017-04-01",
            "--to",
            "2018-03-31",
            "--json",
        ).stdout
    )["activities"]
    assert {area for night in nights for area in night["areas"]} == {
        "New Ash Green",
        "Westerham",
        "Sevenoaks Town",
        "West Kingsdown",
        "Swanley",
    }
    analyst = {"TASKING_USER": "analyst"}
    for figure, count in (
        ("action_plan.achieved", 23),
        ("action_plan.actions", 25),
        ("cctv.deployments", cctv["deployments"]),
        ("activities.by_kind.eva", 2),
        ("funding.by_funder.PCC", 1),
        ("funding.projects.Medium Risk DA Victims.full_year", 2),
    ):
        explained = json.loads(
            run_cli("--store", demo_store, "stats", "--year", "2017", "--explain", figure, "--json", env=analyst).stdout
        )
        assert explained["count"] == count, figure
    csv_text = run_cli("--store", demo_store, "stats", "--year", "2017", "--csv", env=analyst).stdout
    rows = {(row.split(",")[0], row.split(",")[1]) for row in csv_text.splitlines()[1:]}
    for group in ("action_plan", "activities", "funding", "cctv"):
        from tasking.reporting.annual_report import flatten

        for name, _ in flatten(figures[group]):
            assert (group, name) in rows, (group, name)
