"""The database analysts browse with Datasette (`tasking export datasette --out analysts.db`).

It is made for them, never the views: the export rows of `cases`, `taskings`, `activity` and
`incidents` as recorded by the reader's position, with the outline rule applied (a restricted case
the reader may not see in full keeps its reference, area and received date), no free text (the
exports' `location` and a correction's `value` are left out too), and people and users as keyed
hashes whose key is drawn for this database only: stable within it, not reversible, and not
joinable with another export. The file is new each time, owner-only, and replaces `out` whole.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from tasking.interchange.export import KINDS, PSEUDONYMISED, Pseudonyms, outline_rows, rows
from tasking.errors import DomainError
from tasking.queries.access import record_read
from tasking.queries.point import Reader

# Free text the exports still carry: a street or premises, and a correction's new value.
LEFT_OUT = ("location", "value")


def build(reader: Reader, out: Path) -> dict[str, Any]:
    """Write the analysts' database to `out`; the restricted cases shown in full are recorded."""
    if not out.parent.is_dir():
        raise DomainError("out", f"folder {out.parent} does not exist")
    part = out.with_name(out.name + ".part")
    part.unlink(missing_ok=True)
    os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # owner-only before SQLite writes
    hide, shown, counts = Pseudonyms(), set(), {}
    db = Database(part)
    try:
        for kind in KINDS:
            found = rows(reader, kind, None, hide)
            shown.update(outline_rows(reader, kind, found))
            for row in found:
                for column in LEFT_OUT:
                    row.pop(column, None)
            if found:
                db.table(kind).insert_all(found)
            counts[kind] = len(found)
        meta = {"export": "datasette", "position": reader.point.position, "pseudonymised": PSEUDONYMISED}
        db.table("about").insert_all([{"key": key, "value": str(value)} for key, value in meta.items()], pk="key")
    finally:
        db.close()
    os.replace(part, out)
    record_read(reader, "export", sorted(shown), "restricted cases in the analysts' database")
    return {**meta, "rows": counts, "out": str(out)}
