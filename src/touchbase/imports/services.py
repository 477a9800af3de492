"""Import jobs: the browser's and the API's way through dry run and confirmation.

An upload is stored and queued; the worker checks it (the dry run) and, once the user
confirms, imports it. No web request ever reads or writes a file's rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from touchbase.core.models import User, Workspace
from touchbase.core.tenancy import scopes_disabled
from touchbase.imports.error_rows import error_rows_csv
from touchbase.imports.models import ImportJob
from touchbase.imports.planner import ImportPlan, import_plan
from touchbase.imports.selectors import import_jobs_naming, imported_error_rows_naming
from touchbase.imports.writer import import_apply
from touchbase.relationships.models import Contact

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
UPLOAD_KEPT_FOR = dt.timedelta(days=7)
Status = ImportJob.Status
# Never confirmed: what the seven days apply to (a confirmed import is about to write).
UNCONFIRMED = (Status.QUEUED, Status.CHECKING, Status.PLANNED, Status.FAILED)


def upload_size_check(*, size: int) -> None:
    """Refuse an upload over 50 MB, naming the file field (the form, the API: 422)."""
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})


@transaction.atomic
def import_job_create(
    *, workspace: Workspace, by: User | None, filename: str, data: bytes
) -> ImportJob:
    """Store the upload and queue its dry run; nothing else is written."""
    upload_size_check(size=len(data))
    job = ImportJob.objects.create(
        workspace=workspace, created_by=by, filename=filename[:255], content=data,
        status=Status.QUEUED,
    )  # fmt: skip
    _enqueue_check(job)
    return job


@transaction.atomic
def import_job_remap(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Queue a new dry run with the user's column mapping."""
    job = _locked(job)
    _require_planned(job)
    job.mapping, job.status = mapping, Status.QUEUED
    _reset_progress(job)
    job.save(update_fields=["mapping", "status", "progress_done", "progress_total", "note"])
    _enqueue_check(job)
    return job


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by: User | None, skip_errors: bool = False) -> ImportJob:
    """Queue the import of a checked file.

    Refused while the file cannot be read, and while rows have errors unless the user
    chose to leave those rows out (`skip_errors`); warnings never stop an import.
    """
    from touchbase.imports.tasks import import_run_task

    job = _locked(job)
    _require_planned(job)
    if job.report.get("file_errors"):
        raise ValidationError(_("The file has errors; nothing was imported."))
    if job.report.get("counts", {}).get("errors") and not skip_errors:
        raise ValidationError(
            _("Some rows have errors; nothing was imported. Import without those rows, or "
              "fix them in your file and upload it again.")
        )  # fmt: skip
    job.status, job.skip_errors = Status.IMPORTING, skip_errors
    _reset_progress(job)
    job.save(update_fields=["status", "skip_errors", "progress_done", "progress_total", "note"])
    workspace_id, job_id, language = job.workspace_id, job.pk, get_language()
    by_id = by.pk if by else None
    transaction.on_commit(
        lambda: import_run_task.enqueue(
            workspace_id=workspace_id, job_id=job_id, by_id=by_id, language=language
        )
    )
    return job


def import_job_check(*, job: ImportJob) -> ImportJob:
    """The dry run, in the worker: read, map, validate and match the stored file.

    Steps: claim the job (queued → checking), so a task run twice checks once; plan with
    the mapping the user chose, or a guessed one on the first check; store the report.
    """
    claimed = ImportJob.objects.filter(pk=job.pk, status=Status.QUEUED).update(
        status=Status.CHECKING
    )
    job.refresh_from_db()
    if not claimed:
        return job
    try:
        plan = import_plan(
            workspace=job.workspace, data=bytes(job.content), filename=job.filename,
            mapping=job.mapping if job.report else None, **_progress_callbacks(job),
        )  # fmt: skip
    except Exception:
        _fail(job)
        raise
    job.mapping, job.report, job.status = plan.mapping, plan.summary(), Status.PLANNED
    job.progress_done, job.error_rows = job.progress_total, error_rows_csv(plan)
    job.save(update_fields=["mapping", "report", "status", "progress_done", "progress_total",
                            "error_rows"])  # fmt: skip
    return job


def import_job_run(*, job: ImportJob, by: User | None) -> ImportJob:
    """The import, in the worker: check again against today's data, then write all or none.

    The check runs outside the write's transaction so that its progress is seen as it goes.
    """
    job.refresh_from_db()
    if job.status != Status.IMPORTING:
        return job  # run twice, or finished meanwhile
    try:
        plan = import_plan(
            workspace=job.workspace, data=bytes(job.content), filename=job.filename,
            mapping=job.mapping, **_progress_callbacks(job),
        )  # fmt: skip
        return _import_write(job=job, plan=plan, by=by)
    except Exception:
        _fail(job)
        raise


@transaction.atomic
def _import_write(*, job: ImportJob, plan: ImportPlan, by: User | None) -> ImportJob:
    job = _locked(job)
    if job.status != Status.IMPORTING:
        return job
    job.report, job.error_rows = plan.summary(), error_rows_csv(plan)
    if not plan.importable(skip_errors=job.skip_errors):
        job.status, job.note = Status.PLANNED, _("The file has errors; nothing was imported.")
        job.save(update_fields=["report", "error_rows", "status", "note"])
        return job
    result = import_apply(workspace=job.workspace, plan=plan, by=by, skip_errors=job.skip_errors)
    job.result, job.status, job.imported_at = vars(result), Status.IMPORTED, timezone.now()
    job.content, job.progress_done = b"", job.progress_total
    job.save(update_fields=["report", "error_rows", "result", "status", "imported_at", "content",
                            "progress_done"])  # fmt: skip
    return job


def import_jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the uploads of imports left unconfirmed for seven days; returns how many.

    A sweep over all workspaces by one fixed rule, run by the scheduler, which has no
    workspace to scope to. Each note is written in the language of whoever uploaded.
    """
    cutoff = (now or timezone.now()) - UPLOAD_KEPT_FOR
    expired = 0
    with scopes_disabled():
        old = ImportJob.objects.filter(status__in=UNCONFIRMED, created_at__lt=cutoff)
        for job in old.select_related("created_by").only("id", "created_by__language"):
            language = job.created_by.language if job.created_by else None
            with translation.override(language):
                note = _("The uploaded file was deleted after seven days without an import. "
                         "Upload it again to import it.")  # fmt: skip
            expired += _expire(ImportJob.objects.filter(pk=job.pk, status__in=UNCONFIRMED), note)
        # The rows left out of an import go after seven days too; the report stays.
        ImportJob.objects.filter(status=Status.IMPORTED, imported_at__lt=cutoff).exclude(
            error_rows=b""
        ).update(error_rows=b"")
    return expired


@transaction.atomic
def import_jobs_erase_person(*, contact: Contact) -> int:
    """Delete every kept upload that names this person (GDPR Art. 17); returns how many.

    Confirmed imports not yet written count too, so that they never write the person back.
    """
    jobs = import_jobs_naming(contact=contact)
    note = _("The uploaded file was deleted because a person in it asked for their data to "
             "be erased. Upload the file again without them.")  # fmt: skip
    pending = ImportJob.objects.filter(pk__in=[job.pk for job in jobs])
    # Rows an import left out name them too; those files go, the import's report stays.
    left_out = imported_error_rows_naming(contact=contact)
    ImportJob.objects.filter(pk__in=[job.pk for job in left_out]).update(error_rows=b"")
    return _expire(pending.exclude(status__in=(Status.IMPORTED, Status.EXPIRED)), note)


def _expire(jobs: QuerySet[ImportJob], note: str) -> int:
    """The stored file and the report, which quotes its cells, go; the note says why."""
    return jobs.update(content=b"", error_rows=b"", report={}, status=Status.EXPIRED, note=note)


def _enqueue_check(job: ImportJob) -> None:
    from touchbase.imports.tasks import import_check_task

    workspace_id, job_id, language = job.workspace_id, job.pk, get_language()
    transaction.on_commit(
        lambda: import_check_task.enqueue(
            workspace_id=workspace_id, job_id=job_id, language=language
        )
    )


def _progress_callbacks(job: ImportJob) -> dict[str, Callable[[int], None]]:
    """Progress written as it happens (the worker commits each), for the page to poll."""
    rows = ImportJob.objects.filter(pk=job.pk)

    def on_read(total: int) -> None:
        job.progress_total, job.progress_done = total, 0
        rows.update(progress_total=total, progress_done=0)

    def progress(done: int) -> None:
        rows.update(progress_done=F("progress_done") + done)

    return {"on_read": on_read, "progress": progress}


def _fail(job: ImportJob) -> None:
    """Stop the page polling; the task re-raises, so its result keeps the traceback."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=Status.FAILED,
        note=_("Something went wrong while working on this file; nothing was imported. "
               "Please upload it again."),
    )  # fmt: skip


def _locked(job: ImportJob) -> ImportJob:
    return ImportJob.objects.select_for_update().defer("content", "error_rows").get(pk=job.pk)


def _reset_progress(job: ImportJob) -> None:
    job.progress_done = job.progress_total = 0
    job.note = ""


def _require_planned(job: ImportJob) -> None:
    if job.status == Status.IMPORTED:
        raise ValidationError(_("This file was imported already."))
    if job.is_running:
        raise ValidationError(_("This file is being checked or imported; wait until it is done."))
    if job.status != Status.PLANNED:
        raise ValidationError(_("This file can no longer be imported; upload it again."))
