"""`tasking notify` and `update-reporter --send` through `tasking.cli.run`, in this process."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cli import invoke
from tests.integration.test_outbox import config_with_emails
from tests.relay import smtp_server


@pytest.fixture(name="case")
def fixture_case(store: str, tmp_path, monkeypatch) -> str:
    config = tmp_path / "partnership.toml"
    config.write_text(config_with_emails(), encoding="utf-8")
    for name, value in {
        "TASKING_STORE": store,
        "TASKING_VIEWS": str(tmp_path / "views.db"),
        "TASKING_USER": "coordinator",
        "TASKING_LOG_LEVEL": "error",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TASKING_SMTP_URL", raising=False)
    assert (
        invoke("init", "--admin", "coordinator", "--name", "Sam Patel", "--agency", "COUNCIL", "--config", str(config))[
            0
        ]
        == 0
    )
    person = json.loads(invoke("person", "add", "--name", "Pat Smith", "--email", "pat@example.org", "--json")[1])[
        "person"
    ]
    case = json.loads(
        invoke(
            "report",
            "--source",
            "COUNCIL",
            "--category",
            "noise",
            "--area",
            "Swanley",
            "--location",
            "High Street",
            "--occurred",
            "2018-03-02T21:30",
            "--received",
            "2018-03-03T08:00",
            "--reporter",
            person,
            "--summary",
            "Music",
            "--json",
        )[1]
    )["case"]
    assert (
        invoke(
            "task", case, "--agency", "WARDENS", "--action", "Visit", "--due", "2018-03-09", "--at", "2018-03-05T09:10"
        )[0]
        == 0
    )
    return case


def test_send_and_list_the_outbox(case, monkeypatch):
    code, _, err = invoke("notify", "send")
    assert (
        code == 1
        and err.strip()
        == "Error: TASKING_SMTP_URL: is not set; e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host:465"
    )
    code, out, _ = invoke(
        "update-reporter", case, "--channel", "email", "--send", "--note", "Wardens will visit", "--json"
    )
    assert code == 0 and json.loads(out)["queued"].startswith(f"resident:{case}:")
    queued = json.loads(invoke("notify", "list", "--queued", "--json")[1])["notifications"]
    assert [row["kind"] for row in queued] == ["tasking", "resident"]
    assert "pat@example.org" not in invoke("notify", "list", "--json")[1]
    with smtp_server() as (url, received):
        monkeypatch.setenv("TASKING_SMTP_URL", url)
        code, out, _ = invoke("notify", "send", "--at", "2018-03-05T09:20", "--json")
    assert code == 0 and json.loads(out) == {"dropped": 0, "failed": 0, "sent": 2, "skipped": 0}
    assert sorted(rcpt[0] for rcpt, _ in received.messages) == ["pat@example.org", "wardens@kcc.example"]
    assert json.loads(invoke("notify", "list", "--queued", "--json")[1])["notifications"] == []


def test_bad_input_is_one_line_and_writes_nothing(case):
    code, _, err = invoke("update-reporter", case, "--channel", "phone", "--send", "--note", "Told")
    assert code != 0 and "send: only an update by --channel email can be sent" in err and err.count("\n") == 1
    code, _, err = invoke("notify", "list", "--queued", "--failed")
    assert code == 2 and err.count("\n") == 1
    code, _, err = invoke("notify", "release", "tasking:nothing")
    assert code == 1 and "key:" in err
    assert json.loads(invoke("notify", "list", "--json")[1])["notifications"][0]["status"] == "queued"
