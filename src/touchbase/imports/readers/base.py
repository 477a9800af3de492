"""What every reader shares: the limits, the table, decoding, and the header row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from touchbase.core.charsets import detect

SNIFF_BYTES = 64 * 1024
HEADER_SCAN_ROWS = 10
# Bounds on what a file may hold, so that no upload can take the worker's memory or hours:
# far above any customer list we have seen, far below what hurts.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000
# A spreadsheet runs a cell starting with one of these as a formula; exports put a ' before.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the user."""


@dataclass
class Table:
    """Rows of one file: headers and (line, values) pairs, plus how the file was read."""

    kind: str
    headers: list[str]
    # Cells as lists (or dicts for vCards): a list costs a fifth of a dict per row, which
    # keeps a 100,000-row file well inside the memory budget.
    rows: list[tuple[int, list[str] | dict[str, str]]]
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, {header: value}) one at a time; each row is released once read (one pass)."""
        width = len(self.headers)
        for index, (line, cells) in enumerate(self.rows):
            self.rows[index] = (line, [])
            if isinstance(cells, dict):
                yield line, cells
                continue
            padded = cells + [""] * (width - len(cells))
            yield line, dict(zip(self.headers, padded, strict=False))


def decode(data: bytes, *, strict: bool = True) -> tuple[str, str]:
    """Text and the name of its encoding, judged by plausibility (see charsets)."""
    decoded = detect(data, strict=strict)
    return decoded.text, decoded.encoding


def bounded(rows: Iterable[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """The non-empty rows, read one at a time and refused beyond the row, column, cell limits."""
    kept: list[tuple[int, list[str]]] = []
    cells = 0
    for count, (line, values) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFileError(too_many_rows())
        width = _width(values)
        if width > MAX_COLUMNS:
            raise ImportFileError(
                _("Line %(line)s has %(count)s columns; touchbase reads at most %(limit)s. "
                  "Delete the columns you do not need and try again.")
                % {"line": line, "count": count_text(width), "limit": count_text(MAX_COLUMNS)}
            )  # fmt: skip
        cells += width
        if cells > MAX_CELLS:
            raise ImportFileError(too_many_cells())
        if width:
            kept.append((line, values[:MAX_COLUMNS]))
    return kept


def _width(values: list[str]) -> int:
    """Columns up to the last filled cell; trailing empty cells cost nothing."""
    for index in range(len(values), 0, -1):
        if values[index - 1].strip():
            return index
    return 0


def count_text(number: int) -> str:
    """A count as the user writes it: 200,000 in English, 200.000 in German."""
    return number_format(number, force_grouping=True)


def too_many_rows() -> str:
    """The refusal of a file beyond the row limit."""
    return _(
        "The file has more than %(limit)s rows. Split it into smaller files and import them "
        "one after the other."
    ) % {"limit": count_text(MAX_ROWS)}


def too_many_cells() -> str:
    """The refusal of a file beyond the cell limit."""
    return _(
        "The file has more than %(limit)s filled cells. Split it into smaller files "
        "and import them one after the other."
    ) % {"limit": count_text(MAX_CELLS)}


def table_from_grid(kind: str, rows: list[tuple[int, list[str]]], **read: str) -> Table:
    """Find the header row (titles above it are skipped), clean the rest, combine columns.

    Columns only a row can resolve (work or private, Google's typed pairs) become one each
    (readers.layout).
    """
    from touchbase.imports.mapping import header_score
    from touchbase.imports.readers.layout import normalize_layout

    scan = rows[:HEADER_SCAN_ROWS]
    header_index = max(range(len(scan)), key=lambda i: (header_score(scan[i][1]), -i))
    header_line, raw_headers = rows[header_index]
    headers = _unique_headers(raw_headers)
    notes = []
    if header_index:
        notes.append(_("Header found on line %(line)s; lines above it were skipped.")
                     % {"line": header_line})  # fmt: skip
    del rows[: header_index + 1]
    for index, (number, cells) in enumerate(rows):
        rows[index] = (number, [_clean(cell) for cell in cells[: len(headers)]])
    headers, layout_notes = normalize_layout(headers, rows)
    notes += layout_notes
    # The rows were cleaned in place (a copy would double the memory of a large file).
    cleaned = cast(list[tuple[int, list[str] | dict[str, str]]], rows)
    return Table(kind=kind, headers=headers, rows=cleaned, notes=notes, **read)


def _clean(value: str | None) -> str:
    """Unix line breaks, no outer blanks, and without the ' an export put before a formula."""
    text = value or ""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _unique_headers(raw: list[str]) -> list[str]:
    headers: list[str] = []
    seen: dict[str, int] = {}
    for index, value in enumerate(raw, start=1):
        name = (value or "").strip() or _("Column %(number)s") % {"number": index}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers
