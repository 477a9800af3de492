"""Background work of publishing: ids in, reload in the workspace's scope, send."""

from __future__ import annotations

import datetime as dt

from django.tasks import task

from touchbase.core.tenancy import workspace_scope
from touchbase.publishing import audit
from touchbase.publishing.mails import publishing_mail_send
from touchbase.publishing.models_reach import Presence


@task()
def publishing_mail_task(
    *, kind: str, workspace_id: int, draft_id: int | None, user_ids: list[int],
    review_id: int | None = None,
) -> int:  # fmt: skip
    """Send one kind of mail about a draft (or the notice) to members; returns how many."""
    with workspace_scope(workspace_id):
        return publishing_mail_send(kind=kind, workspace_id=workspace_id, draft_id=draft_id,
                                    user_ids=user_ids, review_id=review_id)  # fmt: skip


@task()
def presence_audit_task(*, workspace_id: int, presence_id: int, claimed_at: str) -> str:
    """Check one presence the scheduler claimed; returns the outcome, "done" or "gone".

    A check made since the claim (a retried task, a "check now" meanwhile) is not made twice.
    """
    with workspace_scope(workspace_id):
        presence = Presence.objects.filter(pk=presence_id, workspace_id=workspace_id).first()
        if presence is None:
            return "gone"
        claimed = dt.datetime.fromisoformat(claimed_at)
        if presence.last_checked_at is not None and presence.last_checked_at >= claimed:
            return "done"
        try:
            return str(audit.presence_audit(presence).outcome)
        except Presence.DoesNotExist:
            return "gone"


@task()
def presence_mail_task(*, workspace_id: int, check_id: int, user_ids: list[int]) -> int:
    """Tell members what changed at a presence; returns how many mails went out."""
    with workspace_scope(workspace_id):
        return audit.presence_mail_send(
            workspace_id=workspace_id, check_id=check_id, user_ids=user_ids
        )
