"""A mention file's way in: uploaded, checked in a dry run, confirmed, stored in batches.

The browser uploads; the worker checks (what would be stored, what is there already, which
lines are broken, by number) and, once the user confirms, stores batch by batch while the
page shows the progress. `touchbase ingest` runs the same steps in the terminal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from touchbase.core.models import User
from touchbase.core.tenancy import scopes_disabled
from touchbase.listening.choices import IngestStatus
from touchbase.listening.ingest import FileReading, Progress, file_ingest, file_layout
from touchbase.listening.models import IngestJob, Mention, Source
from touchbase.listening.readers import MentionFileError, open_mentions

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# Ask the worker to read new mentions every this many batches, and at the end.
ANALYSE_EVERY = 5
# PostgreSQL plans the worker's "next mentions to analyse" from table statistics; after a big
# file they are stale and the query reads every new row. Refreshed each time the stored rows
# double (from this many), so a million-row file costs a handful of ANALYZE runs.
STATISTICS_FROM = 5_000
STALLED_AFTER = dt.timedelta(minutes=10)


def fingerprint(raw: BinaryIO, size: int) -> str:
    head = raw.read(64 * 1024)
    raw.seek(0)
    return hashlib.sha256(head + str(size).encode()).hexdigest()


def upload_size_check(*, size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})


@transaction.atomic
def ingest_job_create(*, source: Source, by: User | None, filename: str, data: bytes) -> IngestJob:
    """Keep an upload and have the worker check it (a dry run, nothing stored)."""
    upload_size_check(size=len(data))
    job = IngestJob.objects.create(
        workspace=source.workspace, source=source, created_by=by, filename=filename[:255],
        content=data, size=len(data), fingerprint=fingerprint(io.BytesIO(data), len(data)),
    )  # fmt: skip
    _enqueue("check", job)
    return job


def _enqueue(step: str, job: IngestJob) -> None:
    from touchbase.listening.tasks import ingest_check_task, ingest_run_task

    task = ingest_check_task if step == "check" else ingest_run_task
    language = translation.get_language() or "en"
    workspace_id, job_id = job.workspace_id, job.pk
    transaction.on_commit(
        lambda: task.enqueue(workspace_id=workspace_id, job_id=job_id, language=language)
    )


def _reading(raw: BinaryIO) -> FileReading:
    reading = file_layout(open_mentions(raw))
    if not reading.layout.is_readable:
        raise MentionFileError(
            _("No column holds a text, a title or stars. Columns found: %(columns)s")
            % {"columns": ", ".join(reading.layout.unmapped[:20]) or "—"}
        )
    return reading


def ingest_job_check(*, job: IngestJob, raw: BinaryIO | None = None) -> IngestJob:
    """The dry run: what the file holds and what storing it would do."""
    try:
        reading = _reading(raw or io.BytesIO(bytes(job.content)))
        progress = file_ingest(source=job.source, reading=reading, dry_run=True)
    except MentionFileError as error:
        return _fail(job, str(error))
    job.report = {
        "kind": reading.file.kind,
        "encoding": reading.file.encoding,
        "columns": reading.layout.columns,
        "unmapped": reading.layout.unmapped,
        "new": progress.stored,
        "duplicates": progress.duplicates,
        "undated": progress.undated,
    }
    job.errors, job.error_count = progress.errors, progress.error_count
    job.lines_total = progress.line
    job.status = IngestStatus.CHECKED
    job.updated_at = timezone.now()
    job.save()
    return job


def ingest_job_confirm(*, job: IngestJob) -> IngestJob:
    """Store the checked file's mentions: the worker starts after commit."""
    updated = IngestJob.objects.filter(pk=job.pk, status=IngestStatus.CHECKED).update(
        status=IngestStatus.QUEUED, updated_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("This file was stored already or is not checked yet."))
    job.refresh_from_db()
    _enqueue("run", job)
    return job


def _statistics_refresh() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Mention._meta.db_table)}")


def ingest_job_run(
    *,
    job: IngestJob,
    raw: BinaryIO | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> IngestJob:
    """Store the file's new mentions batch by batch, going on after the last stored batch.

    The broken lines are those the dry run listed; counts add to what an earlier, interrupted
    run of the job stored.
    """
    from touchbase.listening.services import analysis_request

    rows = IngestJob.objects.filter(pk=job.pk)
    rows.update(status=IngestStatus.RUNNING, updated_at=timezone.now())
    stored_before, duplicates_before = job.stored, job.duplicates
    batches = 0
    statistics_at = STATISTICS_FROM

    def on_batch(progress: Progress) -> None:
        nonlocal batches, statistics_at
        rows.update(
            lines_done=progress.line, stored=stored_before + progress.stored,
            duplicates=duplicates_before + progress.duplicates, updated_at=timezone.now(),
        )  # fmt: skip
        batches += 1
        if progress.stored >= statistics_at:
            statistics_at = 2 * progress.stored
            _statistics_refresh()
        if batches % ANALYSE_EVERY == 0:
            analysis_request(workspace=job.workspace)
        if on_progress:
            on_progress(progress)

    try:
        reading = _reading(raw or io.BytesIO(bytes(job.content)))
        progress = file_ingest(
            source=job.source, reading=reading, start_after=job.lines_done, on_batch=on_batch
        )
    except MentionFileError as error:
        return _fail(job, str(error))
    job.refresh_from_db()
    if not job.errors:
        job.errors, job.error_count = progress.errors, progress.error_count
    job.status = IngestStatus.DONE
    job.finished_at = job.updated_at = timezone.now()
    job.content = b""  # the mentions are the record now; the upload is not kept
    job.save()
    analysis_request(workspace=job.workspace)
    return job


def _fail(job: IngestJob, note: str) -> IngestJob:
    job.status = IngestStatus.FAILED
    job.note = note
    job.finished_at = job.updated_at = timezone.now()
    job.save()
    return job


def ingest_jobs_resume(*, now: dt.datetime | None = None) -> int:
    """Start again the jobs whose worker stopped mid-way; each goes on after its last batch."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    with scopes_disabled():
        stalled = list(
            IngestJob.objects.filter(
                Q(status=IngestStatus.RUNNING) | Q(status=IngestStatus.QUEUED),
                updated_at__lt=cutoff,
            ).exclude(content=b"")[:20]
        )
        for job in stalled:
            job.updated_at = timezone.now()
            job.save(update_fields=["updated_at"])
            _enqueue("run", job)
    return len(stalled)
