"""The email outbox against a real SMTP server on 127.0.0.1 (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess

import pytest

from tasking.bootstrap import Services
from tasking.commands import AddPerson, AddUser, InitStore, RaiseTasking, ReassignTasking, RecordReport, send
from tasking.commands.case import UpdateReporter
from tasking.commands.privacy import ErasePerson
from tasking.config import default_config_text
from tasking.notify.message import message_id
from tasking.notify.sender import _send_batch, due_rows, outbox, send_due
from tasking.notify.smtp import Relay
from tests.conftest import TASKING, at
from tests.relay import free_port, smtp_server

PEOPLE = {
    "name": "Pat Smithers-Quayle",
    "phone": "07700 900123",
    "email": "pat.quayle@example.org",
    "address": "12 Azalea Drive, Swanley",
}
VICTIM = {
    "name": "Chris Doe-Marston",
    "phone": "07700 900456",
    "email": "chris.marston@example.net",
    "address": "3 Bramble Close",
}
NOW = at("2018-03-05T10:00")


def config_with_emails(digest: bool = False) -> str:
    text = default_config_text()
    for code, address in (
        ("POLICE", "csu@police.example"),
        ("WARDENS", "wardens@kcc.example"),
        ("HOUSING", "asb@housing.example"),
    ):
        start = text.index(f"\n{code} = {{") + 1
        end = text.index("}", start)
        text = text[:end] + f', email = "{address}" ' + text[end:]
    return text + (
        '\n[notifications]\nfrom = "csu@sevenoaks.example"\nbase_url = "https://tasking.example"\n'
        f"digest = {'true' if digest else 'false'}\n"
    )


@pytest.fixture(name="people")
def fixture_people(services: Services) -> dict[str, str]:
    return seed(services)


def seed(services: Services, digest: bool = False) -> dict[str, str]:
    app = services.app
    earlier = at("2018-03-01T08:00")
    send(
        app,
        InitStore(
            user="coordinator", at=earlier, name="Sam Patel", agency="COUNCIL", config_toml=config_with_emails(digest)
        ),
    )
    send(
        app, AddUser(user="coordinator", at=earlier, login="warden.grange", name="W", agency="WARDENS", role="officer")
    )
    return {
        "resident": send(app, AddPerson(user="coordinator", at=earlier, **PEOPLE))["person"],
        "victim": send(app, AddPerson(user="coordinator", at=earlier, **VICTIM))["person"],
    }


def report(services: Services, people: dict[str, str], category: str = "fly-tipping") -> str:
    return send(
        services.app,
        RecordReport(
            user="coordinator",
            at=NOW,
            source="COUNCIL",
            channel="phone",
            category=category,
            area="Swanley",
            location="Behind 12 Azalea Drive",
            occurred_at=NOW - dt.timedelta(hours=2),
            reporter=people["resident"],
            victim=people["victim"],
            summary="Mattresses dumped by the neighbour at number 14",
        ),
    )["case"]


def task(services: Services, case: str, agency: str = "WARDENS") -> None:
    send(
        services.app,
        RaiseTasking(
            user="coordinator",
            at=NOW,
            case=case,
            agency=agency,
            action="Clear the waste and check for evidence",
            due=dt.date(2018, 3, 9),
        ),
    )


def test_a_tasking_reaches_the_agency_once_with_a_stable_message_id(services, people):
    case = report(services, people)
    task(services, case)
    with smtp_server() as (url, received):
        first = send_due(services, NOW, Relay.from_url(url))
        again = send_due(services, NOW + dt.timedelta(minutes=5), Relay.from_url(url))
    assert first["sent"] == 1 and again["sent"] == 0
    [message] = received.to("wardens@kcc.example")
    assert message["Message-ID"] == message_id(f"tasking:{case}:T1:raised", "csu@sevenoaks.example")
    body = message.get_payload()
    assert "OFFICIAL-SENSITIVE" in message["Subject"] and body.startswith("OFFICIAL-SENSITIVE")
    for shown in (
        case,
        "Clear the waste and check for evidence",
        "Due: 2018-03-09",
        "Swanley",
        "Fly tipping",
        f"https://tasking.example/cases/{case}",
    ):
        assert shown in body
    [row] = outbox(services.read(user="coordinator", action="notify list"))
    assert row["status"] == "sent" and row["message_id"] == message["Message-ID"]


def test_a_reassignment_is_sent_to_the_new_agency(services, people):
    case = report(services, people)
    task(services, case)
    services.catch_up()  # the tasking is in the views before its reassignment (an incremental catch-up)
    send(services.app, ReassignTasking(user="coordinator", at=NOW, case=case, tasking="T1", agency="HOUSING"))
    with smtp_server() as (url, received):
        send_due(services, NOW, Relay.from_url(url))
    assert len(received.to("wardens@kcc.example")) == 1
    [moved] = received.to("asb@housing.example")
    assert "reassigned to HOUSING" in moved["Subject"]
    assert services.check_views() == []  # each view holds the rows its running count says


def test_a_refused_connection_is_retried_with_back_off_and_then_sent(services, people):
    task(services, report(services, people))
    port = free_port()  # nothing listens there yet: the connection is refused
    relay = Relay.from_url(f"smtp://127.0.0.1:{port}")
    assert send_due(services, NOW, relay)["failed"] == 1
    [row] = outbox(services.read(user="coordinator", action="notify list"), failed=True)
    assert row["error"] == "ConnectionRefusedError" and row["retry_at"] == "2018-03-05T10:01:00Z"
    assert send_due(services, NOW + dt.timedelta(seconds=30), relay) == {
        "sent": 0,
        "failed": 0,
        "dropped": 0,
        "skipped": 0,
    }
    assert send_due(services, NOW + dt.timedelta(minutes=1), relay)["failed"] == 1  # second attempt: 2 minutes
    [row] = outbox(services.read(user="coordinator", action="notify list"), failed=True)
    assert row["attempts"] == 2 and row["retry_at"] == "2018-03-05T10:03:00Z"
    with smtp_server(port) as (_, received):
        assert send_due(services, NOW + dt.timedelta(minutes=3), relay)["sent"] == 1
    assert len(received.messages) == 1


def test_a_second_sender_skips_what_the_first_has_claimed(services, people, tmp_path):
    """While one sender is handing a message to the relay, another sender (its own app) skips it."""
    from tasking.bootstrap import Settings, bootstrap

    task(services, report(services, people))
    [row] = due_rows(services.read(user="coordinator").db, NOW)  # as a sender that read the outbox just before
    other = bootstrap(Settings(store=services.settings.store, views=str(tmp_path / "other-views.db")))
    inner: list[object] = []
    try:
        with smtp_server() as (url, received):
            real = Relay.from_url(url)

            class Racing(Relay):
                def send(self, message):
                    # the other sender runs mid-send: from its views, and from the row it read before the claim
                    inner.append(send_due(other, NOW, real))
                    inner.append(
                        _send_batch(
                            other.app,
                            other.app.config,
                            other.read(user="coordinator", shared=True),
                            [row],
                            NOW,
                            real,
                            "coordinator",
                        )
                    )
                    real.send(message)

            send_due(services, NOW, Racing("smtp", real.host, real.port))
    finally:
        other.close()
    assert inner == [{"sent": 0, "failed": 0, "dropped": 0, "skipped": 0}, {"skipped": 1}]
    assert len(received.messages) == 1


def _cli_env(services: Services, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "TASKING_STORE": services.settings.store,
        "TASKING_VIEWS": services.settings.views_path,
        "TASKING_USER": "coordinator",
        "TASKING_SMTP_URL": url,
        "TASKING_LOG_LEVEL": "warning",
    }


def test_two_schedulers_at_once_send_each_email_once(services, people):
    for _ in range(3):
        task(services, report(services, people))
    with smtp_server() as (url, received):
        env = _cli_env(services, url)
        runs = [
            subprocess.Popen([TASKING, "notify", "send", "--json"], env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [json.loads(run.communicate(timeout=300)[0]) for run in runs]
    assert sum(output["sent"] for output in outputs) == 3
    assert sorted(len(received.to("wardens@kcc.example")) for _ in [0]) == [3]
    assert len({message["Message-ID"] for message in received.parsed()}) == 3


def test_a_kill_between_the_relays_yes_and_the_record_never_sends_twice(services, people):
    case = report(services, people)
    task(services, case)
    with smtp_server() as (url, received):
        env = _cli_env(services, url)
        killed = subprocess.run(
            [TASKING, "notify", "send"],
            env={**env, "TASKING_NOTIFY_FAULT": "after-accept"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert killed.returncode == 75 and len(received.messages) == 1
        later = subprocess.run(
            [TASKING, "notify", "send", "--json"], env=env, capture_output=True, text=True, timeout=300
        )
        assert json.loads(later.stdout)["sent"] == 0
        listed = subprocess.run(
            [TASKING, "notify", "list", "--failed", "--json"], env=env, capture_output=True, text=True, timeout=300
        )
    assert len(received.messages) == 1
    [row] = json.loads(listed.stdout)["notifications"]
    assert row["key"] == f"tasking:{case}:T1:raised" and row["status"] == "unknown"


def test_no_message_carries_personal_details_and_a_restricted_case_is_an_outline(services, people):
    plain = report(services, people)
    task(services, plain)
    restricted = report(services, people, category="domestic-abuse")
    task(services, restricted, agency="POLICE")
    send(
        services.app,
        UpdateReporter(
            user="coordinator",
            at=NOW,
            case=plain,
            channel="email",
            send=True,
            note="Wardens will clear the waste this week",
        ),
    )
    with smtp_server() as (url, received):
        assert send_due(services, NOW, Relay.from_url(url))["sent"] == 3
    police = received.to("csu@police.example")[0].get_payload()
    assert restricted in police and "outline only" in police
    for hidden in ("Clear the waste", "Domestic abuse", "domestic-abuse"):
        assert hidden not in police
    for rcpt, raw in received.messages:
        resident_copy = PEOPLE["email"] in rcpt
        for detail in [*VICTIM.values(), *PEOPLE.values(), "Azalea Drive", "neighbour", "Mattresses"]:
            if resident_copy and detail == PEOPLE["email"]:
                continue  # the resident's own address is on their own email's envelope and To:
            assert detail.encode() not in raw, (rcpt, detail)
    [mine] = received.to(PEOPLE["email"])
    assert "Wardens will clear the waste this week" in mine.get_payload()


def test_an_erased_resident_gets_nothing(services, people):
    case = report(services, people)
    send(
        services.app,
        UpdateReporter(user="coordinator", at=NOW, case=case, channel="email", send=True, note="We have visited"),
    )
    send(
        services.app, ErasePerson(user="coordinator", at=NOW, person=people["resident"], reason="asked to be forgotten")
    )
    with smtp_server() as (url, received):
        assert send_due(services, NOW, Relay.from_url(url))["dropped"] == 1
    assert received.messages == []


def test_the_tasking_owner_gets_it_at_their_own_address_too(services, people):
    send(
        services.app,
        AddUser(
            user="coordinator",
            at=NOW,
            login="pc.owner",
            name="P Owner",
            agency="WARDENS",
            role="officer",
            email="p.owner@kcc.example",
        ),
    )
    case = report(services, people)
    send(
        services.app,
        RaiseTasking(
            user="coordinator",
            at=NOW,
            case=case,
            agency="WARDENS",
            owner="pc.owner",
            action="Visit",
            due=dt.date(2018, 3, 9),
        ),
    )
    with smtp_server() as (url, received):
        assert send_due(services, NOW, Relay.from_url(url))["sent"] == 1
    [(recipients, raw)] = received.messages
    assert sorted(recipients) == ["p.owner@kcc.example", "wardens@kcc.example"]
    stored = services.app.recorder.select_notifications(None, 10_000)
    assert not any(b"p.owner@kcc.example" in row.state for row in stored)  # sealed with the user's key


def test_a_digest_sends_an_agency_one_message_for_all_its_notifications(services):
    people = seed(services, digest=True)
    assert services.app.config.notifications.digest
    for agency in ("WARDENS", "WARDENS", "HOUSING"):
        task(services, report(services, people), agency=agency)
    with smtp_server() as (url, received):
        assert send_due(services, NOW, Relay.from_url(url))["sent"] == 3
    [wardens] = received.to("wardens@kcc.example")
    assert wardens["Subject"].endswith("2 notifications for WARDENS") and wardens.get_payload().count("== ") == 2
    assert len(received.to("asb@housing.example")) == 1
    rows = outbox(services.read(user="coordinator", action="notify list"))
    assert len({row["message_id"] for row in rows if row["agency_to"] == "WARDENS"}) == 1
