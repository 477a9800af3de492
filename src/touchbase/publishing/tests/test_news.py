"""The public news page as strangers use it: read, follow the feed, comment, and abuse it."""

from __future__ import annotations

import io
import re

import feedparser
import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from touchbase.publishing import services
from touchbase.publishing.choices import CommentState
from touchbase.publishing.models import Draft, NewsComment, NewsSettings
from touchbase.publishing.tests.conftest import approve
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor, VisitorDevice

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _fresh_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


def url(workspace, name="publishing:news", *args):
    return reverse(name, args=[workspace.slug, *args])


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def publish(draft: Draft, *reviewers) -> Draft:
    approve(draft, *reviewers)
    return services.draft_publish(draft=draft, actor=draft.author)


@pytest.fixture
def news_post(workspace, alice, blog):
    """Alice's post on the news page (the blog needs no review), with a tag and an image."""
    draft = services.draft_create(
        workspace=workspace, author=alice, title="Neue Öffnungszeiten",
        body="Ab **Montag** öffnen wir um 8 Uhr.", channels=[blog], tags=["Service"],
        image=png(), image_alt="Unser Laden",
    )  # fmt: skip
    return publish(draft)


@pytest.fixture
def hidden_draft(workspace, alice, blog):
    """A draft that was never published, with the same tag and an image."""
    return services.draft_create(
        workspace=workspace, author=alice, title="Geheime Preiserhöhung",
        body="Streng vertraulich", channels=[blog], tags=["Service"], image=png("secret.png"),
    )  # fmt: skip


def settings_set(workspace, **fields) -> None:
    """Change the news page's settings as the setup page would (no cache bump needed)."""
    services.news_settings(workspace=workspace)
    NewsSettings.objects.filter(workspace=workspace).update(**fields)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/v/\S+/confirm/\S+/", body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def confirmed(workspace, email: str, name: str = "") -> Visitor:
    visitor = visitors.visitor_for_email(workspace=workspace, email=email)
    visitor.name = name
    visitor.confirmed_at = visitor.created_at
    visitor.save()
    return visitor


def signed_in_client(visitor: Visitor) -> Client:
    """A browser the visitor confirmed on: it carries the device cookie."""
    client = Client()
    client.post(path_of(visitors.confirmation_link(visitor=visitor, next_path="/")))
    return client


def every_public_answer(client, workspace, draft) -> dict[str, str]:
    tag_slug = "service"
    return {
        "list": client.get(url(workspace)).content.decode(),
        "tag": client.get(url(workspace, "publishing:news-tag", tag_slug)).content.decode(),
        "feed": client.get(url(workspace, "publishing:news-feed")).content.decode(),
    }


# --- reading -----------------------------------------------------------------------------------


def test_the_list_shows_published_posts_with_date_summary_tags_and_image(
    workspace, news_post, client
):
    response = client.get(url(workspace))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Neue Öffnungszeiten" in page
    assert "Ab Montag öffnen wir um 8 Uhr." in page
    assert url(workspace, "publishing:news-tag", "service") in page
    assert url(workspace, "publishing:news-image", news_post.pk) in page
    feed = url(workspace, "publishing:news-feed")
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Pollux GmbH" href="{feed}">'
        in page
    )
    assert response["Link"] == f'<{feed}>; rel="alternate"; type="application/atom+xml"'
    assert "--brand: #2f5bea" in page


def test_dates_are_shown_in_the_workspace_time_zone(workspace, alice, blog, client):
    draft = services.draft_create(workspace=workspace, author=alice, title="Silvester",
                                  channels=[blog])  # fmt: skip
    publish(draft)
    # 23:30 UTC on 31 December is already New Year in Berlin
    import datetime as dt

    Draft.objects.filter(pk=draft.pk).update(
        published_at=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)
    )
    services.news_cache_bump(workspace_id=workspace.pk)
    page = client.get(url(workspace), headers={"Accept-Language": "en"}).content.decode()
    assert 'datetime="2026-01-01T00:30:00+01:00"' in page


def test_unpublished_and_withdrawn_drafts_never_show(
    workspace, alice, news_post, hidden_draft, client
):
    # an unpublished draft: not in the list, the tag page, the feed, nor by its address
    for name, text in every_public_answer(client, workspace, hidden_draft).items():
        assert "Neue Öffnungszeiten" in text, name
        assert "Geheime Preiserhöhung" not in text, name
        assert "Streng vertraulich" not in text, name
    assert client.get(url(workspace, "publishing:news-post", hidden_draft.pk)).status_code == 404
    assert client.get(url(workspace, "publishing:news-image", hidden_draft.pk)).status_code == 404
    # a withdrawn post disappears everywhere at once
    services.draft_withdraw(draft=news_post, actor=alice)
    answers = every_public_answer(client, workspace, news_post)
    assert "Neue Öffnungszeiten" not in answers["list"]
    assert "Neue Öffnungszeiten" not in answers["feed"]
    assert client.get(url(workspace, "publishing:news-tag", "service")).status_code == 404
    assert client.get(url(workspace, "publishing:news-post", news_post.pk)).status_code == 404
    assert client.get(url(workspace, "publishing:news-image", news_post.pk)).status_code == 404


def test_an_unpublished_edit_of_a_published_post_does_not_show(workspace, alice, news_post, client):
    services.draft_update(draft=news_post, actor=alice, title="Entwurf: neue Preise",
                          body="Noch geheim", channels=list(news_post.channels.all()),
                          tags=["Service"])  # fmt: skip
    page = client.get(url(workspace, "publishing:news-post", news_post.pk)).content.decode()
    assert "Neue Öffnungszeiten" in page
    assert "Noch geheim" not in page
    assert "neue Preise" not in page


def test_an_unpublished_new_image_or_tag_does_not_show(workspace, alice, news_post, client):
    published_image = Draft.objects.get(pk=news_post.pk).public_image
    # given a published post, edited (new image, new description, new tag) but not published
    services.draft_update(draft=news_post, actor=alice, title="Neue Öffnungszeiten",
                          body="Ab **Montag** öffnen wir um 8 Uhr.",
                          channels=list(news_post.channels.all()), tags=["Service", "Intern"],
                          image=png("replaced.png"), image_alt="Unreviewed")  # fmt: skip
    assert Draft.objects.get(pk=news_post.pk).image.name != published_image
    # then the published copy shows: its image file, its description, its tags
    post_page = client.get(url(workspace, "publishing:news-post", news_post.pk)).content.decode()
    assert 'alt="Unser Laden"' in post_page
    assert "Unreviewed" not in post_page
    image = client.get(url(workspace, "publishing:news-image", news_post.pk))
    with default_storage.open(published_image, "rb") as original:
        assert b"".join(image.streaming_content) == original.read()
    assert client.get(url(workspace, "publishing:news-tag", "intern")).status_code == 404
    assert client.get(url(workspace, "publishing:news-tag", "service")).status_code == 200


def test_the_post_page_shows_the_post_and_its_image(workspace, news_post, client):
    page = client.get(url(workspace, "publishing:news-post", news_post.pk)).content.decode()
    assert '<h1 id="post-title">Neue Öffnungszeiten</h1>' in page
    assert "<strong>Montag</strong>" in page
    assert 'alt="Unser Laden"' in page
    image = client.get(url(workspace, "publishing:news-image", news_post.pk))
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_another_workspaces_slug_shows_none_of_the_posts(
    workspace, other_workspace, news_post, client
):
    assert client.get(url(other_workspace, "publishing:news-post", news_post.pk)).status_code == 404
    assert (
        client.get(url(other_workspace, "publishing:news-image", news_post.pk)).status_code == 404
    )
    assert "Neue Öffnungszeiten" not in client.get(url(other_workspace)).content.decode()
    assert client.get("/news/no-such-company/").status_code == 404


def test_a_closed_news_page_answers_not_found_everywhere(workspace, news_post, client):
    settings_set(workspace, enabled=False)
    for address in (
        url(workspace), url(workspace, "publishing:news-tag", "service"),
        url(workspace, "publishing:news-post", news_post.pk),
        url(workspace, "publishing:news-image", news_post.pk),
        url(workspace, "publishing:news-feed"), url(workspace, "publishing:news-notice"),
    ):  # fmt: skip
        assert client.get(address).status_code == 404, address
    response = client.post(url(workspace, "publishing:news-post", news_post.pk),
                           {"text": "Hallo", "email": "jana@example.com"})  # fmt: skip
    assert response.status_code == 404
    assert not NewsComment.objects.exists()


def test_page_and_tag_are_bounded(workspace, news_post, client):
    assert client.get(url(workspace) + "?page=999999999999").status_code == 200
    assert client.get(url(workspace) + "?page=7").status_code == 404
    assert client.get(url(workspace, "publishing:news-tag", "x" * 51)).status_code == 404
    assert client.get(url(workspace, "publishing:news-tag", "unknown")).status_code == 404


def test_twenty_posts_a_page_newest_first(workspace, alice, blog, client):
    for number in range(21):
        publish(services.draft_create(workspace=workspace, author=alice, title=f"Post {number}",
                                      channels=[blog]))  # fmt: skip
    first = client.get(url(workspace)).content.decode()
    assert first.index("Post 20<") < first.index("Post 19<")
    assert "Post 0<" not in first
    assert 'id="news-older"' in first
    second = client.get(url(workspace) + "?page=2").content.decode()
    assert "Post 0<" in second
    assert "Post 20<" not in second


def test_the_intro_and_the_reachability_banner(workspace, alice, news_post, client):
    settings_set(workspace, title="Neuigkeiten von Pollux", intro="Was es Neues gibt.")
    page = client.get(url(workspace)).content.decode()
    assert "Neuigkeiten von Pollux" in page
    assert "Was es Neues gibt." in page
    assert 'id="news-banner"' not in page  # an empty notice shows nothing
    services.notice_update(workspace=workspace, actor=alice, reach="Telefon 089 123 456",
                           show_banner=True)  # fmt: skip
    page = client.get(url(workspace)).content.decode()
    assert 'id="news-banner"' in page
    assert "Telefon 089 123 456" in page
    services.notice_update(workspace=workspace, actor=alice, show_banner=False)
    assert 'id="news-banner"' not in client.get(url(workspace)).content.decode()


# --- the feed ----------------------------------------------------------------------------------


def test_the_atom_feed_parses_with_titles_links_dates_and_content(
    workspace, alice, news_post, hidden_draft, client
):
    response = client.get(url(workspace, "publishing:news-feed"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert parsed.bozo == 0
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Pollux GmbH"
    assert parsed.feed.link == "http://127.0.0.1:8000/news/pollux-test/"
    assert parsed.feed.id == "http://127.0.0.1:8000/news/pollux-test/"
    assert parsed.feed.updated_parsed is not None
    assert len(parsed.entries) == 1
    entry = parsed.entries[0]
    post_url = f"http://127.0.0.1:8000/news/pollux-test/{news_post.pk}/"
    assert entry.title == "Neue Öffnungszeiten"
    assert entry.link == post_url
    assert entry.id == post_url
    assert entry.author == "Alice Adler" or entry.author == alice.display_name
    assert entry.summary == "Ab Montag öffnen wir um 8 Uhr."
    assert entry.content[0].type == "text/html"
    assert "<strong>Montag</strong>" in entry.content[0].value
    assert entry.published_parsed[:5] == news_post.published_at.utctimetuple()[:5]
    assert entry.updated_parsed is not None
    assert [tag.term for tag in entry.tags] == ["service"]


def test_a_feed_reader_that_has_the_feed_gets_304_until_it_changes(
    workspace, alice, blog, news_post, client
):
    first = client.get(url(workspace, "publishing:news-feed"))
    etag = first["ETag"]
    again = client.get(url(workspace, "publishing:news-feed"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    publish(services.draft_create(workspace=workspace, author=alice, title="Sommerfest",
                                  channels=[blog]))  # fmt: skip
    changed = client.get(url(workspace, "publishing:news-feed"), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Sommerfest" in changed.content.decode()


def test_reading_pages_answer_head_and_refuse_post(workspace, news_post, client):
    assert client.head(url(workspace, "publishing:news-feed")).status_code == 200
    assert client.head(url(workspace)).status_code == 200
    assert client.post(url(workspace)).status_code == 405
    assert client.post(url(workspace, "publishing:news-feed")).status_code == 405


def test_an_empty_feed_is_still_valid(workspace, client):
    parsed = feedparser.parse(client.get(url(workspace, "publishing:news-feed")).content)
    assert parsed.bozo == 0
    assert parsed.entries == []


# --- nothing runs ------------------------------------------------------------------------------


def test_script_in_a_post_or_a_comment_never_reaches_the_page(workspace, alice, blog, bob, client):
    draft = services.draft_create(
        workspace=workspace, author=alice, title=f"Titel {SCRIPT}", body=f"Text {SCRIPT}",
        channels=[blog], tags=[SCRIPT[:30]],
    )  # fmt: skip
    draft = publish(draft)
    eva = confirmed(workspace, "eva@example.com", name=f"Eva {SCRIPT[:40]}")
    comment = services.comment_post(draft=draft, visitor=eva, text=f"Kommentar {SCRIPT}",
                                    verified=True)  # fmt: skip
    services.comment_moderate(comment=comment, actor=bob, show=True)
    for address in (url(workspace), url(workspace, "publishing:news-post", draft.pk)):
        page = client.get(address).content.decode()
        assert "Titel" in page
        assert '<script>alert("x")' not in page
        assert "<img src=x" not in page  # as text, "onerror=" is harmless: never as a tag
        assert "&lt;script&gt;" in page
    page = client.get(url(workspace, "publishing:news-post", draft.pk)).content.decode()
    assert "Kommentar &lt;script&gt;" in page
    feed = client.get(url(workspace, "publishing:news-feed")).content.decode()
    assert "<img src=x" not in feed
    assert '<script>alert("x")' not in feed


# --- comments ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_stranger_comments_confirms_by_mail_and_the_comment_appears_once_shown(
    workspace, news_post, bob, smtp
):
    client = Client()
    post_url = url(workspace, "publishing:news-post", news_post.pk)
    response = client.post(post_url, {"text": "Endlich früher!", "email": "Jana@Example.com",
                                      "name": "Jana"})  # fmt: skip
    assert response.status_code == 200
    assert 'id="check-mail"' in response.content.decode()
    comment = NewsComment.objects.get()
    assert comment.state == CommentState.UNCONFIRMED
    run_worker()
    assert len(smtp.messages) == 1
    assert smtp.messages[0]["To"] == "jana@example.com"
    link = path_of(link_in(smtp.messages[0]))
    # following the link shows what it would publish, and a GET changes nothing
    preview = client.get(link)
    assert preview.status_code == 200
    assert "Endlich früher!" in preview.content.decode()
    assert NewsComment.objects.get().state == CommentState.UNCONFIRMED
    confirmed_response = client.post(link)
    assert confirmed_response.status_code == 303
    assert confirmed_response["Location"] == post_url
    comment.refresh_from_db()
    assert comment.state == CommentState.WAITING
    assert comment.author_name == "Jana"
    assert "Endlich früher!" not in client.get(post_url).content.decode()
    services.comment_moderate(comment=comment, actor=bob, show=True)
    page = client.get(post_url).content.decode()
    assert "Endlich früher!" in page
    assert "Jana" in page
    # the browser is remembered now: the next comment needs no mail and waits for moderation
    response = client.post(post_url, {"text": "Und samstags?"})
    assert response.status_code == 200
    assert 'id="comment-waiting"' in response.content.decode()
    assert NewsComment.objects.get(text="Und samstags?").state == CommentState.WAITING
    run_worker()
    assert len(smtp.messages) == 1


def test_a_remembered_visitor_sees_no_address_fields(workspace, news_post):
    eva_client = signed_in_client(confirmed(workspace, "eva@example.com", "Eva"))
    page = eva_client.get(url(workspace, "publishing:news-post", news_post.pk)).content.decode()
    assert 'name="text"' in page
    assert 'name="email"' not in page
    assert (
        'name="email"'
        in Client().get(url(workspace, "publishing:news-post", news_post.pk)).content.decode()
    )


def _pending_comment(workspace, news_post) -> tuple[NewsComment, str]:
    visitor = visitors.visitor_for_email(workspace=workspace, email="jana@example.com")
    comment = services.comment_post(draft=news_post, visitor=visitor, text="Danke!",
                                    verified=False)  # fmt: skip
    link = visitors.confirmation_link(
        visitor=visitor,
        next_path=url(workspace, "publishing:news-post", news_post.pk),
        items={"news_comment": comment.pk},
    )
    return comment, path_of(link)


def test_an_expired_link_publishes_nothing(workspace, news_post, clock):
    comment, link = _pending_comment(workspace, news_post)
    clock.now += visitors.LINK_LIFETIME.total_seconds() + 1
    response = Client().post(link)
    assert response.status_code == 404
    assert "expired" in response.content.decode()
    assert NewsComment.objects.get(pk=comment.pk).state == CommentState.UNCONFIRMED


def test_a_used_link_does_nothing_the_second_time(workspace, news_post, bob):
    comment, link = _pending_comment(workspace, news_post)
    assert Client().post(link).status_code == 303
    services.comment_moderate(comment=NewsComment.objects.get(pk=comment.pk), actor=bob,
                              show=False)  # fmt: skip
    again = Client().post(link)
    assert again.status_code == 404
    assert "already used" in again.content.decode()
    assert NewsComment.objects.get(pk=comment.pk).state == CommentState.REJECTED
    assert VisitorDevice.objects.count() == 1


def test_a_forged_link_publishes_nothing(workspace, news_post):
    comment, link = _pending_comment(workspace, news_post)
    token = link.rstrip("/").rsplit("/", 1)[1]
    for bad in (token[:-4] + "AAAA", token[:20], "x" * 600):
        response = Client().post(f"/v/{workspace.slug}/confirm/{bad}/")
        assert response.status_code == 404
    assert NewsComment.objects.get(pk=comment.pk).state == CommentState.UNCONFIRMED
    assert not Visitor.objects.get(email="jana@example.com").is_confirmed


def test_a_robot_is_thanked_and_nothing_is_kept(workspace, news_post, client):
    response = client.post(url(workspace, "publishing:news-post", news_post.pk), {
        "text": "Cheap pills", "email": "bot@example.com", "website": "http://spam.example",
    })  # fmt: skip
    assert response.status_code == 200
    assert 'id="check-mail"' in response.content.decode()
    assert not NewsComment.objects.exists()
    assert not Visitor.objects.exists()


def test_too_many_comments_are_refused(workspace, news_post):
    eva = confirmed(workspace, "eva@example.com", "Eva")
    eva_client = signed_in_client(eva)
    post_url = url(workspace, "publishing:news-post", news_post.pk)
    limit = visitors.LIMITS.get("news-comment", visitors.DEFAULT_LIMIT).per_email
    for number in range(limit):
        assert eva_client.post(post_url, {"text": f"Nr. {number}"}).status_code == 200
    response = eva_client.post(post_url, {"text": "Einer zu viel"})
    assert response.status_code == 429
    assert NewsComment.objects.count() == limit
    assert not NewsComment.objects.filter(text="Einer zu viel").exists()


def test_a_blocked_address_may_read_but_not_comment(workspace, news_post, client):
    visitors.visitor_block(workspace=workspace, email="troll@example.com")
    post_url = url(workspace, "publishing:news-post", news_post.pk)
    assert client.get(post_url).status_code == 200
    response = client.post(post_url, {"text": "Blödsinn", "email": "troll@example.com"})
    assert response.status_code == 403
    assert 'id="blocked"' in response.content.decode()
    assert not NewsComment.objects.exists()


def test_closed_comments_show_no_form_and_take_nothing(workspace, news_post, client):
    settings_set(workspace, comments_open=False)
    post_url = url(workspace, "publishing:news-post", news_post.pk)
    page = client.get(post_url).content.decode()
    assert 'id="comment-form"' not in page
    assert 'id="comments-closed"' in page
    response = client.post(post_url, {"text": "Hallo", "email": "jana@example.com"})
    assert response.status_code == 403
    assert not NewsComment.objects.exists()


def test_an_invalid_comment_shows_the_errors(workspace, news_post, client):
    response = client.post(url(workspace, "publishing:news-post", news_post.pk),
                           {"text": "x" * 2001, "email": "kein-mail"})  # fmt: skip
    assert response.status_code == 422
    assert 'class="errorlist' in response.content.decode()
    assert not NewsComment.objects.exists()


def test_a_staff_reply_is_marked_and_sits_under_its_comment(workspace, news_post, bob, client):
    eva = confirmed(workspace, "eva@example.com", "Eva")
    first = services.comment_post(draft=news_post, visitor=eva, text="Auch sonntags?",
                                  verified=True)  # fmt: skip
    services.comment_moderate(comment=first, actor=bob, show=True)
    second = services.comment_post(draft=news_post, visitor=eva, text="Zweite Frage",
                                   verified=True)  # fmt: skip
    services.comment_moderate(comment=second, actor=bob, show=True)
    services.comment_reply(draft=news_post, member=bob, text="Sonntags nicht.", reply_to=first)
    page = client.get(url(workspace, "publishing:news-post", news_post.pk),
                      headers={"Accept-Language": "en"}).content.decode()  # fmt: skip
    assert "Bob Bauer, from Pollux GmbH" in page
    # the reply follows its comment, before the later comment
    assert page.index("Auch sonntags?") < page.index("Sonntags nicht.") < page.index("Zweite Frage")


# --- speed -------------------------------------------------------------------------------------


def test_the_list_is_cached_and_a_publication_shows_at_once(
    workspace, alice, blog, news_post, client, django_assert_max_num_queries
):
    assert "Neue Öffnungszeiten" in client.get(url(workspace)).content.decode()
    client.get(url(workspace, "publishing:news-feed"))
    # cached: the workspace and its settings, nothing more
    with django_assert_max_num_queries(2):
        page = client.get(url(workspace)).content.decode()
    with django_assert_max_num_queries(2):
        client.get(url(workspace, "publishing:news-feed"))
    assert "Neue Öffnungszeiten" in page
    second = services.draft_create(workspace=workspace, author=alice, title="Sommerfest",
                                   channels=[blog])  # fmt: skip
    publish(second)
    assert "Sommerfest" in client.get(url(workspace)).content.decode()
    assert "Sommerfest" in client.get(url(workspace, "publishing:news-feed")).content.decode()


def test_the_cached_page_carries_each_visitors_own_csrf_token(workspace, news_post):
    first, second = Client(), Client()
    page_one = first.get(url(workspace)).content.decode()
    page_two = second.get(url(workspace)).content.decode()
    token_one = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_one).group(1)
    token_two = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_two).group(1)
    assert token_one != token_two
    assert "tbcsrfslot" not in page_two
    # the language switch works from a cached page
    response = second.post(reverse("core:language-set"),
                           {"csrfmiddlewaretoken": token_two, "language": "en",
                            "next": url(workspace)})  # fmt: skip
    assert response.status_code == 302


def test_a_signed_in_member_never_gets_a_strangers_cached_page(workspace, news_post, alice_client):
    stranger = Client().get(url(workspace)).content.decode()
    assert "alice" not in stranger.casefold()
    member = alice_client.get(url(workspace)).content.decode()
    assert "Neue Öffnungszeiten" in member
    assert "Alice" in member
    assert "Alice" not in Client().get(url(workspace)).content.decode()


# --- framing and languages ---------------------------------------------------------------------


def _csp(response) -> str:
    return response.get("Content-Security-Policy") or response.get(
        "Content-Security-Policy-Report-Only", ""
    )


def test_only_the_notice_page_may_be_framed(workspace, alice, news_post, client):
    services.notice_update(workspace=workspace, actor=alice, reach="Telefon 089 123 456",
                           measures="Bitte Maske tragen")  # fmt: skip
    notice = client.get(url(workspace, "publishing:news-notice") + "?lang=de")
    body = notice.content.decode()
    assert notice.status_code == 200
    assert "Telefon 089 123 456" in body
    assert "<script" not in body
    assert "X-Frame-Options" not in notice
    assert "frame-ancestors *" in _csp(notice)
    assert "script-src" not in _csp(notice)
    assert "default-src 'none'" in _csp(notice)
    for address in (url(workspace), url(workspace, "publishing:news-post", news_post.pk),
                    url(workspace, "publishing:news-feed")):  # fmt: skip
        response = client.get(address)
        assert response["X-Frame-Options"] == "DENY", address
        assert "frame-ancestors 'none'" in _csp(response), address


def test_the_notice_speaks_the_language_asked_for(workspace, alice, client):
    services.notice_update(workspace=workspace, actor=alice, reach="089 123 456")
    german = client.get(url(workspace, "publishing:news-notice") + "?lang=de").content.decode()
    english = client.get(url(workspace, "publishing:news-notice") + "?lang=en").content.decode()
    assert '<html lang="de">' in german
    assert '<html lang="en">' in english
    assert "How to reach us now" in english
    assert "089 123 456" in german


def test_both_languages_render(workspace, news_post, client):
    post_url = url(workspace, "publishing:news-post", news_post.pk)
    english = client.get(post_url, headers={"Accept-Language": "en"}).content.decode()
    german = Client().get(post_url, headers={"Accept-Language": "de"}).content.decode()
    assert '<html lang="en">' in english
    assert "Send comment" in english
    assert '<html lang="de">' in german
    assert "Kommentar senden" in german
    for language in ("en", "de"):
        page = Client().get(url(workspace), headers={"Accept-Language": language})
        assert f'<html lang="{language}">' in page.content.decode()
