"""Reading an uploaded workbook safely: one place for every import (company registry, points
tables). An .xlsx is a zip, so its unpacked size is checked before openpyxl opens it (a 2 MB
zip bomb would otherwise take gigabytes), and rows are read to the sheet's real end, because
openpyxl's read-only mode otherwise trusts the file's own `<dimension>`, which can lie."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

MAX_UNPACKED_BYTES = 50_000_000
MAX_RATIO = 100  # real workbooks compress text 5–20×
MAX_ROWS = 100_000
MAX_COLUMNS = 100
# a registry cell or a points-table label is at most a few hundred characters; a longer one is
# refused where it is met, before the import copies it (1,500 cells sharing one 1 MB string
# would otherwise become 1.5 GB of copies)
MAX_CELL_CHARS = 5_000


class UnreadableWorkbook(ValueError):
    """The upload is not a workbook we will read; str() says why, in Vietnamese and English."""


def read_rows(data: bytes, max_rows: int = MAX_ROWS, sheet_name: str | None = None) -> list[tuple[Any, ...]]:
    """Every row of the first sheet (or of the sheet named, none when the workbook has no such
    sheet) as values, at most `max_rows` (more is an error, not a cut)."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnreadableWorkbook("Tệp không phải bảng tính .xlsx. / The file is not an .xlsx workbook.")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED_BYTES or unpacked > max(len(data), 100_000) * MAX_RATIO:
        raise UnreadableWorkbook(
            f"Tệp giải nén quá lớn ({unpacked:,} byte). / "
            f"The workbook unpacks too large ({unpacked:,} bytes)."
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        if sheet_name is not None and sheet_name not in book.sheetnames:
            return []
        sheet = book.worksheets[0] if sheet_name is None else book[sheet_name]
        sheet.reset_dimensions()  # read to the last real row, whatever <dimension> claims
        rows: list[tuple[Any, ...]] = []
        for row in sheet.iter_rows(values_only=True):
            end = min(len(row), MAX_COLUMNS)
            while end and row[end - 1] is None:
                end -= 1
            for column, value in enumerate(row[:end], start=1):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    where = f"{get_column_letter(column)}{len(rows) + 1}"
                    raise UnreadableWorkbook(
                        f"Ô {where} dài {len(value):,} ký tự (tối đa {MAX_CELL_CHARS:,}). / "
                        f"Cell {where} holds {len(value):,} characters (at most {MAX_CELL_CHARS:,})."
                    )
            rows.append(tuple(row[:end]))
            if len(rows) > max_rows:
                raise UnreadableWorkbook(
                    f"Quá nhiều dòng (tối đa {max_rows:,}). / Too many rows (at most {max_rows:,})."
                )
        book.close()
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise UnreadableWorkbook(
            f"Không đọc được tệp Excel: {exc}. / Cannot read the workbook: {exc}."
        ) from None
    while rows and all(v is None or str(v).strip() == "" for v in rows[-1]):
        rows.pop()  # trailing empty rows that formatting leaves behind
    return rows


def read_table(data: bytes, max_rows: int = MAX_ROWS) -> list[tuple[Any, ...]]:
    """An uploaded table, .xlsx or CSV (UTF-8, with or without its BOM; comma or semicolon, as
    the platforms' exports and a Vietnamese Excel write them), as rows of values."""
    import csv

    if zipfile.is_zipfile(io.BytesIO(data)):
        return read_rows(data, max_rows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableWorkbook(
            "Tệp không phải .xlsx hay CSV UTF-8. / The file is neither an .xlsx workbook nor a UTF-8 CSV."
        ) from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter="," if first.count(",") >= first.count(";") else ";")
    rows: list[tuple[Any, ...]] = []
    for row in reader:
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise UnreadableWorkbook(
                f"Dòng {len(rows) + 1} có ô quá dài (tối đa {MAX_CELL_CHARS:,} ký tự). / "
                f"Row {len(rows) + 1} holds a cell over {MAX_CELL_CHARS:,} characters."
            )
        rows.append(tuple(cell.strip() or None for cell in row[:MAX_COLUMNS]))
        if len(rows) > max_rows:
            raise UnreadableWorkbook(
                f"Quá nhiều dòng (tối đa {max_rows:,}). / Too many rows (at most {max_rows:,})."
            )
    return rows
