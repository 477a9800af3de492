"""Background tasks of the relationships app: ids in, reload, call the service."""

from __future__ import annotations

from django.tasks import task

from touchbase.core.models import Membership
from touchbase.core.tenancy import workspace_scope
from touchbase.relationships.digest import digest_send


@task()
def digest_send_task(membership_id: int) -> bool:
    """Send one member's digest; a member who left meanwhile gets nothing."""
    membership = (
        Membership.objects.select_related("user", "workspace").filter(pk=membership_id).first()
    )
    if membership is None:
        return False
    with workspace_scope(membership.workspace):
        return digest_send(membership=membership)
