"""Every read's JSON (`json_text`: the CLI's `--json`, the web's answers, the packs) keeps the bytes of
`json.dumps(indent=2, sort_keys=True, ensure_ascii=False)`, without `json`'s pure-Python encoder (an
indent makes `json` encode in Python: 5.4 ms of a 100,000-case store's 433 KB briefing, 2.6 ms so)."""

from __future__ import annotations

import json
import json.encoder

import pytest

from tasking.queries.briefing import briefing, meeting_for
from tasking.reporting.text import json_text
from tests.conftest import at

TRICKY = [
    {"b": 1, "a": [1, 2, {}], "c": [], "d": {}, "e": None, "f": True, "g": False},
    {"text": '\x00\x01\x1f\x7f \u2028\u2029 é 😀 "quoted" back\\slash / tab\t line\n'},
    {"floats": [0.1, 1.0, 1e16, 1e-07, 2.5e-05, 12345678.9, -0.0, 1.5e300]},
    {"nan": float("nan"), "inf": float("inf")},
    {1: "an int key", 2: "another"},
    {"big": 2**70, "small": -(2**63)},
    [[[]], [{}], "", 0],
    {"Z": 1, "a": 2, "É": 3, "é": 4, "😀": 5, "\uffff": 6},
    ("a", "tuple"),
    "just a string",
]


@pytest.mark.parametrize("value", TRICKY, ids=range(len(TRICKY)))
def test_json_text_keeps_the_bytes_of_json_dumps(value) -> None:
    assert json_text(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_a_briefings_json_is_not_encoded_by_jsons_pure_python_encoder(desk, monkeypatch) -> None:
    for hour in range(10, 14):
        desk.report(f"2018-03-02T{hour}:00")
    read = desk.read()
    meeting = meeting_for(desk.config, at("2018-03-05T09:00"), at("2018-03-05T09:00"))
    brief = briefing(read, meeting)
    expected = json.dumps(brief, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert len(brief["new_reports"]) == 4

    def pure_python(*args, **kwargs):
        raise AssertionError("json's pure-Python encoder was used")

    monkeypatch.setattr(json.encoder, "_make_iterencode", pure_python)
    assert json_text(brief) == expected
