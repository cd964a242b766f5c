"""Property: any table our export writes to `.xlsx` reads back, through our import's workbook
reader, as the same table: every text cell (formula-like text included, made inert on the way
out and restored on the way in, as our CSV does) and every date.

And, end to end on a few databases: applications exported to `.xlsx` and imported into an
empty database are the applications we started with. Examples are kept small (a few rows) so
the test runs in seconds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nextround import transfer
from nextround.models import Application, Stage
from nextround.store import Store
from nextround.transfer.columns import CSV_FIELDS, CSV_HEADER
from nextround.transfer.formulas import unneutralize
from nextround.transfer.tables import xlsx_table
from nextround.transfer.workbook import xlsx_bytes
from tests.conftest import TODAY

# What a stored text can hold: any character but surrogates and control characters other
# than tab and line feed (our forms refuse the rest), and formula triggers on purpose.
CHARS = st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n=+-@'")
TEXT = st.text(CHARS, max_size=30) | st.sampled_from(["=SUM(A1:A9)", "+44 20", "-1", "@me",
                                                      "'quoted", "''twice", "=", "0012"])
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
DATE_AT = {CSV_FIELDS.index("applied_on"), CSV_FIELDS.index("stage_on")}
ROW = st.tuples(*[DAYS if i in DATE_AT else TEXT for i in range(len(CSV_FIELDS))])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=5))
def test_a_table_written_to_xlsx_reads_back_the_same(rows: list[tuple]) -> None:
    rows = [r for r in rows if any(str(c).strip() for c in r)] or [rows[0]]
    table = xlsx_table(xlsx_bytes([("Applications", CSV_HEADER, rows)]), "Applications")
    assert table.header == list(CSV_HEADER)
    read = [[unneutralize(c) for c in record] for record in table.records()]
    expected = [[c.isoformat() if isinstance(c, date) else c for c in row] for row in rows]
    assert read == expected


NAMES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF,
                              blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20
                ).filter(str.strip) | st.sampled_from(["=Acme", "+Plus", "@Handle", "'Quote"])
APPLICATION = st.builds(
    lambda company, role, day, stage, notes: Application(
        company=company.strip(), role=role.strip(), applied_on=day, stage=stage, notes=notes),
    NAMES, NAMES, st.dates(min_value=date(2020, 1, 1), max_value=TODAY),
    st.sampled_from(list(Stage)), TEXT)


def _applications(store: Store) -> list[tuple]:
    return sorted((r["company"], r["role"], str(r["applied_on"]), r["stage"], r["notes"])
                  for r in store.transfer.export_rows()["applications"])


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(applications=st.lists(APPLICATION, min_size=1, max_size=4))
def test_applications_exported_to_xlsx_import_into_an_empty_database_unchanged(
        tmp_path: Path, applications: list[Application]) -> None:
    folder = tmp_path / f"case-{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    source, target = Store(str(folder / "source.db")), Store(str(folder / "target.db"))
    try:
        for application in applications:
            source.applications.add(application, today=TODAY)
        data = transfer.export_xlsx(source)
        transfer.import_file(target, data, backup=False)
        assert _applications(target) == _applications(source)
    finally:
        source.dispose()
        target.dispose()
