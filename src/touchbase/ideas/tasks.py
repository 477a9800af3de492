"""Background tasks of ideas: ids in, reload in the workspace's scope, call the service."""

from __future__ import annotations

from django.tasks import task

from touchbase.core.tenancy import workspace_scope
from touchbase.ideas.mails import idea_mails_send


@task()
def idea_mails_task(*, workspace_id: int) -> int:
    """Send the status and merge mails the workspace owes; returns how many went out."""
    with workspace_scope(workspace_id):
        return idea_mails_send(workspace_id=workspace_id)
