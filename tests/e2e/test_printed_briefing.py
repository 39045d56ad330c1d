"""Issue 25, item 1: the printed briefing. `tasking briefing --html` printed to A4 PDF in headless
Chromium (the real process is the subject) carries every row and heading, the marking, meeting,
window and print time on every page, and nothing printed on a page covers anything else."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tasking.cli import run
from tasking.commands import RaiseTasking
from tests.conftest import Desk

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or PDFTOTEXT is None) and not os.environ.get("CI"),
    reason="Debian's chromium and poppler-utils are not installed (.ci/run installs them)",
)


def briefing(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(["briefing", "--at", "2018-03-05T09:00", *args]) == 0
    return out.getvalue()


def print_to_pdf(page: Path, pdf: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def pdf_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes, from `pdftotext -bbox`."""
    import xml.etree.ElementTree as ET

    xml = subprocess.run([PDFTOTEXT, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    root = ET.fromstring(xml.replace('xmlns="http://www.w3.org/1999/xhtml"', ""))
    return [
        [
            (float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")), w.text or "")
            for w in page.iter("word")
        ]
        for page in root.iter("page")
    ]


def overlaps(a: tuple[float, float, float, float, str], b: tuple[float, float, float, float, str]) -> bool:
    """Two words printed over each other (more than a hair of shared area)."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width > 0.5 and height > 0.5


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_printed_briefing_has_every_row_and_its_marks_on_every_page(
    desk: Desk, store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = [
        desk.report(
            f"2018-03-0{3 + n % 2}T{8 + n % 12:02d}:{n % 60:02d}",
            location=f"{n} Station Road",
            summary=f"Report number {n}: youths gathering by the shops",
        )
        for n in range(48)
    ]
    for case in cases[:12]:
        desk.send(
            RaiseTasking,
            when="2018-03-04T21:00",
            case=case,
            agency="WARDENS",
            action="Patrol the parade",
            due=dt.date(2018, 3, 5),
        )
    monkeypatch.setenv("TASKING_STORE", store)
    monkeypatch.setenv("TASKING_VIEWS", str(tmp_path / "views.db"))
    monkeypatch.setenv("TASKING_USER", "coordinator")
    brief = json.loads(briefing(["--json"]))
    page = tmp_path / "briefing.html"
    page.write_text(briefing(["--html"]), encoding="utf-8")
    pdf = tmp_path / "briefing.pdf"
    print_to_pdf(page, pdf)

    pages = pdf_words(pdf)
    assert len(pages) >= 3, "the briefing should run over several A4 pages for this test to mean anything"
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = " ".join(text.split())
    for heading in (
        "New reports (48)",
        "Taskings due or overdue (12)",
        "Feedback owed",
        "Repeat flags",
        "ASB case review alerts",
        "Risk reviews due",
        "Possible duplicates",
        "Daily tasking meeting",
    ):
        assert heading in flat, heading
    for row in brief["new_reports"]:
        assert row["case"] in flat and row["location"] in flat, row["case"]
    for row in brief["due_taskings"]:
        assert row["tasking"] in flat
    for number, words in enumerate(pages, 1):
        line = " ".join(w[4] for w in words)
        for mark in ("OFFICIAL-SENSITIVE", "Monday 05 March 2018 09:00", "Reports received after", "Printed"):
            assert mark in line, f"page {number} lacks {mark!r}"
        for i, a in enumerate(words):
            for b in words[i + 1 :]:
                assert not overlaps(a, b), f"page {number}: {a[4]!r} is printed over {b[4]!r}"
