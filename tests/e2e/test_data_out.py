"""Data out of the demo district: police-recorded context, pseudonymised exports, Datasette, the map."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tasking.bootstrap import Settings, bootstrap
from tasking.demo.wording import SUMMARIES
from tests.conftest import run_cli
from tests.helpers.stores import copy_demo
from tests.helpers.wait import answers, wait_until


@pytest.fixture(name="district", scope="module")
def fixture_district(tmp_path_factory, demo_template) -> dict[str, str]:
    store = copy_demo(demo_template, tmp_path_factory.mktemp("district"))
    return {"TASKING_STORE": store, "TASKING_USER": "analyst"}


def demo_people(store: str) -> list[dict[str, str]]:
    """Every person record's details, read back from the store's events."""
    services = bootstrap(Settings(store=store, views=store + ".scratch-views.db"))
    try:
        app = services.app
        found = app.recorder.select_notifications(0, 1_000_000, topics=["tasking.domain.person:Person.Added"])
        events = [app.mapper.to_domain_event(n) for n in found]
        return [{"name": e.name, "phone": e.phone, "address": e.address} for e in events]
    finally:
        services.close()


def test_the_demo_has_police_recorded_asb_as_in_the_seed(district) -> None:
    figures = json.loads(run_cli("stats", "--year", "2017", "--json", env=district).stdout)
    assert figures["police_recorded"]["asb_incidents"] == 1619
    assert figures["previous_year"]["police_recorded"] == {"asb_incidents": 1850}
    assert figures["previous_year"]["change"]["police_recorded.asb_incidents"] == {"absolute": -231, "percent": -12.5}
    assert sum(figures["police_recorded"]["by_area"].values()) == 1619


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_exports_carry_no_personal_detail_and_no_free_text(district, tmp_path: Path, fmt: str) -> None:
    people = demo_people(district["TASKING_STORE"])
    assert len(people) > 50
    texts = {}
    for kind in ("cases", "taskings", "activity", "incidents"):
        out = tmp_path / f"{kind}.{fmt}"
        result = json.loads(run_cli("export", kind, "--format", fmt, "--out", str(out), "--json", env=district).stdout)
        assert result["rows"] > 0
        if fmt == "xlsx":
            import openpyxl

            book = openpyxl.load_workbook(out, read_only=True)
            texts[kind] = "\n".join(
                ",".join("" if v is None else str(v) for v in row)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
            )
            book.close()
        else:
            texts[kind] = out.read_text(encoding="utf-8")
    everything = "\n".join(texts.values())
    for person in people:
        for value in person.values():
            if value:
                assert value not in everything, "a personal detail is in the export"
    assert "PER-0" not in everything  # person references are keyed hashes
    assert not [text for texts_ in SUMMARIES.values() for text in texts_ if text in everything]  # free text stays out
    assert "p-" in texts["cases"] and "asb.officer" not in everything and "pcso.fry" not in everything


def test_pseudonyms_differ_between_exports(district, tmp_path: Path) -> None:
    tokens = []
    for name in ("one", "two"):
        out = tmp_path / f"{name}.csv"
        run_cli("export", "cases", "--year", "2017", "--out", str(out), env=district)
        rows = list(csv.DictReader(out.open(encoding="utf-8")))
        assert {r["financial_year"] for r in rows} == {"2017/18"}
        tokens.append({r["case"]: r["reporter"] for r in rows if r["reporter"]})
    assert tokens[0].keys() == tokens[1].keys() and tokens[0]
    assert all(tokens[0][case] != tokens[1][case] for case in tokens[0])


def test_the_annual_reports_hotspot_map_renders(district, tmp_path: Path) -> None:
    import matplotlib.image

    out = tmp_path / "report"
    run_cli("stats", "--year", "2017", "--html", "--out", str(out), env=district)
    picture = matplotlib.image.imread(out / "hotspots.png")  # decodes, or raises
    height, width = picture.shape[:2]
    assert height > 300 and width > 600
    colours = {tuple(pixel) for pixel in picture.reshape(-1, picture.shape[2])[::37].tolist()}
    assert len(colours) > 50, "the map is blank"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert (
        'Police-recorded ASB incidents</td><td data-label="2017/18">1619</td><td data-label="2016/17">1850</td>' in html
    )
    assert "Reports without coordinates, by area" in html and "Swanley" in html
    assert json.loads((out / "manifest.json").read_text())["files"]["hotspots.png"].startswith("sha256:")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(
    importlib.util.find_spec("datasette") is None,
    reason="the optional extra is not installed: pip install '.[datasette]'",
)
def test_datasette_starts_and_serves_a_table_with_its_metadata(district, tmp_path: Path) -> None:
    run_cli("projections", "catch-up", env=district)
    metadata = tmp_path / "metadata.json"
    run_cli("export", "metadata", "--out", str(metadata), env=district)
    views = district["TASKING_STORE"].removesuffix(".db") + ".views.db"
    port = _free_port()
    datasette = str(Path(sys.executable).with_name("datasette"))
    server = subprocess.Popen(
        [datasette, "serve", views, "--metadata", str(metadata), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until(
            lambda: answers(base + "/-/versions.json"),
            "datasette listening",
            process=server,
            log=lambda: server.stdout.read().decode() if server.stdout else "",
        )
        path = json.load(urllib.request.urlopen(f"{base}/.json", timeout=30))["district.views"]["path"]
        rows = json.load(urllib.request.urlopen(f"{base}{path}/cases.json?_shape=array&_size=5", timeout=30))
        assert len(rows) == 5 and rows[0]["reference"].startswith("CSU-")
        page = urllib.request.urlopen(f"{base}{path}/cases", timeout=30).read().decode("utf-8")
        assert "Cases as they stand" in page
    finally:
        server.terminate()
        server.wait(timeout=30)
