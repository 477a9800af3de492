"""Vote integrity, merging, status mails over real SMTP, the tracker webhook, and value."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from touchbase.core.tenancy import workspace_scope
from touchbase.core.tests.test_webhooks import Receiver
from touchbase.ideas import mails, services
from touchbase.ideas.models import Comment, Evidence, Idea, IdeaMail, Subscription, Vote
from touchbase.ideas.selectors import backing, top_ideas
from touchbase.ideas.tests.conftest import confirmed
from touchbase.listening.services import mention_enter, source_save
from touchbase.relationships.services import contact_save, touchpoint_log

pytestmark = pytest.mark.django_db


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.fixture
def idea(workspace, alice):
    return services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")


def fresh(idea: Idea) -> Idea:
    return Idea.objects.get(pk=idea.pk)


def test_a_double_vote_counts_once(idea, eva):
    first = services.vote_cast(idea=idea, visitor=eva)
    second = services.vote_cast(idea=idea, visitor=eva)
    assert first.pk == second.pk
    assert fresh(idea).vote_count == 1


def test_retracting_twice_takes_one_vote(idea, eva):
    services.vote_cast(idea=idea, visitor=eva)
    assert services.vote_retract(idea=idea, visitor=eva)
    assert not services.vote_retract(idea=idea, visitor=eva)
    row = fresh(idea)
    assert row.vote_count == 0
    assert row.trend_score == pytest.approx(0.0, abs=1e-6 * services.vote_weight(row.created_at))


@pytest.mark.django_db(transaction=True)
def test_two_votes_by_one_person_at_the_same_moment_count_once(workspace, alice):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs concurrent inserts")
    idea = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    eva = confirmed(workspace, "eva@example.com")
    barrier, errors = threading.Barrier(4), []

    def cast() -> None:
        try:
            barrier.wait()
            with workspace_scope(workspace):
                services.vote_cast(idea=idea, visitor=eva)
        except Exception as error:  # noqa: BLE001 - any escaping error fails the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cast) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Vote.objects.filter(idea=idea).count() == 1
    assert fresh(idea).vote_count == 1


def test_the_database_refuses_a_second_vote_row(idea, eva):
    from django.db import IntegrityError, transaction

    services.vote_cast(idea=idea, visitor=eva)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(workspace_id=idea.workspace_id, idea=idea, visitor=eva, counted=True)


def test_merging_moves_votes_and_comments_and_a_double_voter_counts_once(workspace, alice, contact):
    source = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    target = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    both, only_source, only_target = (
        confirmed(workspace, f"{name}@example.com") for name in ("both", "src", "tgt")
    )
    for visitor in (both, only_source):
        services.vote_cast(idea=source, visitor=visitor)
    for visitor in (both, only_target):
        services.vote_cast(idea=target, visitor=visitor)
    services.vote_for_customer(idea=source, contact=contact, by=alice)
    services.vote_for_customer(idea=target, contact=contact, by=alice)
    services.comment_post(idea=source, visitor=only_source, text="Bitte!")
    services.idea_merge(source=source, target=target, by=alice)
    survivor = fresh(target)
    assert survivor.vote_count == 4  # both, src, tgt and the customer: each once
    assert Vote.objects.filter(idea=target).count() == 4
    assert Vote.objects.filter(idea=source).count() == 0
    assert survivor.comment_count == 1
    assert Comment.objects.get().idea_id == target.pk
    assert survivor.trend_score == pytest.approx(
        sum(services.vote_weight(v.created_at) for v in Vote.objects.filter(idea=target))
    )
    merged = fresh(source)
    assert merged.merged_into_id == target.pk
    assert not merged.listed
    # subscribers of the duplicate now follow the survivor, each once
    assert Subscription.objects.filter(idea=target).count() == 3
    with pytest.raises(Exception, match="merged"):
        services.idea_merge(source=source, target=target, by=alice)


@pytest.mark.django_db(transaction=True)
def test_voters_are_told_of_the_merge_and_of_status_changes_over_smtp(workspace, alice, smtp):
    source = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    target = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    eva = confirmed(workspace, "eva@example.com")
    eva.language = "en"
    eva.save()
    jan = confirmed(workspace, "jan@example.com")
    services.vote_cast(idea=source, visitor=eva)
    services.vote_cast(idea=target, visitor=jan, subscribe=False)
    services.idea_merge(source=source, target=target, by=alice)
    run_worker()
    assert [m["To"] for m in smtp.messages] == ["eva@example.com"]
    assert "merged" in smtp.messages[0]["Subject"]
    services.status_set(idea=target, status="planned", answer="Kommt im Mai.", by=alice)
    run_worker()
    assert len(smtp.messages) == 2
    status_mail = smtp.messages[1]
    assert status_mail["To"] == "eva@example.com"
    assert "Planned" in status_mail["Subject"]
    body = status_mail.get_body(preferencelist=("plain",)).get_content()
    assert "Kommt im Mai." in body
    assert status_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = status_mail["List-Unsubscribe"].strip("<>")
    # one click, as a mail program does it: a POST without a session or CSRF token
    response = Client(enforce_csrf_checks=True).post("/" + unsubscribe.split("/", 3)[3])
    assert response.status_code in {200, 403}
    if response.status_code == 403:
        pytest.fail("the one-click unsubscribe must not need a CSRF token")
    assert not Subscription.objects.filter(idea=target, visitor=eva).exists()
    services.status_set(idea=target, status="done", answer="Ist da.", by=alice)
    run_worker()
    assert len(smtp.messages) == 2
    assert IdeaMail.objects.filter(sent_at=None).count() == 0


def test_a_status_change_without_a_move_mails_nobody(idea, alice, eva):
    services.vote_cast(idea=idea, visitor=eva)
    assert services.status_set(idea=idea, status="new", answer="Danke!", by=alice) is not None
    assert not IdeaMail.objects.exists()
    assert services.status_set(idea=idea, status="new", answer="Danke!", by=alice) is None


def test_an_unknown_status_is_a_field_error(idea, alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.status_set(idea=idea, status="shipped", answer="", by=alice)
    assert "status" in error.value.message_dict


def test_a_locked_idea_takes_no_votes_or_comments(idea, eva):
    services.idea_lock(idea=idea, locked=True)
    with pytest.raises(services.IdeaClosed):
        services.vote_cast(idea=idea, visitor=eva)
    with pytest.raises(services.IdeaClosed):
        services.comment_post(idea=idea, visitor=eva, text="Hallo")


def test_hiding_takes_an_idea_off_the_portal_and_back(idea):
    services.idea_hide(idea=idea, hidden=True)
    assert not fresh(idea).listed
    services.idea_hide(idea=idea, hidden=False)
    assert fresh(idea).listed


def test_hidden_and_deleted_comments_leave_the_count(idea, eva):
    first = services.comment_post(idea=idea, visitor=eva, text="Eins")
    second = services.comment_post(idea=idea, visitor=eva, text="Zwei")
    services.comment_hide(comment=first, hidden=True)
    services.comment_hide(comment=first, hidden=True)
    assert fresh(idea).comment_count == 1
    services.comment_delete(comment=second)
    assert fresh(idea).comment_count == 0
    services.comment_hide(comment=first, hidden=False)
    assert fresh(idea).comment_count == 1


@pytest.mark.django_db(transaction=True)
def test_a_tracker_hears_of_new_ideas_and_status_changes(workspace, alice, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        portal = services.portal_settings(workspace=workspace)
        services.portal_settings_save(row=portal, changes={"webhook_url": receiver.url})
        receiver.secret = portal.webhook_secret
        idea = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
        services.status_set(idea=idea, status="planned", answer="", by=alice)
        run_worker()
    finally:
        receiver.shutdown()
        receiver.server_close()
    events = [(r["json"]["event"], r["signature"]) for r in receiver.requests]
    assert events == [("idea.created", "valid"), ("idea.status_changed", "valid")]
    data = receiver.requests[1]["json"]["data"]
    assert data["status"] == "planned"
    assert data["old_status"] == "new"
    assert data["url"].endswith(services.public_path(idea))


def test_a_pending_idea_reaches_the_tracker_only_once_confirmed(workspace, settings):
    from touchbase.core.models import WebhookDelivery

    portal = services.portal_settings(workspace=workspace)
    services.portal_settings_save(row=portal, changes={"webhook_url": "https://tracker.example/h"})
    visitor = services.visitors.visitor_for_email(workspace=workspace, email="neu@example.com")
    idea = services.idea_post(workspace=workspace, visitor=visitor, title="Neu", verified=False)
    assert not WebhookDelivery.objects.exists()
    services.visitor_contributions_publish(visitor=visitor, items={"idea": idea.pk})
    assert fresh(idea).listed
    assert WebhookDelivery.objects.get().event == "idea.created"


def test_evidence_from_a_mention_and_a_call_note_shows_the_customers_and_their_value(
    workspace, alice, contact, account
):
    account.value = 50_000
    account.save()
    private = contact_save(
        workspace=workspace, fields={"last_name": "Roth", "email": "r@example.com", "value": 700}
    )
    source = source_save(workspace=workspace, name="Shop", kind="upload", by=alice)
    mention = mention_enter(
        source=source, text="Ein Dunkelmodus wäre schön", author_email=contact.email
    )
    mention.refresh_from_db()
    call = touchpoint_log(workspace=workspace, contact=private, channel="phone",
                          summary="Wünscht Dunkelmodus", logged_by=alice,
                          occurred_at=timezone.now())  # fmt: skip
    idea = services.idea_from_evidence(workspace=workspace, by=alice, title="Dunkelmodus",
                                       mention=mention)  # fmt: skip
    services.evidence_attach(idea=idea, by=alice, touchpoint=call)
    services.evidence_attach(idea=idea, by=alice, touchpoint=call)
    assert Evidence.objects.filter(idea=idea).count() == 2
    assert Evidence.objects.get(idea=idea, touchpoint=call).quote == "Wünscht Dunkelmodus"
    other = services.idea_create(workspace=workspace, by=alice, title="Export")
    for n in range(3):
        services.vote_cast(idea=other, visitor=confirmed(workspace, f"v{n}@example.com"))
    behind = backing([idea.pk])[idea.pk]
    assert set(behind.contacts) == {contact.pk, private.pk}
    assert behind.value == 50_700
    assert behind.accounts == 2
    by_value = top_ideas(workspace=workspace, product_id=None, by="value")
    by_votes = top_ideas(workspace=workspace, product_id=None, by="votes")
    assert by_value[0].idea.pk == idea.pk
    assert by_value[0].value == 50_700
    assert by_votes[0].idea.pk == other.pk


def test_a_staff_vote_for_a_customer_is_recorded_as_such_and_once(idea, alice, contact, account):
    colleague = contact_save(workspace=idea.workspace, fields={"last_name": "Kurz",
                                                              "account": account})  # fmt: skip
    vote = services.vote_for_customer(idea=idea, contact=contact, by=alice, note="Am Telefon")
    again = services.vote_for_customer(idea=idea, contact=contact, by=alice)
    services.vote_for_customer(idea=idea, contact=colleague, by=alice)
    assert vote.pk == again.pk
    assert vote.recorded_by == alice
    assert vote.note == "Am Telefon"
    assert fresh(idea).vote_count == 2
    # two people of one account: the account's value counts once
    assert backing([idea.pk])[idea.pk].accounts == 1
    assert services.vote_for_customer_retract(idea=idea, contact=contact)
    assert fresh(idea).vote_count == 1


def test_the_unsubscribe_token_names_idea_and_visitor(idea, eva):
    token = mails.unsubscribe_token(idea=idea, visitor_id=eva.pk)
    assert mails.unsubscribe_payload(token) == {"w": idea.workspace_id, "i": idea.pk, "v": eva.pk}


def test_visitors_who_never_confirm_are_forgotten_with_what_they_left(workspace):
    import datetime as dt

    from touchbase.visitors import services as visitors
    from touchbase.visitors.models import Visitor

    stale = visitors.visitor_for_email(workspace=workspace, email="old@example.com")
    services.idea_post(workspace=workspace, visitor=stale, title="Nie bestätigt", verified=False)
    recent = visitors.visitor_for_email(workspace=workspace, email="new@example.com")
    Visitor.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - visitors.UNCONFIRMED_KEPT - dt.timedelta(hours=1)
    )
    assert visitors.unconfirmed_purge() == 1
    assert list(Visitor.objects.values_list("email", flat=True)) == [recent.email]
    assert not Idea.objects.exists()


def test_a_customer_who_votes_themselves_counts_once_beside_a_staff_vote(
    workspace, alice, contact, idea
):
    contact.email = "kunde@example.com"
    contact.save()
    services.vote_for_customer(idea=idea, contact=contact, by=alice)
    own = confirmed(workspace, "Kunde@example.com")
    services.vote_cast(idea=idea, visitor=own)
    assert fresh(idea).vote_count == 1
    assert Vote.objects.get(idea=idea).visitor_id == own.pk
    # staff voting for them again changes nothing: they voted already
    services.vote_for_customer(idea=idea, contact=contact, by=alice)
    assert fresh(idea).vote_count == 1
    # across a merge as well
    other = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    services.vote_for_customer(idea=other, contact=contact, by=alice)
    services.idea_merge(source=other, target=idea, by=alice)
    assert fresh(idea).vote_count == 1


def test_nothing_merges_into_an_idea_that_is_not_on_the_portal(workspace, alice, idea):
    from django.core.exceptions import ValidationError

    stranger = services.visitors.visitor_for_email(workspace=workspace, email="x@example.com")
    pending = services.idea_post(workspace=workspace, visitor=stranger, title="Neu",
                                 verified=False)  # fmt: skip
    hidden = services.idea_create(workspace=workspace, by=alice, title="Versteckt")
    services.idea_hide(idea=hidden, hidden=True)
    for target in (pending, hidden):
        with pytest.raises(ValidationError) as error:
            services.idea_merge(source=idea, target=target, by=alice)
        assert "target" in error.value.message_dict
    assert fresh(idea).merged_into_id is None


def test_a_counted_vote_survives_a_merge_beside_a_pending_one(workspace, alice, eva):
    source = services.idea_create(workspace=workspace, by=alice, title="Dark mode")
    target = services.idea_create(workspace=workspace, by=alice, title="Dunkelmodus")
    services.vote_cast(idea=source, visitor=eva)
    services.vote_cast(idea=target, visitor=eva, verified=False)
    services.idea_merge(source=source, target=target, by=alice)
    assert fresh(target).vote_count == 1
    assert Vote.objects.get(idea=target, visitor=eva).counted


def test_a_mail_claimed_by_one_worker_is_not_sent_by_another(workspace, alice, eva, smtp):
    services.vote_cast(idea=services.idea_create(workspace=workspace, by=alice, title="A"),
                       visitor=eva)  # fmt: skip
    idea = Idea.objects.get(title="A")
    services.status_set(idea=idea, status="planned", answer="", by=alice)
    mail = IdeaMail.objects.get()
    # worker A has claimed the mail and is still talking to the SMTP server
    IdeaMail.objects.filter(pk=mail.pk).update(
        attempts=1, claimed_until=timezone.now() + mails.CLAIM_LEASE
    )
    # worker B lists what is due and tries the same row
    assert mails.idea_mails_send(workspace_id=workspace.pk) == 0
    assert mails._send_one(mail.pk, 1) == 0
    assert smtp.messages == []
    # A crashed: once its lease is over, the mail is sent (once)
    IdeaMail.objects.filter(pk=mail.pk).update(claimed_until=timezone.now())
    assert mails.idea_mails_send(workspace_id=workspace.pk) == 1
    assert mails.idea_mails_send(workspace_id=workspace.pk) == 0
    assert len(smtp.messages) == 1


def test_erasing_a_customer_blanks_what_they_said_in_ideas(workspace, alice, contact, idea):
    from touchbase.care.services import contact_erase
    from touchbase.core import registry

    call = touchpoint_log(workspace=workspace, contact=contact, channel="phone",
                          summary="Will Dunkelmodus", logged_by=alice,
                          occurred_at=timezone.now())  # fmt: skip
    services.evidence_attach(idea=idea, by=alice, touchpoint=call)
    services.vote_for_customer(idea=idea, contact=contact, by=alice, note="Sagt: dringend")
    handler = registry.personal_data.get("ideas")
    assert handler is not None
    exported = handler.export(contact)
    assert exported["evidence"][0]["quote"] == "Will Dunkelmodus"
    assert exported["votes_given_for_them"][0]["note"] == "Sagt: dringend"
    contact_erase(contact=contact, by=alice)
    assert Evidence.objects.get(idea=idea).quote == ""
    assert Vote.objects.get(idea=idea).note == ""
    assert fresh(idea).vote_count == 1


def test_top_lists_leave_out_ideas_nobody_confirmed(workspace, alice, idea):
    stranger = services.visitors.visitor_for_email(workspace=workspace, email="x@example.com")
    services.idea_post(workspace=workspace, visitor=stranger, title="Spam", verified=False)
    titles = [r.idea.title for r in top_ideas(workspace=workspace, product_id=None)]
    assert titles == ["Dunkelmodus"]
