"""What review and a probe of the public pages found: each case here once went wrong."""

from __future__ import annotations

import datetime as dt
import io

import feedparser
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from touchbase.core.choices import Role
from touchbase.core.models import Membership
from touchbase.core.services import api_token_create, member_add
from touchbase.publishing import outputs, services
from touchbase.publishing.choices import CommentState, DraftState
from touchbase.publishing.models import Draft, NewsComment
from touchbase.publishing.tests.conftest import approve
from touchbase.testing import bearer
from touchbase.visitors import services as visitors

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def png(name: str, colour=(200, 30, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def news_url(workspace, name="publishing:news", *args):
    return reverse(name, args=[workspace.slug, *args])


def test_a_reviewer_who_changed_the_draft_cannot_approve_it(post_draft, bob, dana, blog, press):
    services.draft_update(draft=post_draft, actor=bob, title=post_draft.title,
                          body="From Monday we open at 7.", channels=[blog, press])  # fmt: skip
    post_draft.refresh_from_db()
    assert bob not in services.eligible_reviewers(draft=post_draft)
    with pytest.raises(services.PublishingError, match="changed this draft"):
        approve(post_draft, bob)
    status = services.publish_check(draft=post_draft)
    # Alice wrote it, Bob changed it: only Dana is left, and two are needed.
    assert status.eligible == 1
    assert "only 1 other member" in " ".join(status.problems)


def test_a_writer_may_review_again_once_their_words_are_published(
    workspace, alice, bob, dana, blog
):
    draft = services.draft_create(workspace=workspace, author=alice, title="Hours",
                                  body="Open at 8.", channels=[blog])  # fmt: skip
    services.draft_update(draft=draft, actor=bob, title="Hours", body="Open at 9.",
                          channels=[blog])  # fmt: skip
    draft.refresh_from_db()
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    services.draft_update(draft=draft, actor=dana, title="Hours", body="Open at 10.",
                          channels=[blog])  # fmt: skip
    draft.refresh_from_db()
    assert set(services.eligible_reviewers(draft=draft)) == {bob}


def test_the_export_of_a_published_draft_is_the_published_version(
    workspace, alice, bob, dana, blog, social
):
    draft = services.draft_create(workspace=workspace, author=alice, title="Sale",
                                  body="Everything **half** price.",
                                  channels=[blog, social])  # fmt: skip
    before = outputs.channel_export(draft=draft, channel=social)
    assert before.preview
    assert before.version == 1
    approve(draft, bob)
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    services.draft_update(draft=draft, actor=alice, title="Sale ends",
                          body="Nothing is cheap any more.", channels=[blog, social])  # fmt: skip
    draft.refresh_from_db()
    export = outputs.channel_export(draft=draft, channel=social)
    assert not export.preview
    assert export.version == 1
    assert export.text == "Sale\n\nEverything half price."


def test_the_export_page_says_which_version_it_shows(workspace, alice, bob, blog, social, client):
    draft = services.draft_create(workspace=workspace, author=alice, title="Sale",
                                  body="Half price.", channels=[blog, social])  # fmt: skip
    client.force_login(alice)
    page = reverse("publishing:draft-export", args=[draft.pk, social.pk])
    assert 'id="export-preview"' in client.get(page).content.decode()
    approve(draft, bob)
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    services.draft_update(draft=draft, actor=alice, title="Sale ends", body="Over.",
                          channels=[blog, social])  # fmt: skip
    html = client.get(page).content.decode()
    assert 'id="export-version"' in html
    assert "Half price." in html
    assert "Over." not in html


def test_a_text_that_grows_too_long_when_rendered_is_refused(workspace, alice, blog):
    link = "[x][r] " * 7000 + "\n\n[r]: https://example.com/" + "a" * 900
    with pytest.raises(ValidationError) as refused:
        services.draft_create(workspace=workspace, author=alice, title="Links", body=link,
                              channels=[blog])  # fmt: skip
    assert "body" in refused.value.message_dict
    assert not Draft.objects.exists()


def test_taking_the_news_page_off_a_post_takes_it_off_the_page(
    workspace, alice, bob, blog, social, client
):
    draft = services.draft_create(workspace=workspace, author=alice, title="Farewell post",
                                  body="Bye.", channels=[blog], tags=["Team"])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    assert "Farewell post" in client.get(news_url(workspace)).content.decode()
    services.draft_update(draft=draft, actor=alice, title="Farewell post", body="Bye.",
                          channels=[social], tags=["Team"])  # fmt: skip
    draft.refresh_from_db()
    approve(draft, bob)
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    assert not draft.on_news
    assert "Farewell post" not in client.get(news_url(workspace)).content.decode()
    assert client.get(news_url(workspace, "publishing:news-post", draft.pk)).status_code == 404
    assert client.get(news_url(workspace, "publishing:news-tag", "team")).status_code in (200, 404)
    assert (
        "Farewell post"
        not in client.get(news_url(workspace, "publishing:news-feed")).content.decode()
    )


def test_a_page_number_in_other_digits_is_the_first_page(workspace, blog, alice, client):
    services.draft_publish(
        draft=services.draft_create(workspace=workspace, author=alice, title="Post",
                                    body="Text.", channels=[blog]),
        actor=alice,
    )  # fmt: skip
    for odd in ("²", "٣", "１"):
        response = client.get(news_url(workspace), {"page": odd})
        assert response.status_code == 200
        assert "Post" in response.content.decode()


def test_control_characters_do_not_break_the_feed(workspace, blog, alice, client):
    draft = services.draft_create(workspace=workspace, author=alice, title="Bell\x07 and tab",
                                  body="Form\x0cfeed text.", channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    response = client.get(news_url(workspace, "publishing:news-feed"))
    assert response.status_code == 200
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0
    assert parsed.entries[0].title == "Bell and tab"


def test_the_feed_never_shows_a_members_login_name(workspace, blog, client):
    ghost = member_add(workspace=workspace, username="ghost-login", password="ghost-password-1",
                       role=Role.OWNER, email="g@pollux.example").user  # fmt: skip
    draft = services.draft_create(workspace=workspace, author=ghost, title="Anonymous",
                                  body="Text.", channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=ghost)
    feed = client.get(news_url(workspace, "publishing:news-feed")).content.decode()
    assert "ghost-login" not in feed
    assert feedparser.parse(feed).entries[0].author == workspace.name


def test_a_rejected_or_unconfirmed_comment_cannot_be_answered(workspace, alice, bob, blog):
    draft = services.draft_create(workspace=workspace, author=alice, title="Post", body="Text.",
                                  channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    visitor = visitors.visitor_for_email(workspace=workspace, email="eva@example.com")
    unconfirmed = services.comment_post(draft=draft, visitor=visitor, text="Hi", verified=False)
    rejected = services.comment_post(draft=draft, visitor=visitor, text="Spam", verified=True)
    services.comment_moderate(comment=rejected, actor=bob, show=False)
    for comment in (unconfirmed, rejected):
        with pytest.raises(ValidationError):
            services.comment_reply(draft=draft, member=bob, text="Thanks", reply_to=comment)
    states = dict(NewsComment.objects.filter(member__isnull=True).values_list("text", "state"))
    assert states == {"Hi": CommentState.UNCONFIRMED, "Spam": CommentState.REJECTED}
    assert not NewsComment.objects.filter(member=bob).exists()


def test_a_stranger_past_the_mail_limit_leaves_no_comment_behind(workspace, alice, blog, client):
    draft = services.draft_create(workspace=workspace, author=alice, title="Post", body="Text.",
                                  channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    post_url = news_url(workspace, "publishing:news-post", draft.pk)
    limit = visitors.LIMITS["confirm-mail"].per_email
    for number in range(limit):
        response = client.post(post_url, {"text": f"Nr. {number}", "email": "eva@example.com"})
        assert response.status_code == 200
    response = client.post(post_url, {"text": "One too many", "email": "eva@example.com"})
    assert response.status_code == 429
    assert NewsComment.objects.count() == limit
    assert not NewsComment.objects.filter(text="One too many").exists()


def test_asking_for_review_of_a_published_version_keeps_it_published(workspace, alice, bob, blog):
    draft = services.draft_create(workspace=workspace, author=alice, title="Post", body="Text.",
                                  channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    services.review_request(draft=draft, actor=alice, reviewers=[bob])
    draft.refresh_from_db()
    assert draft.state == DraftState.PUBLISHED
    assert "published already" in " ".join(services.publish_check(draft=draft).problems)


def test_one_menu_leads_everywhere_and_counts_what_waits(workspace, alice, bob, blog, client):
    draft = services.draft_create(workspace=workspace, author=alice, title="Post", body="Text.",
                                  channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    visitor = visitors.visitor_for_email(workspace=workspace, email="eva@example.com")
    services.comment_post(draft=draft, visitor=visitor, text="Hello", verified=True)
    other = services.draft_create(workspace=workspace, author=alice, title="Next", body="Text.",
                                  channels=[blog])  # fmt: skip
    services.review_request(draft=other, actor=alice, reviewers=[bob])
    client.force_login(bob)
    for name in ("publishing:draft-list", "publishing:channel-list", "publishing:comment-list"):
        html = client.get(reverse(name)).content.decode()
        nav = html[
            html.index('<nav class="tabs"') : html.index("</nav>", html.index('<nav class="tabs"'))
        ]
        assert reverse("publishing:topic-list") in nav
        assert 'id="nav-comments"' in nav
        comments = nav[nav.index('id="nav-comments"') :]
        assert '<span class="badge warn">1</span>' in comments.split("</a>")[0]
        to_review = nav[nav.index('id="nav-to-review"') :]
        assert '<span class="badge warn">1</span>' in to_review.split("</a>")[0]


def test_a_reviewer_may_change_their_verdict_and_it_counts_once(post_draft, bob, dana):
    services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict="changes",
                           comment="Say which Monday.")  # fmt: skip
    assert not services.publish_check(draft=post_draft).can_publish
    services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict="approved")
    approve(post_draft, dana)
    status = services.publish_check(draft=post_draft)
    assert sorted(u.username for u in status.approved_by) == ["bob", "dana"]
    assert status.changes_by == []
    assert status.can_publish


def test_a_removed_members_request_for_changes_no_longer_blocks(workspace, post_draft, bob, dana):
    services.review_submit(draft=post_draft, reviewer=bob, version=1, verdict="changes",
                           comment="No.")  # fmt: skip
    Membership.objects.filter(user=bob).delete()
    status = services.publish_check(draft=post_draft)
    assert status.changes_by == []


def test_a_request_for_changes_takes_a_scheduled_post_off_the_schedule(
    workspace, alice, bob, dana, blog, press
):
    draft = services.draft_create(
        workspace=workspace, author=alice, title="Later", body="Text.", channels=[blog],
        planned_at=timezone.now() + dt.timedelta(days=2),
    )  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    assert draft.state == DraftState.SCHEDULED
    services.review_submit(draft=draft, reviewer=bob, version=1, verdict="changes",
                           comment="Wrong date.")  # fmt: skip
    draft.refresh_from_db()
    assert draft.state == DraftState.IN_REVIEW
    assert services.scheduled_publish_due(now=timezone.now() + dt.timedelta(days=3)) == 0


def test_a_text_too_long_to_render_is_a_field_error_in_the_form(workspace, alice, blog, client):
    client.force_login(alice)
    body = "[x][r] " * 7000 + "\n\n[r]: https://example.com/" + "a" * 900
    data = {"title": "Links", "body": body, "channels": [blog.pk]}
    response = client.post(reverse("publishing:draft-new"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="preview-too-long"' in html
    assert "too long on the page" in html
    rule = client.post(reverse("publishing:draft-rule"), data)
    assert rule.status_code == 200
    assert 'id="preview-too-long"' in rule.content.decode()
    assert not Draft.objects.exists()


def test_a_channel_added_after_publication_gets_no_ready_export(
    workspace, alice, bob, blog, social
):
    draft = services.draft_create(workspace=workspace, author=alice, title="Sale",
                                  body="Half price.", channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    assert outputs.channel_export(draft=draft, channel=blog).state == "ready"
    services.draft_update(draft=draft, actor=alice, title="Sale", body="Half price.",
                          channels=[blog, social])  # fmt: skip
    draft.refresh_from_db()
    export = outputs.channel_export(draft=draft, channel=social)
    assert export.state == "channel_added"
    assert export.preview
    services.draft_withdraw(draft=draft, actor=alice)
    draft.refresh_from_db()
    assert outputs.channel_export(draft=draft, channel=blog).state == "withdrawn"


def test_a_writer_asked_to_review_leaves_the_queue(workspace, alice, bob, dana, blog, press):
    draft = services.draft_create(workspace=workspace, author=alice, title="Hours",
                                  body="Open at 8.", channels=[press])  # fmt: skip
    services.review_request(draft=draft, actor=alice, reviewers=[bob, dana])
    assert list(services.review_queue(user=bob, workspace=workspace)) == [draft]
    services.draft_update(draft=draft, actor=bob, title="Hours", body="Open at 9.",
                          channels=[press])  # fmt: skip
    assert list(services.review_queue(user=bob, workspace=workspace)) == []
    assert list(services.review_queue(user=dana, workspace=workspace)) == [draft]


def test_the_notice_page_of_a_closed_news_page_with_no_notice_is_not_found(
    workspace, alice, client
):
    services.news_settings_save(settings=services.news_settings(workspace=workspace),
                                changes={"enabled": False})  # fmt: skip
    notice_url = news_url(workspace, "publishing:news-notice")
    assert client.get(notice_url).status_code == 404
    services.notice_update(workspace=workspace, actor=alice, reach="Telefon 089 123")
    cache.clear()
    response = client.get(notice_url)
    assert response.status_code == 200
    assert "089 123" in response.content.decode()


def test_a_title_of_control_characters_only_keeps_the_feed_valid(workspace, blog, alice, client):
    draft = services.draft_create(workspace=workspace, author=alice, title="\x01\x02",
                                  body="Text.", channels=[blog])  # fmt: skip
    services.draft_publish(draft=draft, actor=alice)
    response = client.get(news_url(workspace, "publishing:news-feed"))
    assert response.status_code == 200
    assert feedparser.parse(response.content).bozo == 0


def test_the_api_serves_the_image_of_each_version_to_a_token(
    workspace, alice, blog, settings, tmp_path, client
):
    settings.MEDIA_ROOT = tmp_path
    draft = services.draft_create(workspace=workspace, author=alice, title="Photo", body="x",
                                  channels=[blog], image=png("one.png"))  # fmt: skip
    services.draft_update(draft=draft, actor=alice, title="Photo", body="x", channels=[blog],
                          image=png("two.png", colour=(0, 0, 255)))  # fmt: skip
    token = api_token_create(membership=Membership.objects.get(user=alice), name="t")[1]
    detail = client.get(f"/api/v1/publishing/drafts/{draft.pk}", headers=bearer(token)).json()
    assert detail["image_url"].endswith(f"/api/v1/publishing/drafts/{draft.pk}/image")
    first = client.get(f"/api/v1/publishing/drafts/{draft.pk}/image", {"version": 1},
                       headers=bearer(token))  # fmt: skip
    now = client.get(f"/api/v1/publishing/drafts/{draft.pk}/image", headers=bearer(token))
    assert first.status_code == 200
    assert now.status_code == 200
    assert first["Content-Type"] == "image/png"
    assert b"".join(first.streaming_content) != b"".join(now.streaming_content)
    missing = client.get(f"/api/v1/publishing/drafts/{draft.pk}/image", {"version": 9},
                         headers=bearer(token))  # fmt: skip
    assert missing.status_code == 404
    client.force_login(alice)
    bad = client.get(reverse("publishing:draft-image", args=[draft.pk]), {"version": "abc"})
    assert bad.status_code == 404
