"""XLSX, opened only after its declared sizes are checked, and read as a stream of rows."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from touchbase.imports.mapping import header_score
from touchbase.imports.readers.base import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    ImportFileError,
    Table,
    bounded,
    count_text,
    table_from_grid,
    too_many_cells,
)

MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
# Spreadsheets pack 5 to 20 to 1; a zip bomb packs hundreds to 1. Small parts may pack tightly.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FLOOR = 1024 * 1024
MAX_MERGED_RANGES = 100_000


def read_xlsx(data: bytes) -> Table:
    """The first worksheet with rows; merged cells are spread over the cells they cover.

    Steps: check the sizes the archive declares before unpacking anything (zip bombs), open
    it read-only so rows stream past instead of becoming an object tree ten times the file,
    then read the rows within the row, column and cell limits.
    """
    from openpyxl import load_workbook

    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = _data_sheet(workbook)
            rows = bounded(_xlsx_rows(sheet, data))
        finally:
            workbook.close()
    except XLSX_ERRORS as error:
        raise ImportFileError(_unreadable_xlsx()) from error
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    table = table_from_grid("xlsx", rows)
    if sheet is not workbook.worksheets[0]:
        table.notes.append(_("Read the sheet “%(sheet)s”, the first with column headers.") % {
            "sheet": sheet.title})  # fmt: skip
    return table


# What a broken archive or sheet raises while it is read: cut-off XML and deflate streams,
# missing parts, and openpyxl's type checks on attributes that make no sense.
XLSX_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    OSError,
)


def _unreadable_xlsx() -> str:
    return _(
        "This is not a readable XLSX file. Open it in your spreadsheet program, save it "
        "again as .xlsx or .csv and try once more."
    )


def _check_archive(data: bytes) -> None:
    """Refuse an archive that would unpack too large, by the sizes its directory declares.

    zipfile never unpacks a member beyond its declared size, so the declaration is binding.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportFileError(_unreadable_xlsx()) from error
    total = sum(member.file_size for member in members)
    if total > MAX_XLSX_UNPACKED_BYTES:
        sizes = {"size": total // 2**20, "limit": MAX_XLSX_UNPACKED_BYTES // 2**20}
        raise ImportFileError(
            _("This XLSX file unpacks to %(size)s MB; touchbase reads at most %(limit)s MB. "
              "Save it as CSV or split it into smaller files.")
            % {key: count_text(value) for key, value in sizes.items()}
        )  # fmt: skip
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
            raise ImportFileError(
                _("This XLSX file is packed %(ratio)s to 1, far tighter than any spreadsheet, "
                  "so it was not opened. Save it as CSV and try again.")
                % {"ratio": count_text(ratio)}
            )  # fmt: skip


# How far down a sheet its header row is looked for, and how many known headers make one.
HEADER_SEARCH_ROWS = 20
HEADER_MIN_KNOWN = 2


def _data_sheet(workbook: Any) -> Any:
    """The first sheet with column headers, else the first with rows: an export often puts a
    cover sheet ("Info", "Export vom …") before its data."""
    sheets = list(workbook.worksheets)
    for sheet in sheets:
        # The declared dimension is the file's claim; rows padded to it could be any size.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, max_row=HEADER_SEARCH_ROWS, max_col=MAX_COLUMNS,
                               values_only=True)  # fmt: skip
        if any(header_score([_cell_text(value) for value in row]) >= HEADER_MIN_KNOWN
               for row in rows):  # fmt: skip
            return sheet
    return next((ws for ws in sheets if (ws.max_row or 0) > 1), sheets[0])


def _xlsx_rows(sheet: Any, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of one sheet, merged values spread."""
    # The declared dimension is the file's claim; rows padded to it could be any size.
    sheet.reset_dimensions()
    # openpyxl names no public way to the sheet's part in the archive.
    merges = _Merges(_merged_ranges(data, sheet._worksheet_path))
    rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    for number, cells in enumerate(rows, start=1):
        yield number, merges.spread(number, [_cell_text(value) for value in cells])


MERGE_CELL = re.compile(
    rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"
)


def _merged_ranges(data: bytes, path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range of a sheet.

    Read-only mode does not parse merges, and they sit after all rows: a regular expression
    over the unpacked stream finds them at a fraction of the cost of a second XML parse.
    """
    from openpyxl.utils.cell import range_boundaries

    refs: list[bytes] = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as source:
        tail = b""
        while True:
            chunk = source.read(2**20)
            buffer = tail + chunk
            # A tag near the chunk's end may be cut off: it is searched again with the next.
            safe = max(len(buffer) - 512, 0) if chunk else len(buffer)
            refs.extend(m.group(1) for m in MERGE_CELL.finditer(buffer) if m.start() < safe)
            if len(refs) > MAX_MERGED_RANGES:
                raise ImportFileError(too_many_cells())
            if not chunk:
                break
            tail = buffer[safe:]
    return [range_boundaries(ref.decode()) for ref in refs]


class _Merges:
    """Merged ranges applied row by row as the rows stream past, within the cell limit."""

    def __init__(self, ranges: list[tuple[int, int, int, int]]) -> None:
        clipped = sorted(
            (min_row, min_col, min(max_col, MAX_COLUMNS), min(max_row, MAX_ROWS))
            for min_col, min_row, max_col, max_row in ranges
            if min_col <= MAX_COLUMNS and min_row <= MAX_ROWS
        )
        area = sum((bottom - top + 1) * (right - left + 1) for top, left, right, bottom in clipped)
        if area > MAX_CELLS:
            raise ImportFileError(too_many_cells())
        self.pending = deque(clipped)
        self.active: list[tuple[int, int, int, str]] = []

    def spread(self, number: int, values: list[str]) -> list[str]:
        """The row with each merged range's top-left value in every cell the range covers."""
        while self.pending and self.pending[0][0] <= number:
            _top, left, right, bottom = self.pending.popleft()
            value = values[left - 1] if left <= len(values) else ""
            self.active.append((bottom, left, right, value))
        self.active = [merge for merge in self.active if merge[0] >= number]
        for _bottom, left, right, value in self.active:
            values.extend([""] * (right - len(values)))
            values[left - 1 : right] = [value] * (right - left + 1)
        return values


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()
