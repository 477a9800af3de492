"""The response queue: what waits, its clocks, replies as touchpoints, owners, closing, panels."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.listening import answers
from touchbase.listening.analysis import Reading
from touchbase.listening.models import Mention, Reply
from touchbase.listening.queue import clock, open_feedback, queue_page
from touchbase.listening.services import listening_settings
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.listening.understanding import mentions_analyse
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.relationships.services import contact_save

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
HTMX = {"HX-Request": "true"}


class WordAnalyser:
    """Reads "kaputt" as negative and anything else as positive: the worker's path, no model."""

    def read(self, texts: Sequence[str]) -> list[Reading]:
        return [
            Reading("de", "negative", -0.8, 1.0) if "kaputt" in text else
            Reading("de", "positive", 0.8, 5.0)
            for text in texts
        ]  # fmt: skip


def waiting(source, text, *, contact=None, owner=None, due_in=10 * HOUR, **fields):
    """A negative mention in the queue, as the worker leaves it."""
    if contact is not None:
        fields.setdefault("author_email", contact.email)
    mention = mention_make(source, text, sentiment=fields.pop("sentiment", "negative"), **fields)
    mention.due_at = timezone.now() + due_in
    mention.owner = owner
    mention.contact = contact
    mention.save()
    return mention


@pytest.fixture
def source(workspace):
    return source_make(workspace, "Google", channel="Google")


def ids(items) -> list[int]:
    return [item.mention.pk for item in items]


def page(workspace, **criteria):
    return queue_page(workspace=workspace, now=timezone.now(), sla_hours=24, **criteria)


# --- what waits, in which order ---------------------------------------------------------------


def test_the_worker_queues_a_negative_mention_for_the_customers_owner_within_the_sla(
    workspace, alice, contact, source, monkeypatch
):
    # given an answer time of 6 hours and a mention by a customer of alice's, not read yet
    monkeypatch.setenv(
        "TOUCHBASE_SENTIMENT_ANALYSER", "touchbase.listening.tests.test_queue.WordAnalyser"
    )
    settings = listening_settings(workspace=workspace)
    settings.response_sla_hours = 6
    settings.save()
    complaint = mention_make(source, "Der Kessel ist kaputt.", author_email=contact.email)
    praise = mention_make(source, "Toller Service!", author_email=contact.email)
    # when the worker reads them
    mentions_analyse(workspace_id=workspace.pk)
    # then the complaint waits for alice, due 6 hours after it arrived; the praise does not wait
    complaint.refresh_from_db()
    assert (complaint.sentiment, complaint.owner, complaint.contact) == ("negative", alice, contact)
    assert complaint.due_at == complaint.received_at + 6 * HOUR
    assert ids(page(workspace)) == [complaint.pk]
    assert Mention.objects.get(pk=praise.pk).due_at is None


def test_the_queue_lists_what_waits_soonest_due_first(workspace, source, alice):
    later = waiting(source, "Lieferung fehlt", due_in=20 * HOUR)
    overdue = waiting(source, "Kein Rückruf", due_in=-2 * HOUR)
    soon = waiting(source, "Falsche Rechnung", due_in=3 * HOUR)
    answered = waiting(source, "Beantwortet")
    answers.reply_record(mention=answered, by=alice, text="Entschuldigung!", channel="source")
    closed = waiting(source, "Werbung")
    answers.mention_close(mention=closed, by=alice, reason="spam")
    mention_make(source, "Alles gut", sentiment="positive")
    assert ids(page(workspace)) == [overdue.pk, soon.pk, later.pk]
    assert ids(page(workspace, latest_first=True)) == [later.pk, soon.pk, overdue.pk]
    assert ids(page(workspace, overdue=True)) == [overdue.pk]


def test_the_queue_filters_by_owner_and_by_nobody(workspace, source, alice, bob):
    alices = waiting(source, "Eins", owner=alice)
    bobs = waiting(source, "Zwei", owner=bob)
    nobodys = waiting(source, "Drei")
    assert ids(page(workspace, owner_id=alice.pk)) == [alices.pk]
    assert ids(page(workspace, owner_id=bob.pk)) == [bobs.pk]
    assert ids(page(workspace, unassigned=True)) == [nobodys.pk]


@pytest.mark.parametrize(
    ("left", "state", "text"),
    [
        (dt.timedelta(hours=20, minutes=5), "due", "due in 20 hours"),
        (dt.timedelta(hours=3, minutes=30), "soon", "due in 3 hours"),
        (dt.timedelta(minutes=40), "soon", "due in 40 minutes"),
        (dt.timedelta(days=3, hours=2), "due", "due in 3 days"),
        (-dt.timedelta(hours=2, minutes=10), "overdue", "overdue by 2 hours"),
        (-dt.timedelta(minutes=1), "overdue", "overdue by 1 minute"),
        (-dt.timedelta(days=2), "overdue", "overdue by 2 days"),
    ],
)
def test_the_clock_says_how_long_is_left_or_how_late_it_is(left, state, text):
    now = timezone.now()
    shown = clock(due_at=now + left, now=now, sla_hours=24)
    assert (shown.state, shown.text) == (state, text)
    assert shown.seconds == int(left.total_seconds())


def test_the_queue_page_shows_clocks_in_order_and_refreshes_itself(alice_client, source):
    waiting(source, "Lieferung fehlt", author="Spät", due_in=20 * HOUR + 5 * MINUTE)
    waiting(source, "Kein Rückruf", author="Früh", due_in=-2 * HOUR - 10 * MINUTE)
    response = alice_client.get(reverse("listening:queue"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Früh") < html.index("Spät")
    assert re.search(r'data-clock="overdue">overdue by 2 hours<', html)
    assert re.search(r'data-clock="due">due in 20 hours<', html)
    assert 'hx-trigger="every 60s"' in html
    assert "2 mentions wait for an answer" in html
    assert "1 of them overdue" in html
    # the minute's refresh asks for the table only
    fragment = alice_client.get(reverse("listening:queue"), headers=HTMX).content.decode()
    assert fragment.strip().startswith('<div id="queue-table"')
    assert "Früh" in fragment
    assert "<h1>" not in fragment


def test_the_queue_page_filters_mine_and_overdue(alice_client, source, alice, bob):
    waiting(source, "Meins", author="Alices", owner=alice, due_in=-HOUR)
    waiting(source, "Seins", author="Bobs", owner=bob, due_in=-HOUR)
    waiting(source, "Später", author="Alices später", owner=alice, due_in=5 * HOUR)
    mine = alice_client.get(reverse("listening:queue"), {"owner": "mine"}).content.decode()
    assert "Alices" in mine
    assert "Bobs" not in mine
    late = alice_client.get(
        reverse("listening:queue"), {"owner": "mine", "overdue": "1"}
    ).content.decode()
    assert "Alices" in late
    assert "Alices später" not in late
    bobs = alice_client.get(reverse("listening:queue"), {"owner": str(bob.pk)}).content.decode()
    assert "Bobs" in bobs
    assert "Alices" not in bobs


def test_an_empty_queue_says_so(alice_client):
    html = alice_client.get(reverse("listening:queue")).content.decode()
    assert "Nothing waits for an answer." in html


# --- replies ------------------------------------------------------------------------------------


def test_a_reply_is_a_touchpoint_on_the_customers_timeline_and_the_mention_leaves_the_queue(
    workspace, source, contact, alice
):
    # given a complaint by a customer
    mention = waiting(source, "Der Kessel ist kaputt", contact=contact, owner=alice)
    # when alice records her public answer
    reply = answers.reply_record(
        mention=mention, by=alice, text="  Das tut uns leid, wir schicken Ersatz.  ",
        channel="source",
    )  # fmt: skip
    # then it is stored, answers the mention and is an outbound personal touchpoint by alice
    mention.refresh_from_db()
    assert reply.text == "Das tut uns leid, wir schicken Ersatz."
    assert mention.answered_at == reply.created_at
    touchpoint = Touchpoint.objects.get(contact=contact, source_kind=answers.REPLY_KIND)
    assert reply.touchpoint == touchpoint
    assert (touchpoint.channel, touchpoint.direction, touchpoint.is_personal) == (
        "review_reply", "out", True)  # fmt: skip
    assert (touchpoint.logged_by, touchpoint.source_id) == (alice, mention.pk)
    assert touchpoint.summary == "Das tut uns leid, wir schicken Ersatz."
    assert list(touchpoint.participants.all()) == [alice]
    assert ids(page(workspace)) == []


def test_the_reply_is_on_the_contact_page_timeline(alice_client, source, contact, alice):
    mention = waiting(source, "Der Kessel ist kaputt", contact=contact)
    answers.reply_record(mention=mention, by=alice, text="Wir rufen Sie an.", channel="source")
    html = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk])).content
    html = html.decode()
    assert "Answered a review or mention" in html
    assert "Wir rufen Sie an." in html
    assert reverse("listening:mention-detail", args=[mention.pk]) in html


def test_an_answer_by_phone_is_a_phone_call_on_the_timeline(source, contact, bob):
    mention = waiting(source, "Kein Rückruf", contact=contact)
    answers.reply_record(mention=mention, by=bob, text="Angerufen, Termin vereinbart.",
                         channel="phone")  # fmt: skip
    touchpoint = Touchpoint.objects.get(contact=contact, source_kind=answers.REPLY_KIND)
    assert (touchpoint.channel, touchpoint.logged_by) == ("phone", bob)
    contact.refresh_from_db()
    assert contact.last_personal_at == touchpoint.occurred_at


def test_a_reply_to_a_stranger_is_kept_without_a_touchpoint(workspace, source, alice):
    mention = waiting(source, "Schlechter Service", author="Unbekannt")
    before = Touchpoint.objects.count()
    reply = answers.reply_record(mention=mention, by=alice, text="Danke für den Hinweis.",
                                 channel="source")  # fmt: skip
    mention.refresh_from_db()
    assert reply.touchpoint is None
    assert Touchpoint.objects.count() == before
    assert mention.answered_at == reply.created_at
    assert ids(page(workspace)) == []


def test_replies_given_before_the_author_was_known_go_on_the_timeline_when_linked(
    source, contact, alice
):
    from touchbase.listening.services import author_link

    mention = waiting(source, "Kaputt", author_handle="kessel_fan")
    reply = answers.reply_record(mention=mention, by=alice, text="Wir melden uns.",
                                 channel="message")  # fmt: skip
    assert reply.touchpoint is None
    author_link(mention=mention, contact=contact, by=alice)
    reply.refresh_from_db()
    assert reply.touchpoint is not None
    assert (reply.touchpoint.contact, reply.touchpoint.channel) == (contact, "review_reply")
    # linking again logs nothing twice
    author_link(mention=mention, contact=contact, by=alice)
    assert Touchpoint.objects.filter(source_kind=answers.REPLY_KIND).count() == 1


def test_a_reply_for_an_erased_person_puts_nothing_on_a_timeline(workspace, source, contact,
                                                                  alice):  # fmt: skip
    mention = waiting(source, "Kaputt", contact=contact)
    # erased as data care erases (listening may not import it): the row stays, marked erased
    Contact.objects.filter(pk=contact.pk).update(erased_at=timezone.now(), first_name="",
                                                 last_name="", email="")  # fmt: skip
    mention.refresh_from_db()
    reply = answers.reply_record(mention=mention, by=alice, text="Erledigt.", channel="email")
    assert reply.touchpoint is None
    assert not Touchpoint.objects.filter(source_kind=answers.REPLY_KIND).exists()


def test_replies_are_in_the_persons_data_export_and_erased_with_them(workspace, source, contact,
                                                                    alice):  # fmt: skip
    from touchbase.care.services import contact_erase
    from touchbase.core import registry

    mention = waiting(source, "Kaputt, Herr Müller hier", contact=contact)
    reply = answers.reply_record(mention=mention, by=alice, text="Lieber Herr Müller, ...",
                                 channel="email")  # fmt: skip
    exported = registry.personal_data.get("mentions").export(contact)
    assert [row["replies"] for row in exported] == [
        [{"answered_at": reply.created_at.isoformat(), "channel": "email",
          "text": "Lieber Herr Müller, ..."}]
    ]  # fmt: skip
    contact_erase(contact=contact, by=alice)
    reply.refresh_from_db()
    mention.refresh_from_db()
    assert (reply.text, reply.by, reply.created_at) == ("", alice, mention.answered_at)


def test_the_first_reply_sets_the_answer_time_and_later_ones_keep_it(source, contact, alice, bob):
    mention = waiting(source, "Kaputt", contact=contact)
    first = answers.reply_record(mention=mention, by=alice, text="Erste", channel="source")
    answers.reply_record(mention=mention, by=bob, text="Nachgefragt", channel="email")
    mention.refresh_from_db()
    assert mention.answered_at == first.created_at
    assert [r.text for r in mention.replies.all()] == ["Erste", "Nachgefragt"]
    assert Touchpoint.objects.filter(source_kind=answers.REPLY_KIND).count() == 2


@pytest.mark.parametrize(
    ("text", "channel", "field"), [("   ", "source", "text"), ("Gut", "fax", "channel")]
)
def test_a_reply_without_text_or_with_an_unknown_channel_is_refused_and_nothing_changes(
    workspace, source, contact, alice, text, channel, field
):
    mention = waiting(source, "Kaputt", contact=contact)
    with pytest.raises(ValidationError) as error:
        answers.reply_record(mention=mention, by=alice, text=text, channel=channel)
    assert list(error.value.message_dict) == [field]
    mention.refresh_from_db()
    assert mention.answered_at is None
    assert not Reply.objects.exists()
    assert not Touchpoint.objects.filter(source_kind=answers.REPLY_KIND).exists()


def test_the_mention_page_records_a_reply_in_place(alice_client, source, contact):
    mention = waiting(source, "Kaputt", contact=contact)
    url = reverse("listening:mention-reply", args=[mention.pk])
    response = alice_client.post(url, {"text": "Ersatz ist unterwegs.", "channel": "email"},
                                 headers=HTMX)  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<section class="card" id="answers"')
    assert "Ersatz ist unterwegs." in html
    assert "answered" in html
    assert "Reply saved; it is on Jürgen Müller&#x27;s timeline." in html
    assert Reply.objects.get(mention=mention).channel == "email"


def test_an_empty_reply_shows_the_error_on_its_field_and_keeps_the_choice(alice_client, source,
                                                                          contact):  # fmt: skip
    mention = waiting(source, "Kaputt", contact=contact)
    url = reverse("listening:mention-reply", args=[mention.pk])
    response = alice_client.post(url, {"text": " ", "channel": "phone"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    field = re.search(r'<div class="field has-error wide">(?:(?!<div class="field).)*', html, re.S)
    assert field
    assert 'id="id_text"' in field[0]
    assert "Write what was answered (for a call: what was said)." in field[0]
    assert re.search(r'<option value="phone" selected>', html)
    assert not Reply.objects.exists()
    # without htmx the whole page comes back with the error
    page_response = alice_client.post(url, {"text": "", "channel": "source"})
    assert page_response.status_code == 400
    assert b"<h1>" in page_response.content
    assert b"Write what was answered" in page_response.content


def test_the_mention_page_shows_replies_and_the_clock(alice_client, source, alice):
    mention = waiting(source, "Kaputt", due_in=-3 * HOUR)
    html = alice_client.get(reverse("listening:mention-detail", args=[mention.pk])).content
    assert b'data-clock="overdue">overdue by 3 hours<' in html
    answers.reply_record(mention=mention, by=alice, text="Antwort eins", channel="source")
    html = alice_client.get(reverse("listening:mention-detail", args=[mention.pk])).content
    assert b"Antwort eins" in html
    assert b"data-clock" not in html
    assert b"In public, where it was written" in html


# --- owners, closing, queueing by hand ----------------------------------------------------------


def test_assigning_from_the_queue_answers_with_the_row(alice_client, source, bob):
    mention = waiting(source, "Kaputt")
    url = reverse("listening:mention-assign", args=[mention.pk])
    response = alice_client.post(url, {"owner": bob.pk, "return": "row"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr id="queue-row-{mention.pk}">')
    assert f'<option value="{bob.pk}" selected>Bob Bauer</option>' in html
    assert "Bob Bauer answers it." in html
    mention.refresh_from_db()
    assert mention.owner == bob


def test_assigning_to_nobody_clears_the_owner(alice_client, source, alice):
    mention = waiting(source, "Kaputt", owner=alice)
    response = alice_client.post(reverse("listening:mention-assign", args=[mention.pk]),
                                 {"owner": ""})  # fmt: skip
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.owner is None


def test_a_mention_is_given_only_to_members_who_may_answer(
    alice_client, workspace, source, alice, carol
):
    helper = member_add(workspace=workspace, username="hugo", password="pw-123456789",
                        role=Role.HELPER).user  # fmt: skip
    mention = waiting(source, "Kaputt", owner=alice)
    with pytest.raises(ValidationError):
        answers.mention_assign(mention=mention, owner=helper)
    for stranger in (helper, carol):
        response = alice_client.post(
            reverse("listening:mention-assign", args=[mention.pk]),
            {"owner": stranger.pk, "return": "row"}, headers=HTMX,
        )  # fmt: skip
        assert response.status_code == 400
    mention.refresh_from_db()
    assert mention.owner == alice


def test_closing_as_spam_takes_a_mention_out_and_reopening_brings_it_back(
    alice_client, workspace, source, alice
):
    mention = waiting(source, "Billige Uhren hier", due_in=-HOUR)
    response = alice_client.post(
        reverse("listening:mention-close", args=[mention.pk]),
        {"reason": "spam", "note": "Werbung"}, headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    assert b"closed without an answer: Spam" in response.content
    mention.refresh_from_db()
    assert (mention.close_reason, mention.close_note, mention.closed_by) == ("spam", "Werbung",
                                                                              alice)  # fmt: skip
    assert mention.answered_at is None
    assert ids(page(workspace)) == []
    alice_client.post(reverse("listening:mention-reopen", args=[mention.pk]), headers=HTMX)
    assert ids(page(workspace)) == [mention.pk]


def test_closing_without_a_reason_is_refused_on_its_field(alice_client, source):
    mention = waiting(source, "Kaputt")
    response = alice_client.post(reverse("listening:mention-close", args=[mention.pk]),
                                 {"reason": "", "note": ""}, headers=HTMX)  # fmt: skip
    assert response.status_code == 400
    assert b"This field is required." in response.content
    mention.refresh_from_db()
    assert mention.closed_at is None


def test_an_answered_mention_cannot_be_closed(source, alice):
    mention = waiting(source, "Kaputt")
    answers.reply_record(mention=mention, by=alice, text="Erledigt", channel="source")
    with pytest.raises(ValidationError):
        answers.mention_close(mention=mention, by=alice, reason="spam")
    mention.refresh_from_db()
    assert mention.closed_at is None


def test_a_neutral_mention_can_be_put_in_the_queue_by_hand(alice_client, workspace, source, bob):
    mention = mention_make(source, "Wann kommt die neue Version?", sentiment="neutral")
    client = Client()
    client.force_login(bob)
    before = timezone.now()
    response = client.post(reverse("listening:mention-enqueue", args=[mention.pk]), headers=HTMX)
    assert response.status_code == 200
    mention.refresh_from_db()
    assert mention.owner == bob
    assert before + 24 * HOUR <= mention.due_at <= timezone.now() + 24 * HOUR
    assert ids(page(workspace)) == [mention.pk]


# --- the open feedback on customer screens ------------------------------------------------------


def test_the_call_sheet_and_the_contact_page_show_open_feedback_negative_first(
    alice_client, workspace, source, contact, alice
):
    praise = mention_make(source, "Toller Kessel", sentiment="positive",
                          author_email=contact.email)  # fmt: skip
    Mention.objects.filter(pk=praise.pk).update(contact=contact)
    complaint = waiting(source, "Deckel klemmt", contact=contact, due_in=-HOUR,
                        published_at=timezone.now() - 5 * HOUR)  # fmt: skip
    done = waiting(source, "Schon beantwortet", contact=contact)
    answers.reply_record(mention=done, by=alice, text="Ok", channel="source")
    other = contact_save(workspace=workspace, fields={"last_name": "Anders"})
    waiting(source, "Von jemand anderem", contact=other)
    for url in (reverse("relationships:call-sheet", args=[contact.pk]),
                reverse("relationships:contact-detail", args=[contact.pk])):  # fmt: skip
        html = alice_client.get(url).content.decode()
        panel = re.search(r'<section class="card" id="open-feedback".*?</section>', html, re.S)
        assert panel, url
        links = re.findall(r'href="([^"]+)"', panel[0])
        assert links == [reverse("listening:mention-detail", args=[row.pk])
                         for row in (complaint, praise)], url  # fmt: skip
        assert "answer overdue" in panel[0]
        assert "Schon beantwortet" not in panel[0]
        assert "Von jemand anderem" not in panel[0]


def test_without_open_feedback_the_panel_is_not_shown(alice_client, contact):
    html = alice_client.get(reverse("relationships:call-sheet", args=[contact.pk])).content
    assert b'id="open-feedback"' not in html


def test_open_feedback_shows_five_and_counts_the_rest(source, contact):
    for number in range(7):
        waiting(source, f"Beschwerde {number}", contact=contact)
    feedback = open_feedback(contact=contact)
    assert (len(feedback.mentions), feedback.more) == (5, 2)


# --- who may do what ----------------------------------------------------------------------------


def test_staff_answer_and_assign(workspace, source, contact, bob):
    client = Client()
    client.force_login(bob)
    mention = waiting(source, "Kaputt", contact=contact)
    assert client.get(reverse("listening:queue")).status_code == 200
    response = client.post(reverse("listening:mention-reply", args=[mention.pk]),
                           {"text": "Erledigt", "channel": "phone"})  # fmt: skip
    assert response.status_code == 302
    assert Reply.objects.get(mention=mention).by == bob


def test_a_helper_sees_no_queue_and_answers_nothing(workspace, source, contact):
    helper = member_add(workspace=workspace, username="hugo", password="pw-123456789",
                        role=Role.HELPER).user  # fmt: skip
    client = Client()
    client.force_login(helper)
    mention = waiting(source, "Kaputt", contact=contact)
    assert client.get(reverse("listening:queue")).status_code == 403
    assert client.get(reverse("listening:queue-figures")).status_code == 403
    for name in ("mention-reply", "mention-assign", "mention-close", "mention-enqueue"):
        response = client.post(reverse(f"listening:{name}", args=[mention.pk]),
                               {"text": "x", "channel": "source", "reason": "spam"})  # fmt: skip
        assert response.status_code == 403, name
    mention.refresh_from_db()
    assert (mention.answered_at, mention.closed_at, mention.owner) == (None, None, None)
    assert not Reply.objects.exists()


def test_another_workspaces_mention_is_not_found_and_nothing_changes(carol_client, source,
                                                                     contact, alice):  # fmt: skip
    mention = waiting(source, "Kaputt", contact=contact, owner=alice)
    for name in ("mention-reply", "mention-assign", "mention-close", "mention-reopen",
                 "mention-enqueue"):  # fmt: skip
        response = carol_client.post(reverse(f"listening:{name}", args=[mention.pk]),
                                     {"text": "x", "channel": "source", "reason": "spam",
                                      "owner": ""})  # fmt: skip
        assert response.status_code == 404, name
    assert "Kaputt" not in carol_client.get(reverse("listening:queue")).content.decode()
    mention.refresh_from_db()
    assert (mention.answered_at, mention.closed_at, mention.owner) == (None, None, alice)
    assert not Reply.objects.exists()
