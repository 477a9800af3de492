from __future__ import annotations

import random

import pytest
from django.utils import timezone

from touchbase.core import registry
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.publishing import selectors, services
from touchbase.publishing.choices import CommentState, DraftState, Operation, Verdict
from touchbase.publishing.demo import POSTS, SHOWN, SOCIAL_URL, TOPICS, WAITING, demo_publishing
from touchbase.publishing.models import (
    AuditEntry,
    Channel,
    ChannelPublication,
    Draft,
    NewsComment,
    Review,
    SensitiveTopic,
)

TEAM = [("helena", Role.OWNER), ("markus", Role.LEADER), ("joseph", Role.LEADER),
        ("anna", Role.STAFF), ("luca", Role.STAFF), ("sophie", Role.STAFF)]  # fmt: skip


@pytest.fixture
def demo_workspace(workspace):
    team = {
        username: member_add(
            workspace=workspace,
            username=username,
            password=None,
            role=role,
            first_name=username.title(),
        )  # fmt: skip
        for username, role in TEAM
    }
    demo_publishing(workspace=workspace, team=team, rng=random.Random(7))
    return workspace


def test_the_publishing_step_runs_late_in_the_demo():
    steps = {step.name: step.order for step in registry.demo_steps}

    assert steps["publishing"] == 170


def test_the_demo_loads_the_channels_and_the_sensitive_topics(demo_workspace):
    keys = set(Channel.objects.filter(workspace=demo_workspace).values_list("key", flat=True))
    topics = SensitiveTopic.objects.filter(workspace=demo_workspace)

    assert {"blog", "website", "social", "newsletter", "press"} <= keys
    assert Channel.objects.get(workspace=demo_workspace, name="Fachhändler-Portal").risk == 2
    assert sorted(topics.values_list("phrase", flat=True)) == sorted(TOPICS)


def test_the_news_page_shows_the_published_posts_newest_first(demo_workspace):
    posts, more = selectors.news_posts(workspace=demo_workspace)

    assert [post.public_title for post in posts] == [title for _d, _a, title, _b, _t in POSTS][::-1]
    assert more is False
    assert all(post.published_at < timezone.now() for post in posts)
    assert ["produkte", "Produkte"] in posts[0].public_tags
    assert len(selectors.feed_posts(workspace=demo_workspace)) == len(POSTS)


def test_every_published_post_was_approved_by_two_colleagues_before_it_went_out(demo_workspace):
    for post in Draft.objects.filter(workspace=demo_workspace, on_news=True):
        reviews = Review.objects.filter(draft=post)
        published = AuditEntry.objects.get(draft=post, action="published")

        assert post.state == DraftState.PUBLISHED
        assert reviews.count() == 2
        assert {review.verdict for review in reviews} == {Verdict.APPROVED}
        assert post.author_id not in {review.reviewer_id for review in reviews}
        assert all(review.created_at < published.at for review in reviews)
        assert published.at == post.published_at
        assert post.created_at < post.published_at


def test_three_drafts_wait_in_review_each_for_its_own_reason(demo_workspace):
    in_review = Draft.objects.filter(workspace=demo_workspace, state=DraftState.IN_REVIEW)
    status = {draft.title: services.publish_check(draft=draft) for draft in in_review}
    half, sent_back, sensitive = (
        status["Aurora Pro: der Wasserkocher für Hotel und Gastronomie"],
        status["Unsere Service-Zeiten zwischen den Jahren"],
        status["Neue Preise für Ersatzteile ab dem 1. Februar"],
    )

    assert len(status) == 3
    assert (half.required, [u.username for u in half.approved_by], half.missing) == (
        2, ["markus"], 1,
    )  # fmt: skip
    assert [user.username for user in sent_back.changes_by] == ["anna"]
    assert sent_back.can_publish is False
    assert sensitive.required == 1
    assert "Preiserhöhung" in sensitive.reasons[-1]


def test_next_weeks_post_is_scheduled(demo_workspace):
    scheduled = Draft.objects.get(workspace=demo_workspace, state=DraftState.SCHEDULED)

    assert 1 <= (scheduled.planned_at - timezone.now()).days <= 8
    assert scheduled.on_news is False
    assert services.publish_check(draft=scheduled).missing == 0


def test_the_social_post_is_marked_with_its_address(demo_workspace):
    publication = ChannelPublication.objects.get(workspace=demo_workspace)

    assert publication.channel.key == "social"
    assert publication.url == SOCIAL_URL
    assert publication.published_by.username == "sophie"
    assert publication.draft.state == DraftState.PUBLISHED
    assert publication.draft.on_news is False


def test_comments_are_shown_answered_and_waiting(demo_workspace):
    comments = NewsComment.objects.filter(workspace=demo_workspace)
    waiting = selectors.comments_waiting(workspace=demo_workspace)
    replies = comments.filter(member__isnull=False)

    assert sorted(c.text for c in waiting) == sorted(text for _title, _n, text in WAITING)
    assert comments.filter(state=CommentState.SHOWN, visitor__isnull=False).count() == len(SHOWN)
    assert comments.filter(state=CommentState.REJECTED).count() == 1
    assert replies.count() == 3
    assert all(reply.reply_to.state == CommentState.SHOWN for reply in replies)
    assert all(c.visitor.is_confirmed for c in comments.filter(visitor__isnull=False))
    assert all(c.created_at > c.draft.published_at for c in comments)
    assert {c.visitor.email.rsplit("@", 1)[1] for c in comments.exclude(visitor=None)} <= {
        "example.com", "example.org", "example.net",
    }  # fmt: skip


def test_the_reachability_notice_is_filled_in_and_was_reviewed_a_week_ago(demo_workspace):
    notice = services.notice_get(workspace=demo_workspace)

    assert notice.reach.startswith("Telefon: +49 89 99998 210")
    assert notice.operation == Operation.REGULAR
    assert notice.booking_url == "https://pollux.example/termin"
    assert notice.reviewed_by.username == "helena"
    assert (timezone.now() - notice.reviewed_at).days == 7
    assert services.notice_is_old(notice) is False


def test_running_the_step_again_adds_nothing(demo_workspace):
    counts = (Draft.objects.count(), NewsComment.objects.count(), Channel.objects.count(),
              SensitiveTopic.objects.count())  # fmt: skip

    demo_publishing(workspace=demo_workspace, team={}, rng=random.Random(7))

    assert (Draft.objects.count(), NewsComment.objects.count(), Channel.objects.count(),
            SensitiveTopic.objects.count()) == counts  # fmt: skip


def test_the_demo_queues_no_mail_for_its_invented_history(
    workspace, django_capture_on_commit_callbacks
):
    team = {
        name: member_add(workspace=workspace, username=name, password=None, role=role)
        for name, role in TEAM
    }
    with django_capture_on_commit_callbacks() as callbacks:
        demo_publishing(workspace=workspace, team=team, rng=random.Random(7))
    assert Draft.objects.filter(workspace=workspace).count() > 10
    assert callbacks == []
