"""Reading customer files as they come: CSV in any common encoding and delimiter, XLSX, vCard.

Every reader yields (line number, {column: text}) so errors can name the line a user sees in
their own program: the physical line for CSV, the row number for XLSX, the BEGIN:VCARD line.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from django.utils.translation import gettext as _

SNIFF_BYTES = 64 * 1024
HEADER_SCAN_ROWS = 10
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
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    for record in reader:
        rows.append((line, record))
        line = reader.line_num + 1
    rows = [(number, cells) for number, cells in rows if any(cell.strip() for cell in cells)]
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    return _table_from_grid("csv", rows, encoding=encoding, delimiter=delimiter)


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        return max(",;\t|", key=first.count)


def read_xlsx(data: bytes) -> Table:
    """The first worksheet; merged header cells are spread over the columns they cover."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportFileError(
            _(
                "This is not a readable XLSX file. Open it in your spreadsheet program, save it "
                "again as .xlsx or .csv and try once more."
            )  # fmt: skip
        ) from error
    sheet = next((ws for ws in workbook.worksheets if ws.max_row > 1), workbook.worksheets[0])
    merged_values = {}
    for merged in list(sheet.merged_cells.ranges):
        value = sheet.cell(merged.min_row, merged.min_col).value
        for row in range(merged.min_row, merged.max_row + 1):
            for column in range(merged.min_col, merged.max_col + 1):
                merged_values[(row, column)] = value
    rows = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = [
            _cell_text(merged_values.get((number, column), value))
            for column, value in enumerate(cells, start=1)
        ]
        if any(values):
            rows.append((number, values))
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    return _table_from_grid("xlsx", rows)


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


# --- vCard --------------------------------------------------------------------------------------

VCARD_COLUMNS = [
    "first_name", "last_name", "account_name", "job_title", "email", "phone", "mobile",
    "street", "postal_code", "city", "region", "country", "notes",
]  # fmt: skip


def read_vcard(data: bytes) -> Table:
    """vCard 2.1, 3 and 4: one row per card, with the columns named after our fields."""
    import vobject

    text, encoding = _decode(data)
    rows = []
    for line, card_text in _split_cards(text):
        try:
            card = vobject.readOne(card_text, ignoreUnreadable=True)
        except Exception as error:  # noqa: BLE001 - vobject raises many kinds on bad cards
            rows.append((line, {"__error__": str(error) or error.__class__.__name__}))
            continue
        rows.append((line, _card_values(card)))
    if not rows:
        raise ImportFileError(_("The file has no vCards."))
    return Table(kind="vcard", headers=list(VCARD_COLUMNS), rows=rows, encoding=encoding)


def _split_cards(text: str) -> Iterator[tuple[int, str]]:
    start, lines = 0, []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if line.strip().upper() == "BEGIN:VCARD":
            start, lines = number, []
        lines.append(line)
        if line.strip().upper() == "END:VCARD" and start:
            yield start, "\r\n".join(lines) + "\r\n"
            start = 0


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
