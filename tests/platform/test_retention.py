"""Uploads are kept only as long as needed: seven days unconfirmed, or until a person is erased."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from touchbase.care.services import contact_erase, personal_data_export
from touchbase.core.scheduler import scheduler_tick
from touchbase.imports.models import ImportJob

pytestmark = pytest.mark.django_db

Status = ImportJob.Status
OTHERS = b"Vorname;Nachname;E-Mail\nEva;Huber;eva@huber.example\n"
EXPIRED_NOTE = (
    "The uploaded file was deleted after seven days without an import. Upload it again to "
    "import it."
)
ERASED_NOTE = (
    "The uploaded file was deleted because a person in it asked for their data to be erased. "
    "Upload the file again without them."
)


def make_job(workspace, *, status=Status.PLANNED, days_old=0, filename="k.csv", content=OTHERS):
    job = ImportJob.objects.create(
        workspace=workspace, filename=filename, content=content, status=status,
        report={"counts": {"create": 1}, "errors": []},
    )  # fmt: skip
    created_at = timezone.now() - dt.timedelta(days=days_old)
    ImportJob.objects.filter(pk=job.pk).update(created_at=created_at)
    return job


def state(job: ImportJob) -> tuple[str, bytes, dict, str]:
    job.refresh_from_db()
    return job.status, bytes(job.content), job.report, job.note


def xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- seven days ---------------------------------------------------------------------------------


def test_unconfirmed_uploads_lose_their_file_after_seven_days(workspace, other_workspace):
    # given
    planned_old = make_job(workspace, days_old=8)
    failed_old = make_job(other_workspace, status=Status.FAILED, days_old=8)
    planned_recent = make_job(workspace, days_old=6)
    importing_old = make_job(workspace, status=Status.IMPORTING, days_old=8)
    imported_old = make_job(workspace, status=Status.IMPORTED, days_old=8, content=b"")
    # when: the worker's scheduler ticks
    results = scheduler_tick()
    # then
    assert results["expired imports"] == 2
    assert state(planned_old) == (Status.EXPIRED, b"", {}, EXPIRED_NOTE)
    assert state(failed_old) == (Status.EXPIRED, b"", {}, EXPIRED_NOTE)
    assert state(planned_recent)[:2] == (Status.PLANNED, OTHERS)
    assert state(importing_old)[:2] == (Status.IMPORTING, OTHERS)
    assert state(imported_old)[:2] == (Status.IMPORTED, b"")
    assert scheduler_tick()["expired imports"] == 0


def test_the_expiry_note_is_in_the_language_of_whoever_uploaded(workspace, alice):
    alice.language = "de"
    alice.save()
    job = make_job(workspace, days_old=8)
    ImportJob.objects.filter(pk=job.pk).update(created_by=alice)
    scheduler_tick()
    assert state(job)[3] == (
        "Die hochgeladene Datei wurde nach sieben Tagen ohne Import gelöscht. Laden Sie sie "
        "noch einmal hoch, um sie zu importieren."
    )


def test_an_expired_import_says_why_and_cannot_be_confirmed(alice_client, workspace, alice):
    job = make_job(workspace, days_old=8)
    scheduler_tick()
    page = alice_client.get(reverse("imports:import-detail", args=[job.pk])).content.decode()
    assert EXPIRED_NOTE in page
    assert "confirm-import" not in page
    alice_client.post(reverse("imports:import-confirm", args=[job.pk]))
    assert state(job)[:2] == (Status.EXPIRED, b"")


# --- erasure ------------------------------------------------------------------------------------


@pytest.fixture
def uploads(workspace, other_workspace, contact):
    """Kept uploads: two name Jürgen Müller (the contact), one does not, one is elsewhere."""
    by_email = make_job(
        workspace, filename="mail.csv",
        content=OTHERS + b"Hans;Mueller;juergen@sonnenschein.example\n",
    )  # fmt: skip
    by_name = make_job(
        workspace, status=Status.IMPORTING, filename="namen.xlsx",
        content=xlsx([["Vorname", "Nachname"], ["Jürgen", "Müller"], ["Eva", "Huber"]]),
    )  # fmt: skip
    others = make_job(workspace, filename="andere.csv", content=OTHERS + b"Petra;M\xfcller;\n")
    elsewhere = make_job(
        other_workspace, filename="castor.csv", content=b"E-Mail\njuergen@sonnenschein.example\n"
    )
    return by_email, by_name, others, elsewhere


def test_erasing_a_person_deletes_the_kept_uploads_that_name_them(uploads, contact, alice):
    by_email, by_name, others, elsewhere = uploads
    # when
    contact_erase(contact=contact, by=alice)
    # then
    assert state(by_email) == (Status.EXPIRED, b"", {}, ERASED_NOTE)
    assert state(by_name) == (Status.EXPIRED, b"", {}, ERASED_NOTE)
    assert state(others)[:2] == (Status.PLANNED, OTHERS + b"Petra;M\xfcller;\n")
    assert state(elsewhere)[:2] == (Status.PLANNED, b"E-Mail\njuergen@sonnenschein.example\n")


def test_the_personal_data_export_lists_the_kept_uploads_that_name_them(uploads, contact):
    by_email, by_name, _others, _elsewhere = uploads
    exported = personal_data_export(contact=contact)["pending_imports"]
    assert exported == [
        {"import": by_email.pk, "file": "mail.csv", "status": "planned",
         "uploaded_at": ImportJob.objects.get(pk=by_email.pk).created_at.isoformat()},
        {"import": by_name.pk, "file": "namen.xlsx", "status": "importing",
         "uploaded_at": ImportJob.objects.get(pk=by_name.pk).created_at.isoformat()},
    ]  # fmt: skip


def test_an_unreadable_kept_upload_counts_as_naming_the_person(workspace, contact, alice):
    broken = make_job(workspace, filename="kaputt.xlsx", content=b"PK\x03\x04garbage")
    contact_erase(contact=contact, by=alice)
    assert state(broken) == (Status.EXPIRED, b"", {}, ERASED_NOTE)
