"""With whole-store encryption (`TASKING_CIPHER_KEY`), the projections' lean decode decrypts each
row with the store's cipher and gives the same events and the same views as the library's mapper
(issue 22, item 6: the rebuild with encryption on)."""

from __future__ import annotations

from pathlib import Path

from eventsourcing.cryptography import AESCipher

from tasking.bootstrap import Settings, bootstrap
from tasking.commands import RaiseTasking, RecordFollowUp
from tasking.projections.decode import Pages
from tasking.projections.runner import Views
from tests.conftest import Desk, seed_roster


def test_an_encrypted_store_is_decoded_lean_with_the_mapper_s_events_and_views(
    store,
    tmp_path: Path,
    monkeypatch,
) -> None:
    monkeypatch.setenv("TASKING_CIPHER_KEY", AESCipher.create_key(32))
    services = bootstrap(Settings(store=store, views=str(tmp_path / "views.db")), create_tables=True)
    try:
        desk = Desk(services, seed_roster(services))
        for day in (3, 4):
            case = desk.report(f"2018-03-0{day}T08:10")
            desk.send(
                RaiseTasking,
                when=f"2018-03-0{day}T09:30",
                case=case,
                agency="WARDENS",
                action="Patrol",
                due="2018-03-09",
            )
            desk.send(RecordFollowUp, when=f"2018-03-0{day}T10:00", case=case, kind="visit", outcome="Spoke")
        assert services.app.mapper.cipher is not None
        assert Pages(services.app).mode == "lean (decrypted first)"
        lean_rows = Pages(services.app, lean=True).page(0, 100_000)
        mapped_rows = Pages(services.app, lean=False).page(0, 100_000)
        assert len(lean_rows) == len(mapped_rows) > 10
        for lean_row, mapped in zip(lean_rows, mapped_rows, strict=True):
            assert type(lean_row.event) is type(mapped.event)
            assert vars(lean_row.event) == vars(mapped.event)
            assert lean_row.state == mapped.state  # the stored (encrypted) bytes, as the mapper's rows carry
        lean, by_mapper = Views(str(tmp_path / "lean.db")), Views(str(tmp_path / "mapper.db"))
        lean.catch_up(services.app, lean=True)
        by_mapper.catch_up(services.app, lean=False)
        assert lean.dump() == by_mapper.dump() and lean.tracking() == by_mapper.tracking()
        lean.close()
        by_mapper.close()
    finally:
        services.close()
