"""Import jobs: the browser's, the API's and the CLI's way through dry run and confirmation."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.models import User, Workspace
from touchbase.imports.models import ImportJob
from touchbase.imports.planner import import_plan
from touchbase.imports.writer import import_apply

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def upload_size_check(*, size: int) -> None:
    """Refuse an upload over 50 MB, naming the file field (the form, the API: 422)."""
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError({"file": _("The file is larger than 50 MB.")})


def import_job_create(
    *, workspace: Workspace, by: User | None, filename: str, data: bytes
) -> ImportJob:
    """Store the upload and its dry-run report; nothing else is written."""
    upload_size_check(size=len(data))
    plan = import_plan(workspace=workspace, data=data, filename=filename)
    return ImportJob.objects.create(
        workspace=workspace, created_by=by, filename=filename[:255], content=data,
        mapping=plan.mapping, report=plan.summary(),
    )  # fmt: skip


def import_job_remap(*, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    """Check the file again with the user's column mapping."""
    _require_planned(job)
    plan = import_plan(
        workspace=job.workspace, data=bytes(job.content), filename=job.filename, mapping=mapping
    )
    job.mapping, job.report = plan.mapping, plan.summary()
    job.save(update_fields=["mapping", "report"])
    return job


@transaction.atomic
def import_job_run(
    *, job: ImportJob, by: User | None, progress: Callable[[int], None] | None = None
) -> ImportJob:
    """Plan again against today's data and import all rows, or none when any row is bad."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    _require_planned(job)
    plan = import_plan(
        workspace=job.workspace, data=bytes(job.content), filename=job.filename,
        mapping=job.mapping,
    )  # fmt: skip
    job.report = plan.summary()
    if not plan.is_valid:
        job.save(update_fields=["report"])
        raise ValidationError(_("The file has errors; nothing was imported."))
    result = import_apply(workspace=job.workspace, plan=plan, by=by, progress=progress)
    job.result = vars(result)
    job.status = ImportJob.Status.IMPORTED
    job.imported_at = timezone.now()
    job.content = b""
    job.save()
    return job


def _require_planned(job: ImportJob) -> None:
    if job.status != ImportJob.Status.PLANNED:
        raise ValidationError(_("This file was imported already."))
