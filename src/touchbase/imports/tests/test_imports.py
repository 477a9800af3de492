"""Imports: real-world-shaped files, broken files, dry run, all-or-nothing, idempotence."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from touchbase.imports.models import ImportJob
from touchbase.imports.planner import import_plan
from touchbase.imports.services import import_job_check, import_job_confirm, import_job_create
from touchbase.imports.writer import import_apply
from touchbase.relationships.models import Account, Contact

pytestmark = pytest.mark.django_db

GERMAN_CSV = (
    "Firma;Anrede;Vorname;Name;Straße;PLZ;Ort;Land;Telefon;Handy;E-Mail;Umsatz\r\n"
    "Bäckerei Groß GmbH;Herr;Jürgen;Müller;Königstraße 5;80331;München;Deutschland;"
    "089 1234567;0171 2345678;j.mueller@gross.example;12.500,00 €\r\n"
    "Bäckerei Groß GmbH;Frau;Änne;Schön;Königstraße 5;80331;München;Deutschland;"
    "089 1234568;;a.schoen@gross.example;\r\n"
    '"Weingut ""Zur Sonne""";Herr;Luca;Pföstl;"Via Roma 1\r\nHinterhaus";39100;Bozen;Südtirol;'
    "0471 123456;;luca@sonne.example;3400\r\n"
)


def wb_bytes(rows: list[list[object]], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_semicolon_csv_in_windows_1252_with_umlauts(workspace, alice):
    # when
    plan = import_plan(workspace=workspace, data=GERMAN_CSV.encode("cp1252"), filename="k.csv")
    # then: the dry run reads it right and writes nothing
    assert (plan.encoding, plan.delimiter) == ("Windows-1252", ";")
    assert plan.counts() == {"create": 3, "update": 0, "unchanged": 0, "merged": 0,
                             "accounts_create": 2, "accounts_update": 0, "errors": 0,
                             "error_rows": 0, "warnings": 0, "due_at_once": 5,
                             "last_contacts": 0}  # fmt: skip
    assert Contact.objects.count() == 0
    # when imported
    result = import_apply(workspace=workspace, plan=plan, by=alice)
    # then
    assert (result.created, result.accounts_created) == (3, 2)
    mueller = Contact.objects.get(last_name="Müller")
    assert (mueller.first_name, mueller.phone, mueller.mobile) == (
        "Jürgen", "+49891234567", "+491712345678")  # fmt: skip
    assert mueller.account.name == "Bäckerei Groß GmbH"
    assert mueller.account.value == 12500
    assert mueller.owner == alice
    luca = Contact.objects.get(last_name="Pföstl")
    assert (luca.country, luca.region, luca.phone) == ("IT", "Südtirol", "+390471123456")
    assert luca.street == "Via Roma 1\nHinterhaus"
    assert luca.account.name == 'Weingut "Zur Sonne"'


def test_reimporting_the_same_file_changes_nothing(workspace, alice):
    data = GERMAN_CSV.encode("utf-8-sig")
    import_apply(workspace=workspace, plan=import_plan(workspace=workspace, data=data,
                                                       filename="k.csv"), by=alice)  # fmt: skip
    before = list(Contact.objects.order_by("id").values())
    # when
    again = import_plan(workspace=workspace, data=data, filename="k.csv")
    result = import_apply(workspace=workspace, plan=again, by=alice)
    # then
    assert again.counts()["unchanged"] == 3
    assert (result.created, result.updated, result.accounts_created) == (0, 0, 0)
    assert list(Contact.objects.order_by("id").values()) == before
    assert Account.objects.count() == 2


def test_a_changed_row_updates_only_the_columns_in_the_file(workspace, alice, contact):
    data = "E-Mail,Nachname,Ort\njuergen@sonnenschein.example,Müller,Augsburg\n".encode()
    plan = import_plan(workspace=workspace, data=data, filename="update.csv")
    assert plan.counts()["update"] == 1
    import_apply(workspace=workspace, plan=plan, by=alice)
    contact.refresh_from_db()
    assert (contact.city, contact.phone, contact.region) == ("Augsburg", "+49891234567", "Bayern")


def test_the_same_person_twice_in_a_file_is_merged(workspace):
    data = "Vorname,Nachname,E-Mail\nEva,Huber,eva@x.example\nEva,Huber,EVA@x.example\n"
    plan = import_plan(workspace=workspace, data=data.encode(), filename="d.csv")
    assert [(row.line, row.action) for row in plan.rows] == [(2, "create"), (3, "merged")]


def test_xlsx_with_a_merged_title_above_the_header(workspace, alice):
    data = wb_bytes(
        [
            ["Kundenliste Pollux 2026", None, None, None],
            ["Firma", "Vorname", "Nachname", "Telefon"],
            ["Hotel Alpenrose", "Maria", "Hofer", "+43 512 123456"],
            ["Hotel Alpenrose", "Karl", "Hofer", 891234567],  # Excel dropped the leading 0
        ],
        merge="A1:D1",
    )
    plan = import_plan(workspace=workspace, data=data, filename="liste.xlsx")
    assert plan.mapping == {"Firma": "account_name", "Vorname": "first_name",
                            "Nachname": "last_name", "Telefon": "phone"}  # fmt: skip
    assert plan.notes == ["Header found on line 2; lines above it were skipped."]
    import_apply(workspace=workspace, plan=plan, by=alice)
    assert sorted(Contact.objects.values_list("first_name", "phone")) == [
        ("Karl", "+49891234567"), ("Maria", "+43512123456")]  # fmt: skip


def test_vcards_with_several_phones(workspace, alice):
    cards = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gruber;Lea;;;\r\nFN:Lea Gruber\r\nORG:Gruber AG\r\n"
        "TEL;TYPE=WORK,VOICE:+41 44 668 18 00\r\nTEL;TYPE=CELL:+41 79 123 45 67\r\n"
        "TEL;TYPE=HOME:+41 44 111 22 33\r\nEMAIL;TYPE=INTERNET:lea@gruber.example\r\n"
        "ADR;TYPE=WORK:;;Bahnhofstrasse 1;Zürich;;8001;Schweiz\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Jörg Wüst\r\nN:Wüst;Jörg;;;\r\n"
        "TEL;VALUE=uri;TYPE=cell:tel:+49-171-2345678\r\nEND:VCARD\r\n"
    )
    plan = import_plan(workspace=workspace, data=cards.encode(), filename="adressbuch.vcf")
    assert plan.error_count == 0
    import_apply(workspace=workspace, plan=plan, by=alice)
    lea = Contact.objects.get(last_name="Gruber")
    assert (lea.phone, lea.mobile, lea.country, lea.city) == (
        "+41446681800", "+41791234567", "CH", "Zürich")  # fmt: skip
    assert lea.account.name == "Gruber AG"
    assert Contact.objects.get(last_name="Wüst").mobile == "+491712345678"


def test_a_row_without_name_on_line_818_is_an_error_and_nothing_is_written(workspace, alice):
    lines = ["Vorname;Nachname;E-Mail"]
    lines += [f"Max;Muster{n};max{n}@example.de" for n in range(2, 817)]
    lines += ["Erika;Fehler;erika(at)example.de", ";;n/a"]
    data = "\n".join(lines).encode()
    # when
    job = import_job_create(workspace=workspace, by=alice, filename="gross.csv", data=data)
    job = import_job_check(job=job)
    # then: the bad address is a warning, the row without a name an error
    assert job.report["warnings"] == [
        {
            "line": 817,
            "field": "E-Mail",
            "reason": "“erika(at)example.de” is not a valid e-mail address; kept in the notes.",
            "value": "erika(at)example.de",
        }
    ]
    assert job.report["errors"] == [
        {"line": 818, "field": "Nachname", "reason": "Neither a name nor a company.", "value": ""}
    ]
    assert job.report["counts"]["create"] == 816
    with pytest.raises(ValidationError, match="nothing was imported"):
        import_job_confirm(job=job, by=alice)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PLANNED
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "leer.csv", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "bild.csv",
         "This is not a CSV, XLSX or vCard file. Save it as CSV or XLSX and try again."),
        (b"PK\x03\x04garbage", "kaputt.xlsx",
         "This is not a readable XLSX file. Open it in your spreadsheet program, save it again "
         "as .xlsx or .csv and try once more."),
        ("Ort;PLZ\nMünchen;80331\n".encode(), "ohne-namen.csv",
         "No column for the name: map one column to Last name (Nachname), Full name or "
         "Company (Firma)."),
    ],
)  # fmt: skip
def test_broken_files_get_one_clear_reason(workspace, data, filename, message):
    plan = import_plan(workspace=workspace, data=data, filename=filename)
    assert plan.file_errors == [message]
    assert not plan.is_valid


def test_invalid_phone_and_unknown_country_are_warnings_naming_their_columns(workspace):
    data = b"Nachname,Telefon,Land\nA,12,DE\nB,089 1234567,Atlantis\n"
    plan = import_plan(workspace=workspace, data=data, filename="x.csv")
    assert plan.errors == []
    assert [(w.line, w.field, w.value) for w in plan.warnings] == [
        (2, "Telefon", "12"), (3, "Land", "Atlantis")]  # fmt: skip
    assert plan.warnings[1].reason == (
        "Unknown country “Atlantis”; the country is left empty and the value kept in the notes."
    )


@pytest.mark.django_db(transaction=True)
def test_import_pages_dry_run_then_confirm(alice_client, workspace, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("k.csv", GERMAN_CSV.encode("cp1252"))
    response = alice_client.post(reverse("imports:import-start"), {"file": upload})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:import-detail", args=[job.pk])
    worker()
    page = alice_client.get(response["Location"]).content.decode()
    assert "Dry run" in page
    assert "Windows-1252" in page
    assert Contact.objects.count() == 0
    alice_client.post(reverse("imports:import-confirm", args=[job.pk]))
    assert Contact.objects.count() == 0
    worker()
    assert Contact.objects.count() == 3
    job.refresh_from_db()
    assert (job.status, job.result["created"]) == (ImportJob.Status.IMPORTED, 3)


def test_import_jobs_of_another_workspace_are_404(carol_client, workspace, alice):
    job = import_job_create(workspace=workspace, by=alice, filename="k.csv",
                            data=GERMAN_CSV.encode())  # fmt: skip
    assert carol_client.get(reverse("imports:import-detail", args=[job.pk])).status_code == 404
    response = carol_client.post(reverse("imports:import-confirm", args=[job.pk]))
    assert response.status_code == 404
    assert Contact.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_import_through_the_api(client, alice_token, carol_token, workspace, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = {"Authorization": f"Bearer {alice_token}"}
    upload = SimpleUploadedFile("k.csv", GERMAN_CSV.encode("cp1252"))
    created = client.post("/api/v1/imports", {"file": upload}, headers=headers)
    body = created.json()
    assert (created.status_code, body["status"], body["report"]) == (201, "queued", {})
    url = f"/api/v1/imports/{body['id']}"
    worker()
    checked = client.get(url, headers=headers).json()
    assert (checked["status"], checked["progress_done"], checked["progress_total"]) == (
        "planned", 3, 3)  # fmt: skip
    assert checked["report"]["counts"]["create"] == 3
    other = {"Authorization": f"Bearer {carol_token}"}
    assert client.post(f"{url}/confirm", headers=other).status_code == 404
    confirmed = client.post(f"{url}/confirm", headers=headers)
    assert (confirmed.status_code, confirmed.json()["status"]) == (202, "importing")
    worker()
    assert client.get(url, headers=headers).json()["result"]["created"] == 3
    again = client.post(f"{url}/confirm", headers=headers)
    assert again.status_code == 422
    assert again.json()["errors"] == {"__all__": ["This file was imported already."]}
    assert Contact.objects.count() == 3


def test_imported_customers_follow_the_cadence_policies_at_once(workspace, alice):
    from touchbase.core.timeutil import local_today
    from touchbase.relationships.models import CadencePolicy
    from touchbase.relationships.services import cadence_policy_save, tags_from_names

    cadence_policy_save(
        policy=CadencePolicy(
            workspace=workspace, name="Hotels", scope="segment", segment="Hotel", interval_days=90
        )
    )
    vip = tags_from_names(workspace=workspace, names=["VIP"])[0]
    cadence_policy_save(
        policy=CadencePolicy(
            workspace=workspace, name="VIP", scope="tag", interval_days=30, tag=vip
        )
    )
    data = "Firma;Branche;Nachname;Tags\nHotel Post;Hotel;Wirt;\nHotel Post;Hotel;Koch;VIP\n"
    import_apply(
        workspace=workspace,
        plan=import_plan(workspace=workspace, data=data.encode(), filename="h.csv"),
        by=alice,
    )
    today = local_today(workspace.zone)
    assert Account.objects.get(name="Hotel Post").cadence_days == 90
    assert dict(Contact.objects.values_list("last_name", "cadence_days")) == {
        "Wirt": 90,
        "Koch": 30,
    }
    assert set(Contact.objects.values_list("next_due_on", flat=True)) == {today}
    assert [t.name for t in Contact.objects.get(last_name="Koch").tags.all()] == ["VIP"]


def test_cli_import_is_a_dry_run_until_commit(workspace, alice, tmp_path):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "kunden.csv"
    path.write_bytes(GERMAN_CSV.encode("cp1252"))
    out = StringIO()
    call_command("import_customers", str(path), workspace=workspace.slug, stdout=out)
    assert "Dry run only" in out.getvalue()
    assert Contact.objects.count() == 0
    call_command("import_customers", str(path), workspace=workspace.slug, commit=True,
                 stdout=StringIO())  # fmt: skip
    assert Contact.objects.count() == 3
    broken = tmp_path / "kaputt.csv"
    broken.write_bytes(b"Nachname;E-Mail\n;x@example.com\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_customers", str(broken), workspace=workspace.slug, commit=True,
                     stdout=StringIO())  # fmt: skip
    assert Contact.objects.count() == 3


def test_outlook_export_in_german_with_excel_sep_line(workspace, alice):
    data = (
        "sep=;\r\n"
        "Vorname;Nachname;Firma;Position;Telefon geschäftlich;Mobiltelefon;E-Mail-Adresse;"
        "Straße geschäftlich;Ort geschäftlich;Postleitzahl geschäftlich;"
        "Land/Region geschäftlich\r\n"
        "Jürgen;Müller;Bäckerei Groß;Inhaber;+49 (0)89 1234567;;mailto:j@gross.example;"
        "Königstraße 5;Dresden;1067;Deutschland\r\n"
    ).encode("cp1252")
    plan = import_plan(workspace=workspace, data=data, filename="outlook.csv")
    assert plan.error_count == 0, plan.summary()
    assert set(plan.mapping.values()) == {
        "first_name", "last_name", "account_name", "job_title", "phone", "mobile", "email",
        "street", "city", "postal_code", "country"}  # fmt: skip
    import_apply(workspace=workspace, plan=plan, by=alice)
    contact = Contact.objects.get()
    assert (contact.email, contact.phone, contact.postal_code) == (
        "j@gross.example", "+49891234567", "01067")  # fmt: skip


def test_google_contacts_export_prefers_given_and_family_name_to_its_display_name(workspace):
    data = (
        b"Name,Given Name,Family Name,Organization 1 - Name,E-mail 1 - Value,Phone 1 - Value\n"
        b"Lea Gruber,Lea,Gruber,Gruber AG,lea@gruber.example; lea.privat@example.com,"
        b"+41 44 668 18 00\n"
    )
    plan = import_plan(workspace=workspace, data=data, filename="contacts.csv")
    assert plan.mapping["Name"] == "full_name"  # for entries without given and family name
    row = plan.rows[0]
    assert (row.contact_fields["first_name"], row.contact_fields["last_name"]) == ("Lea", "Gruber")
    assert row.contact_fields["email"] == "lea@gruber.example"


def test_vcard_2_1_with_quoted_printable_and_bare_types(workspace):
    cards = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\n"
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
        "TEL;CELL:+491711234567\r\nTEL;WORK;VOICE:089 1234567\r\nEND:VCARD\r\n"
    )
    plan = import_plan(workspace=workspace, data=cards.encode(), filename="handy.vcf")
    fields = plan.rows[0].contact_fields
    assert (fields["first_name"], fields["last_name"]) == ("Jürgen", "Müller")
    assert (fields["mobile"], fields["phone"]) == ("+491711234567", "+49891234567")


def test_an_old_binary_xls_file_is_refused_with_advice(workspace):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    plan = import_plan(workspace=workspace, data=ole2, filename="alt.xls")
    assert plan.file_errors == [
        "This is not a CSV, XLSX or vCard file. Save it as CSV or XLSX and try again."]  # fmt: skip


def test_a_company_list_updates_existing_accounts_and_creates_new_ones(workspace, alice, account,
                                                                      contact):  # fmt: skip
    data = "Firma;Branche;Umsatz\nBäckerei Sonnenschein;Hotel;20.000\nNeue Firma;Handel;5000\n"
    plan = import_plan(workspace=workspace, data=data.encode(), filename="firmen.csv")
    assert (plan.counts()["accounts_create"], plan.counts()["accounts_update"]) == (1, 1)
    result = import_apply(workspace=workspace, plan=plan, by=alice)
    account.refresh_from_db()
    contact.refresh_from_db()
    assert (result.accounts_created, result.accounts_updated) == (1, 1)
    assert (account.segment, account.value, contact.value) == ("Hotel", 20000, 20000)
    again = import_plan(workspace=workspace, data=data.encode(), filename="firmen.csv")
    assert (again.counts()["accounts_create"], again.counts()["accounts_update"]) == (0, 0)
