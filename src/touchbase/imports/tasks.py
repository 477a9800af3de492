"""Background tasks of imports: ids in, reload in the workspace's scope, call the service."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation

from touchbase.core.models import User
from touchbase.core.tenancy import workspace_scope
from touchbase.imports import services
from touchbase.imports.models import ImportJob


@task()
def import_check_task(workspace_id: int, job_id: int, language: str) -> str:
    """The dry run of an uploaded file, in the language of whoever asked for it."""
    with workspace_scope(workspace_id), translation.override(language):
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None:
            return "gone"
        return services.import_job_check(job=job).status


@task()
def import_run_task(workspace_id: int, job_id: int, by_id: int | None, language: str) -> str:
    """The confirmed import of a checked file; new contacts belong to whoever confirmed."""
    with workspace_scope(workspace_id), translation.override(language):
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is None:
            return "gone"
        by = User.objects.filter(pk=by_id).first() if by_id else None
        return services.import_job_run(job=job, by=by).status
