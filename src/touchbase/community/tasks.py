"""Background tasks of community help: ids in, reload in the workspace's scope, call a service."""

from __future__ import annotations

from django.tasks import task

from touchbase.community.mails import community_mails_send
from touchbase.core.tenancy import workspace_scope


@task()
def community_mails_task(*, workspace_id: int) -> int:
    """Send the community mails the workspace owes; returns how many went out."""
    with workspace_scope(workspace_id):
        return community_mails_send(workspace_id=workspace_id)
