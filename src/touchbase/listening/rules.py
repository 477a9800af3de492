"""When the ratings and launch rules run: after analysis batches, and on the scheduler's tick.

After a batch the worker asks for one run of the workspace's rules; while a request waits,
further batches ask for nothing more (`rules_requested_at`), so a million mentions analysed in
a thousand batches cost a handful of runs. On every tick the scheduler checks live launches
(their window moves with the clock) and, hourly, the ratings rules (the 30-day flag moves with
the clock too), and it asks again for a request a lost task left waiting.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.core.tenancy import scopes_disabled
from touchbase.listening.launches import HOUR, LAUNCH_HOURS, launch_alerts_check
from touchbase.listening.models import ListeningSettings
from touchbase.listening.ratings import ratings_rules_apply
from touchbase.listening.services import listening_settings

RULES_EVERY = dt.timedelta(hours=1)
# A request older than this lost its task (a worker died): the scheduler asks again.
REQUEST_LOST_AFTER = dt.timedelta(minutes=10)


def rules_request(*, workspace: Workspace) -> bool:
    """Ask the worker to apply the rules soon; False when a request is waiting already."""
    from touchbase.listening.tasks import listening_rules_task

    listening_settings(workspace=workspace)
    asked = ListeningSettings.objects.filter(workspace=workspace, rules_requested_at=None).update(
        rules_requested_at=timezone.now()
    )
    if asked:
        transaction.on_commit(lambda: listening_rules_task.enqueue(workspace_id=workspace.pk))
    return bool(asked)


def rules_run(*, workspace: Workspace, now: dt.datetime | None = None) -> dict[str, int]:
    """Apply the ratings rules and check live launches; counts of what was raised."""
    now = now or timezone.now()
    listening_settings(workspace=workspace)
    # Cleared first: mentions analysed while this runs ask for the next run.
    ListeningSettings.objects.filter(workspace=workspace).update(
        rules_requested_at=None, rules_checked_at=now
    )
    outcome = ratings_rules_apply(workspace=workspace, now=now)
    launches = launch_alerts_check(workspace=workspace, now=now)
    return {"proposed": len(outcome.proposed), "flagged": len(outcome.flagged),
            "launch_alerts": len(launches)}  # fmt: skip


def rules_schedule(now: dt.datetime | None = None) -> int:
    """The periodic job: enqueue what is due; returns how many tasks."""
    from touchbase.listening.tasks import launch_alerts_task, listening_rules_task

    now = now or timezone.now()
    with scopes_disabled():
        due = _rules_due(now)
        live = (
            set(
                Product.objects.filter(
                    launched_at__lte=now, launched_at__gt=now - LAUNCH_HOURS * HOUR
                ).values_list("workspace_id", flat=True)
            )
            - due
        )
        ListeningSettings.objects.filter(workspace_id__in=due).update(
            rules_requested_at=now, rules_checked_at=now
        )
    for workspace_id in sorted(due):
        listening_rules_task.enqueue(workspace_id=workspace_id)
    for workspace_id in sorted(live):
        launch_alerts_task.enqueue(workspace_id=workspace_id)
    return len(due) + len(live)


def _rules_due(now: dt.datetime) -> set[int]:
    """Workspaces with products whose rules did not run for an hour, or whose request is lost."""
    with_products = set(Product.objects.values_list("workspace_id", flat=True).distinct())
    ListeningSettings.objects.bulk_create(
        [ListeningSettings(workspace_id=pk) for pk in with_products], ignore_conflicts=True
    )
    return set(
        ListeningSettings.objects.filter(workspace_id__in=with_products)
        .filter(
            Q(rules_checked_at=None)
            | Q(rules_checked_at__lt=now - RULES_EVERY)
            | Q(rules_requested_at__lt=now - REQUEST_LOST_AFTER)
        )
        .values_list("workspace_id", flat=True)
    )
