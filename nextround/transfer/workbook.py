"""Writing `.xlsx` workbooks (openpyxl, write-only mode): the applications export and the
work-search record both come through here, so both get the same guards.

- Text cells go through `neutralize`, as in our CSV: openpyxl stores any string starting with
  "=" as a formula, and a spreadsheet would run it. Our import removes the one `'` again.
- Dates are real date cells (shown as YYYY-MM-DD), so a spreadsheet sorts and filters them.
- Characters an XML worksheet cannot hold (control characters other than tab and line
  breaks) are dropped; our forms never store them.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from nextround.transfer.formulas import neutralize

DATE_FORMAT = "yyyy-mm-dd"


def _cell(sheet: Any, value: object) -> Any:
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if value is None:
        return None
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        return value
    return neutralize(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]
               ) -> bytes:
    """A workbook of (title, header, rows) sheets; the header is bold."""
    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        bold = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = Font(bold=True)
            bold.append(cell)
        sheet.append(bold)
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
