"""Reading customer files as they come: CSV in any common encoding and delimiter, XLSX, vCard.

Every reader yields (line number, {column: text}) so errors can name the line a user sees in
their own program: the physical line for CSV, the row number for XLSX, the BEGIN:VCARD line.
Each reader keeps to its limits, so that no file can take the worker's memory or hours.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from touchbase.core.charsets import is_wide_unicode
from touchbase.imports.readers.base import (
    FORMULA_STARTS,
    SNIFF_BYTES,
    ImportFileError,
    Table,
    decode,
)
from touchbase.imports.readers.delimited import read_csv
from touchbase.imports.readers.spreadsheet import read_xlsx
from touchbase.imports.readers.vcard import read_vcard

__all__ = [
    "FORMULA_STARTS", "ImportFileError", "Table", "file_names_person", "read_csv", "read_table",
    "read_vcard", "read_xlsx",
]  # fmt: skip


def read_table(data: bytes, filename: str) -> Table:
    """Read CSV, XLSX or vCard, deciding by content first and by file name second."""
    if not data or not data.strip():
        raise ImportFileError(_("The file is empty."))
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(data)
    text_start = decode(data[:SNIFF_BYTES], strict=False)[0].lstrip("\ufeff \r\n\t")
    if text_start[:11].upper() == "BEGIN:VCARD" or name.endswith((".vcf", ".vcard")):
        return read_vcard(data)
    if _looks_binary(data):
        raise ImportFileError(
            _("This is not a CSV, XLSX or vCard file. Save it as CSV or XLSX and try again.")
        )
    return read_csv(data)


def _looks_binary(data: bytes) -> bool:
    sample = data[:SNIFF_BYTES]
    if is_wide_unicode(sample):
        return False
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return b"\x00" in sample or controls > len(sample) * 0.01


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
