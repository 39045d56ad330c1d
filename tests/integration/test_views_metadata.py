"""The shipped Datasette metadata describes every table and column of the views."""

from __future__ import annotations

from pathlib import Path

from tasking.interchange.export import views_metadata
from tasking.projections.runner import Views


def test_every_view_table_and_column_has_a_title_and_description(tmp_path: Path) -> None:
    views = Views(str(tmp_path / "district.views.db"))
    try:
        tables = views_metadata(views.path)["databases"]["district.views"]["tables"]
        for projection in views.projections:
            for table in projection.tables:
                assert tables[table]["title"] and tables[table]["description"], table
                columns = set(views.db[table].columns_dict)
                assert columns == set(tables[table]["columns"]), table
    finally:
        views.close()
