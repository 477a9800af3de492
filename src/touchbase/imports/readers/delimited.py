"""CSV in any common encoding and delimiter, quotes and embedded line breaks kept."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from touchbase.imports.readers.base import (
    SNIFF_BYTES,
    ImportFileError,
    Table,
    bounded,
    decode,
    table_from_grid,
)


def read_csv(data: bytes) -> Table:
    """CSV with the delimiter sniffed among , ; tab and |, quotes and embedded newlines kept."""
    text, encoding = decode(data)
    text = text.lstrip("\ufeff")
    first_line, _newline, rest = text.partition("\n")
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        # Excel writes "sep=;" as a first line to name the delimiter.
        delimiter, text = first_line.strip()[4], rest
    else:
        delimiter = _sniff_delimiter(text)
    rows = bounded(_csv_records(text, delimiter))
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    return table_from_grid("csv", rows, encoding=encoding, delimiter=delimiter)


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of each record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for record in reader:
            yield line, record
            line = reader.line_num + 1
    except csv.Error as error:
        # The csv module's one limit: a field over 128 KiB, mostly a quote never closed.
        raise ImportFileError(
            _("Line %(line)s cannot be read: a cell is longer than 128 KB, or a quotation mark "
              "is never closed.") % {"line": reader.line_num}
        ) from error  # fmt: skip


def _sniff_delimiter(text: str) -> str:
    """The delimiter, judged by the first lines (never more than 64 KB of them)."""
    lines = text[:SNIFF_BYTES].splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        return max(",;\t|", key=first.count)
