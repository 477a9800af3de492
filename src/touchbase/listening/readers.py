"""Records of a mention file, read as a stream: CSV, JSON Lines or one JSON document.

A file is read lazily, so a million lines cost the memory of one batch. A broken line is
reported with its number and skipped; every other line is kept. Nested JSON is flattened
("reviewer": {"displayName": …} → "reviewer.displayName"), bounded in depth and keys.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from django.utils.translation import gettext as _

from touchbase.core.charsets import text_stream
from touchbase.listening.layouts import known_headers

MAX_FIELD_CHARS = 100_000
MAX_LINE_CHARS = 1_000_000
MAX_KEYS = 200
MAX_DEPTH = 4
# A whole JSON document is parsed at once: bigger ones must come as JSON Lines.
MAX_JSON_DOCUMENT_CHARS = 50_000_000
HEAD_CHARS = 64 * 1024
PREAMBLE_ROWS = 10
DELIMITERS = (",", ";", "\t", "|")
# Lines of the head that decide the delimiter: enough to see past a title line or two.
DELIMITER_LINES = 20
# Excel writes "sep=;" as the first line of a CSV to name its delimiter.
EXCEL_SEPARATOR = re.compile(r"^sep=(.)\r?\n?$")

csv.field_size_limit(MAX_FIELD_CHARS)


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    fields: dict[str, str]


@dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    message: str


class MentionFileError(ValueError):
    """A file that cannot be read at all (not one bad line: the whole of it)."""


@dataclass
class MentionFile:
    """An opened file: its kind, encoding, headers and the stream of its records."""

    kind: str  # "csv", "jsonl" or "json"
    encoding: str
    headers: list[str]
    records: Iterator[Record | BadLine]


def open_mentions(raw: BinaryIO) -> MentionFile:
    """Open a seekable byte stream as a mention file; MentionFileError if it is none."""
    text, encoding = text_stream(raw)
    start = text.tell()
    head = text.read(HEAD_CHARS)
    text.seek(start)
    first = head.lstrip("\ufeff \t\r\n")[:1]
    if not first:
        raise MentionFileError(_("The file is empty."))
    if "\x00" in head:
        raise MentionFileError(_("This is no text file: upload CSV or JSON Lines."))
    if first == "{" and _is_json_lines(head):
        headers, records = _json_lines(text)
        return MentionFile("jsonl", encoding, headers, records)
    if first in "[{":
        headers, records = _json_document(text)
        return MentionFile("json", encoding, headers, records)
    headers, records = _csv(text, head)
    return MentionFile("csv", encoding, headers, records)


def _is_json_lines(head: str) -> bool:
    """One object per line: the first line is an object on its own, and more lines follow.

    A file of one line is read as a JSON document, which gives the same for one object and
    finds the list inside {"reviews": [...]} written on one line.
    """
    first_line, _newline, rest = head.lstrip("\ufeff \t\r\n").partition("\n")
    if not rest.strip():
        return False
    try:
        return isinstance(json.loads(first_line), dict)
    except ValueError:
        return False


# --- CSV ----------------------------------------------------------------------------------------


def _csv(text: TextIO, head: str) -> tuple[list[str], Iterator[Record | BadLine]]:
    first_line = head.lstrip("\ufeff").split("\n", 1)[0]
    named = EXCEL_SEPARATOR.match(first_line + "\n")
    if named:
        # The "sep=" line is no row: skip it, and count lines from the one after it.
        text.readline()
        head = head.lstrip("\ufeff").split("\n", 1)[-1]
    reader = csv.reader(_lines(text), delimiter=named[1] if named else _delimiter(head))
    first, leftover = _header_row(reader, first_line=2 if named else 1)
    headers = _unique([cell.strip().lstrip("\ufeff") for cell in first])
    if not any(headers):
        raise MentionFileError(_("The file has no header row."))
    return headers, _csv_records(reader, headers, leftover, 2 if named else 1)


def _header_row(reader: Any, first_line: int = 1) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header, and the rows read after it while looking for it (with their line numbers).

    Social-listening exports start with a report title, a date range and a blank line; the
    header is the first of the first PREAMBLE_ROWS rows that names two known fields, else the
    first row.
    """
    rows: list[tuple[int, list[str]]] = []
    line = first_line
    try:
        for row in reader:
            rows.append((line, row))
            line = reader.line_num + first_line
            if known_headers(row) >= 2:
                return row, []
            if len(rows) >= PREAMBLE_ROWS:
                break
    except csv.Error as error:
        raise MentionFileError(_("The file has no header row.")) from error
    if not rows:
        raise MentionFileError(_("The file has no header row."))
    return rows[0][1], rows[1:]


def _unique(headers: list[str]) -> list[str]:
    """A header named twice ("Date", "Date") keeps both columns: "Date", "Date (2)"."""
    seen: dict[str, int] = {}
    unique = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        unique.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return unique


def _lines(text: TextIO) -> Iterator[str]:
    for line in text:
        # A line too long for any review is cut, not read into memory whole by csv.
        yield line if len(line) <= MAX_LINE_CHARS else line[:MAX_LINE_CHARS] + "\n"


def _delimiter(head: str) -> str:
    """The delimiter that splits most of the first lines into the same number of cells.

    A title line above the header ("Export – März 2024") has none, and commas in texts come
    and go; the delimiter is the one whose count repeats most often, then the larger count.
    """
    lines = [line for line in head.lstrip("\ufeff").split("\n")[:DELIMITER_LINES] if line.strip()]
    if len(head) >= HEAD_CHARS and len(lines) > 1:
        lines = lines[:-1]  # the last line of a full head may be cut
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = Counter(line.count(delimiter) for line in lines)
        counts.pop(0, None)
        if not counts:
            continue
        count, repeats = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (repeats, count) > best_score:
            best, best_score = delimiter, (repeats, count)
    return best


def _csv_records(
    reader: Any, headers: list[str], leftover: list[tuple[int, list[str]]], first_line: int
) -> Iterator[Record | BadLine]:
    for line, cells in leftover:
        if any(cell.strip() for cell in cells):
            yield _csv_record(line, headers, cells)
    offset = first_line - 1
    line = reader.line_num + 1 + offset
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield BadLine(line, _("This line cannot be read as CSV: %(error)s") % {"error": error})
            line = reader.line_num + 1 + offset
            continue
        if any(cell.strip() for cell in cells):
            yield _csv_record(line, headers, cells)
        line = reader.line_num + 1 + offset


def _csv_record(line: int, headers: list[str], cells: list[str]) -> Record | BadLine:
    if len(cells) > len(headers) and any(cell.strip() for cell in cells[len(headers) :]):
        return BadLine(
            line,
            _("This line has %(cells)d cells, the header %(headers)d.")
            % {"cells": len(cells), "headers": len(headers)},
        )
    return Record(line, dict(zip(headers, cells, strict=False)))


# --- JSON ---------------------------------------------------------------------------------------


def _json_lines(text: TextIO) -> tuple[list[str], Iterator[Record | BadLine]]:
    return [], _json_line_records(text)


def _json_line_records(text: TextIO) -> Iterator[Record | BadLine]:
    for number, line in enumerate(_lines(text), start=1):
        stripped = line.strip().lstrip("\ufeff")
        if not stripped:
            continue
        try:
            item = json.loads(stripped)
        except ValueError as error:
            yield BadLine(number, _("This line is no JSON: %(error)s") % {"error": error})
            continue
        yield _json_record(number, item)


def _json_record(number: int, item: Any) -> Record | BadLine:
    if not isinstance(item, dict):
        return BadLine(number, _("Each line must hold one JSON object."))
    return Record(number, flatten(item))


def _json_document(text: TextIO) -> tuple[list[str], Iterator[Record | BadLine]]:
    content = text.read(MAX_JSON_DOCUMENT_CHARS + 1)
    if len(content) > MAX_JSON_DOCUMENT_CHARS:
        raise MentionFileError(_("A JSON document this big must come as JSON Lines."))
    try:
        document = json.loads(content.lstrip("\ufeff"))
    except ValueError as error:
        raise MentionFileError(
            _("The file is no valid JSON: %(error)s") % {"error": error}
        ) from error
    items = _items(document)
    if items is None:
        raise MentionFileError(_("The JSON holds no list of reviews or mentions."))
    return [], (_json_record(number, item) for number, item in enumerate(items, start=1))


def _items(document: Any) -> list[Any] | None:
    """The list of items: the document itself, or the first list of objects inside it."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("features"), list):  # Google Maps Takeout is GeoJSON
        return [
            feature.get("properties", feature) if isinstance(feature, dict) else feature
            for feature in document["features"]
        ]
    for value in document.values():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return value
    return [document]


def flatten(item: dict[str, Any]) -> dict[str, str]:
    """Nested keys joined by dots, values as text; lists of plain values joined by "; "."""
    flat: dict[str, str] = {}
    _flatten_into(flat, "", item, 0)
    return flat


def _flatten_into(flat: dict[str, str], prefix: str, value: Any, depth: int) -> None:
    if len(flat) >= MAX_KEYS:
        return
    if isinstance(value, dict):
        if depth >= MAX_DEPTH:
            return
        for key, inner in value.items():
            _flatten_into(flat, f"{prefix}.{key}" if prefix else str(key), inner, depth + 1)
    elif isinstance(value, list):
        plain = [_text(inner) for inner in value[:MAX_KEYS] if not isinstance(inner, dict | list)]
        if plain:
            flat[prefix] = "; ".join(plain)[:MAX_FIELD_CHARS]
        elif value and isinstance(value[0], dict):
            _flatten_into(flat, prefix, value[0], depth + 1)
    elif value is not None:
        flat[prefix] = _text(value)[:MAX_FIELD_CHARS]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
