"""What imports hold on one person, for the personal-data export and erasure in care."""

from __future__ import annotations

from typing import Any

from touchbase.imports import selectors, services
from touchbase.relationships.models import Contact


def pending_imports_export(contact: Contact) -> list[dict[str, Any]]:
    """The kept uploads that name the person: which file, when, and how far it got."""
    return [
        {
            "import": job.pk,
            "file": job.filename,
            "uploaded_at": job.created_at.isoformat(),
            "status": job.status,
        }
        for job in selectors.import_jobs_naming(contact=contact)
    ]


def pending_imports_erase(contact: Contact) -> None:
    """Delete the kept uploads that name the person."""
    services.import_jobs_erase_person(contact=contact)
