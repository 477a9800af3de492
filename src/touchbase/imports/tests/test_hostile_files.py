"""Hostile and broken files: refused with one clear file error, before the costly work starts."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from touchbase.imports.models import ImportJob
from touchbase.imports.planner import import_plan
from touchbase.imports.readers import spreadsheet
from touchbase.relationships.models import Contact

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def xlsx_with_sheet(sheet_xml: bytes) -> bytes:
    """A workbook made by openpyxl whose first sheet's XML is replaced by the given one."""
    workbook = Workbook()
    workbook.active.append(["Nachname"])
    original = io.BytesIO()
    workbook.save(original)
    result = io.BytesIO()
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            content = sheet_xml if member.filename == SHEET else source.read(member)
            target.writestr(member.filename, content)
    return result.getvalue()


def inline_row(number: int, *values: str) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + index)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for index, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


@pytest.fixture
def openpyxl_never_opens(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


@pytest.fixture
def vobject_calls(monkeypatch) -> list[int]:
    """The length of every card text handed to vobject."""
    lengths: list[int] = []
    real = vobject.readOne

    def spy(text, *args, **kwargs):
        lengths.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(vobject, "readOne", spy)
    return lengths


# --- XLSX ---------------------------------------------------------------------------------------


def test_an_xlsx_packed_like_a_zip_bomb_is_refused_before_it_is_opened(
    workspace, openpyxl_never_opens
):
    # given: 20 MB of sheet XML that deflate packs into about 20 KB
    data = xlsx_with_sheet(SHEET_HEAD + inline_row(1, "Nachname") + b" " * 20_000_000 + SHEET_TAIL)
    # when
    plan = import_plan(workspace=workspace, data=data, filename="bombe.xlsx")
    # then
    ratio = 20_000_000 // zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).compress_size
    assert ratio > 100
    assert plan.file_errors == [
        f"This XLSX file is packed {ratio:,} to 1, far tighter than any spreadsheet, so it was "
        "not opened. Save it as CSV and try again."
    ]
    assert (plan.headers, plan.rows) == ([], [])


def test_an_xlsx_unpacking_beyond_the_limit_is_refused_before_it_is_opened(
    workspace, monkeypatch, openpyxl_never_opens
):
    monkeypatch.setattr(spreadsheet, "MAX_XLSX_UNPACKED_BYTES", 2 * 2**20)
    rows = b"".join(inline_row(number, f"Kunde {number:07d}") for number in range(1, 50_000))
    data = xlsx_with_sheet(SHEET_HEAD + rows + SHEET_TAIL)
    unpacked = sum(member.file_size for member in zipfile.ZipFile(io.BytesIO(data)).infolist())
    plan = import_plan(workspace=workspace, data=data, filename="gross.xlsx")
    assert unpacked // 2**20 == 3
    assert plan.file_errors == [
        "This XLSX file unpacks to 3 MB; touchbase reads at most 2 MB. Save it as CSV or split "
        "it into smaller files."
    ]


def test_an_xlsx_row_far_below_the_others_is_refused_without_padding_the_rows(workspace):
    # given: a tiny sheet whose second row claims to be row 5,000,000
    sheet = SHEET_HEAD + inline_row(1, "Nachname") + inline_row(5_000_000, "Huber") + SHEET_TAIL
    plan = import_plan(workspace=workspace, data=xlsx_with_sheet(sheet), filename="weit.xlsx")
    assert plan.file_errors == [
        "The file has more than 200,000 rows. Split it into smaller files and import them one "
        "after the other."
    ]


def test_an_xlsx_claiming_a_huge_dimension_is_read_by_its_real_rows(workspace):
    sheet = (
        SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
        + inline_row(1, "Vorname", "Nachname")
        + inline_row(2, "Eva", "Huber")
        + SHEET_TAIL
    )
    plan = import_plan(workspace=workspace, data=xlsx_with_sheet(sheet), filename="gross.xlsx")
    assert plan.file_errors == []
    assert plan.headers == ["Vorname", "Nachname"]
    assert [(row.line, row.contact_fields["last_name"]) for row in plan.rows] == [(2, "Huber")]


def test_merged_cells_are_still_spread_over_the_rows_they_cover(workspace):
    workbook = Workbook()
    sheet = workbook.active
    for row in (["Firma", "Vorname", "Nachname"], ["Hotel Alpenrose", "Maria", "Hofer"],
                [None, "Karl", "Hofer"]):  # fmt: skip
        sheet.append(row)
    sheet.merge_cells("A2:A3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = import_plan(workspace=workspace, data=buffer.getvalue(), filename="hotel.xlsx")
    assert [(row.contact_fields["first_name"], row.account_key) for row in plan.rows] == [
        ("Maria", "hotel alpenrose"), ("Karl", "hotel alpenrose")]  # fmt: skip


# --- CSV ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_csv_with_100000_columns_is_refused_and_its_page_lists_no_columns(
    alice_client, workspace, worker
):
    header = ";".join(f"Spalte {number}" for number in range(100_000))
    data = f"Nachname;{header}\nHuber;{';' * 99_999}x\n".encode()
    # when
    response = alice_client.post(
        reverse("imports:import-start"), {"file": SimpleUploadedFile("breit.csv", data)}
    )
    worker()
    # then
    job = ImportJob.objects.get()
    assert job.report["file_errors"] == [
        "Line 1 has 100,001 columns; touchbase reads at most 200. Delete the columns you do not "
        "need and try again."
    ]
    assert (job.report["headers"], job.mapping) == ([], {})
    page = alice_client.get(response["Location"]).content.decode()
    assert "Line 1 has 100,001 columns" in page
    assert 'name="map-0"' not in page


def test_a_csv_with_more_than_200000_rows_is_refused(workspace):
    data = ("Nachname\n" + "Huber\n" * 200_000).encode()
    plan = import_plan(workspace=workspace, data=data, filename="lang.csv")
    assert plan.file_errors == [
        "The file has more than 200,000 rows. Split it into smaller files and import them one "
        "after the other."
    ]
    assert plan.rows == []


def test_trailing_empty_columns_do_not_count_against_the_limit(workspace):
    data = ("Nachname" + ";" * 500 + "\nHuber" + ";" * 500 + "\n").encode()
    plan = import_plan(workspace=workspace, data=data, filename="leer.csv")
    assert plan.file_errors == []
    assert len(plan.headers) == 200
    assert [row.contact_fields["last_name"] for row in plan.rows] == ["Huber"]


# --- vCard --------------------------------------------------------------------------------------

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Huber;Eva;;;\r\nFN:Eva Huber\r\n{extra}END:VCARD\r\n"


def test_a_vcard_with_a_photo_on_one_huge_line_is_refused_unparsed(workspace, vobject_calls):
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + "QUJD" * 5_000_000 + "\r\n"
    data = CARD.format(extra=photo).encode()
    plan = import_plan(workspace=workspace, data=data, filename="foto.vcf")
    assert plan.file_errors == [
        "Line 5 of the vCard file holds more than 1 MB in one entry; touchbase does not read "
        "such files. Export the contacts again without photos or attachments."
    ]
    assert vobject_calls == []


def test_a_folded_vcard_photo_is_skipped_unread_and_the_card_imported(workspace, vobject_calls):
    # given: an 11 MB photo folded the way exporters write it, and a vCard 2.1 logo on bare lines
    folded = "PHOTO;ENCODING=b;TYPE=JPEG:QUJD\r\n" + " QUJDRA==\r\n" * 1_000_000
    bare = "item1.LOGO;ENCODING=BASE64;TYPE=PNG:\r\n" + "QUJDRA==\r\n" * 1000 + "\r\n"
    data = CARD.format(extra=folded + bare + "TITLE:Chefin\r\n").encode()
    # when
    plan = import_plan(workspace=workspace, data=data, filename="foto.vcf")
    # then
    assert (plan.file_errors, plan.errors) == ([], [])
    row = plan.rows[0]
    assert (row.contact_fields["last_name"], row.contact_fields["job_title"]) == (
        "Huber", "Chefin")  # fmt: skip
    assert vobject_calls == [len(CARD.format(extra="TITLE:Chefin\r\n"))]


def test_a_folded_vcard_note_over_1_mb_is_refused(workspace, vobject_calls):
    note = "NOTE:Anfang\r\n" + " weiter und weiter\r\n" * 70_000
    plan = import_plan(workspace=workspace, data=CARD.format(extra=note).encode(), filename="n.vcf")
    assert plan.file_errors == [
        "Line 5 of the vCard file holds more than 1 MB in one entry; touchbase does not read "
        "such files. Export the contacts again without photos or attachments."
    ]
    assert vobject_calls == []


def test_a_quoted_printable_note_over_1_mb_joined_by_soft_breaks_is_refused(
    workspace, vobject_calls
):
    # given: vCard 2.1 soft line breaks ("=" at the line end) that never stop
    note = "NOTE;ENCODING=QUOTED-PRINTABLE:Anfang=\r\n" + "weiter und weiter=3D=\r\n" * 60_000
    data = CARD.format(extra=note + "Ende\r\n").replace("VERSION:3.0", "VERSION:2.1").encode()
    plan = import_plan(workspace=workspace, data=data, filename="n.vcf")
    assert plan.file_errors == [
        "Line 5 of the vCard file holds more than 1 MB in one entry; touchbase does not read "
        "such files. Export the contacts again without photos or attachments."
    ]
    assert vobject_calls == []


def test_a_huge_unknown_vcard_entry_is_skipped_unread(workspace, vobject_calls):
    # given: 3 MB of an entry touchbase does not import, in soft-broken quoted-printable
    junk = "X-JUNK;ENCODING=QUOTED-PRINTABLE:=41=\r\n" + "=42=43=44=45=46=47=\r\n" * 150_000
    data = CARD.format(extra=junk + "=48\r\nTITLE:Chefin\r\n").encode()
    plan = import_plan(workspace=workspace, data=data, filename="junk.vcf")
    assert plan.file_errors == []
    assert plan.rows[0].contact_fields["job_title"] == "Chefin"
    assert vobject_calls == [len(CARD.format(extra="TITLE:Chefin\r\n"))]


# --- the API's upload limit ---------------------------------------------------------------------


def test_the_api_refuses_a_file_over_50_mb_with_a_field_error(client, alice_token):
    upload = SimpleUploadedFile("riesig.csv", b"Nachname\n" + b"x" * (50 * 1024 * 1024))
    response = client.post(
        "/api/v1/imports", {"file": upload}, headers={"Authorization": f"Bearer {alice_token}"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"file": ["The file is larger than 50 MB."]}
    assert ImportJob.objects.count() == 0


def test_refusals_speak_the_users_language(workspace):
    data = ("Nachname;" + ";".join(["x"] * 300) + "\n").encode()
    with translation.override("de"):
        plan = import_plan(workspace=workspace, data=data, filename="breit.csv")
    assert plan.file_errors == [
        "Zeile 1 hat 301 Spalten; touchbase liest höchstens 200. Löschen Sie die Spalten, die "
        "Sie nicht brauchen, und versuchen Sie es noch einmal."
    ]


# --- malformed files ----------------------------------------------------------------------------

UNREADABLE_XLSX = (
    "This is not a readable XLSX file. Open it in your spreadsheet program, save it again as "
    ".xlsx or .csv and try once more."
)
MALFORMED = [
    pytest.param(
        "notiz.csv", ("Nachname;Notiz\nHuber;" + "x" * 140_000 + "\n").encode(),
        "Line 2 cannot be read: a cell is longer than 128 KB, or a quotation mark is never "
        "closed.", id="csv-field-over-128-kib",
    ),
    pytest.param(
        "abgeschnitten.xlsx",
        xlsx_with_sheet(SHEET_HEAD + inline_row(1, "Nachname") + inline_row(2, "Hu")[:30]),
        UNREADABLE_XLSX, id="xlsx-sheet-cut-off",
    ),
    # A base64-encoded name is read now; a broken one is the card's error
    # (test_probe_findings.py).
]  # fmt: skip


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("filename", "data", "message"), MALFORMED)
def test_a_malformed_file_is_a_file_error_on_the_import_page(
    alice_client, worker, filename, data, message
):
    response = alice_client.post(
        reverse("imports:import-start"), {"file": SimpleUploadedFile(filename, data)}
    )
    worker()
    job = ImportJob.objects.get()
    assert job.report["file_errors"] == [message]
    page = alice_client.get(response["Location"])
    assert page.status_code == 200
    assert message in page.content.decode()
    assert Contact.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("filename", "data", "message"), MALFORMED)
def test_a_malformed_file_is_a_file_error_in_the_api(
    client, alice_token, worker, filename, data, message
):
    headers = {"Authorization": f"Bearer {alice_token}"}
    created = client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile(filename, data)}, headers=headers
    )
    worker()
    job = client.get(f"/api/v1/imports/{created.json()['id']}", headers=headers).json()
    assert created.status_code == 201
    assert (job["status"], job["report"]["file_errors"]) == ("planned", [message])
    assert Contact.objects.count() == 0
