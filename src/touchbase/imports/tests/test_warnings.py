"""Real-world files: warnings import, errors can be left out and downloaded, nothing is lost."""

from __future__ import annotations

import datetime as dt
import io
from io import StringIO

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from touchbase.core.timeutil import local_today
from touchbase.imports import writer
from touchbase.imports.models import ImportJob
from touchbase.imports.planner import import_plan
from touchbase.imports.services import import_job_check, import_job_confirm, import_job_create
from touchbase.imports.tasks import import_run_task
from touchbase.imports.writer import import_apply
from touchbase.relationships.models import Account, Contact, Tag, Touchpoint
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

NO_NAME_ROW = ';;;=HYPERLINK("http://evil.example");nobody@example.com'
WITH_ERRORS = (
    "Vorname;Nachname;Firma;Notiz;E-Mail\n"
    "Eva;Huber;Hotel Post;;eva@post.example\n"
    f"{NO_NAME_ROW}\n"
    "Max;Muster;;;max@example.com\n"
).encode()


def plan_of(workspace, text: str, filename: str = "k.csv"):
    return import_plan(workspace=workspace, data=text.encode(), filename=filename)


def run_confirmed(job: ImportJob) -> ImportJob:
    """What the worker does with a confirmed import."""
    task = DBTaskResult.objects.get(task_path="touchbase.imports.tasks.import_run_task")
    import_run_task.call(**task.args_kwargs["kwargs"])
    job.refresh_from_db()
    return job


# --- warnings: the row is imported ------------------------------------------------------------


def test_one_bad_phone_among_50_rows_imports_all_50_with_a_warning(workspace, alice):
    lines = ["Vorname;Nachname;Telefon"]
    lines += [f"Max;Muster{n};089 12345{n:02d}" for n in range(49)]
    lines.insert(26, "Erika;Fehler;0049-(0)89-12 ext. 7 bitte nachfragen")
    plan = plan_of(workspace, "\n".join(lines))
    # then: a warning, no error
    assert (plan.error_count, plan.warning_count) == (0, 1)
    warning = plan.warnings[0]
    assert (warning.line, warning.field, warning.value) == (
        27, "Telefon", "0049-(0)89-12 ext. 7 bitte nachfragen")  # fmt: skip
    assert "not a valid phone number; kept in the notes as written" in warning.reason
    # when imported
    result = import_apply(workspace=workspace, plan=plan, by=alice)
    # then: all 50, the bad number kept as written in the notes, unverified
    assert result.created == Contact.objects.count() == 50
    erika = Contact.objects.get(last_name="Fehler")
    assert (erika.phone, erika.phone_verified_at) == ("", None)
    assert erika.notes == "Telefon: 0049-(0)89-12 ext. 7 bitte nachfragen"
    assert Contact.objects.get(last_name="Muster7").phone == "+498912345" + "07"


def test_a_phone_is_read_by_the_rows_country_then_the_home_country(workspace):
    # An Austrian number with an Austrian address; a German number with a Swiss address.
    text = "Nachname;Telefon;Land\nWien;01 5234567;Österreich\nMünchen;089 1234567;CH\n"
    plan = plan_of(workspace, text)
    assert plan.warnings == []
    phones = [row.contact_fields["phone"] for row in plan.rows]
    assert phones == ["+4315234567", "+49891234567"]


@pytest.mark.parametrize(
    "address", ["n/a", "-", "keine", "noreply@firma.example", "x@x", "no-reply@shop.example"]
)
def test_a_placeholder_email_is_dropped_with_a_warning(workspace, alice, address):
    plan = plan_of(workspace, f"Nachname;E-Mail\nHuber;{address}\n")
    assert plan.error_count == 0
    [warning] = plan.warnings
    assert (warning.line, warning.field, warning.value) == (2, "E-Mail", address)
    assert warning.reason == (f"“{address}” is a placeholder, not an e-mail address; dropped.")
    import_apply(workspace=workspace, plan=plan, by=alice)
    contact = Contact.objects.get()
    assert (contact.last_name, contact.email, contact.notes) == ("Huber", "", "")


def test_an_unknown_country_is_kept_empty_with_a_warning(workspace, alice):
    plan = plan_of(workspace, "Nachname;Ort;Land\nHuber;Atlantis-Stadt;Atlantis\n")
    [warning] = plan.warnings
    assert (warning.field, warning.value) == ("Land", "Atlantis")
    import_apply(workspace=workspace, plan=plan, by=alice)
    contact = Contact.objects.get()
    assert (contact.country, contact.city, contact.notes) == ("", "Atlantis-Stadt",
                                                               "Land: Atlantis")  # fmt: skip


def test_bad_postal_codes_long_values_and_bad_numbers_are_warnings(workspace, alice):
    long_title = "Leiterin " * 20
    text = (
        "Nachname;PLZ;Land;Position;Firma;Umsatz;Sprache\n"
        f"Huber;803 31;Deutschland;{long_title};Hotel Post;viel;Klingonisch\n"
        "Maier;D-80331;Deutschland;;;;\n"
    )
    plan = plan_of(workspace, text)
    assert plan.error_count == 0
    assert [(w.field, w.reason) for w in plan.warnings] == [
        ("Position", "Longer than 120 characters; shortened."),
        ("PLZ", "“803 31” is not a postal code of DE; kept as written."),
        ("Sprache", "“Klingonisch” is not a language; German is used."),
        ("Umsatz", "“viel” is not a number; left out."),
    ]
    import_apply(workspace=workspace, plan=plan, by=alice)
    contact = Contact.objects.get(last_name="Huber")
    assert (contact.job_title, contact.postal_code) == (long_title[:120], "803 31")
    assert Contact.objects.get(last_name="Maier").postal_code == "80331"


# --- errors: the row cannot be imported -------------------------------------------------------


def test_a_row_with_nothing_usable_is_an_error_and_skip_errors_imports_the_rest(
    alice_client, workspace, alice, django_capture_on_commit_callbacks
):
    job = import_job_check(
        job=import_job_create(
            workspace=workspace, by=alice, filename="kunden.csv", data=WITH_ERRORS
        )  # fmt: skip
    )
    assert job.report["errors"] == [
        {"line": 3, "field": "Nachname", "reason": "Neither a name nor a company.", "value": ""}
    ]
    assert (job.report["counts"]["errors"], job.report["counts"]["create"]) == (1, 2)
    # when confirmed without leaving the row out: refused, nothing written
    with pytest.raises(ValidationError, match="Some rows have errors; nothing was imported"):
        import_job_confirm(job=job, by=alice)
    # when confirmed with skip_errors
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=alice, skip_errors=True)
    job = run_confirmed(job)
    # then: the two good rows, and the bad one left out
    assert job.status == ImportJob.Status.IMPORTED
    assert (job.result["created"], job.result["skipped"]) == (2, 1)
    assert sorted(Contact.objects.values_list("last_name", flat=True)) == ["Huber", "Muster"]
    # and the download holds that row with its reason, ready for Excel
    response = alice_client.get(reverse("imports:import-error-rows", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "kunden - rows with errors.csv" in response["Content-Disposition"]
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert body.lstrip("\ufeff").splitlines() == [
        "Vorname;Nachname;Firma;Notiz;E-Mail;Line;Reason",
        ';;;"\'=HYPERLINK(""http://evil.example"")";nobody@example.com;3;'
        "Neither a name nor a company.",
    ]


def test_the_page_offers_to_skip_the_rows_with_errors(alice_client, workspace, alice):
    job = import_job_check(
        job=import_job_create(workspace=workspace, by=alice, filename="k.csv", data=WITH_ERRORS)
    )
    page = alice_client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    assert 'id="confirm-import"' not in page
    assert "Import without the 1 row with errors" in page
    assert reverse("imports:import-error-rows", args=[job.pk]) in page
    assert "Neither a name nor a company." in page
    # when the user chooses it
    response = alice_client.post(
        reverse("imports:import-confirm", args=[job.pk]), {"skip_errors": "1"}
    )
    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.skip_errors) == (ImportJob.Status.IMPORTING, True)


def test_a_clean_file_has_no_rows_to_download(alice_client, workspace, alice):
    job = import_job_check(
        job=import_job_create(
            workspace=workspace, by=alice, filename="k.csv", data=b"Nachname\nHuber\n"
        )  # fmt: skip
    )
    assert alice_client.get(reverse("imports:import-error-rows", args=[job.pk])).status_code == 404


def test_the_rows_with_errors_are_not_for_another_workspace_nor_anonymous(
    client, carol_client, workspace, alice
):
    job = import_job_check(
        job=import_job_create(workspace=workspace, by=alice, filename="k.csv", data=WITH_ERRORS)
    )
    url = reverse("imports:import-error-rows", args=[job.pk])
    assert carol_client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert (response.status_code, response["Location"].startswith("/login/")) == (302, True)


def test_a_confirmed_import_is_still_all_or_nothing_when_the_database_refuses_a_row(
    workspace, alice, monkeypatch
):
    monkeypatch.setattr(writer, "BATCH", 10)  # several inserts, so the failure is in the middle
    lines = ["Firma;Nachname;Tags"] + [f"Firma {n % 3};Kunde {n};VIP" for n in range(30)]
    plan = plan_of(workspace, "\n".join(lines))
    # the 25th contact breaks the table's NOT NULL rule, as a changed database might
    plan.rows[24].contact_fields["last_name"] = None
    # (COPY on PostgreSQL raises the driver's own error, not Django's IntegrityError)
    with pytest.raises((IntegrityError, psycopg.IntegrityError), match="last_name"):
        import_apply(workspace=workspace, plan=plan, by=alice)
    assert (Contact.objects.count(), Account.objects.count(), Tag.objects.count()) == (0, 0, 0)


# --- nothing silently lost ------------------------------------------------------------------


def test_every_unmapped_column_with_values_is_listed(alice_client, workspace, alice):
    text = "Nachname;Fax;Kundennummer;Leer\nHuber;089 1;K-1;\nMaier;;K-2;\nMoser;;K-3;\n"
    job = import_job_check(
        job=import_job_create(workspace=workspace, by=alice, filename="k.csv", data=text.encode())
    )
    assert job.report["unmapped"] == [
        {"column": "Fax", "values": 1}, {"column": "Kundennummer", "values": 3}]  # fmt: skip
    page = alice_client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    assert "These columns are not imported: Fax (1 value), Kundennummer (3 values)." in page
    alice.language = "de"
    alice.save()
    page = alice_client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    assert "Diese Spalten werden nicht importiert: Fax (1 Wert), Kundennummer (3 Werte)." in page


def test_company_only_rows_become_accounts_and_private_notes_are_kept(workspace, alice):
    text = (
        "Firma;Vorname;Nachname;Telefon;Straße;PLZ;Ort;Notiz\n"
        "Hotel Post;;;0512 123456;Hauptplatz 1;6020;Innsbruck;Stammgast seit 1990\n"
        ";Anna;Privat;;;;;Mag Rotwein\n"
        "Gasthof Adler;-;-;;;;;\n"
        "Hotel Post;Karl;Wirt;;;;;\n"
    )
    plan = plan_of(workspace, text)
    assert (plan.error_count, plan.counts()["accounts_create"]) == (0, 2)
    result = import_apply(workspace=workspace, plan=plan, by=alice)
    assert (result.created, result.accounts_created) == (2, 2)
    hotel = Account.objects.get(name="Hotel Post")
    assert (hotel.name, hotel.street, hotel.city, hotel.notes) == (
        "Hotel Post", "Hauptplatz 1", "Innsbruck", "Stammgast seit 1990")  # fmt: skip
    assert hotel.phone == "+49512123456"
    anna = Contact.objects.get(last_name="Privat")
    assert (anna.account, anna.notes, anna.owner) == (None, "Mag Rotwein", alice)
    assert Contact.objects.get(last_name="Wirt").account == hotel


# --- owner, key account and last contact ----------------------------------------------------


def test_owner_key_account_and_last_contact_can_be_mapped(workspace, alice, bob):
    today = local_today(workspace.zone)
    text = (
        "Firma;Nachname;Betreuer;Key Account;Letzter Kontakt\n"
        "Hotel Post;Huber;bob;ja;05.03.2024\n"
        "Hotel Post;Maier;BOB@pollux.example;;\n"
        "Gasthof Adler;Moser;Unbekannt Person;nein;2024-03-04\n"
        f"Pension Sonne;Berger;Bob Bauer;x;{today:%Y-%m-%d}\n"
        ";Privat;alice;ja;\n"
    )
    plan = plan_of(workspace, text)
    assert plan.mapping == {"Firma": "account_name", "Nachname": "last_name",
                            "Betreuer": "owner", "Key Account": "key_account",
                            "Letzter Kontakt": "last_contact"}  # fmt: skip
    assert [(w.line, w.field, w.value) for w in plan.warnings] == [
        (4, "Betreuer", "Unbekannt Person"), (6, "Key Account", "ja")]  # fmt: skip
    assert plan.warnings[1].reason == "Only a company can be a key account; left out."
    # when
    result = import_apply(workspace=workspace, plan=plan, by=alice)
    # then: owners by username, e-mail and name; the unknown one gets the import's owner
    owners = dict(Contact.objects.values_list("last_name", "owner__username"))
    assert owners == {"Huber": "bob", "Maier": "bob", "Moser": "alice", "Berger": "bob",
                      "Privat": "alice"}  # fmt: skip
    assert dict(Account.objects.values_list("name", "owner__username")) == {
        "Hotel Post": "bob", "Gasthof Adler": "alice", "Pension Sonne": "bob"}  # fmt: skip
    assert dict(Account.objects.values_list("name", "is_key_account")) == {
        "Hotel Post": True, "Gasthof Adler": False, "Pension Sonne": True}  # fmt: skip
    # and the last contacts are activities that reached the customer
    assert result.last_contacts == 3
    huber = Contact.objects.get(last_name="Huber")
    touchpoint = Touchpoint.objects.get(contact=huber)
    assert (touchpoint.channel, touchpoint.source_kind, touchpoint.is_personal) == (
        "imported", "import", True)  # fmt: skip
    assert touchpoint.occurred_at.astimezone(workspace.zone).date() == dt.date(2024, 3, 5)
    assert huber.last_personal_at == touchpoint.occurred_at
    assert huber.next_due_on == dt.date(2024, 3, 5) + dt.timedelta(days=huber.cadence_days)
    hotel = Account.objects.get(name="Hotel Post")
    assert hotel.last_personal_at == huber.last_personal_at
    # Maier has no date: due today; Berger was reached today: due only after his rhythm
    assert Contact.objects.get(last_name="Maier").next_due_on == today
    berger = Contact.objects.get(last_name="Berger")
    assert berger.next_due_on == today + dt.timedelta(days=berger.cadence_days) > today


def test_the_dry_run_says_how_many_would_be_due_at_once(alice_client, workspace, alice):
    text = "Firma;Nachname;Letzter Kontakt\nHotel Post;Huber;\nHotel Post;Maier;2024-01-02\n"
    job = import_job_check(
        job=import_job_create(workspace=workspace, by=alice, filename="k.csv", data=text.encode())
    )
    # Huber has no date; the hotel was reached through Maier.
    assert (job.report["counts"]["due_at_once"], job.report["counts"]["last_contacts"]) == (1, 1)
    page = alice_client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    assert "1 new customer has no last-contact date and will be due on the day of the import." in (
        page)  # fmt: skip


def test_importing_the_same_last_contact_again_adds_no_second_activity(workspace, alice):
    text = "Nachname;E-Mail;Letzter Kontakt\nHuber;h@example.com;2024-03-05\n"
    import_apply(workspace=workspace, plan=plan_of(workspace, text), by=alice)
    again = plan_of(workspace, text)
    import_apply(workspace=workspace, plan=again, by=alice)
    assert again.counts()["unchanged"] == 1
    assert Touchpoint.objects.count() == 1
    # a later date moves the clock on
    later = text.replace("2024-03-05", "2024-06-01")
    import_apply(workspace=workspace, plan=plan_of(workspace, later), by=alice)
    huber = Contact.objects.get()
    assert Touchpoint.objects.count() == 2
    assert huber.last_personal_at.astimezone(workspace.zone).date() == dt.date(2024, 6, 1)


@pytest.mark.parametrize(
    ("dates", "language", "expected", "note"),
    [
        (["3/5/2024", "13/5/2024"], "en", dt.date(2024, 5, 3), "as the file's other dates show"),
        (["3/5/2024", "5/13/2024"], "de", dt.date(2024, 3, 5), "as the file's other dates show"),
        (["3/5/2024"], "en", dt.date(2024, 3, 5), "as usual in your language"),
        (["3/5/2024"], "en-gb", dt.date(2024, 5, 3), "as usual in your language"),
        (["3/5/2024"], "de", dt.date(2024, 5, 3), "as usual in your language"),
    ],
)  # fmt: skip
def test_an_ambiguous_date_is_read_as_the_files_other_dates_or_the_language_say(
    workspace, dates, language, expected, note
):
    text = "Nachname;Last contact\n" + "".join(f"K{n};{d}\n" for n, d in enumerate(dates))
    with translation.override(language):
        plan = plan_of(workspace, text)
        note = translation.gettext(note)  # the note speaks the user's language
    assert plan.rows[0].last_contact.date() == expected
    assert any(note in text for text in plan.notes), plan.notes


def test_last_contact_dates_in_an_xlsx_file_as_dates_and_as_serial_numbers(workspace):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nachname", "Letzte Aktivität"])
    sheet.append(["Huber", dt.date(2024, 3, 5)])
    sheet.append(["Maier", 45356])  # an unformatted cell: Excel's day number of 2024-03-05
    sheet.append(["Moser", "gestern"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = import_plan(workspace=workspace, data=buffer.getvalue(), filename="k.xlsx")
    days = [row.last_contact and row.last_contact.date() for row in plan.rows]
    assert days == [dt.date(2024, 3, 5), dt.date(2024, 3, 5), None]
    [warning] = plan.warnings
    assert warning.reason == "“gestern” is not a date; no last contact is recorded."


# --- the command line and the API -----------------------------------------------------------


def test_cli_import_with_owner(workspace, alice, bob, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(b"Firma;Nachname;Fax\nHotel Post;Huber;1\n;Privat;\n")
    out = StringIO()
    call_command("import_customers", str(path), workspace=workspace.slug, owner="bob",
                 commit=True, stdout=out)  # fmt: skip
    assert "These columns are not imported: Fax (1 value)" in out.getvalue()
    assert set(Contact.objects.values_list("owner__username", flat=True)) == {"bob"}
    assert Account.objects.get().owner == bob


def test_cli_import_without_owner_takes_the_first_owner_and_says_so(workspace, alice, bob,
                                                                    tmp_path):  # fmt: skip
    path = tmp_path / "kunden.csv"
    path.write_bytes(b"Nachname\nHuber\n")
    out = StringIO()
    call_command("import_customers", str(path), workspace=workspace.slug, commit=True,
                 stdout=out)  # fmt: skip
    assert "Owner of what is imported: alice (the workspace's first owner" in out.getvalue()
    assert Contact.objects.get().owner == alice
    with pytest.raises(CommandError, match="'nobody' is no member"):
        call_command("import_customers", str(path), workspace=workspace.slug, owner="nobody",
                     stdout=StringIO())  # fmt: skip


def test_cli_skip_errors_imports_the_rest_and_writes_the_error_rows(workspace, alice, tmp_path):
    path = tmp_path / "kunden.csv"
    path.write_bytes(WITH_ERRORS)
    errors = tmp_path / "fehler.csv"
    with pytest.raises(CommandError, match="--skip-errors"):
        call_command("import_customers", str(path), workspace=workspace.slug, commit=True,
                     stdout=StringIO())  # fmt: skip
    assert Contact.objects.count() == 0
    out = StringIO()
    call_command("import_customers", str(path), workspace=workspace.slug, commit=True,
                 skip_errors=True, error_rows=str(errors), stdout=out)  # fmt: skip
    assert "Neither a name nor a company." in out.getvalue()
    assert Contact.objects.count() == 2
    assert "Neither a name nor a company." in errors.read_bytes().decode("utf-8-sig")


@pytest.mark.django_db(transaction=True)
def test_api_confirm_with_skip_errors_and_the_error_rows(client, alice_token, carol_token, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    headers = bearer(alice_token)
    created = client.post(
        "/api/v1/imports", {"file": SimpleUploadedFile("k.csv", WITH_ERRORS)}, headers=headers
    )
    url = f"/api/v1/imports/{created.json()['id']}"
    worker()
    report = client.get(url, headers=headers).json()["report"]
    assert (report["counts"]["errors"], report["counts"]["warnings"]) == (1, 0)
    assert report["unmapped"] == []
    # the rows with errors, for their owner only
    rows = client.get(f"{url}/error-rows", headers=headers)
    assert (rows.status_code, rows["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert client.get(f"{url}/error-rows", headers=bearer(carol_token)).status_code == 404
    assert client.get(f"{url}/error-rows").status_code == 401
    # without skip_errors: refused with the reason
    refused = client.post(f"{url}/confirm", headers=headers)
    assert refused.status_code == 422
    assert "Some rows have errors" in refused.json()["errors"]["__all__"][0]
    other = client.post(f"{url}/confirm", {"skip_errors": True}, content_type="application/json",
                        headers=bearer(carol_token))  # fmt: skip
    assert other.status_code == 404
    # with it
    confirmed = client.post(f"{url}/confirm", {"skip_errors": True},
                            content_type="application/json", headers=headers)  # fmt: skip
    assert (confirmed.status_code, confirmed.json()["status"]) == (202, "importing")
    worker()
    result = client.get(url, headers=headers).json()["result"]
    assert (result["created"], result["skipped"]) == (2, 1)
    assert Contact.objects.count() == 2


# --- the rows left out are personal data too ------------------------------------------------


def imported_with_rows_left_out(workspace, alice, django_capture_on_commit_callbacks):
    job = import_job_check(
        job=import_job_create(workspace=workspace, by=alice, filename="k.csv", data=WITH_ERRORS)
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=alice, skip_errors=True)
    job = run_confirmed(job)
    assert bytes(job.error_rows)
    return job


def test_erasing_a_person_deletes_the_rows_left_out_that_name_them(
    workspace, alice, django_capture_on_commit_callbacks
):
    from touchbase.imports.services import import_jobs_erase_person
    from touchbase.relationships.services import contact_save

    job = imported_with_rows_left_out(workspace, alice, django_capture_on_commit_callbacks)
    other = contact_save(workspace=workspace, fields={"last_name": "Anders",
                                                      "email": "anders@example.com"})  # fmt: skip
    import_jobs_erase_person(contact=other)
    job.refresh_from_db()
    assert bytes(job.error_rows)
    named = contact_save(workspace=workspace, fields={"last_name": "Niemand",
                                                      "email": "nobody@example.com"})  # fmt: skip
    # when
    import_jobs_erase_person(contact=named)
    # then: the file of left-out rows is gone, the import's counts stay
    job.refresh_from_db()
    assert (bytes(job.error_rows), job.result["skipped"]) == (b"", 1)


def test_the_rows_left_out_are_deleted_after_seven_days(
    workspace, alice, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from touchbase.imports.services import import_jobs_expire

    job = imported_with_rows_left_out(workspace, alice, django_capture_on_commit_callbacks)
    import_jobs_expire()
    job.refresh_from_db()
    assert bytes(job.error_rows)
    ImportJob.objects.filter(pk=job.pk).update(imported_at=timezone.now() - dt.timedelta(days=8))
    import_jobs_expire()
    job.refresh_from_db()
    assert (bytes(job.error_rows), job.status) == (b"", ImportJob.Status.IMPORTED)


def test_a_company_row_fills_the_empty_address_of_an_existing_account(workspace, alice, account):
    account.city = "Salzburg"
    account.save()
    text = "Firma;Telefon;Straße;Ort\nBäckerei Sonnenschein;089 1234567;Hauptplatz 1;Linz\n"
    plan = plan_of(workspace, text)
    assert plan.counts()["accounts_update"] == 1
    import_apply(workspace=workspace, plan=plan, by=alice)
    account.refresh_from_db()
    # what it had stays; what it lacked is filled
    assert (account.city, account.street, account.phone) == (
        "Salzburg", "Hauptplatz 1", "+49891234567")  # fmt: skip


def test_the_same_person_twice_keeps_their_latest_last_contact(workspace, alice):
    text = (
        "Nachname;E-Mail;Letzter Kontakt\n"
        "Huber;h@example.com;2024-03-05\nHuber;h@example.com;2024-06-01\n"
    )
    plan = plan_of(workspace, text)
    assert [row.action for row in plan.rows] == ["create", "merged"]
    import_apply(workspace=workspace, plan=plan, by=alice)
    huber = Contact.objects.get()
    assert huber.last_personal_at.astimezone(workspace.zone).date() == dt.date(2024, 6, 1)
    assert Touchpoint.objects.get().contact == huber


def test_a_second_import_of_the_same_file_promises_no_new_activities_or_account_changes(
    workspace, alice
):
    text = (
        "Firma;Nachname;E-Mail;Notizen;Letzter Kontakt\n"
        "Huber Bau;Huber;h@example.com;;2024-03-05\n"
        "Huber Bau;;;Zahlt spät;2024-02-01\n"
    )
    first = plan_of(workspace, text)
    assert first.counts()["last_contacts"] == 2
    import_apply(workspace=workspace, plan=first, by=alice)
    # when the same file comes again
    again = plan_of(workspace, text)
    # then the dry run says nothing will change, and nothing does
    assert again.counts()["last_contacts"] == 0
    assert again.counts()["accounts_update"] == 0
    before = Touchpoint.objects.count()
    import_apply(workspace=workspace, plan=again, by=alice)
    assert Touchpoint.objects.count() == before


def test_an_import_adds_its_notes_to_what_the_team_wrote_about_a_company(workspace, alice):
    Account.objects.create(
        workspace=workspace, name="Huber Bau", notes="Chefin spricht Italienisch"
    )
    text = "Firma;Nachname;Notizen\nHuber Bau;;Zahlt spät\n"
    plan = plan_of(workspace, text)
    import_apply(workspace=workspace, plan=plan, by=alice)
    assert Account.objects.get().notes == "Chefin spricht Italienisch\n\nZahlt spät"
    # and a second import of the same file adds nothing twice
    again = plan_of(workspace, text)
    assert again.counts()["accounts_update"] == 0


def test_an_owner_column_naming_a_member_without_customer_access_is_a_warning(workspace, alice):
    from touchbase.core.choices import Role
    from touchbase.core.services import member_add

    member_add(workspace=workspace, username="hank", password="hank-password-1",
               role=Role.HELPER, email="hank@pollux.example")  # fmt: skip
    plan = plan_of(workspace, "Nachname;Betreuer\nHuber;hank\n")
    assert [(w.field, w.value) for w in plan.warnings] == [("Betreuer", "hank")]
    import_apply(workspace=workspace, plan=plan, by=alice)
    assert Contact.objects.get().owner.username == "alice"
