"""Publishing's settings screens: channels and their chart, sensitive topics, the news page's
settings, the reachability notice with its outputs, comment moderation, and who may do what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from touchbase.publishing import services
from touchbase.publishing.choices import ChannelKind, CommentState
from touchbase.publishing.models import (
    Channel,
    NewsComment,
    NewsSettings,
    ReachabilityNotice,
    SensitiveTopic,
)
from touchbase.publishing.tests.conftest import approve
from touchbase.publishing.views import setup
from touchbase.visitors.models import Visitor
from touchbase.visitors.services import visitor_for_email

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


def cache_version(workspace) -> int:
    return NewsSettings.objects.get(workspace=workspace).cache_version


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bob_client(bob) -> Client:
    return client_for(bob)


@pytest.fixture
def published(post_draft, alice, bob, dana):
    """Alice's draft, approved by bob and dana and on the news page."""
    draft = approve(post_draft, bob, dana)
    services.draft_publish(draft=draft, actor=alice)
    draft.refresh_from_db()
    assert draft.on_news
    return draft


@pytest.fixture
def waiting_comment(workspace, published) -> NewsComment:
    visitor = visitor_for_email(workspace=workspace, email="maria@example.com", name="Maria")
    Visitor.objects.filter(pk=visitor.pk).update(confirmed_at=timezone.now())
    visitor.refresh_from_db()
    return services.comment_post(draft=published, visitor=visitor, text=SCRIPT, verified=True)


@pytest.fixture
def topic(workspace) -> SensitiveTopic:
    return services.topic_add(workspace=workspace, phrase="Rückruf")


def channel_data(**changes) -> dict[str, object]:
    data = {"name": "Podcast", "kind": ChannelKind.OTHER, "permanence": "6", "control": "4",
            "explanation": "Downloaded and kept."}  # fmt: skip
    data.update(changes)
    return data


# --- channels ---------------------------------------------------------------------------------


def test_channel_list_loads_the_defaults_once(alice_client, workspace):
    response = alice_client.get("/publishing/channels/")

    assert response.status_code == 200
    names = set(Channel.objects.filter(workspace=workspace).values_list("name", flat=True))
    assert len(names) == len(services.DEFAULT_CHANNELS)
    assert "Press release" in names
    Channel.objects.get(workspace=workspace, name="Press release").delete()

    alice_client.get("/publishing/channels/")

    assert not Channel.objects.filter(workspace=workspace, name="Press release").exists()
    assert Channel.objects.filter(workspace=workspace).count() == len(services.DEFAULT_CHANNELS) - 1


def test_channel_list_shows_the_table_with_the_reviewers_asked_for(alice_client, press):
    response = alice_client.get("/publishing/channels/")

    row = response.content.decode().split(f'id="channel-{press.pk}"')[1].split("</tr>")[0]
    assert "Press" in row
    assert '<span class="badge warn">2</span>' in row
    assert f"/publishing/channels/{press.pk}/edit/" in row


def test_chart_names_every_channel_and_the_risky_corner(alice_client, workspace):
    response = alice_client.get("/publishing/channels/")

    svg = response.content.decode().split('<svg id="channel-chart"')[1].split("</svg>")[0]
    assert 'role="img"' in svg
    assert "<title" in svg
    assert "<desc" in svg
    for name in Channel.objects.filter(workspace=workspace).values_list("name", flat=True):
        assert f">{name}</text>" in svg
    assert "Risky corner" in svg
    assert "lasting, out of our hands" in svg


def test_chart_places_a_channel_by_control_and_permanence(alice_client, workspace):
    services.channels_ensure(workspace=workspace)
    Channel.objects.filter(workspace=workspace).delete()
    services.channel_save(workspace=workspace, name="Flyer", kind=ChannelKind.OTHER,
                          permanence=10, control=1)  # fmt: skip

    response = alice_client.get("/publishing/channels/")

    # control 1 → the left edge (50), permanence 10 → the top edge (50); a risky (red) dot.
    assert '<circle cx="50.0" cy="50.0" r="5" fill="#c0392b">' in response.content.decode()


def test_channel_is_created(alice_client, workspace):
    response = alice_client.post("/publishing/channels/new/", channel_data())

    assert response.status_code == 302
    channel = Channel.objects.get(workspace=workspace, name="Podcast")
    assert (channel.permanence, channel.control, channel.risk) == (6, 4, 2)
    assert channel.explanation == "Downloaded and kept."


def test_channel_scores_are_edited(alice_client, press):
    response = alice_client.post(
        f"/publishing/channels/{press.pk}/edit/",
        channel_data(name="Press", permanence="9", control="2"),
    )

    assert response.status_code == 302
    press.refresh_from_db()
    assert (press.name, press.permanence, press.control, press.risk) == ("Press", 9, 2, 7)


@pytest.mark.parametrize(("field", "value"), [("permanence", "0"), ("control", "11")])
def test_scores_outside_1_to_10_are_field_errors(alice_client, press, field, value):
    response = alice_client.post(
        f"/publishing/channels/{press.pk}/edit/", channel_data(name="Press", **{field: value})
    )

    assert response.status_code == 422
    assert response.context["form"].errors[field]
    press.refresh_from_db()
    assert (press.permanence, press.control) == (7, 5)


def test_a_name_taken_is_a_field_error(alice_client, press, blog):
    response = alice_client.post(
        f"/publishing/channels/{press.pk}/edit/", channel_data(name="news PAGE")
    )

    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["There is already a channel with this name."]
    press.refresh_from_db()
    assert press.name == "Press"


def test_channel_delete_asks_then_deletes(alice_client, press):
    confirm = alice_client.get(f"/publishing/channels/{press.pk}/delete/")
    assert confirm.status_code == 200
    assert Channel.objects.filter(pk=press.pk).exists()

    response = alice_client.post(f"/publishing/channels/{press.pk}/delete/")

    assert response.status_code == 302
    assert not Channel.objects.filter(pk=press.pk).exists()


def test_staff_see_channels_without_edit_controls(bob_client, press):
    response = bob_client.get("/publishing/channels/")

    assert response.status_code == 200
    assert "Press" in response.content.decode()
    assert f"/publishing/channels/{press.pk}/edit/" not in response.content.decode()
    assert "/publishing/channels/new/" not in response.content.decode()


# --- sensitive topics -------------------------------------------------------------------------


def test_topic_is_added(alice_client, workspace):
    response = alice_client.post("/publishing/topics/add/", {"phrase": "  data   breach "})

    assert response.status_code == 302
    assert list(
        SensitiveTopic.objects.filter(workspace=workspace).values_list("phrase", flat=True)
    ) == ["data breach"]


def test_a_topic_on_the_list_already_is_a_field_error(alice_client, workspace, topic):
    response = alice_client.post("/publishing/topics/add/", {"phrase": "rückruf"})

    assert response.status_code == 422
    assert response.context["form"].errors["phrase"] == ["This topic is on the list already."]
    assert SensitiveTopic.objects.filter(workspace=workspace).count() == 1


def test_topic_is_removed(alice_client, workspace, topic):
    response = alice_client.post(f"/publishing/topics/{topic.pk}/remove/")

    assert response.status_code == 302
    assert not SensitiveTopic.objects.filter(workspace=workspace).exists()


def test_topic_list_explains_inflected_forms(bob_client, topic):
    response = bob_client.get("/publishing/topics/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Rückruf" in page
    assert "Inflected forms and compounds are found too, in German and English" in page
    assert "/publishing/topics/add/" not in page


def test_try_it_finds_an_inflected_form(bob_client, topic):
    response = bob_client.get(
        "/publishing/topics/try/", {"text": "Alle Rückrufe dieses Jahres"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.context["try_found"] == ["Rückruf"]
    assert response.content.decode().startswith('<div id="topic-try"')


def test_try_it_reads_at_most_5000_characters(bob_client, topic):
    response = bob_client.get("/publishing/topics/try/", {"text": "x " * 2500 + "Rückruf"})

    assert response.status_code == 200
    assert len(response.context["try_text"]) == 5000
    assert response.context["try_found"] == []


# --- news page settings -----------------------------------------------------------------------


def test_news_settings_are_saved_and_the_cache_goes_stale(alice_client, workspace):
    services.news_settings(workspace=workspace)
    before = cache_version(workspace)

    response = alice_client.post(
        "/publishing/news-settings/",
        {"enabled": "on", "title": "Aus der Werkstatt", "intro": "Neues von uns."},
    )

    assert response.status_code == 302
    row = NewsSettings.objects.get(workspace=workspace)
    assert (row.enabled, row.title, row.intro, row.comments_open) == (
        True, "Aus der Werkstatt", "Neues von uns.", False,
    )  # fmt: skip
    assert row.cache_version == before + 1


# --- the reachability notice ------------------------------------------------------------------


def notice_data(**changes) -> dict[str, object]:
    data = {"reach": "Telefon 089 123456, 8–16 Uhr", "measures": "", "operation": "limited",
            "operation_note": "", "booking": "", "booking_url": "", "show_banner": "on",
            "review_every_days": "30"}  # fmt: skip
    data.update(changes)
    return data


def test_saving_the_notice_reviews_it(alice_client, workspace, alice):
    response = alice_client.post("/publishing/notice/", notice_data())

    assert response.status_code == 302
    notice = ReachabilityNotice.objects.get(workspace=workspace)
    assert notice.reach == "Telefon 089 123456, 8–16 Uhr"
    assert notice.operation == "limited"
    assert notice.reviewed_by == alice
    assert timezone.now() - notice.reviewed_at < dt.timedelta(minutes=1)


def test_a_bad_notice_is_a_field_error(alice_client, workspace):
    response = alice_client.post("/publishing/notice/", notice_data(review_every_days="0"))

    assert response.status_code == 422
    assert response.context["form"].errors["review_every_days"]
    assert services.notice_get(workspace=workspace).reach == ""


def test_still_true_moves_the_review_date(alice_client, workspace, bob):
    services.notice_update(workspace=workspace, actor=bob, reach="Telefon")
    long_ago = timezone.now() - dt.timedelta(days=40)
    ReachabilityNotice.objects.filter(workspace=workspace).update(reviewed_at=long_ago)

    response = alice_client.post("/publishing/notice/confirm/")

    assert response.status_code == 302
    notice = ReachabilityNotice.objects.get(workspace=workspace)
    assert notice.reviewed_at > long_ago + dt.timedelta(days=39)
    assert notice.reach == "Telefon"


def test_an_old_notice_is_flagged(alice_client, workspace, bob):
    services.notice_update(workspace=workspace, actor=bob, reach="Telefon")
    assert 'id="notice-old"' not in alice_client.get("/publishing/notice/").content.decode()
    ReachabilityNotice.objects.filter(workspace=workspace).update(
        reviewed_at=timezone.now() - dt.timedelta(days=31)
    )

    response = alice_client.get("/publishing/notice/")

    page = response.content.decode()
    assert 'id="notice-old"' in page
    assert "has not been reviewed for more than 30 days" in page
    assert "Bob" in page.split('id="notice-reviewed"')[1].split("</p>")[0]


@pytest.mark.parametrize("language", ["de", "en"])
def test_outputs_carry_the_notice_in_each_language_without_script(
    alice_client, workspace, bob, language
):
    services.notice_update(
        workspace=workspace, actor=bob, reach=f"Telefon 089 123456 {SCRIPT}",
        booking_url="https://termine.example/buchen",
    )  # fmt: skip

    response = alice_client.get("/publishing/notice/", {"lang": language})

    context = response.context
    assert response.status_code == 200
    assert context["language"] == language
    for name in ("snippet_html", "signature_html", "notice_text"):
        assert "Telefon 089 123456" in context[name]
    for name in ("snippet_html", "signature_html"):
        assert "<script" not in context[name]
        assert ESCAPED_SCRIPT in context[name]
    assert context["text_length"] == len(context["notice_text"])
    frame = f'src="http://testserver/news/pollux-test/notice/?lang={language}"'
    assert frame in str(context["frame_html"])
    page = response.content.decode()
    assert SCRIPT not in page
    # The snippet shows twice: as code to copy (escaped once more) and as a preview.
    assert "&amp;lt;script&amp;gt;" in page.split('id="notice-snippet"')[1].split("</textarea>")[0]
    assert "&lt;iframe src=&quot;http://testserver/news/pollux-test/notice/" in page


def test_the_language_switch_marks_the_outputs_language(alice_client, workspace, bob):
    services.notice_update(workspace=workspace, actor=bob, reach="Telefon")

    german = alice_client.get("/publishing/notice/", {"lang": "de"}).content.decode()
    unknown = alice_client.get("/publishing/notice/", {"lang": "fr"})

    assert '<div lang="de">' in german
    assert 'href="?lang=en#outputs"' in german
    assert unknown.context["language"] == "en"


# --- comments ---------------------------------------------------------------------------------


def test_waiting_comment_is_shown_escaped_with_the_visitors_address(
    bob_client, waiting_comment, published
):
    response = bob_client.get("/publishing/comments/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "maria@example.com" in page
    assert "New opening hours" in page
    assert ESCAPED_SCRIPT in page
    assert SCRIPT not in page


def test_show_puts_the_comment_on_the_news_page(bob_client, workspace, waiting_comment, bob):
    before = cache_version(workspace)

    response = bob_client.post(
        f"/publishing/comments/{waiting_comment.pk}/moderate/", {"action": "show"}
    )

    assert response.status_code == 302
    waiting_comment.refresh_from_db()
    assert waiting_comment.state == CommentState.SHOWN
    assert waiting_comment.moderated_by == bob
    assert cache_version(workspace) == before + 1


def test_reject_keeps_the_comment_off_the_news_page(bob_client, workspace, waiting_comment):
    before = cache_version(workspace)

    response = bob_client.post(
        f"/publishing/comments/{waiting_comment.pk}/moderate/", {"action": "reject"}
    )

    assert response.status_code == 302
    waiting_comment.refresh_from_db()
    assert waiting_comment.state == CommentState.REJECTED
    assert cache_version(workspace) == before + 1


def test_an_unknown_moderation_action_changes_nothing(bob_client, workspace, waiting_comment):
    before = cache_version(workspace)

    response = bob_client.post(
        f"/publishing/comments/{waiting_comment.pk}/moderate/", {"action": "publish"}
    )

    assert response.status_code == 400
    waiting_comment.refresh_from_db()
    assert waiting_comment.state == CommentState.WAITING
    assert cache_version(workspace) == before


def test_delete_removes_the_comment(bob_client, workspace, waiting_comment):
    before = cache_version(workspace)

    response = bob_client.post(f"/publishing/comments/{waiting_comment.pk}/delete/")

    assert response.status_code == 302
    assert not NewsComment.objects.filter(pk=waiting_comment.pk).exists()
    assert cache_version(workspace) == before + 1


def test_reply_shows_both_comments(bob_client, workspace, waiting_comment, bob, published):
    before = cache_version(workspace)

    response = bob_client.post(
        f"/publishing/comments/{waiting_comment.pk}/reply/", {"text": "Danke, Maria!"}
    )

    assert response.status_code == 302
    waiting_comment.refresh_from_db()
    assert waiting_comment.state == CommentState.SHOWN
    reply = NewsComment.objects.get(reply_to=waiting_comment)
    assert (reply.draft, reply.member, reply.text, reply.state) == (
        published, bob, "Danke, Maria!", CommentState.SHOWN,
    )  # fmt: skip
    assert cache_version(workspace) > before


def test_an_empty_reply_is_a_field_error(bob_client, waiting_comment):
    response = bob_client.post(
        f"/publishing/comments/{waiting_comment.pk}/reply/", {"text": "", "tab": "waiting"}
    )

    assert response.status_code == 422
    assert f'id="reply-{waiting_comment.pk}-text"' in response.content.decode()
    assert not NewsComment.objects.filter(reply_to=waiting_comment).exists()
    waiting_comment.refresh_from_db()
    assert waiting_comment.state == CommentState.WAITING


def test_shown_tab_lists_shown_comments_to_reply_to(bob_client, waiting_comment, bob):
    services.comment_moderate(comment=waiting_comment, actor=bob, show=True)

    waiting = bob_client.get("/publishing/comments/")
    shown = bob_client.get("/publishing/comments/", {"tab": "shown"})

    assert f'id="comment-{waiting_comment.pk}"' not in waiting.content.decode()
    assert f'id="comment-{waiting_comment.pk}"' in shown.content.decode()
    assert f"/publishing/comments/{waiting_comment.pk}/reply/" in shown.content.decode()


# --- who may do what --------------------------------------------------------------------------


MANAGE_PAGES = [
    ("get", "/publishing/channels/new/"),
    ("post", "/publishing/topics/add/"),
    ("get", "/publishing/news-settings/"),
    ("get", "/publishing/notice/"),
    ("post", "/publishing/notice/confirm/"),
]


@pytest.mark.parametrize(("method", "url"), MANAGE_PAGES)
def test_staff_may_not_manage(bob_client, workspace, method, url):
    response = getattr(bob_client, method)(url, {"phrase": "Rückruf"} if method == "post" else {})

    assert response.status_code == 403
    assert not SensitiveTopic.objects.filter(workspace=workspace).exists()
    assert not ReachabilityNotice.objects.filter(
        workspace=workspace, reviewed_at__isnull=False
    ).exists()


def test_staff_may_not_change_a_channel_or_topic(bob_client, press, topic):
    edit = bob_client.post(f"/publishing/channels/{press.pk}/edit/", channel_data(name="Presse"))
    delete = bob_client.post(f"/publishing/channels/{press.pk}/delete/")
    remove = bob_client.post(f"/publishing/topics/{topic.pk}/remove/")

    assert (edit.status_code, delete.status_code, remove.status_code) == (403, 403, 403)
    press.refresh_from_db()
    assert press.name == "Press"
    assert SensitiveTopic.objects.filter(pk=topic.pk).exists()


def rows_of_alice(press, topic, comment) -> list[tuple[str, str]]:
    return [
        ("get", f"/publishing/channels/{press.pk}/edit/"),
        ("post", f"/publishing/channels/{press.pk}/edit/"),
        ("get", f"/publishing/channels/{press.pk}/delete/"),
        ("post", f"/publishing/channels/{press.pk}/delete/"),
        ("post", f"/publishing/topics/{topic.pk}/remove/"),
        ("post", f"/publishing/comments/{comment.pk}/moderate/"),
        ("post", f"/publishing/comments/{comment.pk}/delete/"),
        ("post", f"/publishing/comments/{comment.pk}/reply/"),
    ]


def test_carol_gets_404_for_every_row_of_alices_workspace(
    carol, workspace, press, topic, waiting_comment
):
    client = client_for(carol)
    data = {"action": "show", "text": "Hallo", **channel_data(name="Presse")}

    for method, url in rows_of_alice(press, topic, waiting_comment):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, url

    press.refresh_from_db()
    assert press.name == "Press"
    assert SensitiveTopic.objects.filter(pk=topic.pk).exists()
    waiting_comment.refresh_from_db()
    assert waiting_comment.state == CommentState.WAITING
    assert not NewsComment.objects.filter(reply_to=waiting_comment).exists()


def test_carol_sees_only_her_own_workspace(carol, other_workspace, topic, waiting_comment):
    client = client_for(carol)

    channels = client.get("/publishing/channels/")
    topics = client.get("/publishing/topics/")
    comments = client.get("/publishing/comments/")

    assert "Press<" not in channels.content.decode()
    assert Channel.objects.filter(workspace=other_workspace).count() == len(
        services.DEFAULT_CHANNELS
    )
    assert f'id="topic-{topic.pk}"' not in topics.content.decode()
    assert "maria@example.com" not in comments.content.decode()


ALL_URLS = [
    "/publishing/channels/", "/publishing/channels/new/", "/publishing/channels/1/edit/",
    "/publishing/channels/1/delete/", "/publishing/topics/", "/publishing/topics/add/",
    "/publishing/topics/try/?text=x", "/publishing/topics/1/remove/",
    "/publishing/news-settings/", "/publishing/notice/", "/publishing/notice/confirm/",
    "/publishing/comments/", "/publishing/comments/1/moderate/",
    "/publishing/comments/1/delete/", "/publishing/comments/1/reply/",
]  # fmt: skip


@pytest.mark.parametrize("url", ALL_URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, workspace, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_sub_navigation_links_the_settings_pages(alice_client):
    page = alice_client.get("/publishing/topics/").content.decode()

    for url in ("/publishing/channels/", "/publishing/comments/", "/publishing/notice/",
                "/publishing/news-settings/"):  # fmt: skip
        assert f'href="{url}"' in page


def test_chart_labels_of_the_default_channels_do_not_cover_each_other(alice_client):
    response = alice_client.get("/publishing/channels/")

    dots = response.context["chart"]["dots"]
    boxes = [
        setup._label_box(dot.label_x, dot.label_y, dot.anchor, dot.point.channel.name)
        for dot in dots
    ]
    assert len(boxes) == len(services.DEFAULT_CHANNELS)
    for index, box in enumerate(boxes):
        assert not setup._overlaps(box, boxes[:index] + boxes[index + 1 :])


def test_new_channel_form_starts_as_a_channel_posted_by_hand(alice_client):
    response = alice_client.get("/publishing/channels/new/")

    assert response.status_code == 200
    assert response.context["form"]["kind"].value() == ChannelKind.OTHER
