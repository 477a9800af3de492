"""Two reviewers at once, an approval racing an edit, and the mails reviewers and authors get."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from touchbase.core.tenancy import workspace_scope
from touchbase.publishing import services
from touchbase.publishing.choices import Verdict
from touchbase.publishing.models import ReachabilityNotice, Review
from touchbase.publishing.tests.conftest import approve


def _at_once(*calls) -> list[Exception]:
    barrier, errors = threading.Barrier(len(calls)), []

    def run(call) -> None:
        try:
            barrier.wait()
            call()
        except Exception as error:  # noqa: BLE001 - the test inspects what escaped
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def _skip_on_sqlite() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs concurrent transactions")


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_approving_at_the_same_moment_both_count(post_draft, bob, dana):
    _skip_on_sqlite()
    workspace = post_draft.workspace

    def review(user):
        def call():
            with workspace_scope(workspace):
                services.review_submit(draft=post_draft, reviewer=user, version=1,
                                       verdict=Verdict.APPROVED)  # fmt: skip

        return call

    assert _at_once(review(bob), review(dana)) == []
    status = services.publish_check(draft=post_draft)
    assert sorted(u.username for u in status.approved_by) == ["bob", "dana"]
    assert status.can_publish


@pytest.mark.django_db(transaction=True)
def test_one_reviewer_clicking_twice_at_once_counts_once(post_draft, bob):
    _skip_on_sqlite()
    workspace = post_draft.workspace

    def call():
        with workspace_scope(workspace):
            services.review_submit(draft=post_draft, reviewer=bob, version=1,
                                   verdict=Verdict.APPROVED)  # fmt: skip

    errors = _at_once(call, call, call)
    assert len(errors) == 2
    assert all(isinstance(e, services.PublishingError) for e in errors)
    assert Review.objects.filter(reviewer=bob).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_approval_racing_an_edit_never_counts_for_the_new_version(
    post_draft, alice, bob, dana, blog, press
):
    _skip_on_sqlite()
    workspace = post_draft.workspace
    approve(post_draft, dana)

    def edit():
        with workspace_scope(workspace):
            services.draft_update(draft=post_draft, actor=alice, title="Changed",
                                  body="Other text", channels=[blog, press])  # fmt: skip

    def review():
        with workspace_scope(workspace):
            services.review_submit(draft=post_draft, reviewer=bob, version=1,
                                   verdict=Verdict.APPROVED)  # fmt: skip

    _at_once(edit, review)
    post_draft.refresh_from_db()
    assert post_draft.version == 2
    assert services.publish_check(draft=post_draft).approved_by == []


def _work() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_reviewers_are_mailed_and_the_author_hears_the_verdict(smtp, post_draft, alice, bob):
    services.review_request(draft=post_draft, actor=alice, reviewers=[bob])
    _work()
    assert [m["To"] for m in smtp.messages] == ["bob@pollux.example"]
    assert "New opening hours" in smtp.messages[0]["Subject"]
    assert f"/publishing/{post_draft.pk}/" in smtp.messages[0].get_body(("plain",)).get_content()
    services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict=Verdict.CHANGES,
                           comment="Which Monday?")  # fmt: skip
    _work()
    verdict = smtp.messages[1]
    assert verdict["To"] == "alice@pollux.example"
    assert "Which Monday?" in verdict.get_body(("plain",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_a_new_version_is_announced_to_the_reviewers_asked(smtp, post_draft, alice, bob, blog):
    services.review_request(draft=post_draft, actor=alice, reviewers=[bob])
    _work()
    services.draft_update(draft=post_draft, actor=alice, title="Neu", body="x", channels=[blog])
    _work()
    assert len(smtp.messages) == 2
    assert "version 2" in smtp.messages[1]["Subject"].lower()


@pytest.mark.django_db(transaction=True)
def test_an_old_notice_reminds_the_leaders_once(smtp, workspace, alice, bob):
    notice = services.notice_update(workspace=workspace, actor=alice, reach="Tel. 089 1234")
    later = timezone.now() + dt.timedelta(days=notice.review_every_days + 1)
    assert services.notice_reminders_due() == 0
    assert services.notice_reminders_due(now=later) == 1
    assert services.notice_reminders_due(now=later) == 0
    _work()
    assert [m["To"] for m in smtp.messages] == ["alice@pollux.example"]
    services.notice_confirm(workspace=workspace, actor=alice)
    assert ReachabilityNotice.objects.get(workspace=workspace).reminded_at is None
