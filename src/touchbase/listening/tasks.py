"""Background tasks of listening: ids in, reload in the workspace's scope, call the service."""

from __future__ import annotations

from django.tasks import task
from django.utils import translation

from touchbase.core.models import Workspace
from touchbase.core.tenancy import workspace_scope
from touchbase.listening import alerting, feeds, invitations, jobs
from touchbase.listening.launches import launch_alerts_check
from touchbase.listening.models import IngestJob, Source
from touchbase.listening.rules import rules_run
from touchbase.listening.understanding import mentions_analyse


@task()
def mentions_analyse_task(*, workspace_id: int) -> int:
    """Read every mention of the workspace not read yet; returns how many."""
    return mentions_analyse(workspace_id=workspace_id)


@task()
def ingest_check_task(*, workspace_id: int, job_id: int, language: str) -> str:
    """The dry run of an uploaded file, in the language of whoever uploaded it."""
    with workspace_scope(workspace_id), translation.override(language):
        job = IngestJob.objects.filter(pk=job_id).first()
        return jobs.ingest_job_check(job=job).status if job else "gone"


@task()
def ingest_run_task(*, workspace_id: int, job_id: int, language: str) -> str:
    """Store a checked file's mentions; a job run again goes on after its last batch."""
    with workspace_scope(workspace_id), translation.override(language):
        job = IngestJob.objects.filter(pk=job_id).first()
        return jobs.ingest_job_run(job=job).status if job else "gone"


@task()
def feed_poll_task(*, workspace_id: int, source_id: int) -> str:
    """Poll one feed source: fetch, store its new entries, record how it went."""
    with workspace_scope(workspace_id):
        source = Source.objects.filter(pk=source_id).select_related("workspace").first()
        return feeds.feed_poll(source=source).outcome if source else "gone"


@task()
def invitation_send_task(*, workspace_id: int, invitation_id: int) -> str:
    """Send one review invitation; a duplicate, answered or skipped one is left alone."""
    with workspace_scope(workspace_id):
        invitation = invitations.invitation_send(invitation_id=invitation_id)
    return invitation.status if invitation else "skipped"


@task()
def alert_mail_task(*, workspace_id: int, alert_id: int) -> str:
    """E-mail one alert to the workspace's alert addresses."""
    with workspace_scope(workspace_id):
        alert = alerting.alert_mail(alert_id=alert_id)
    if alert is None:
        return "skipped"
    return "sent" if alert.emailed_at else "failed"


@task()
def listening_rules_task(*, workspace_id: int) -> dict[str, int]:
    """Apply the ratings rules and check live launches (rules.rules_run)."""
    with workspace_scope(workspace_id):
        workspace = Workspace.objects.filter(pk=workspace_id).first()
        return rules_run(workspace=workspace) if workspace else {}


@task()
def launch_alerts_task(*, workspace_id: int) -> int:
    """Check the workspace's live launches for a negative surge; returns alerts raised."""
    with workspace_scope(workspace_id):
        workspace = Workspace.objects.filter(pk=workspace_id).first()
        return len(launch_alerts_check(workspace=workspace)) if workspace else 0
