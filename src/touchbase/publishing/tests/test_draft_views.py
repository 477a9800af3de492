"""The staff screens for drafts and reviews: a draft's journey from the first words to the
news page and the channels posted by hand, its history, and who may see and do what."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from PIL import Image

from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.publishing import services
from touchbase.publishing.choices import AuditAction, DraftState, Verdict
from touchbase.publishing.models import (
    AuditEntry,
    ChannelPublication,
    Draft,
    DraftVersion,
    Review,
    ReviewRequest,
)
from touchbase.publishing.tests.conftest import approve

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), color=(200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def bob_client(bob) -> Client:
    return logged_in(bob)


@pytest.fixture
def dana_client(dana) -> Client:
    return logged_in(dana)


@pytest.fixture
def published(post_draft, bob, dana, alice, social):
    """Alice's draft, also for the social channel, approved by bob and dana and published."""
    services.draft_update(
        draft=post_draft, actor=alice, title=post_draft.title, body=post_draft.body,
        channels=[*post_draft.channels.all(), social], tags=["Service"],
    )  # fmt: skip
    approve(post_draft, bob, dana)
    return services.draft_publish(draft=post_draft, actor=alice)


# --- the journey ------------------------------------------------------------------------------


def test_a_draft_goes_from_the_first_words_to_the_news_page(
    alice_client, workspace, alice, bob, dana, blog, press
):
    # given: alice types; the rule fragment answers
    rule = alice_client.post(
        "/publishing/rule/", {"title": "Neue Öffnungszeiten", "body": "Ab *Montag*.",
                              "channels": [blog.pk, press.pk]},
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert rule.status_code == 200
    assert "2 reviewers needed" in rule.text
    assert 'aria-labelledby="preview-head" hx-swap-oob="true"' in rule.text
    assert "<em>Montag</em>" in rule.text
    assert "only" not in rule.text  # bob and dana may review: enough
    # when: she saves it
    response = alice_client.post("/publishing/new/", {
        "title": "Neue Öffnungszeiten", "body": "Ab *Montag* um 8.",
        "channels": [blog.pk, press.pk], "tags": "Service, Öffnungszeiten", "planned_at": "",
    })  # fmt: skip
    draft = Draft.objects.get(workspace=workspace)
    assert response.status_code == 302
    assert response["Location"] == f"/publishing/{draft.pk}/"
    assert draft.author == alice
    assert sorted(draft.channels.values_list("name", flat=True)) == ["News page", "Press"]
    assert sorted(draft.tags.values_list("name", flat=True)) == ["Service", "Öffnungszeiten"]
    # and asks bob and dana to review
    response = alice_client.post(
        f"/publishing/{draft.pk}/request/", {"reviewers": [bob.pk, dana.pk]}
    )
    assert response.status_code == 302
    assert set(ReviewRequest.objects.filter(draft=draft).values_list("reviewer", flat=True)) == {
        bob.pk, dana.pk,
    }  # fmt: skip
    draft.refresh_from_db()
    assert draft.state == DraftState.IN_REVIEW
    queue = logged_in(bob).get("/publishing/reviews/")
    assert "Neue Öffnungszeiten" in queue.text
    # then both approve
    for reviewer in (bob, dana):
        answer = logged_in(reviewer).post(
            f"/publishing/{draft.pk}/review/", {"version": 1, "verdict": Verdict.APPROVED}
        )
        assert answer.status_code == 302
    assert Review.objects.filter(draft=draft, verdict=Verdict.APPROVED).count() == 2
    assert "Nothing to review." in logged_in(bob).get("/publishing/reviews/").text
    page = alice_client.get(f"/publishing/{draft.pk}/")
    assert "Ready to publish." in page.text
    assert "Publish now" in page.text
    # and alice publishes: the public copy is set
    response = alice_client.post(f"/publishing/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == DraftState.PUBLISHED
    assert draft.on_news is True
    assert draft.public_title == "Neue Öffnungszeiten"
    assert draft.public_html.strip() == "<p>Ab <em>Montag</em> um 8.</p>"
    assert draft.published_version == 1
    assert list(ChannelPublication.objects.filter(draft=draft).values_list(
        "channel_name", flat=True)) == ["Press"]  # fmt: skip


def test_the_new_draft_page_explains_channels_markdown_and_the_live_rule(alice_client, blog, press):
    response = alice_client.get("/publishing/new/")
    assert response.status_code == 200
    assert "Press — stays 7/10, in our hands 5/10" in response.text
    assert "News page — stays 5/10, in our hands 8/10" in response.text
    assert "**bold**" in response.text
    assert 'hx-post="/publishing/rule/"' in response.text
    assert 'hx-trigger="input changed delay:400ms"' in response.text
    assert 'type="datetime-local"' in response.text
    assert "0 reviewers needed" in response.text


def test_the_draft_page_offers_the_reviewers_not_asked_yet(alice_client, post_draft, bob, dana):
    services.review_request(draft=post_draft, actor=post_draft.author, reviewers=[bob])
    page = alice_client.get(f"/publishing/{post_draft.pk}/")
    form = page.text.split('id="request-form"')[1].split("</form>")[0]
    assert "Dana Dorn" in form
    assert "Bob Bauer" not in form
    assert "Alice Adler" not in form
    assert "Bob Bauer" in page.text.split('id="reviewers"')[1].split('id="request-form"')[0]
    assert "2 reviewers needed" in page.text


def test_the_list_shows_state_version_author_and_approvals(
    alice_client, post_draft, bob, workspace
):
    approve(post_draft, bob)
    services.draft_create(workspace=workspace, author=bob, title="Second")
    response = alice_client.get("/publishing/")
    assert response.status_code == 200
    row = response.text.split(f'id="draft-{post_draft.pk}"')[1].split("</tr>")[0]
    assert "In review" in row
    assert "Alice Adler" in row
    assert '<td data-label="Approvals" class="approvals">1/2</td>' in row
    assert "In review (1)" in response.text
    assert "Draft (1)" in response.text
    filtered = alice_client.get("/publishing/?state=draft")
    assert "Second" in filtered.text
    assert "New opening hours" not in filtered.text


def test_a_planned_draft_is_scheduled_not_published(alice_client, post_draft, bob, dana):
    later = timezone.now() + dt.timedelta(days=3)
    Draft.objects.filter(pk=post_draft.pk).update(planned_at=later)
    approve(post_draft, bob, dana)
    page = alice_client.get(f"/publishing/{post_draft.pk}/")
    assert "Schedule for" in page.text
    alice_client.post(f"/publishing/{post_draft.pk}/publish/")
    post_draft.refresh_from_db()
    assert post_draft.state == DraftState.SCHEDULED
    assert post_draft.on_news is False


def test_publishing_too_early_is_refused_with_the_problems(alice_client, post_draft, bob, dana):
    approve(post_draft, bob)
    response = alice_client.post(f"/publishing/{post_draft.pk}/publish/")
    assert response.status_code == 409
    assert "Not published: 1 more approval of version 1 needed." in response.text
    assert '<ul class="message error" id="problems"><li>1 more approval of' in response.text
    post_draft.refresh_from_db()
    assert post_draft.state == DraftState.IN_REVIEW
    assert post_draft.on_news is False


def test_an_edit_makes_a_new_version_and_approvals_start_again(
    alice_client, post_draft, bob, dana, blog, press
):
    approve(post_draft, bob, dana)
    form = alice_client.get(f"/publishing/{post_draft.pk}/edit/")
    assert "approvals start again" in form.text
    assert 'value="New opening hours"' in form.text
    response = alice_client.post(f"/publishing/{post_draft.pk}/edit/", {
        "title": "New opening hours", "body": "From **Tuesday** we open at 8.",
        "channels": [blog.pk, press.pk], "tags": "Service", "image_alt": "",
    }, follow=True)  # fmt: skip
    assert "Saved as version 2. Approvals start again" in response.text
    post_draft.refresh_from_db()
    assert post_draft.version == 2
    status = services.publish_check(draft=post_draft)
    assert status.approved_by == []
    assert "0 approvals of version 2" in response.text


def test_saving_without_a_change_keeps_the_version(alice_client, post_draft, blog, press):
    response = alice_client.post(f"/publishing/{post_draft.pk}/edit/", {
        "title": "New opening hours", "body": "From **Monday** we open at 8.",
        "channels": [blog.pk, press.pk], "tags": "Service", "image_alt": "",
    }, follow=True)  # fmt: skip
    assert "Nothing changed." in response.text
    post_draft.refresh_from_db()
    assert post_draft.version == 1


def test_the_author_sees_no_review_form_and_cannot_review(alice_client, post_draft):
    page = alice_client.get(f"/publishing/{post_draft.pk}/")
    assert 'id="review-form"' not in page.text
    assert "You wrote this draft" in page.text
    response = alice_client.post(
        f"/publishing/{post_draft.pk}/review/", {"version": 1, "verdict": Verdict.APPROVED}
    )
    assert response.status_code == 409
    assert "The author cannot review their own draft." in response.text
    assert Review.objects.filter(draft=post_draft).count() == 0


def test_a_colleague_sees_the_review_form(bob_client, post_draft):
    page = bob_client.get(f"/publishing/{post_draft.pk}/")
    assert 'id="review-form"' in page.text
    assert 'name="version" value="1"' in page.text


def test_a_review_of_an_outdated_version_is_refused_with_a_message(
    bob_client, post_draft, alice, blog, press
):
    services.draft_update(draft=post_draft, actor=alice, title="Changed", body=post_draft.body,
                          channels=[blog, press])  # fmt: skip
    response = bob_client.post(
        f"/publishing/{post_draft.pk}/review/", {"version": 1, "verdict": Verdict.APPROVED}
    )
    assert response.status_code == 409
    assert "Version 1 is outdated: the draft is at version 2 now. Read it again." in response.text
    assert 'name="version" value="2"' in response.text
    assert Review.objects.filter(draft=post_draft).count() == 0


def test_asking_for_changes_needs_a_comment(bob_client, post_draft):
    response = bob_client.post(
        f"/publishing/{post_draft.pk}/review/", {"version": 1, "verdict": Verdict.CHANGES}
    )
    assert response.status_code == 422
    assert "Say what should change." in response.text
    assert Review.objects.filter(draft=post_draft).count() == 0
    bob_client.post(
        f"/publishing/{post_draft.pk}/review/",
        {"version": 1, "verdict": Verdict.CHANGES, "comment": "Say which Monday."},
    )
    page = bob_client.get(f"/publishing/{post_draft.pk}/")
    assert "Bob Bauer asked for changes to this version." in page.text
    assert "Say which Monday." in page.text


def test_too_few_reviewers_is_said_plainly(alice_client, workspace, blog, press):
    # given: only alice may review in this workspace (no bob, no dana)
    rule = alice_client.post("/publishing/rule/", {"title": "Price rise", "body": "",
                                                   "channels": [press.pk]})  # fmt: skip
    assert "2 reviewers needed" in rule.text
    assert "only 0 other members may review" in rule.text
    draft = services.draft_create(workspace=workspace, author=workspace_owner(workspace),
                                  title="Price rise", channels=[press])  # fmt: skip
    page = alice_client.get(f"/publishing/{draft.pk}/")
    assert "needs 2 reviewers, but only 0 other members may review" in page.text
    assert 'id="publish-form"' not in page.text


def workspace_owner(workspace):
    return workspace.memberships.get(role=Role.OWNER).user


def test_the_rule_names_its_reasons(alice_client, bob, press):
    response = alice_client.post("/publishing/rule/", {"title": "x", "channels": [press.pk]})
    need = services.requirement_for(workspace=press.workspace, channels=[press], title="x",
                                    body="")  # fmt: skip
    assert need.reasons
    for reason in need.reasons:
        assert reason in response.text
    assert "but only 1 other member may review" in response.text


def test_the_export_of_a_social_channel_checks_the_length(
    alice_client, published, social, workspace
):
    response = alice_client.get(f"/publishing/{published.pk}/export/{social.pk}/")
    assert response.status_code == 200
    assert '<textarea id="export-text" readonly rows="12">New opening hours\n\nFrom Monday' in (
        response.text
    )
    row = response.text.split('id="check-x"')[1].split("</tr>")[0]
    length = len("New opening hours\n\nFrom Monday we open at 8.")
    assert f'<td data-label="Characters">{length}</td>' in row
    assert "fits" in row
    long = "Lang " * 80
    unpublished = services.draft_create(workspace=workspace, author=published.author, title="T",
                                        body=long, channels=[social])  # fmt: skip
    response = alice_client.get(f"/publishing/{unpublished.pk}/export/{social.pk}/")
    row = response.text.split('id="check-x"')[1].split("</tr>")[0]
    over = len(("T\n\n" + long).strip()) - 280
    assert f"{over} characters too long" in row


def test_the_export_of_a_channel_the_draft_does_not_use_is_not_found(
    alice_client, post_draft, social
):
    assert alice_client.get(f"/publishing/{post_draft.pk}/export/{social.pk}/").status_code == 404


def test_marking_a_channel_published_stores_its_address(alice_client, published, alice):
    publication = ChannelPublication.objects.get(draft=published, channel_name="Press")
    page = alice_client.get(f"/publishing/{published.pk}/")
    assert f"/publishing/publications/{publication.pk}/mark/" in page.text
    response = alice_client.post(f"/publishing/publications/{publication.pk}/mark/",
                                 {"url": "https://presse.example/pollux-hours"})  # fmt: skip
    assert response.status_code == 302
    publication.refresh_from_db()
    assert publication.url == "https://presse.example/pollux-hours"
    assert publication.published_by == alice
    assert publication.published_at is not None


def test_marking_with_a_bad_address_is_refused(alice_client, published):
    publication = ChannelPublication.objects.get(draft=published, channel_name="Press")
    response = alice_client.post(f"/publishing/publications/{publication.pk}/mark/",
                                 {"url": "not an address"})  # fmt: skip
    assert response.status_code == 422
    publication.refresh_from_db()
    assert publication.url == ""
    assert publication.published_at is None


def test_the_published_page_links_to_the_news_page_and_the_exports(alice_client, published, social):
    page = alice_client.get(f"/publishing/{published.pk}/")
    assert f"/publishing/{published.pk}/export/{social.pk}/" in page.text
    assert "Version 2 is published." in page.text
    assert 'id="problems"' not in page.text
    for publication in ChannelPublication.objects.filter(draft=published):
        assert f'id="id_publication_{publication.pk}_url"' in page.text
    news_link = 'id="news-link"' in page.text
    try:
        address = reverse("publishing:news-post", args=["pollux-test", published.pk])
    except NoReverseMatch:  # the news page is built elsewhere; not mounted yet, no link
        assert not news_link
    else:
        assert news_link
        assert address in page.text


def test_the_history_shows_every_version_and_its_diff(alice_client, post_draft, alice, blog):
    services.draft_update(draft=post_draft, actor=alice, title="Opening hours <b>new</b>",
                          body="From **Monday** we open at 8.\nOn Sunday <i>closed</i>.",
                          channels=[blog])  # fmt: skip
    response = alice_client.get(f"/publishing/{post_draft.pk}/history/")
    assert response.status_code == 200
    assert 'id="version-1"' in response.text
    assert 'id="version-2"' in response.text
    assert "<del>New opening hours</del> → <ins>Opening hours &lt;b&gt;new&lt;/b&gt;</ins>" in (
        response.text
    )
    assert "Channels removed: <del>Press</del>" in response.text
    assert "<ins>+ On Sunday &lt;i&gt;closed&lt;/i&gt;.</ins>" in response.text
    for action in (AuditAction.CREATED, AuditAction.EDITED):
        assert str(action.label) in response.text
    assert AuditEntry.objects.filter(draft=post_draft).count() == 2


def test_an_image_is_uploaded_and_served_to_members(alice_client, workspace, blog, settings,
                                                    tmp_path):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("hours.png", png_bytes(), content_type="image/png")
    response = alice_client.post("/publishing/new/", {
        "title": "With a picture", "body": "", "channels": [blog.pk], "image": upload,
        "image_alt": "The shop door",
    })  # fmt: skip
    assert response.status_code == 302
    draft = Draft.objects.get(workspace=workspace)
    image = alice_client.get(f"/publishing/{draft.pk}/image/")
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content) == png_bytes()


def test_an_upload_that_is_no_image_is_refused(alice_client, workspace, blog):
    upload = SimpleUploadedFile("hours.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = alice_client.post("/publishing/new/", {
        "title": "With a picture", "channels": [blog.pk], "image": upload,
    })  # fmt: skip
    assert response.status_code == 422
    assert "Upload a valid image" in response.text
    assert Draft.objects.filter(workspace=workspace).count() == 0


def test_an_svg_is_refused_even_when_named_png(alice_client, workspace, blog):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    upload = SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml")
    response = alice_client.post("/publishing/new/", {"title": "Logo", "image": upload})
    assert response.status_code == 422
    assert Draft.objects.filter(workspace=workspace).count() == 0


def test_an_image_over_5_mb_is_refused(alice_client, workspace, monkeypatch):
    monkeypatch.setattr("touchbase.publishing.forms.MAX_IMAGE_BYTES", 10)
    upload = SimpleUploadedFile("hours.png", png_bytes(), content_type="image/png")
    response = alice_client.post("/publishing/new/", {"title": "Big", "image": upload})
    assert response.status_code == 422
    assert "The image is larger than 5 MB." in response.text
    assert Draft.objects.filter(workspace=workspace).count() == 0


def test_a_draft_without_an_image_has_none_to_serve(alice_client, post_draft):
    assert alice_client.get(f"/publishing/{post_draft.pk}/image/").status_code == 404


def test_withdrawing_asks_first_then_takes_the_draft_off(alice_client, published):
    confirm = alice_client.get(f"/publishing/{published.pk}/withdraw/")
    assert confirm.status_code == 200
    assert "It disappears from the news page." in confirm.text
    published.refresh_from_db()
    assert published.state == DraftState.PUBLISHED
    response = alice_client.post(f"/publishing/{published.pk}/withdraw/")
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.state == DraftState.WITHDRAWN
    assert published.on_news is False


def test_a_new_draft_needs_a_title(alice_client, workspace):
    response = alice_client.post("/publishing/new/", {"title": "", "body": "text"})
    assert response.status_code == 422
    assert Draft.objects.filter(workspace=workspace).count() == 0


def test_the_planned_time_is_read_in_the_workspace_time_zone(alice_client, workspace, blog):
    alice_client.post("/publishing/new/", {"title": "Later", "channels": [blog.pk],
                                           "planned_at": "2027-01-04T09:30"})  # fmt: skip
    draft = Draft.objects.get(workspace=workspace)
    local = timezone.localtime(draft.planned_at, workspace.zone)
    assert (local.date(), local.hour, local.minute) == (dt.date(2027, 1, 4), 9, 30)


# --- who may see and do what ------------------------------------------------------------------


def _urls(draft: Draft, channel_pk: int, publication_pk: int) -> list[tuple[str, str]]:
    pk = draft.pk
    return [
        ("get", f"/publishing/{pk}/"),
        ("get", f"/publishing/{pk}/edit/"),
        ("post", f"/publishing/{pk}/edit/"),
        ("post", f"/publishing/{pk}/request/"),
        ("post", f"/publishing/{pk}/review/"),
        ("post", f"/publishing/{pk}/publish/"),
        ("get", f"/publishing/{pk}/withdraw/"),
        ("post", f"/publishing/{pk}/withdraw/"),
        ("get", f"/publishing/{pk}/history/"),
        ("get", f"/publishing/{pk}/image/"),
        ("get", f"/publishing/{pk}/export/{channel_pk}/"),
        ("post", f"/publishing/publications/{publication_pk}/mark/"),
    ]


def test_another_workspace_sees_none_of_alices_drafts(carol_client, published, social):
    publication = ChannelPublication.objects.get(draft=published, channel_name="Press")
    for method, url in _urls(published, social.pk, publication.pk):
        response = getattr(carol_client, method)(url, {"version": 1, "verdict": "approved",
                                                       "url": "https://x.example"})  # fmt: skip
        assert response.status_code == 404, url
    rule = carol_client.post("/publishing/rule/", {"title": "x", "draft": published.pk})
    assert rule.status_code == 404
    published.refresh_from_db()
    assert published.state == DraftState.PUBLISHED
    assert Review.objects.filter(draft=published).count() == 2
    assert ChannelPublication.objects.get(pk=publication.pk).url == ""
    assert "New opening hours" not in carol_client.get("/publishing/").text


def test_anonymous_visitors_are_sent_to_login(client, published, social):
    publication = ChannelPublication.objects.get(draft=published, channel_name="Press")
    urls = [
        ("get", "/publishing/"),
        ("get", "/publishing/reviews/"),
        ("get", "/publishing/new/"),
        ("post", "/publishing/rule/"),
        *_urls(published, social.pk, publication.pk),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert (
            response["Location"].startswith("/accounts/login/") or "login" in response["Location"]
        ), url
    published.refresh_from_db()
    assert published.state == DraftState.PUBLISHED


def test_a_helper_without_publishing_rights_is_forbidden(workspace, published, social):
    helper = member_add(
        workspace=workspace, username="hank", password="hank-password-1", role=Role.HELPER,
        email="hank@pollux.example", first_name="Hank", last_name="Hof",
    ).user  # fmt: skip
    client = logged_in(helper)
    publication = ChannelPublication.objects.get(draft=published, channel_name="Press")
    urls = [
        ("get", "/publishing/"),
        ("get", "/publishing/reviews/"),
        ("get", "/publishing/new/"),
        ("post", "/publishing/rule/"),
        *_urls(published, social.pk, publication.pk),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 403, url
    published.refresh_from_db()
    assert published.state == DraftState.PUBLISHED
    assert DraftVersion.objects.filter(draft=published).count() == 2
