"""When the rules run: after analysis batches (one request at a time) and on every tick."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.listening.analysis import Reading
from touchbase.listening.choices import AlertKind
from touchbase.listening.models import Alert, ListeningSettings, Mention
from touchbase.listening.rules import rules_request, rules_schedule
from touchbase.listening.services import listening_settings_save
from touchbase.listening.tasks import listening_rules_task
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.listening.understanding import mentions_analyse

pytestmark = pytest.mark.django_db


class GrumpyAnalyser:
    """Reads every text as a one-star complaint: the rules, not the analyser, are under test."""

    def read(self, texts):
        return [Reading(language="de", sentiment="negative", score=-0.9, stars=1.0) for _ in texts]


@pytest.fixture
def grumpy(monkeypatch):
    monkeypatch.setenv(
        "TOUCHBASE_SENTIMENT_ANALYSER", "touchbase.listening.tests.test_rules.GrumpyAnalyser"
    )


def queued(name: str) -> int:
    return DBTaskResult.objects.filter(task_path=f"touchbase.listening.tasks.{name}").count()


def test_an_analysis_batch_asks_once_for_the_rules_which_then_propose_removal(
    workspace, grumpy, django_capture_on_commit_callbacks
):
    # given three unread complaints about Aurora, and a workspace that needs three ratings
    aurora = product_save(product=Product(workspace=workspace, name="Aurora"))
    listening_settings_save(workspace=workspace, removal_min_ratings=3)
    source = source_make(workspace)
    for number in range(3):
        mention_make(source, f"Beschwerde {number}: die Aurora ist leider schon wieder kaputt.")
    # when the worker reads them, in two batches
    with django_capture_on_commit_callbacks(execute=True):
        assert mentions_analyse(workspace_id=workspace.pk, limit=2) == 2
        assert mentions_analyse(workspace_id=workspace.pk) == 1
    # then one run of the rules is asked for, not one per batch
    assert ListeningSettings.objects.get(workspace=workspace).rules_requested_at is not None
    assert queued("listening_rules_task") == 1
    assert Mention.objects.filter(mentionproduct__product=aurora).count() == 3
    # and when the worker runs it, the product is proposed for removal
    assert listening_rules_task.call(workspace_id=workspace.pk) == {
        "proposed": 1, "flagged": 0, "launch_alerts": 0}  # fmt: skip
    aurora.refresh_from_db()
    assert aurora.status == ProductStatus.PROPOSED_FOR_REMOVAL
    assert Alert.objects.get().kind == AlertKind.REMOVAL_PROPOSED
    assert ListeningSettings.objects.get(workspace=workspace).rules_requested_at is None


def test_a_waiting_request_is_not_asked_for_again(workspace, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert rules_request(workspace=workspace) is True
        assert rules_request(workspace=workspace) is False
    assert queued("listening_rules_task") == 1


def test_the_scheduler_runs_the_ratings_rules_hourly_and_live_launches_every_tick(
    workspace, other_workspace
):
    now = timezone.now()
    product_save(product=Product(workspace=workspace, name="Aurora"))
    product_save(product=Product(workspace=other_workspace, name="Neu",
                                 launched_at=now - dt.timedelta(hours=2)))  # fmt: skip
    # the first tick: both workspaces' rules are due (the launch is checked with them)
    assert rules_schedule(now) == 2
    assert (queued("listening_rules_task"), queued("launch_alerts_task")) == (2, 0)
    # the next tick: the rules are waiting; only the live launch is checked again
    for settings in ListeningSettings.objects.all():
        settings.rules_requested_at = None
        settings.save()
    assert rules_schedule(now + dt.timedelta(minutes=1)) == 1
    assert (queued("listening_rules_task"), queued("launch_alerts_task")) == (2, 1)
    # an hour later the rules are due again
    assert rules_schedule(now + dt.timedelta(minutes=61)) == 2
    assert queued("listening_rules_task") == 4


def test_a_request_whose_task_got_lost_is_asked_again(workspace):
    product_save(product=Product(workspace=workspace, name="Aurora"))
    now = timezone.now()
    ListeningSettings.objects.create(workspace=workspace, rules_checked_at=now,
                                     rules_requested_at=now)  # fmt: skip
    assert rules_schedule(now + dt.timedelta(minutes=5)) == 0
    assert rules_schedule(now + dt.timedelta(minutes=11)) == 1
    assert queued("listening_rules_task") == 1
