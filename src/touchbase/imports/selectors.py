"""Reads of import jobs beyond one filter: which kept uploads name a person."""

from __future__ import annotations

from touchbase.imports.models import ImportJob
from touchbase.imports.readers import file_names_person
from touchbase.relationships.models import Contact

Status = ImportJob.Status


def import_jobs_naming(*, contact: Contact) -> list[ImportJob]:
    """The workspace's imports whose kept upload has a row naming this person.

    Each file is read one at a time, within the readers' limits; kept uploads are few, as
    they expire after seven days.
    """
    jobs = (
        ImportJob.objects.filter(workspace_id=contact.workspace_id)
        .exclude(status__in=(Status.IMPORTED, Status.EXPIRED))
        .defer("content", "error_rows")
        .order_by("created_at", "id")
    )
    return [
        job
        for job in jobs
        if file_names_person(
            bytes(ImportJob.objects.values_list("content", flat=True).get(pk=job.pk)),
            job.filename,
            email=contact.email,
            first_name=contact.first_name,
            last_name=contact.last_name,
        )  # fmt: skip
    ]


def imported_error_rows_naming(*, contact: Contact) -> list[ImportJob]:
    """The workspace's finished imports whose left-out rows (kept for download) name them."""
    jobs = (
        ImportJob.objects.filter(workspace_id=contact.workspace_id, status=Status.IMPORTED)
        .exclude(error_rows=b"")
        .only("id")
    )
    return [
        job
        for job in jobs
        if file_names_person(
            bytes(ImportJob.objects.values_list("error_rows", flat=True).get(pk=job.pk)),
            "errors.csv",
            email=contact.email,
            first_name=contact.first_name,
            last_name=contact.last_name,
        )  # fmt: skip
    ]
