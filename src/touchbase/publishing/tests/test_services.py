from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from touchbase.core.models import Membership
from touchbase.publishing import services
from touchbase.publishing.choices import AuditAction, DraftState, Verdict
from touchbase.publishing.models import AuditEntry, ChannelPublication, Draft
from touchbase.publishing.tests.conftest import approve

pytestmark = pytest.mark.django_db


def test_a_draft_needs_the_reviewers_its_riskiest_channel_asks_for(post_draft):
    status = services.publish_check(draft=post_draft)
    assert status.required == 2
    assert not status.can_publish


def test_two_distinct_approvals_of_this_version_allow_publication(post_draft, bob, dana):
    approve(post_draft, bob, dana)
    draft = services.draft_publish(draft=post_draft, actor=post_draft.author)
    assert draft.state == DraftState.PUBLISHED
    assert draft.on_news
    assert "<strong>Monday</strong>" in draft.public_html
    press = ChannelPublication.objects.get(draft=draft)
    assert press.channel_name == "Press"
    assert press.published_at is None


def test_publication_without_enough_approvals_is_refused(post_draft, bob, dana):
    approve(post_draft, bob)
    with pytest.raises(services.PublishingError, match="1 more approval"):
        services.draft_publish(draft=post_draft, actor=post_draft.author)
    assert not Draft.objects.get(pk=post_draft.pk).on_news


def test_the_author_cannot_approve_their_own_draft(post_draft, alice):
    with pytest.raises(services.PublishingError, match="own draft"):
        approve(post_draft, alice)


def test_one_reviewer_counts_once(post_draft, bob):
    approve(post_draft, bob)
    with pytest.raises(services.PublishingError, match="already"):
        approve(post_draft, bob)
    assert services.publish_check(draft=post_draft).missing == 1


def test_a_new_version_resets_the_approvals(post_draft, alice, bob, dana, blog, press):
    approve(post_draft, bob, dana)
    services.draft_update(draft=post_draft, actor=alice, title=post_draft.title,
                          body="From Tuesday we open at 8.", channels=[blog, press])  # fmt: skip
    post_draft.refresh_from_db()
    assert post_draft.version == 2
    assert services.publish_check(draft=post_draft).approved_by == []
    with pytest.raises(services.PublishingError, match="outdated"):
        services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict="approved")


def test_saving_the_same_text_keeps_the_version(post_draft, alice, bob, blog, press):
    approve(post_draft, bob)
    services.draft_update(
        draft=post_draft,
        actor=alice,
        title=post_draft.title,
        body=post_draft.body,
        channels=[blog, press],
        tags=["Service"],
    )
    post_draft.refresh_from_db()
    assert post_draft.version == 1
    assert len(services.publish_check(draft=post_draft).approved_by) == 1


def test_a_member_removed_mid_review_takes_their_approval_along(post_draft, bob, dana):
    approve(post_draft, bob, dana)
    Membership.objects.filter(user=dana).delete()
    status = services.publish_check(draft=post_draft)
    assert [u.username for u in status.approved_by] == ["bob"]
    assert not status.can_publish


def test_too_few_eligible_reviewers_are_named_plainly(workspace, alice, bob, press, blog):
    draft = services.draft_create(workspace=workspace, author=alice, title="Hi",
                                  channels=[press])  # fmt: skip
    status = services.publish_check(draft=draft)
    assert status.eligible == 1
    assert any("only 1 other member may review" in p for p in status.problems)


def test_changes_requested_block_the_version_until_a_new_one(post_draft, bob, dana):
    services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict=Verdict.CHANGES,
                           comment="Say which Monday.")  # fmt: skip
    approve(post_draft, dana)
    status = services.publish_check(draft=post_draft)
    assert any("asked for changes" in p for p in status.problems)


def test_asking_for_changes_needs_a_comment(post_draft, bob):
    with pytest.raises(ValidationError):
        services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict=Verdict.CHANGES)


def test_a_planned_draft_is_scheduled_and_published_by_the_worker(post_draft, alice, bob, dana):
    import datetime as dt

    from django.utils import timezone

    later = timezone.now() + dt.timedelta(hours=2)
    Draft.objects.filter(pk=post_draft.pk).update(planned_at=later)
    approve(post_draft, bob, dana)
    assert services.draft_publish(draft=post_draft, actor=alice).state == DraftState.SCHEDULED
    assert services.scheduled_publish_due() == 0
    assert services.scheduled_publish_due(now=later + dt.timedelta(minutes=1)) == 1
    assert Draft.objects.get(pk=post_draft.pk).on_news


def test_a_scheduled_draft_that_lost_an_approval_is_held(post_draft, alice, bob, dana):
    import datetime as dt

    from django.utils import timezone

    later = timezone.now() + dt.timedelta(hours=2)
    Draft.objects.filter(pk=post_draft.pk).update(planned_at=later)
    approve(post_draft, bob, dana)
    services.draft_publish(draft=post_draft, actor=alice)
    Membership.objects.filter(user=bob).delete()
    assert services.scheduled_publish_due(now=later) == 0
    draft = Draft.objects.get(pk=post_draft.pk)
    assert draft.state == DraftState.IN_REVIEW
    assert not draft.on_news
    assert AuditEntry.objects.filter(draft=draft, action=AuditAction.HELD).exists()


def test_the_audit_trail_records_every_step(post_draft, alice, bob, dana):
    services.review_request(draft=post_draft, actor=alice, reviewers=[bob, dana])
    approve(post_draft, bob, dana)
    services.draft_publish(draft=post_draft, actor=alice)
    actions = list(AuditEntry.objects.filter(draft=post_draft).values_list("action", flat=True))
    assert actions == ["created", "review_requested", "approved", "approved", "published"]


def test_the_author_cannot_be_asked_to_review(post_draft, alice):
    with pytest.raises(ValidationError):
        services.review_request(draft=post_draft, actor=alice, reviewers=[alice])


def test_a_sensitive_topic_in_an_inflected_form_adds_a_reviewer(workspace, alice, blog):
    services.topic_add(workspace=workspace, phrase="Preiserhöhung")
    draft = services.draft_create(
        workspace=workspace,
        author=alice,
        title="Neuigkeiten",
        body="Leider kommen Preiserhöhungen.",
        channels=[blog],
    )
    status = services.publish_check(draft=draft)
    assert status.required == 1
    assert "Preiserhöhung" in status.reasons[-1]
