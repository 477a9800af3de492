"""Reading customer files as they come: CSV in any common encoding and delimiter, XLSX, vCard.

Every reader yields (line number, {column: text}) so errors can name the line a user sees in
their own program: the physical line for CSV, the row number for XLSX, the BEGIN:VCARD line.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from charset_normalizer import from_bytes
from django.utils.formats import number_format
from django.utils.translation import gettext as _

SNIFF_BYTES = 64 * 1024
HEADER_SCAN_ROWS = 10
# Bounds on what a file may hold, so that no upload can take the worker's memory or hours:
# far above any customer list we have seen, far below what hurts.
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELLS = 5_000_000
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
# Spreadsheets pack 5 to 20 to 1; a zip bomb packs hundreds to 1. Small parts may pack tightly.
MAX_XLSX_RATIO = 100
XLSX_RATIO_FLOOR = 1024 * 1024
MAX_MERGED_RANGES = 100_000
MAX_VCARD_LINE = 1024 * 1024
# Photos, logos, sounds and keys are large and never imported: skipped unread.
VCARD_BINARY_PROPERTIES = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
VCARD_TEXT_PROPERTIES = ("n", "fn", "org", "title", "email", "tel", "adr", "note")
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


def read_table(data: bytes, filename: str) -> Table:
    """Read CSV, XLSX or vCard, deciding by content first and by file name second."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    text_start = _decode(data[:SNIFF_BYTES], strict=False)[0].lstrip("\ufeff \r\n\t")
    if text_start[:11].upper() == "BEGIN:VCARD" or name.endswith((".vcf", ".vcard")):
        return read_vcard(data)
    if _looks_binary(data):
        raise ImportFileError(
            _("This is not a CSV, XLSX or vCard file. Save it as CSV or XLSX and try again.")
        )
    return read_csv(data)


def _looks_binary(data: bytes) -> bool:
    sample = data[:SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return b"\x00" in sample or controls > len(sample) * 0.01


def _decode(data: bytes, *, strict: bool = True) -> tuple[str, str]:
    """Text and encoding: BOMs first, then UTF-8, Windows-1252, the best guess, Latin-1."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="strict" if strict else "replace"), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Our customers write German, French and Italian: Windows-1252 first, a guess after.
    candidates = ["cp1252"]
    guess = from_bytes(data[: SNIFF_BYTES * 4]).best()
    if guess is not None and guess.encoding not in ("utf_8", "ascii"):
        candidates.append(guess.encoding)
    candidates.append("latin-1")
    for encoding in candidates:
        try:
            return data.decode(encoding), _encoding_name(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1", errors="replace"), "latin-1"


def _encoding_name(encoding: str) -> str:
    return {"cp1252": "Windows-1252", "latin-1": "ISO-8859-1"}.get(encoding, encoding)


def read_csv(data: bytes) -> Table:
    """CSV with the delimiter sniffed among , ; tab and |, quotes and embedded newlines kept."""
    text, encoding = _decode(data)
    text = text.lstrip("\ufeff")
    first_line, _newline, rest = text.partition("\n")
    if first_line.strip().lower().startswith("sep=") and len(first_line.strip()) == 5:
        # Excel writes "sep=;" as a first line to name the delimiter.
        delimiter, text = first_line.strip()[4], rest
    else:
        delimiter = _sniff_delimiter(text)
    rows = _bounded(_csv_records(text, delimiter))
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    return _table_from_grid("csv", rows, encoding=encoding, delimiter=delimiter)


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


def _bounded(rows: Iterable[tuple[int, list[str]]]) -> list[tuple[int, list[str]]]:
    """The non-empty rows, read one at a time and refused beyond the row, column, cell limits."""
    kept: list[tuple[int, list[str]]] = []
    cells = 0
    for count, (line, values) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        width = _width(values)
        if width > MAX_COLUMNS:
            raise ImportFileError(
                _("Line %(line)s has %(count)s columns; touchbase reads at most %(limit)s. "
                  "Delete the columns you do not need and try again.")
                % {"line": line, "count": _count(width), "limit": _count(MAX_COLUMNS)}
            )  # fmt: skip
        cells += width
        if cells > MAX_CELLS:
            raise ImportFileError(_too_many_cells())
        if width:
            kept.append((line, values[:MAX_COLUMNS]))
    return kept


def _width(values: list[str]) -> int:
    """Columns up to the last filled cell; trailing empty cells cost nothing."""
    for index in range(len(values), 0, -1):
        if values[index - 1].strip():
            return index
    return 0


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


def _sniff_delimiter(text: str) -> str:
    """The delimiter, judged by the first lines (never more than 64 KB of them)."""
    lines = text[:SNIFF_BYTES].splitlines()[:50]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=",;\t|").delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        return max(",;\t|", key=first.count)


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
            rows = _bounded(_xlsx_rows(workbook, data))
        finally:
            workbook.close()
    except XLSX_ERRORS as error:
        raise ImportFileError(_unreadable_xlsx()) from error
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    return _table_from_grid("xlsx", rows)


# What a broken archive or sheet raises while it is read: cut-off XML and deflate streams,
# missing parts, and openpyxl's type checks on attributes that make no sense.
XLSX_ERRORS = (
    zipfile.BadZipFile, zlib.error, EOFError, ElementTree.ParseError, KeyError, IndexError,
    ValueError, TypeError, OSError,
)  # fmt: skip


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
        raise ImportFileError(
            _("This XLSX file unpacks to %(size)s MB; touchbase reads at most %(limit)s MB. "
              "Save it as CSV or split it into smaller files.")
            % {"size": _count(total // 2**20), "limit": _count(MAX_XLSX_UNPACKED_BYTES // 2**20)}
        )  # fmt: skip
    for member in members:
        ratio = member.file_size // max(member.compress_size, 1)
        if member.file_size > XLSX_RATIO_FLOOR and ratio > MAX_XLSX_RATIO:
            raise ImportFileError(
                _("This XLSX file is packed %(ratio)s to 1, far tighter than any spreadsheet, "
                  "so it was not opened. Save it as CSV and try again.")
                % {"ratio": _count(ratio)}
            )  # fmt: skip


def _xlsx_rows(workbook: Any, data: bytes) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the first sheet with rows, merged values spread."""
    sheet = next(
        (ws for ws in workbook.worksheets if (ws.max_row or 0) > 1), workbook.worksheets[0]
    )
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
                raise ImportFileError(_too_many_cells())
            if not chunk:
                break
            tail = buffer[safe:]
    return [range_boundaries(ref.decode()) for ref in refs]


def _too_many_rows() -> str:
    return _(
        "The file has more than %(limit)s rows. Split it into smaller files and import them "
        "one after the other."
    ) % {"limit": _count(MAX_ROWS)}


def _too_many_cells() -> str:
    return _(
        "The file has more than %(limit)s filled cells. Split it into smaller files "
        "and import them one after the other."
    ) % {"limit": _count(MAX_CELLS)}


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
            raise ImportFileError(_too_many_cells())
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
        return value.isoformat()
    return str(value).strip()


def _table_from_grid(kind: str, rows: list[tuple[int, list[str]]], **read: str) -> Table:
    """Find the header row (titles above it are skipped) and turn the rest into dicts."""
    from touchbase.imports.mapping import header_score

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
    return Table(kind=kind, headers=headers, rows=rows, notes=notes, **read)


def _clean(value: str | None) -> str:
    """Unix line breaks, no outer blanks, and without the ' an export put before a formula."""
    text = value or ""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _unique_headers(raw: list[str]) -> list[str]:
    headers, seen = [], {}
    for index, value in enumerate(raw, start=1):
        name = (value or "").strip() or _("Column %(number)s") % {"number": index}
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        headers.append(name)
    return headers


def file_names_person(data: bytes, filename: str, *, email: str, first_name: str,
                      last_name: str) -> bool:  # fmt: skip
    """Whether a row of the file names the person: their e-mail, or their first and last name.

    A file that cannot be read might hold anyone, so it counts as naming them.
    """
    try:
        table = read_table(data, filename)
    except ImportFileError:
        return True
    email = email.strip().casefold()
    names = set(_words(first_name)), set(_words(last_name))
    for _line, record in table.records():
        cells = [value.casefold() for value in record.values() if value]
        if email and any(email in cell for cell in cells):
            return True
        words = {word for cell in cells for word in _words(cell)}
        if names[1] and names[0] <= words and names[1] <= words:
            return True
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


# --- vCard --------------------------------------------------------------------------------------

VCARD_COLUMNS = [
    "first_name", "last_name", "account_name", "job_title", "email", "phone", "mobile",
    "street", "postal_code", "city", "region", "country", "notes",
]  # fmt: skip


def read_vcard(data: bytes) -> Table:
    """vCard 2.1, 3 and 4: one row per card, with the columns named after our fields."""
    text, encoding = _decode(data)
    rows: list[tuple[int, list[str] | dict[str, str]]] = []
    for line, card_text in _split_cards(text):
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(_too_many_rows())
        rows.append((line, _read_card(card_text, line)))
    if not rows:
        raise ImportFileError(_("The file has no vCards."))
    return Table(kind="vcard", headers=list(VCARD_COLUMNS), rows=rows, encoding=encoding)


def _read_card(card_text: str, line: int) -> dict[str, str]:
    """Our columns of one card, or {"__error__": reason} when it cannot be read."""
    import vobject

    try:
        card = vobject.readOne(card_text, ignoreUnreadable=True)
        _refuse_base64_text(card, line)
        return _card_values(card)
    except ImportFileError:
        raise
    except Exception as error:  # noqa: BLE001 - vobject raises many kinds on bad cards
        return {"__error__": str(error) or error.__class__.__name__}


def _refuse_base64_text(card: Any, line: int) -> None:
    """A base64-encoded name, number or address: vobject gives bytes or the raw code for it."""
    for name in VCARD_TEXT_PROPERTIES:
        for content in card.contents.get(name, []):
            encodings = [*content.params.get("ENCODING", []), *content.singletonparams]
            if {"b", "base64"} & {str(encoding).lower() for encoding in encodings}:
                raise ImportFileError(
                    _("The vCard on line %(line)s has its “%(property)s” base64-encoded, which "
                      "touchbase cannot read. Export the contacts again as vCard 3.0 or 4.0.")
                    % {"line": line, "property": name.upper()}
                )  # fmt: skip


def _split_cards(text: str) -> Iterator[tuple[int, str]]:
    """(line of BEGIN:VCARD, text) of each card; binary properties are left out unread.

    A property is one line plus the folded lines after it (starting with a blank); vCard 2.1
    writes base64 on bare lines up to an empty one, which are skipped with their property.
    """
    start, lines = 0, []
    property_line, property_size, skipping = 0, 0, False
    for number, line in enumerate(_lines(text.lstrip("\ufeff")), start=1):
        is_folded = line[:1] in (" ", "\t")
        if skipping and (is_folded or ":" not in line):
            continue
        if is_folded:
            property_size += len(line)
        else:
            property_line, property_size = number, len(line)
        if property_size > MAX_VCARD_LINE:
            raise ImportFileError(_vcard_too_long(property_line))
        skipping = not is_folded and _property_name(line) in VCARD_BINARY_PROPERTIES
        if skipping:
            continue
        if line.strip().upper() == "BEGIN:VCARD":
            start, lines = number, []
        lines.append(line)
        if line.strip().upper() == "END:VCARD" and start:
            yield start, "\r\n".join(lines) + "\r\n"
            start = 0


NEWLINE = re.compile(r"\r\n|\r|\n")


def _lines(text: str) -> Iterator[str]:
    """The lines of a text one at a time: a folded photo is millions of lines, never a list."""
    start = 0
    for match in NEWLINE.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    if start < len(text):
        yield text[start:]


def _property_name(line: str) -> str:
    """ "PHOTO" for "item1.PHOTO;ENCODING=b:…": the name without group and parameters."""
    head = line.split(":", 1)[0].split(";", 1)[0]
    return head.rsplit(".", 1)[-1].strip().upper()


def _vcard_too_long(line: int) -> str:
    return _(
        "Line %(line)s of the vCard file holds more than 1 MB in one entry; touchbase does not "
        "read such files. Export the contacts again without photos or attachments."
    ) % {"line": line}


def _card_values(card) -> dict[str, str]:  # type: ignore[no-untyped-def]
    values = dict.fromkeys(VCARD_COLUMNS, "")
    contents = card.contents
    if "n" in contents:
        name = contents["n"][0].value
        values["first_name"] = " ".join(filter(None, [name.given, name.additional])).strip()
        values["last_name"] = str(name.family or "").strip()
    if not values["last_name"] and "fn" in contents:
        full = contents["fn"][0].value.strip()
        values["first_name"], _sep, values["last_name"] = full.rpartition(" ")
    if "org" in contents:
        org = contents["org"][0].value
        values["account_name"] = (org[0] if isinstance(org, list) and org else str(org)).strip()
    if "title" in contents:
        values["job_title"] = contents["title"][0].value.strip()
    if "email" in contents:
        values["email"] = _preferred(contents["email"]).value.strip()
    _card_phones(contents.get("tel", []), values)
    if "adr" in contents:
        address = _preferred(contents["adr"]).value
        values.update(
            street=" ".join(filter(None, [address.street, address.extended])).strip(),
            postal_code=str(address.code or "").strip(),
            city=str(address.city or "").strip(),
            region=str(address.region or "").strip(),
            country=str(address.country or "").strip(),
        )
    if "note" in contents:
        values["notes"] = contents["note"][0].value.strip()
    return {key: _flatten(value) for key, value in values.items()}


def _flatten(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(part) for part in value if part).strip()
    return str(value or "").strip()


def _types(line) -> set[str]:  # type: ignore[no-untyped-def]
    """TYPE=work,cell (vCard 3/4) and bare ;WORK;CELL parameters (vCard 2.1)."""
    types = {str(value).lower() for value in getattr(line, "singletonparams", [])}
    for value in line.params.get("TYPE", []):
        types.update(part.strip().lower() for part in str(value).split(","))
    return types


def _preferred(lines):  # type: ignore[no-untyped-def]
    for line in lines:
        if "pref" in _types(line) or "PREF" in line.params:
            return line
    return lines[0]


def _card_phones(lines, values: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """Mobile numbers go to mobile, the first other (work first) to phone."""
    ordered = sorted(lines, key=lambda line: "work" not in _types(line))
    for line in ordered:
        number = str(line.value).strip()
        if number.lower().startswith("tel:"):
            number = number[4:]
        if {"cell", "mobile"} & _types(line):
            values["mobile"] = values["mobile"] or number
        elif "fax" not in _types(line):
            values["phone"] = values["phone"] or number
