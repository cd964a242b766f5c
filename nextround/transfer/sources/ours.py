"""Our own CSV export (`transfer.export_csv`): recognised by its exact header, cells
un-neutralised (`transfer.formulas`). Sure: we write it."""

from nextround.transfer.columns import CSV_FIELDS, CSV_HEADER, fold
from nextround.transfer.sources.base import Source

SOURCE = Source(
    key="ours", label="A Next Round CSV export",
    signature=frozenset(fold(h) for h in CSV_HEADER),
    columns={f: (fold(h),) for f, h in zip(CSV_FIELDS, CSV_HEADER, strict=True)},
    date_order="", naive_utc=False)
