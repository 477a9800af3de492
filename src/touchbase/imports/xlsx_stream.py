"""A one-sheet XLSX written as a stream: the download starts with the first rows.

openpyxl builds the whole zip before the first byte can leave (its write-only mode too), so a
large export kept the user waiting with nothing happening. This writes the few parts an XLSX
needs by hand and the sheet row by row through zipfile, which needs no seekable output: memory
stays flat and the bytes go out as they are compressed.

Cells: texts are inline strings, so "=…" in a customer's data is never a formula; numbers are
numbers; dates and datetimes are date cells (serial numbers with a date format), datetimes as
wall-clock time of the active time zone, since a spreadsheet cell has no time zone.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils import timezone

EPOCH = dt.date(1899, 12, 30)  # day 0 of spreadsheet dates (1900 system, Lotus' leap year)
# Characters XML 1.0 cannot hold at all; a customer's pasted text may contain them.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Style indexes in styles.xml below: 0 plain, 1 date, 2 date and time, 3 bold header.
DATE_STYLE, DATETIME_STYLE, HEADER_STYLE = 1, 2, 3
ROWS_PER_FLUSH = 500

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""  # noqa: E501
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""  # noqa: E501
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>
</workbook>"""  # noqa: E501
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
</Relationships>"""  # noqa: E501
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode={date}/><numFmt numFmtId="165" formatCode={datetime}/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""  # noqa: E501
SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>'
)
SHEET_END = "</sheetData></worksheet>"


class _Pipe(io.RawIOBase):
    """Where zipfile writes; the bytes are taken out and sent as they come."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def sheet_title(title: str) -> str:
    """A name Excel accepts: none of []:*?/\\ and at most 31 characters."""
    return "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet1"


def xlsx_stream(
    *,
    title: str,
    header: list[str],
    rows: Iterable[list[Any]],
    date_format: str = "YYYY-MM-DD",
    datetime_format: str = "YYYY-MM-DD HH:MM",
) -> Iterator[bytes]:
    """The workbook's bytes, yielded every few hundred rows."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(sheet_title(title))))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        styles = STYLES.format(date=quoteattr(date_format), datetime=quoteattr(datetime_format))
        archive.writestr("xl/styles.xml", styles)
        yield pipe.take()
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            sheet.write(_row(1, header, style=HEADER_STYLE))
            for number, row in enumerate(rows, start=2):
                sheet.write(_row(number, row))
                if number % ROWS_PER_FLUSH == 0 and pipe.chunks:
                    yield pipe.take()
            sheet.write(SHEET_END.encode())
    yield pipe.take()


def _row(number: int, values: list[Any], style: int = 0) -> bytes:
    cells = "".join(_cell(value, style) for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def _cell(value: Any, style: int) -> str:
    if value is None or value == "":
        return "<c/>"
    if isinstance(value, bool):
        return f'<c t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return f'<c s="{DATETIME_STYLE}"><v>{_serial(local.date(), local.time())}</v></c>'
    if isinstance(value, dt.date):
        return f'<c s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f"<c><v>{value}</v></c>"
    text = escape(ILLEGAL.sub("", str(value)))
    styled = f' s="{style}"' if style else ""
    return f'<c t="inlineStr"{styled}><is><t xml:space="preserve">{text}</t></is></c>'


def _serial(day: dt.date, time: dt.time) -> str:
    """Days since the epoch, the time of day as the fraction (to the second)."""
    seconds = time.hour * 3600 + time.minute * 60 + time.second
    return repr(round((day - EPOCH).days + seconds / 86400, 8))
