"""Feed sources: polled from a real HTTP server on loopback, stored once, backed off on errors."""

from __future__ import annotations

import datetime as dt
import email.utils
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.core.services import api_token_create
from touchbase.listening import feeds
from touchbase.listening.models import Mention, Source
from touchbase.listening.tests.factories import source_make
from touchbase.testing import bearer
from touchbase.testing_http import Answer, LoopbackServer, loopback_server

pytestmark = pytest.mark.django_db

POLL_TASK = "touchbase.listening.tasks.feed_poll_task"
ANALYSE_TASK = "touchbase.listening.tasks.mentions_analyse_task"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"


# --- the feed server ----------------------------------------------------------------------------


@pytest.fixture
def server(settings) -> Iterator[LoopbackServer]:
    # Loopback is a private address: production refuses it, these tests allow it.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with loopback_server() as feed_server:
        yield feed_server


@pytest.fixture
def short_timeout(monkeypatch) -> None:
    monkeypatch.setattr(feeds, "FETCH_TIMEOUT", 0.5)


def feed_source(workspace, url: str, name: str = "Shop feed", **fields) -> Source:
    return source_make(workspace, name, kind="feed", feed_url=url, channel="Shop", **fields)


def ago(**delta: float) -> dt.datetime:
    return (timezone.now() - dt.timedelta(**delta)).replace(microsecond=0)


# --- feeds --------------------------------------------------------------------------------------

TWO_HOURS_AGO = ago(hours=2)
THREE_DAYS_AGO = ago(days=3)


def rss(*, items: str | None = None) -> bytes:
    berlin = dt.timezone(dt.timedelta(hours=2))
    first = email.utils.format_datetime(TWO_HOURS_AGO.astimezone(berlin))
    default = f"""
    <item>
      <title>Die Aurora ist großartig</title>
      <description>&lt;p&gt;Schöne Verarbeitung, &lt;b&gt;schnelle&lt;/b&gt; Lieferung
        &amp;amp; nette Beratung.&lt;/p&gt;&lt;p&gt;Gerne
        wieder!&lt;script&gt;alert(1)&lt;/script&gt;&lt;/p&gt;</description>
      <link>https://shop.example/reviews/1</link>
      <guid isPermaLink="false">review-1</guid>
      <pubDate>{first}</pubDate>
      <author>juergen@sonnenschein.example (Jürgen Müller)</author>
    </item>
    <item>
      <title>Lieferung zu spät</title>
      <description><![CDATA[Die Lampe kam <em>eine Woche</em> zu spät. Ärgerlich.]]></description>
      <dc:creator>Özlem Yıldız</dc:creator>
      <guid isPermaLink="false">review-2</guid>
      <pubDate>{email.utils.format_datetime(THREE_DAYS_AGO.astimezone(dt.UTC))}</pubDate>
    </item>"""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>Shop-Bewertungen</title>
    <link>https://shop.example/</link>
    <description>Was Kundinnen und Kunden sagen</description>
    <language>de-DE</language>{default if items is None else items}
  </channel>
</rss>""".encode()


def atom() -> bytes:
    new_york = dt.timezone(dt.timedelta(hours=-5))
    updated = TWO_HOURS_AGO.astimezone(new_york).isoformat()
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>Reviews</title>
  <id>urn:example:reviews</id>
  <updated>{updated}</updated>
  <entry>
    <title type="html">Great &lt;em&gt;lamp&lt;/em&gt;</title>
    <id>urn:example:review:7</id>
    <link href="/reviews/7"/>
    <updated>{updated}</updated>
    <author><name>Zoë Smith</name><email>Zoe@Example.com</email></author>
    <content type="html">&lt;p&gt;Bright, warm light.&lt;/p&gt;&lt;ul&gt;
      &lt;li&gt;easy to set up&lt;/li&gt;&lt;li&gt;quiet&lt;/li&gt;&lt;/ul&gt;
      &lt;img src="x" onerror="alert(1)"&gt;</content>
  </entry>
  <entry xml:lang="de">
    <title>Zu laut</title>
    <id>urn:example:review:8</id>
    <updated>{future}</updated>
    <summary type="text">Der Lüfter ist zu laut, &lt;b&gt; steht hier wörtlich.</summary>
  </entry>
</feed>""".encode()


def stored(source: Source) -> dict[str, Mention]:
    return {mention.external_id: mention for mention in Mention.objects.filter(source=source)}


# --- reading RSS and Atom -----------------------------------------------------------------------


def test_an_rss_feed_is_stored_as_mentions_with_plain_text_and_utc_dates(
    workspace, server, django_capture_on_commit_callbacks
):
    source = feed_source(workspace, server.serve("/feed.xml", Answer(body=rss(), headers={
        "Content-Type": RSS_TYPE})))  # fmt: skip
    # when
    with django_capture_on_commit_callbacks(execute=True):
        poll = feeds.feed_poll(source=source)
    # then
    assert (poll.outcome, poll.entries, poll.stored, poll.note) == ("stored", 2, 2, "")
    mentions = stored(source)
    first, second = mentions["review-1"], mentions["review-2"]
    assert first.title == "Die Aurora ist großartig"
    assert (
        first.text == "Schöne Verarbeitung, schnelle Lieferung & nette Beratung.\n\nGerne wieder!"
    )
    assert (first.author, first.author_email) == ("Jürgen Müller", "juergen@sonnenschein.example")
    assert first.url == "https://shop.example/reviews/1"
    assert first.published_at == TWO_HOURS_AGO
    assert (first.language, first.channel, first.sentiment) == ("de", "Shop", "")
    assert second.text == "Die Lampe kam eine Woche zu spät. Ärgerlich."
    assert (second.author, second.url) == ("Özlem Yıldız", "")
    assert second.published_at == THREE_DAYS_AGO
    # the worker is asked to read them
    assert DBTaskResult.objects.filter(task_path=ANALYSE_TASK).count() == 1


def test_an_atom_feed_is_stored_with_relative_links_resolved_and_future_dates_made_now(
    workspace, server
):
    url = server.serve("/atom", Answer(body=atom(), headers={"Content-Type": ATOM_TYPE}))
    source = feed_source(workspace, url)
    before = timezone.now()
    # when
    poll = feeds.feed_poll(source=source)
    # then
    assert (poll.outcome, poll.stored) == ("stored", 2)
    mentions = stored(source)
    lamp, loud = mentions["urn:example:review:7"], mentions["urn:example:review:8"]
    assert lamp.title == "Great lamp"
    assert lamp.text == "Bright, warm light.\n\neasy to set up\nquiet"
    assert (lamp.author, lamp.author_email) == ("Zoë Smith", "zoe@example.com")
    assert lamp.url == server.url("/reviews/7")
    assert lamp.published_at == TWO_HOURS_AGO
    assert lamp.language == "en"
    assert loud.text == "Der Lüfter ist zu laut, <b> steht hier wörtlich."
    assert loud.language == "de"
    assert before <= loud.published_at <= timezone.now()


def test_an_empty_but_valid_feed_is_a_success_with_nothing_stored(workspace, server):
    source = feed_source(workspace, server.serve("/empty", Answer(body=rss(items=""))))
    poll = feeds.feed_poll(source=source)
    source.refresh_from_db()
    assert (poll.outcome, poll.stored, source.failures, source.last_error) == ("stored", 0, 0, "")


def test_entries_beyond_the_cap_are_left_for_later(workspace, server, monkeypatch):
    monkeypatch.setattr(feeds, "MAX_ENTRIES", 3)
    items = "".join(
        f'<item><title>Eintrag {n}</title><guid isPermaLink="false">e{n}</guid></item>'
        for n in range(5)
    )
    source = feed_source(workspace, server.serve("/many", Answer(body=rss(items=items))))
    poll = feeds.feed_poll(source=source)
    assert (poll.entries, poll.stored) == (3, 3)
    assert sorted(stored(source)) == ["e0", "e1", "e2"]


def test_the_same_entries_polled_twice_are_stored_once(workspace, server):
    source = feed_source(workspace, server.serve("/feed.xml", Answer(body=rss())))
    first = feeds.feed_poll(source=source)
    # when
    again = feeds.feed_poll(source=source)
    # then
    assert (first.stored, again.outcome, again.entries, again.stored) == (2, "stored", 2, 0)
    assert Mention.objects.filter(source=source).count() == 2


# --- conditional GET and redirects --------------------------------------------------------------


def test_a_second_poll_asks_conditionally_and_a_304_stores_nothing(workspace, server):
    modified = "Tue, 01 Dec 2026 08:00:00 GMT"
    url = server.serve("/feed.xml", Answer(body=rss(), headers={
        "ETag": '"v1"', "Last-Modified": modified, "Content-Type": RSS_TYPE}))  # fmt: skip
    source = feed_source(workspace, url)
    feeds.feed_poll(source=source)
    assert (source.feed_etag, source.feed_last_modified) == ('"v1"', modified)
    Mention.objects.filter(source=source).delete()
    # when
    poll = feeds.feed_poll(source=source)
    # then
    first_request, second_request = server.requests
    assert "If-None-Match" not in first_request
    assert first_request["User-Agent"] == feeds.USER_AGENT
    assert second_request["If-None-Match"] == '"v1"'
    assert second_request["If-Modified-Since"] == modified
    assert poll.outcome == "not-modified"
    assert Mention.objects.filter(source=source).count() == 0
    source.refresh_from_db()
    assert (source.failures, source.last_error, source.feed_etag) == (0, "", '"v1"')
    assert source.next_poll_at - source.last_polled_at == dt.timedelta(minutes=60)


@pytest.mark.parametrize("status", [301, 302, 307])
def test_a_redirect_is_followed_to_the_feed(workspace, server, status):
    server.serve("/feed.xml", Answer(body=rss()))
    url = server.serve("/old", Answer(status=status, headers={"Location": "/feed.xml"}))
    source = feed_source(workspace, url)
    # when
    poll = feeds.feed_poll(source=source)
    # then
    assert (poll.outcome, poll.stored) == ("stored", 2)
    assert [request["path"] for request in server.requests] == ["/old", "/feed.xml"]
    source.refresh_from_db()
    assert source.feed_url == url


def test_more_than_five_redirects_are_an_error(workspace, server):
    for hop in range(7):
        server.serve(f"/hop{hop}", Answer(status=302, headers={"Location": f"/hop{hop + 1}"}))
    source = feed_source(workspace, server.url("/hop0"))
    poll = feeds.feed_poll(source=source)
    assert (poll.outcome, poll.note) == ("failed", "more than 5 redirects")
    assert len(server.requests) == 6


def test_a_redirect_to_another_scheme_is_refused(workspace, server):
    url = server.serve("/old", Answer(status=301, headers={"Location": "file:///etc/passwd"}))
    source = feed_source(workspace, url)
    poll = feeds.feed_poll(source=source)
    assert poll.note == "only http and https addresses can be fetched"
    assert Mention.objects.count() == 0


def test_a_feed_on_a_private_address_is_refused_in_production(workspace, server, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    source = feed_source(workspace, server.serve("/feed.xml", Answer(body=rss())))
    # when
    poll = feeds.feed_poll(source=source)
    # then
    assert poll.note == "The host resolves to a non-public address (127.0.0.1)."
    assert server.requests == []
    assert Mention.objects.count() == 0


# --- failures -----------------------------------------------------------------------------------


def test_malformed_xml_that_still_yields_entries_is_stored_with_the_problem_noted(
    workspace, server
):
    truncated = rss().replace(b"</channel>\n</rss>", b"")
    source = feed_source(workspace, server.serve("/broken", Answer(body=truncated)))
    # when
    poll = feeds.feed_poll(source=source)
    # then
    assert (poll.outcome, poll.stored) == ("stored", 2)
    source.refresh_from_db()
    assert source.failures == 0
    last_line = truncated.count(b"\n") + 1
    assert source.last_error == (
        f"XML error on line {last_line}: no element found; entries read anyway")  # fmt: skip
    assert source.last_error_at == source.last_polled_at


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"{ no xml", "application/xml", "XML error on line 1: not well-formed (invalid token)"),
        (b"<html><body><p>Shop</p></body></html>", "text/html", "no RSS or Atom"),
        (b"", "application/rss+xml", "no RSS or Atom"),
    ],
)
def test_a_body_that_yields_no_feed_is_an_error(workspace, server, body, content_type, reason):
    answer = Answer(body=body, headers={"Content-Type": content_type})
    source = feed_source(workspace, server.serve("/nofeed", answer))
    poll = feeds.feed_poll(source=source)
    source.refresh_from_db()
    assert (poll.outcome, source.failures) == ("failed", 1)
    assert source.last_error == f"not a feed: {reason}"
    assert Mention.objects.count() == 0


def test_a_huge_feed_is_refused_by_its_declared_length(workspace, server):
    answer = Answer(body=b"x" * (feeds.MAX_FEED_BYTES + 1))
    source = feed_source(workspace, server.serve("/huge", answer))
    poll = feeds.feed_poll(source=source)
    assert poll.note == "feed too large (more than 5 MB)"
    assert Mention.objects.count() == 0


def test_a_huge_feed_without_a_length_is_cut_off_at_the_cap(workspace, server):
    answer = Answer(stream_bytes=feeds.MAX_FEED_BYTES * 2)
    source = feed_source(workspace, server.serve("/huge", answer))
    poll = feeds.feed_poll(source=source)
    source.refresh_from_db()
    assert (poll.outcome, source.last_error) == ("failed", "feed too large (more than 5 MB)")


def test_a_server_that_does_not_answer_in_time_is_an_error(workspace, server, short_timeout):
    source = feed_source(workspace, server.serve("/slow", Answer(body=rss(), delay=3)))
    poll = feeds.feed_poll(source=source)
    source.refresh_from_db()
    assert (poll.outcome, source.last_error, source.failures) == (
        "failed", "timed out after 0.5 s", 1)  # fmt: skip


def test_a_body_trickling_in_past_the_deadline_is_an_error(workspace, server, short_timeout):
    source = feed_source(workspace, server.serve("/trickle", Answer(body=rss(), trickle=0.05)))
    poll = feeds.feed_poll(source=source)
    assert poll.note == "timed out after 0.5 s"
    assert Mention.objects.count() == 0


def test_a_closed_port_is_an_error_with_the_reason(workspace, server):
    port = server.server_port
    server.shutdown()
    server.server_close()
    source = feed_source(workspace, f"http://127.0.0.1:{port}/feed.xml")
    poll = feeds.feed_poll(source=source)
    assert poll.note == "cannot connect: Connection refused"


def test_errors_back_off_doubling_and_a_success_resets_them(workspace, server):
    failing = Answer(status=500, body=b"database down")
    url = server.serve("/feed.xml", failing, failing, Answer(body=rss()))
    source = feed_source(workspace, url, poll_minutes=60)
    # when: two failures
    feeds.feed_poll(source=source)
    first_wait = source.next_poll_at - source.last_error_at
    feeds.feed_poll(source=source)
    # then
    assert first_wait == dt.timedelta(minutes=120)
    assert source.next_poll_at - source.last_error_at == dt.timedelta(minutes=240)
    assert (source.failures, source.last_error) == (2, "HTTP 500 Internal Server Error")
    assert Mention.objects.count() == 0
    # when: it works again
    poll = feeds.feed_poll(source=source)
    # then
    assert poll.stored == 2
    assert (source.failures, source.last_error, source.last_error_at) == (0, "", None)
    assert source.next_poll_at - source.last_polled_at == dt.timedelta(minutes=60)


def test_the_backoff_doubles_up_to_a_day():
    waits = [feeds.backoff(poll_minutes=60, failures=n) for n in (0, 1, 4, 5, 200)]
    assert waits == [
        dt.timedelta(hours=1), dt.timedelta(hours=2), dt.timedelta(hours=16),
        dt.timedelta(hours=24), dt.timedelta(hours=24),
    ]  # fmt: skip


def test_a_poll_whose_url_changed_meanwhile_does_not_overwrite_the_new_state(workspace, server):
    source = feed_source(workspace, server.serve("/gone", Answer(status=404)))
    Source.objects.filter(pk=source.pk).update(feed_url=server.url("/feed.xml"))
    # when: the poll of the old address ends
    poll = feeds.feed_poll(source=source)
    # then
    source.refresh_from_db()
    assert poll.outcome == "failed"
    assert (source.failures, source.last_error) == (0, "")


# --- the schedule -------------------------------------------------------------------------------


def test_the_periodic_job_claims_each_due_feed_once(
    workspace, other_workspace, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = feed_source(workspace, "https://shop.example/feed", name="Due")
    never_polled = feed_source(workspace, "https://shop.example/new", name="New")
    later = feed_source(workspace, "https://shop.example/later", name="Later")
    elsewhere = feed_source(other_workspace, "https://castor.example/feed", name="Castor")
    upload = source_make(workspace, "Upload")
    Source.objects.filter(pk__in=[due.pk, elsewhere.pk, upload.pk]).update(
        next_poll_at=now - dt.timedelta(minutes=1)
    )
    Source.objects.filter(pk=never_polled.pk).update(next_poll_at=None)
    Source.objects.filter(pk=later.pk).update(next_poll_at=now + dt.timedelta(minutes=1))
    # when
    with django_capture_on_commit_callbacks(execute=True):
        claimed = feeds.feeds_poll_due(now=now)
        claimed_again = feeds.feeds_poll_due(now=now)
    # then
    assert (claimed, claimed_again) == (3, 0)
    enqueued = sorted(
        task.args_kwargs["kwargs"]["source_id"]
        for task in DBTaskResult.objects.filter(task_path=POLL_TASK)
    )
    assert enqueued == sorted([due.pk, never_polled.pk, elsewhere.pk])
    assert Source.objects.get(pk=due.pk).next_poll_at == now + feeds.POLL_LEASE
    assert Source.objects.get(pk=later.pk).next_poll_at == now + dt.timedelta(minutes=1)


def test_a_claim_whose_worker_died_is_claimed_again_after_the_lease(
    workspace, django_capture_on_commit_callbacks
):
    now = timezone.now()
    source = feed_source(workspace, "https://shop.example/feed")
    Source.objects.filter(pk=source.pk).update(next_poll_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        feeds.feeds_poll_due(now=now)
        # when
        within = feeds.feeds_poll_due(now=now + feeds.POLL_LEASE - dt.timedelta(seconds=1))
        after = feeds.feeds_poll_due(now=now + feeds.POLL_LEASE)
    # then
    assert (within, after) == (0, 1)
    assert DBTaskResult.objects.filter(task_path=POLL_TASK).count() == 2


def test_a_schedulers_claim_loses_when_another_moved_the_poll_meanwhile(workspace):
    now = timezone.now()
    source = feed_source(workspace, "https://shop.example/feed")
    Source.objects.filter(pk=source.pk).update(next_poll_at=now)
    # what the other scheduler read, before this one claimed it
    won = Source.objects.filter(pk=source.pk, next_poll_at=now).update(
        next_poll_at=now + feeds.POLL_LEASE
    )
    assert won == 1
    # when
    claimed = feeds.feeds_poll_due(now=now)
    # then
    assert claimed == 0


@pytest.mark.django_db(transaction=True)
def test_fetch_now_lets_the_worker_poll_the_feed(client, alice, workspace, server):
    source = feed_source(workspace, server.serve("/feed.xml", Answer(body=rss())))
    client.force_login(alice)
    # when
    response = client.post(reverse("listening:source-fetch", args=[source.pk]), follow=True)
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    # then
    assert "The feed is being fetched; new mentions appear shortly." in response.content.decode()
    task = DBTaskResult.objects.get(task_path=POLL_TASK)
    assert (task.status, task.return_value) == ("SUCCESSFUL", "stored")
    assert Mention.objects.filter(source=source).count() == 2
    page = client.get(reverse("listening:source-detail", args=[source.pk])).content.decode()
    assert f'href="/listening/?source={source.pk}">2</a>' in page


# --- the button and the API ---------------------------------------------------------------------


def test_fetch_now_enqueues_a_poll_of_the_feed(
    alice_client, workspace, django_capture_on_commit_callbacks
):
    source = feed_source(workspace, "https://shop.example/feed")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(reverse("listening:source-fetch", args=[source.pk]))
    # then
    assert response["Location"] == reverse("listening:source-detail", args=[source.pk])
    task = DBTaskResult.objects.get(task_path=POLL_TASK)
    assert task.args_kwargs["kwargs"] == {"workspace_id": workspace.pk, "source_id": source.pk}


def test_the_source_page_offers_fetch_now_for_feeds_only(alice_client, workspace):
    feed = feed_source(workspace, "https://shop.example/feed")
    upload = source_make(workspace, "Upload")
    fetch_url = reverse("listening:source-fetch", args=[feed.pk])
    feed_page = alice_client.get(reverse("listening:source-detail", args=[feed.pk]))
    upload_page = alice_client.get(reverse("listening:source-detail", args=[upload.pk]))
    assert f'action="{fetch_url}"' in feed_page.content.decode()
    assert "Fetch now" not in upload_page.content.decode()


def test_fetch_now_of_another_kind_of_source_says_so_and_enqueues_nothing(
    alice_client, workspace, django_capture_on_commit_callbacks
):
    upload = source_make(workspace, "Upload")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            reverse("listening:source-fetch", args=[upload.pk]), follow=True
        )
    assert "Only a feed source can be fetched." in response.content.decode()
    assert DBTaskResult.objects.count() == 0


def test_fetch_now_of_another_workspaces_feed_is_not_found(
    carol_client, workspace, django_capture_on_commit_callbacks
):
    source = feed_source(workspace, "https://shop.example/feed")
    with django_capture_on_commit_callbacks(execute=True):
        response = carol_client.post(reverse("listening:source-fetch", args=[source.pk]))
    assert response.status_code == 404
    assert DBTaskResult.objects.count() == 0
    assert Source.objects.get(pk=source.pk).next_poll_at == source.next_poll_at


def test_staff_may_not_fetch_now(client, bob, workspace, django_capture_on_commit_callbacks):
    source = feed_source(workspace, "https://shop.example/feed")
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("listening:source-fetch", args=[source.pk]))
    page = client.get(reverse("listening:source-detail", args=[source.pk])).content.decode()
    assert response.status_code == 403
    assert DBTaskResult.objects.count() == 0
    assert "Fetch now" not in page


def test_fetch_now_takes_post_only(alice_client, workspace):
    source = feed_source(workspace, "https://shop.example/feed")
    response = alice_client.get(reverse("listening:source-fetch", args=[source.pk]))
    assert response.status_code == 405


def test_the_api_enqueues_a_poll_with_202(
    client, alice_token, workspace, django_capture_on_commit_callbacks
):
    source = feed_source(workspace, "https://shop.example/feed")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/listening/sources/{source.pk}/fetch", headers=bearer(alice_token)
        )
    assert response.status_code == 202
    assert (response.json()["id"], response.json()["kind"]) == (source.pk, "feed")
    task = DBTaskResult.objects.get(task_path=POLL_TASK)
    assert task.args_kwargs["kwargs"] == {"workspace_id": workspace.pk, "source_id": source.pk}


def test_the_api_refuses_to_fetch_another_kind_of_source(client, alice_token, workspace):
    upload = source_make(workspace, "Upload")
    response = client.post(
        f"/api/v1/listening/sources/{upload.pk}/fetch", headers=bearer(alice_token)
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"kind": ["Only a feed source can be fetched."]}


def test_the_api_does_not_find_another_workspaces_feed(client, carol_token, workspace):
    source = feed_source(workspace, "https://shop.example/feed")
    response = client.post(
        f"/api/v1/listening/sources/{source.pk}/fetch", headers=bearer(carol_token)
    )
    assert response.status_code == 404
    assert DBTaskResult.objects.count() == 0


def test_the_api_refuses_fetch_now_to_staff(client, bob_membership, workspace):
    token = api_token_create(membership=bob_membership, name="tests")[1]
    source = feed_source(workspace, "https://shop.example/feed")
    response = client.post(f"/api/v1/listening/sources/{source.pk}/fetch", headers=bearer(token))
    assert response.status_code == 403
    assert DBTaskResult.objects.count() == 0


# --- what the team sees -------------------------------------------------------------------------


def test_a_failing_feed_shows_its_error_on_its_page_and_in_the_list(
    alice_client, workspace, server
):
    failing = Answer(status=500)
    source = feed_source(workspace, server.serve("/feed.xml", failing))
    feeds.feed_poll(source=source)
    feeds.feed_poll(source=source)
    # when
    page = alice_client.get(reverse("listening:source-detail", args=[source.pk])).content.decode()
    listing = alice_client.get(reverse("listening:source-list")).content.decode()
    # then
    assert "Last error" in page
    assert "HTTP 500 Internal Server Error (" in page
    assert "2 failures in a row" in page
    assert "HTTP 500 Internal Server Error · 0\xa0minutes ago" in listing


def test_a_noted_problem_is_no_error_on_the_page(alice_client, workspace, server):
    truncated = rss().replace(b"</channel>\n</rss>", b"")
    source = feed_source(workspace, server.serve("/broken", Answer(body=truncated)))
    feeds.feed_poll(source=source)
    page = alice_client.get(reverse("listening:source-detail", args=[source.pk])).content.decode()
    listing = alice_client.get(reverse("listening:source-list")).content.decode()
    assert "Last error" not in page
    assert "entries read anyway" in page
    assert "Error</span>" not in listing
