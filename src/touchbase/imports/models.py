"""Uploaded customer files and their dry-run reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import Workspace
from touchbase.core.tenancy import WorkspaceOwned


class ImportJob(WorkspaceOwned):
    """An uploaded customer file, its column mapping and the dry-run or import report.

    The worker checks and imports it; status and progress let the page and the API follow.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be checked")
        CHECKING = "checking", _("Being checked")
        PLANNED = "planned", _("Checked, not imported")
        IMPORTING = "importing", _("Being imported")
        IMPORTED = "imported", _("Imported")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    content = models.BinaryField()
    mapping = models.JSONField(default=dict)
    report = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Rows of the file checked so far, of how many; written by the worker as it goes.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # Why the job ended as it did, for the user: a failure, errors found at import, expiry.
    note = models.TextField(blank=True)
    # The user chose to import without the rows that have errors.
    skip_errors = models.BooleanField(default=False)
    # Those rows as the file has them, with their reasons: a CSV for the user to fix them.
    error_rows = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "relationships_importjob"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_running(self) -> bool:
        """Waiting for the worker or in its hands: the page keeps polling."""
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.IMPORTING)
