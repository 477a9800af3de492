"""Import jobs run in the worker: the request stores and queues, the page follows the progress."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from touchbase.imports import services
from touchbase.imports.models import ImportJob
from touchbase.imports.services import import_job_check, import_job_confirm, import_job_create
from touchbase.imports.tasks import import_run_task
from touchbase.relationships.models import Contact

pytestmark = pytest.mark.django_db

CSV = b"Vorname;Nachname;E-Mail\nEva;Huber;eva@huber.example\nMax;Muster;max@muster.example\n"
POLLING = 'hx-trigger="every 1s"'


def refuse_to_read(**kwargs):
    raise AssertionError("the file was read")


def crash(**kwargs):
    raise RuntimeError("disk on fire")


@pytest.fixture
def planned_job(workspace, alice) -> ImportJob:
    job = import_job_create(workspace=workspace, by=alice, filename="k.csv", data=CSV)
    return import_job_check(job=job)


def test_an_upload_is_stored_and_queued_not_read_in_the_request(
    alice_client, workspace, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "import_plan", refuse_to_read)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("imports:import-start"), {"file": SimpleUploadedFile("k.csv", CSV)}
        )
    # then
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("imports:import-detail", args=[job.pk])
    assert (job.status, job.report, bytes(job.content)) == (ImportJob.Status.QUEUED, {}, CSV)
    task = DBTaskResult.objects.get()
    assert task.task_path == "touchbase.imports.tasks.import_check_task"
    assert task.args_kwargs["kwargs"] == {
        "workspace_id": workspace.pk, "job_id": job.pk, "language": "en"}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_worker_checks_the_upload_and_the_page_stops_polling(alice_client, worker):
    response = alice_client.post(
        reverse("imports:import-start"), {"file": SimpleUploadedFile("k.csv", CSV)}
    )
    waiting = alice_client.get(response["Location"]).content.decode()
    assert POLLING in waiting
    assert "Waiting to be checked" in waiting
    # when
    worker()
    # then
    page = alice_client.get(response["Location"]).content.decode()
    job = ImportJob.objects.get()
    assert POLLING not in page
    assert "Dry run" in page
    assert (job.status, job.progress_done, job.progress_total) == ("planned", 2, 2)
    assert job.report["counts"]["create"] == 2
    assert Contact.objects.count() == 0


def test_the_status_fragment_answers_htmx_with_the_progress(alice_client, workspace, alice):
    job = import_job_create(workspace=workspace, by=alice, filename="k.csv", data=CSV)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.CHECKING, progress_done=1000, progress_total=2500
    )
    response = alice_client.get(
        reverse("imports:import-detail", args=[job.pk]), headers={"HX-Request": "true"}
    )
    fragment = response.content.decode()
    assert fragment.startswith('<div id="import-status" hx-get="')
    assert POLLING in fragment
    assert '<progress max="2500" value="1000"></progress>' in fragment
    assert "1000 of 2500 rows checked" in fragment
    assert "<html" not in fragment


def test_checking_writes_its_progress_as_it_goes(workspace, alice, monkeypatch):
    data = ("Nachname\n" + "".join(f"Kunde {n}\n" for n in range(2500))).encode()
    job = import_job_create(workspace=workspace, by=alice, filename="k.csv", data=data)
    seen: list[tuple[int, int]] = []
    plan = services.import_plan

    def recording_plan(**kwargs):
        progress = kwargs["progress"]

        def recording(done: int) -> None:
            progress(done)
            seen.append(ImportJob.objects.values_list("progress_done", "progress_total").get())

        return plan(**{**kwargs, "progress": recording})

    monkeypatch.setattr(services, "import_plan", recording_plan)
    job = import_job_check(job=job)
    assert seen == [(1000, 2500), (2000, 2500)]
    assert (job.progress_done, job.progress_total) == (2500, 2500)


def test_confirming_queues_the_import_and_the_task_writes_it(
    planned_job, alice, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        job = import_job_confirm(job=planned_job, by=alice)
    # then: queued, nothing written yet
    task = DBTaskResult.objects.get()
    assert job.status == ImportJob.Status.IMPORTING
    assert task.task_path == "touchbase.imports.tasks.import_run_task"
    assert Contact.objects.count() == 0
    # when the worker runs the task
    assert import_run_task.call(**task.args_kwargs["kwargs"]) == "imported"
    job.refresh_from_db()
    assert (job.status, job.result["created"], bytes(job.content)) == ("imported", 2, b"")
    assert sorted(Contact.objects.values_list("last_name", "owner")) == [
        ("Huber", alice.pk), ("Muster", alice.pk)]  # fmt: skip


def test_confirming_twice_queues_one_import(planned_job, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=planned_job, by=alice)
        with pytest.raises(ValidationError, match="being checked or imported"):
            import_job_confirm(job=planned_job, by=alice)
    assert DBTaskResult.objects.count() == 1
    assert ImportJob.objects.get().status == ImportJob.Status.IMPORTING


def test_a_new_mapping_is_checked_again_by_the_worker(alice_client, planned_job):
    # when: the e-mail column is ignored by hand
    response = alice_client.post(
        reverse("imports:import-detail", args=[planned_job.pk]),
        {"map-0": "first_name", "map-1": "last_name", "map-2": ""},
    )
    # then: queued with the new mapping, checked by the worker
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.mapping) == (
        ImportJob.Status.QUEUED, {"Vorname": "first_name", "Nachname": "last_name"})  # fmt: skip
    job = import_job_check(job=job)
    assert (job.status, job.report["mapping"]) == (
        ImportJob.Status.PLANNED, {"Vorname": "first_name", "Nachname": "last_name"})  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_check_that_crashes_fails_the_job_and_the_page_stops_polling(
    alice_client, worker, monkeypatch
):
    monkeypatch.setattr(services, "import_plan", crash)
    response = alice_client.post(
        reverse("imports:import-start"), {"file": SimpleUploadedFile("k.csv", CSV)}
    )
    # when
    worker()
    # then
    job = ImportJob.objects.get()
    page = alice_client.get(response["Location"]).content.decode()
    assert (job.status, job.note) == (
        ImportJob.Status.FAILED,
        "Something went wrong while working on this file; nothing was imported. Please upload "
        "it again.",
    )
    assert DBTaskResult.objects.get().exception_class_path == "builtins.RuntimeError"
    assert POLLING not in page
    assert job.note in page


@pytest.mark.django_db(transaction=True)
def test_the_check_speaks_the_language_of_whoever_uploaded(alice_client, alice, worker):
    alice.language = "de"
    alice.save()
    alice_client.post(reverse("imports:import-start"), {"file": SimpleUploadedFile("l.csv", b" ")})
    worker()
    assert ImportJob.objects.get().report["file_errors"] == ["Die Datei ist leer."]
