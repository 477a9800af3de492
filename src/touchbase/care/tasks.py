"""Background tasks of data care: ids in, reload in the workspace's scope, call the service."""

from __future__ import annotations

from django.tasks import task

from touchbase.care import services
from touchbase.care.models import DuplicateScan
from touchbase.core.tenancy import workspace_scope


@task()
def duplicate_scan_task(workspace_id: int, scan_id: int) -> str:
    """Look for duplicate contacts and accounts in one workspace; a scan run twice runs once."""
    with workspace_scope(workspace_id):
        scan = DuplicateScan.objects.filter(pk=scan_id).first()
        if scan is None:
            return "gone"
        return services.duplicate_scan_run(scan=scan).status
