"""Background tasks of the platform: ids in, reload, call the service."""

from __future__ import annotations

from django.tasks import task

from touchbase.core.tenancy import workspace_scope
from touchbase.core.webhooks import webhook_delivery_attempt


@task()
def webhook_delivery_task(*, workspace_id: int, delivery_id: int, attempts: int) -> str:
    """Make one attempt of a webhook delivery; a duplicate or settled one is skipped."""
    with workspace_scope(workspace_id):
        delivery = webhook_delivery_attempt(delivery_id=delivery_id, attempts=attempts)
    return delivery.status if delivery else "skipped"
