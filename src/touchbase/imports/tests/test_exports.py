"""Exports: what the list shows, in CSV, XLSX and vCard, and back in again unchanged."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from touchbase.imports.planner import import_plan
from touchbase.imports.readers import read_table
from touchbase.relationships.services import contact_save, touchpoint_log

pytestmark = pytest.mark.django_db
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_contacts_csv_export_is_filtered_like_the_list(alice_client, workspace, contact):
    contact_save(workspace=workspace, fields={"last_name": "Anders", "email": "a@b.example"})
    response = alice_client.get(reverse("imports:contact-export") + "?q=Müller&format=csv")
    text = body(response).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert response["Content-Disposition"].startswith('attachment; filename="touchbase-Contacts-')
    assert lines[0].split(",")[:5] == [
        "Company", "Salutation", "First name", "Last name", "Job title"]  # fmt: skip
    assert len(lines) == 2
    assert "Bäckerei Sonnenschein,,Jürgen,Müller" in lines[1]
    assert "+49891234567" in lines[1]


def test_an_exported_file_imports_again_unchanged(alice_client, alice, workspace, contact):
    for language in ("en", "de"):
        alice.language = language
        alice.save()
        data = body(alice_client.get(reverse("imports:contact-export") + "?format=csv"))
        plan = import_plan(workspace=workspace, data=data, filename="export.csv")
        assert plan.counts()["unchanged"] == 1, (language, plan.summary())
        assert plan.error_count == 0


def test_xlsx_export_of_accounts(alice_client, account):
    response = alice_client.get(reverse("imports:account-export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Company", "Segment", "Annual value")
    assert rows[1][:3] == ("Bäckerei Sonnenschein", "Gastronomie", 12000)


def test_vcard_export_round_trips_names_and_phones(alice_client, workspace, contact):
    data = body(alice_client.get(reverse("imports:contact-export") + "?format=vcf"))
    assert data.startswith(b"BEGIN:VCARD")
    plan = import_plan(workspace=workspace, data=data, filename="x.vcf")
    assert [row.action for row in plan.rows] == ["unchanged"]
    assert "Müller" in data.decode()


def test_touchpoint_export_of_one_account(alice_client, workspace, account, contact, alice):
    from django.utils import timezone

    touchpoint_log(
        workspace=workspace, contact=contact, channel="meeting", occurred_at=timezone.now(),
        logged_by=alice, summary="Jahresgespräch",
    )  # fmt: skip
    url = reverse("imports:touchpoint-export") + f"?account={account.pk}&format=csv"
    lines = body(alice_client.get(url)).decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2
    assert "Meeting" in lines[1]
    assert "Jahresgespräch" in lines[1]
    assert "Alice Adler" in lines[1]


def test_exports_never_contain_another_workspace(carol_client, contact):
    for name in ("contact-export", "account-export", "touchpoint-export"):
        data = body(carol_client.get(reverse(f"imports:{name}") + "?format=csv"))
        assert "Müller" not in data.decode("utf-8-sig")
        assert "Sonnenschein" not in data.decode("utf-8-sig")


def test_exports_need_sign_in(client, db):
    response = client.get(reverse("imports:contact-export"))
    assert response.status_code == 302


# --- formulas in exported cells ---------------------------------------------------------------


@pytest.fixture
def formula_contact(workspace, account):
    return contact_save(
        workspace=workspace,
        fields={"first_name": "@Eva", "last_name": "-Huber", "account": account,
                "job_title": '=HYPERLINK("http://evil.example","Chef")',
                "phone": "+49 89 123456", "country": "DE"},
    )  # fmt: skip


def test_csv_export_quotes_cells_a_spreadsheet_would_run_as_formulas(alice_client, formula_contact):
    response = alice_client.get(reverse("imports:contact-export") + "?format=csv")
    row = next(csv.reader(io.StringIO(body(response).decode("utf-8-sig").splitlines()[1])))
    assert row[2:8] == [
        "'@Eva", "'-Huber", """'=HYPERLINK("http://evil.example","Chef")""", "", "'+4989123456", "",
    ]  # fmt: skip


def test_xlsx_export_writes_formula_like_cells_as_text(alice_client, formula_contact):
    response = alice_client.get(reverse("imports:contact-export") + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).active
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [cell.data_type for cell in cells[2:5]] == ["s", "s", "s"]
    assert [cell.value for cell in cells[2:5]] == [
        "@Eva", "-Huber", '=HYPERLINK("http://evil.example","Chef")']  # fmt: skip
    assert [cell.value for cell in cells[6:8]] == ["+4989123456", None]


def test_the_import_drops_the_quote_an_export_put_before_a_formula_character(workspace):
    data = b"Nachname;Telefon;Position\n'-Huber;'+49 89 123456;'Chef'\n"
    table = read_table(data, "export.csv")
    assert list(table.records()) == [
        (2, {"Nachname": "-Huber", "Telefon": "+49 89 123456", "Position": "'Chef'"})
    ]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_formula_like_values_survive_an_export_and_import_round_trip(
    alice_client, workspace, formula_contact, file_format
):
    data = body(alice_client.get(reverse("imports:contact-export") + f"?format={file_format}"))
    [(_line, records)] = list(read_table(data, f"export.{file_format}").records())
    plan = import_plan(workspace=workspace, data=data, filename=f"export.{file_format}")
    assert (records["First name"], records["Last name"], records["Phone"]) == (
        "@Eva", "-Huber", "+4989123456")  # fmt: skip
    assert records["Job title"] == '=HYPERLINK("http://evil.example","Chef")'
    assert [row.action for row in plan.rows] == ["unchanged"]
    assert plan.error_count == 0


@pytest.mark.parametrize(
    ("name", "file_format"),
    [("imports:contact-export", "csv"), ("imports:contact-export", "vcf"),
     ("imports:account-export", "csv"), ("imports:touchpoint-export", "csv")],
)  # fmt: skip
def test_a_streamed_export_is_read_inside_the_workspace_scope(
    alice_client, contact, account, alice, name, file_format
):
    from django.utils import timezone
    from django_scopes import scope

    from touchbase.relationships.services import tags_from_names, touchpoint_log

    touchpoint_log(workspace=contact.workspace, contact=contact, channel="phone",
                   occurred_at=timezone.now(), logged_by=alice)  # fmt: skip
    tags = tags_from_names(workspace=contact.workspace, names=["Messe"])
    contact.tags.set(tags, through_defaults={"workspace": contact.workspace})
    account.tags.set(tags, through_defaults={"workspace": contact.workspace})
    # as in production: no scope is open while the server streams the file
    with scope(_enabled=True):
        response = alice_client.get(reverse(name) + f"?format={file_format}")
        data = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert ("Müller" in data) or ("Bäckerei" in data)


def test_a_streamed_export_writes_times_in_the_workspace_zone(alice_client, contact, alice):
    import datetime as dt

    from django_scopes import scope

    from touchbase.relationships.services import touchpoint_log

    workspace = contact.workspace
    workspace.time_zone = "America/New_York"
    workspace.save()
    when = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.UTC)
    touchpoint_log(workspace=workspace, contact=contact, channel="phone", occurred_at=when,
                   logged_by=alice)  # fmt: skip
    with scope(_enabled=True):
        response = alice_client.get(reverse("imports:touchpoint-export") + "?format=csv")
        data = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "2026-01-05 07:00" in data


# --- the reader's language, real dates, owner, consent and salutation -------------------------


def xlsx(response):
    return load_workbook(io.BytesIO(body(response))).active


@pytest.fixture
def german_alice(alice):
    alice.language = "de"
    alice.save()
    return alice


@pytest.fixture
def known_contact(workspace, contact, alice):
    """Jürgen with a salutation, an owner, a consent and a last personal contact at 09:30
    Berlin time on a summer day (UTC+2)."""
    from touchbase.relationships.services import consent_record

    contact.salutation, contact.owner = "Herr Dr.", alice
    contact.last_personal_at = dt.datetime(2026, 7, 1, 7, 30, tzinfo=dt.UTC)
    contact.next_due_on = dt.date(2027, 7, 1)
    contact.save()
    consent_record(contact=contact, status="given", source="Messe", by=alice)
    return contact


def test_a_german_xlsx_export_has_date_cells_german_headers_and_sheet_and_file_names(
    alice_client, german_alice, known_contact
):
    response = alice_client.get(reverse("imports:contact-export") + "?format=xlsx")
    assert response["Content-Disposition"].startswith('attachment; filename="touchbase-Kontakte-')
    sheet = xlsx(response)
    assert sheet.title == "Kontakte"
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert header[:4] == ["Firma", "Anrede", "Vorname", "Nachname"]
    assert row["Anrede"].value == "Herr Dr."
    assert row["Betreuer/in"].value == "Alice Adler"
    assert row["Newsletter-Einwilligung"].value == "Erteilt"
    last = row["Letzte persönliche Aktivität"]
    # a date cell with the wall-clock time of the workspace (Europe/Berlin), not a text
    assert last.is_date
    # openpyxl reads cells as naive datetimes: compare with the Berlin wall-clock time
    assert last.value == dt.datetime(2026, 7, 1, 9, 30, tzinfo=BERLIN).replace(tzinfo=None)
    assert last.number_format == "DD.MM.YYYY HH:MM"
    due = row["Nächste Aktivität fällig"]
    assert due.is_date
    assert due.value.date() == dt.date(2027, 7, 1)
    assert due.number_format == "DD.MM.YYYY"


def test_an_english_export_keeps_english_names_and_iso_dates_in_csv(alice_client, known_contact):
    response = alice_client.get(reverse("imports:contact-export") + "?format=csv")
    assert 'filename="touchbase-Contacts-' in response["Content-Disposition"]
    [header, line] = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))
    row = dict(zip(header, line, strict=True))
    assert (row["Salutation"], row["Owner"], row["Newsletter consent"]) == (
        "Herr Dr.", "Alice Adler", "Given")  # fmt: skip
    assert row["Last personal contact"] == "2026-07-01 09:30"
    assert row["Next contact due"] == "2027-07-01"


def test_the_touchpoint_export_in_german_shows_call_sheet_answers_in_columns(
    alice_client, german_alice, contact
):
    from touchbase.relationships.services import CheckinAnswers, call_sheet_submit

    call_sheet_submit(contact=contact, by=german_alice,
                      answers=CheckinAnswers(wellbeing="Gut", address_current="yes"))  # fmt: skip
    response = alice_client.get(reverse("imports:touchpoint-export") + "?format=xlsx")
    assert "touchbase-Aktivit%C3%A4ten-" in response["Content-Disposition"]
    sheet = xlsx(response)
    assert sheet.title == "Aktivitäten"
    header = [cell.value for cell in sheet[1]]
    row = {name: cell.value for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Kanal"] == "Telefonat"
    assert row["Zusammenfassung"] == "Anruf mit Gesprächsbogen"
    assert (row["Befinden"], row["Adresse noch aktuell"]) == ("Gut", "ja")
    assert row["Erfasst von"] == "Alice Adler"
    assert sheet["A2"].is_date


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_large_touchpoint_export_streams_every_row(
    alice_client, workspace, contact, alice, file_format
):
    from django.utils import timezone

    from touchbase.relationships.models import Touchpoint

    count = 2345  # more than one database batch (2000) and several written chunks
    start = timezone.now() - dt.timedelta(days=count)
    Touchpoint.objects.bulk_create(
        Touchpoint(workspace=workspace, contact=contact, account=contact.account,
                   channel="email", occurred_at=start + dt.timedelta(days=day),
                   summary=f"Mail {day}")
        for day in range(count)
    )  # fmt: skip
    response = alice_client.get(reverse("imports:touchpoint-export") + f"?format={file_format}")
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) > 2  # sent piece by piece, not built whole first
    data = b"".join(chunks)
    if file_format == "csv":
        summaries = [row[7] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    else:
        rows = load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True)
        summaries = [row[7] for row in rows]
    assert sorted(summaries) == sorted(f"Mail {day}" for day in range(count))


def test_text_with_control_characters_still_makes_a_valid_xlsx(alice_client, workspace, contact):
    from touchbase.relationships.services import contact_save

    # (NUL never gets in: PostgreSQL refuses it and the forms and API reject it)
    contact_save(workspace=workspace, fields={"last_name": "Vertical\x0bTab\x1f & <Co>"})
    sheet = xlsx(alice_client.get(reverse("imports:contact-export") + "?format=xlsx"))
    names = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "VerticalTab & <Co>" in names


def test_the_salutation_goes_out_and_comes_back_in_through_an_import(
    alice_client, workspace, known_contact, alice
):
    from touchbase.imports.writer import import_apply
    from touchbase.relationships.services import contact_save

    data = body(alice_client.get(reverse("imports:contact-export") + "?format=csv"))
    assert import_plan(workspace=workspace, data=data, filename="x.csv").counts()["unchanged"] == 1
    contact_save(workspace=workspace, contact=known_contact, fields={"salutation": ""})
    plan = import_plan(workspace=workspace, data=data, filename="x.csv")
    import_apply(workspace=workspace, plan=plan, by=alice)
    known_contact.refresh_from_db()
    assert known_contact.salutation == "Herr Dr."
