"""Review invitations: offered alike after a call or delivery, mailed, answered on a public page."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.signing import link_sign
from touchbase.listening.choices import (
    InvitationSkip,
    InvitationStatus,
    InvitationTrigger,
    SourceKind,
)
from touchbase.listening.invitations import (
    LINK_LIFETIME,
    LINK_PURPOSE,
    delivery_record,
    invitation_link,
    invitation_offer,
    invitation_send,
    invitations_for_touchpoints,
)
from touchbase.listening.models import Mention, RatingAttempt, ReviewInvitation
from touchbase.listening.services import listening_settings
from touchbase.listening.tests.factories import mention_make, source_make
from touchbase.relationships.choices import Channel, Outcome
from touchbase.relationships.models import Contact
from touchbase.relationships.services import consent_record, contact_save, touchpoint_log
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/r/[^\s]+/)")


@pytest.fixture
def kettle(workspace):
    return product_save(product=Product(workspace=workspace, name="Wasserkocher Aurora",
                                        sku="WK-100"))  # fmt: skip


def call(contact, by, **fields):
    fields.setdefault("occurred_at", timezone.now() - dt.timedelta(minutes=5))
    return touchpoint_log(workspace=contact.workspace, contact=contact,
                          channel=fields.pop("channel", Channel.PHONE), logged_by=by,
                          **fields)  # fmt: skip


def link_in(message) -> str:
    """The rating page's path in a mail's text body."""
    match = LINK.search(message.get_body(("plain",)).get_content())
    assert match, "no rating link in the mail"
    return match[1]


def offer(contact, **fields):
    return invitation_offer(workspace=contact.workspace, contact=contact,
                            trigger=fields.pop("trigger", InvitationTrigger.DELIVERY),
                            **fields)  # fmt: skip


def sent(invitation) -> ReviewInvitation:
    result = invitation_send(invitation_id=invitation.pk)
    assert result is not None
    return result


def bounce(contact) -> None:
    """As care's "Mark e-mail as bounced" leaves the contact."""
    Contact.objects.filter(pk=contact.pk).update(email_bounced_at=timezone.now())


def path_of(invitation) -> str:
    return urllib.parse.urlsplit(invitation_link(invitation=invitation)).path


# --- the whole journey -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_after_a_call_the_customer_gets_a_mail_rates_and_the_rating_is_their_mention(
    smtp, client, contact, alice
):
    # given: alice reached Jürgen (German) by phone a few minutes ago
    touchpoint = call(contact, alice, summary="Lieferung besprochen")
    # when: the worker's scheduler ticks and drains the queue, twice
    call_command("run_worker", batch=True, verbosity=0)
    call_command("run_worker", batch=True, verbosity=0)
    # then: one invitation in German reached his address, from the company, answered by alice
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "juergen@sonnenschein.example"
    # German: his language (the texts come with the catalogue; dates are German already)
    valid_until = timezone.localdate() + LINK_LIFETIME
    assert valid_until.strftime("%d.%m.%Y") in message.get_body(("plain",)).get_content()
    assert message["From"] == "Pollux GmbH <touchbase@localhost>"
    assert message["Reply-To"] == "alice@pollux.example"
    invitation = ReviewInvitation.objects.get()
    assert (invitation.touchpoint, invitation.status) == (touchpoint, InvitationStatus.SENT)
    # when: he follows the link and gives two stars with a few words
    page = client.get(link_in(message))
    assert page.status_code == 200
    assert '<html lang="de">' in page.content.decode()
    assert 'id="rating"' in page.content.decode()
    answer = client.post(link_in(message), {"stars": "2", "text": "Lieferung kam zu spät.",
                                             "website": ""})  # fmt: skip
    # then: the rating is a mention with its stars, his, on his timeline
    assert answer.status_code == 302
    mention = Mention.objects.get()
    assert mention.stars == 2.0
    assert mention.text == "Lieferung kam zu spät."
    assert mention.contact == contact
    assert mention.source.kind == SourceKind.INVITATION
    assert mention.author == "Jürgen Müller"
    assert mention.touchpoint.contact == contact
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ANSWERED
    assert invitation.mention == mention
    assert 'id="rating-thanks"' in client.get(answer["Location"]).content.decode()
    # and the worker is asked to read it
    assert DBTaskResult.objects.filter(task_path__endswith="mentions_analyse_task").exists()


def test_a_delivery_through_the_api_invites_to_rate_the_product_in_english(
    smtp, client, workspace, contact, kettle, alice, alice_token,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    contact.language = "en"
    contact.save()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/api/v1/listening/deliveries", {"contact_id": contact.pk, "product_id": kettle.pk},
            content_type="application/json", headers=bearer(alice_token),
        )  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["trigger"], body["product_id"]) == (
        "pending", "delivery", kettle.pk,
    )  # fmt: skip
    assert ReviewInvitation.objects.get(pk=body["id"]).recorded_by == alice
    invitation = sent(ReviewInvitation.objects.get(pk=body["id"]))
    assert invitation.status == InvitationStatus.SENT
    message = smtp.messages[0]
    assert message["Subject"] == "How do you like Wasserkocher Aurora? Your rating, please"
    path = link_in(message)
    assert client.get(path).status_code == 200
    client.post(path, {"stars": "5", "text": "Kocht schnell."})
    mention = Mention.objects.get()
    assert mention.stars == 5.0
    assert list(mention.products.all()) == [kettle]
    assert mention.contact == contact


def test_a_delivery_through_the_api_naming_another_workspaces_rows_names_both_fields(
    client, contact, kettle, carol_token
):
    response = client.post(
        "/api/v1/listening/deliveries", {"contact_id": contact.pk, "product_id": kettle.pk},
        content_type="application/json", headers=bearer(carol_token),
    )  # fmt: skip
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"contact_id", "product_id"}
    assert ReviewInvitation.objects.count() == 0


def test_a_delivery_in_the_future_is_refused_with_a_field_error(contact, kettle):
    with pytest.raises(ValidationError) as raised:
        delivery_record(workspace=contact.workspace, contact=contact, product=kettle,
                        delivered_at=timezone.now() + dt.timedelta(days=1))  # fmt: skip
    assert list(raised.value.message_dict) == ["delivered_at"]
    assert ReviewInvitation.objects.count() == 0


def test_a_delivery_recorded_on_the_contact_page_offers_an_invitation(
    alice_client, contact, kettle, django_capture_on_commit_callbacks
):
    page = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert 'id="review-invitations"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = alice_client.post(
            reverse("listening:delivery-record", args=[contact.pk]),
            {"delivery-product": kettle.pk, "delivery-delivered_at": ""},
        )  # fmt: skip
    assert response.status_code == 302
    invitation = ReviewInvitation.objects.get()
    assert (invitation.product, invitation.trigger, invitation.status) == (
        kettle, InvitationTrigger.DELIVERY, InvitationStatus.PENDING,
    )  # fmt: skip


# --- who is invited ----------------------------------------------------------------------------


def test_every_customer_is_invited_alike_whatever_their_mood(workspace, contact, alice):
    # given: Jürgen complained loudly before, and the call went badly
    source = source_make(workspace)
    mention_make(source, "Alles kaputt, nie wieder! Eine Frechheit.", sentiment="negative",
                 stars=1.0, author_email=contact.email)  # fmt: skip
    call(contact, alice, outcome=Outcome.NEGATIVE, summary="Kunde verärgert")
    # when
    assert invitations_for_touchpoints() == 1
    # then: he is invited like anyone else
    assert ReviewInvitation.objects.get().status == InvitationStatus.PENDING


def test_a_call_nobody_answered_or_a_mailing_invites_nobody(contact, alice):
    call(contact, alice, outcome=Outcome.NO_ANSWER)
    call(contact, alice, channel=Channel.NEWSLETTER)
    assert invitations_for_touchpoints() == 0
    assert ReviewInvitation.objects.count() == 0


def test_a_call_from_long_ago_logged_today_invites_nobody(contact, alice):
    call(contact, alice, occurred_at=timezone.now() - dt.timedelta(days=30))
    assert invitations_for_touchpoints() == 0


def test_each_call_is_looked_at_once(contact, alice):
    call(contact, alice)
    assert invitations_for_touchpoints() == 1
    assert invitations_for_touchpoints() == 0
    assert ReviewInvitation.objects.count() == 1


def test_a_workspace_that_switched_invitations_off_sends_none(
    workspace, contact, alice, carol_contact, carol
):
    settings = listening_settings(workspace=workspace)
    settings.invitations_enabled = False
    settings.save()
    call(contact, alice)
    carol_contact.email = "geheim@castor.example"
    carol_contact.save()
    call(carol_contact, carol)
    # only the other workspace, which left them on, invites
    assert invitations_for_touchpoints() == 1
    assert ReviewInvitation.objects.get().contact == carol_contact
    with pytest.raises(ValidationError, match="switched off"):
        delivery_record(workspace=workspace, contact=contact, product=None)


def test_a_second_occasion_within_the_gap_is_recorded_but_not_sent(workspace, contact, alice):
    # given: invited 89 days ago, the workspace's gap is 90 days
    first = offer(contact, now=timezone.now() - dt.timedelta(days=89))
    assert first.status == InvitationStatus.PENDING
    # when: another call, and a delivery
    call(contact, alice)
    invitations_for_touchpoints()
    delivery = offer(contact)
    # then: both are on record as not sent, because of the cap
    for row in ReviewInvitation.objects.exclude(pk=first.pk):
        assert (row.status, row.skip_reason) == (
            InvitationStatus.SKIPPED, InvitationSkip.RECENTLY_INVITED,
        )  # fmt: skip
    assert delivery.status == InvitationStatus.SKIPPED


def test_after_the_gap_the_customer_is_invited_again(workspace, contact):
    offer(contact, now=timezone.now() - dt.timedelta(days=91))
    assert offer(contact).status == InvitationStatus.PENDING
    settings = listening_settings(workspace=workspace)
    settings.invitation_gap_days = 365
    settings.save()
    assert offer(contact).skip_reason == InvitationSkip.RECENTLY_INVITED


def test_an_offer_skipped_for_consent_does_not_count_toward_the_cap(workspace, contact, alice):
    consent_record(contact=contact, status="withdrawn", source="Telefon", by=alice)
    assert offer(contact).skip_reason == InvitationSkip.OBJECTED
    consent_record(contact=contact, status="given", source="Telefon", by=alice)
    assert offer(contact).status == InvitationStatus.PENDING


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("no_email", InvitationSkip.NO_EMAIL),
        ("bounced", InvitationSkip.BOUNCED),
        ("withdrawn", InvitationSkip.OBJECTED),
        ("erased", InvitationSkip.ERASED),
        ("opted_out", InvitationSkip.OPTED_OUT),
    ],
)
def test_consent_and_reachability_decide_and_each_reason_is_recorded(
    workspace, contact, alice, change, reason
):
    if change == "no_email":
        contact = contact_save(workspace=workspace, fields={"last_name": "Ohnemail"})
    elif change == "bounced":
        bounce(contact)
    elif change == "withdrawn":
        consent_record(contact=contact, status="withdrawn", source="Brief", by=alice)
    elif change == "erased":
        # as care's erasure leaves a person: no name, no address
        Contact.objects.filter(pk=contact.pk).update(
            erased_at=timezone.now(), email="", first_name="", last_name=""
        )
    else:
        earlier = offer(contact, now=timezone.now() - dt.timedelta(days=400))
        ReviewInvitation.objects.filter(pk=earlier.pk).update(opted_out_at=timezone.now())
    contact.refresh_from_db()
    invitation = offer(contact)
    assert (invitation.status, invitation.skip_reason) == (InvitationStatus.SKIPPED, reason)


def test_an_address_that_bounced_after_the_offer_gets_no_mail(smtp, contact):
    invitation = offer(contact)
    bounce(contact)
    result = sent(invitation)
    assert (result.status, result.skip_reason) == (InvitationStatus.SKIPPED, InvitationSkip.BOUNCED)
    assert smtp.messages == []


def test_a_mail_server_that_is_down_is_recorded_and_retried(settings, contact):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 1}}}  # fmt: skip
    invitation = offer(contact)
    first = sent(invitation)
    assert first.status == InvitationStatus.PENDING
    assert first.send_attempts == 1
    assert "ConnectionRefusedError" in first.send_error
    sent(invitation)
    assert sent(invitation).status == InvitationStatus.FAILED
    assert invitation_send(invitation_id=invitation.pk) is None


def test_a_duplicate_send_task_sends_one_mail(smtp, contact):
    invitation = offer(contact)
    sent(invitation)
    assert invitation_send(invitation_id=invitation.pk) is None
    assert len(smtp.messages) == 1


# --- the public page ---------------------------------------------------------------------------


@pytest.fixture
def invitation(contact, kettle):
    return sent(offer(contact, product=kettle))


def test_the_page_speaks_the_customers_language_and_asks_neutrally(client, invitation):
    page = client.get(path_of(invitation)).content.decode()
    assert '<html lang="de">' in page
    assert "Wasserkocher Aurora" in page
    assert 'name="website"' in page
    assert "csrfmiddlewaretoken" in page


def test_one_answer_per_invitation(client, invitation):
    client.post(path_of(invitation), {"stars": "4"})
    again = client.post(path_of(invitation), {"stars": "1", "text": "Doch schlecht"})
    assert again.status_code == 200
    assert Mention.objects.count() == 1
    assert Mention.objects.get().stars == 4.0


def test_a_rating_without_stars_or_with_too_much_text_is_refused_with_field_errors(
    client, invitation
):
    response = client.post(path_of(invitation), {"text": "Nur Text"})
    assert response.status_code == 422
    assert 'class="star-choice has-error"' in response.content.decode()
    response = client.post(path_of(invitation), {"stars": "9"})
    assert response.status_code == 422
    response = client.post(path_of(invitation), {"stars": "3", "text": "x" * 2001})
    assert response.status_code == 422
    assert Mention.objects.count() == 0


def test_markup_in_an_answer_is_shown_as_text(alice_client, client, invitation):
    client.post(path_of(invitation), {"stars": "3", "text": "<script>alert(1)</script>"})
    mention = Mention.objects.get()
    page = alice_client.get(reverse("listening:mention-detail", args=[mention.pk]))
    html = page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_stored(client, invitation):
    response = client.post(path_of(invitation), {"stars": "5", "text": "Buy now",
                                                 "website": "http://spam.example"})  # fmt: skip
    assert response.status_code == 200
    assert 'id="rating-thanks"' in response.content.decode()
    assert Mention.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_the_form_is_refused_after_too_many_attempts_per_link(client, invitation):
    for _attempt in range(RatingAttempt.LIMIT_PER_INVITATION):
        assert client.post(path_of(invitation), {"text": "?"}).status_code == 422
    response = client.post(path_of(invitation), {"stars": "5"})
    assert response.status_code == 429
    assert Mention.objects.count() == 0


def test_the_form_is_refused_after_too_many_attempts_from_one_address(
    client, workspace, contact, kettle
):
    others = []
    for number in range(RatingAttempt.LIMIT_PER_ADDRESS // RatingAttempt.LIMIT_PER_INVITATION):
        person = contact_save(workspace=workspace, fields={
            "last_name": f"Kunde {number}", "email": f"k{number}@example.com"})  # fmt: skip
        others.append(sent(offer(person)))
    for other in others:
        for _attempt in range(RatingAttempt.LIMIT_PER_INVITATION):
            client.post(path_of(other), {"text": "?"})
    fresh = sent(offer(contact, product=kettle))
    assert client.post(path_of(fresh), {"stars": "5"}).status_code == 429
    other_address = client.post(path_of(fresh), {"stars": "5"}, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302
    assert Mention.objects.count() == 1


def test_the_post_needs_the_csrf_token(invitation):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(path_of(invitation), {"stars": "5"}).status_code == 403
    assert Mention.objects.count() == 0


def test_an_expired_link_shows_a_clear_page(client, invitation, clock):
    path = path_of(invitation)
    clock.now += LINK_LIFETIME.total_seconds() + 1
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 404
    assert "Dieser Link ist abgelaufen." in response.content.decode()
    assert client.post(path, {"stars": "1"}).status_code == 404
    assert Mention.objects.count() == 0


def test_a_tampered_link_shows_a_clear_page(client, invitation):
    path = path_of(invitation)
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    response = client.get(tampered)
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()
    for garbage in ("x", "a.b.c", "%00", "." * 600):
        assert client.get(f"/r/{invitation.workspace.slug}/{garbage}/").status_code == 404


def test_a_link_for_another_purpose_or_an_old_nonce_is_refused(client, invitation):
    slug = invitation.workspace.slug
    other = link_sign(purpose="invite-accept", payload={"i": invitation.pk, "n": invitation.nonce},
                      max_age=LINK_LIFETIME)  # fmt: skip
    assert client.get(f"/r/{slug}/{other}/").status_code == 404
    forged = link_sign(purpose=LINK_PURPOSE, payload={"i": invitation.pk, "n": "guessed"},
                       max_age=LINK_LIFETIME)  # fmt: skip
    assert client.get(f"/r/{slug}/{forged}/").status_code == 404


def test_a_link_is_accepted_only_under_its_own_workspace(
    client, invitation, other_workspace, carol_contact
):
    carol_contact.email = "geheim@castor.example"
    carol_contact.save()
    theirs = sent(offer(carol_contact))
    # alice's link under carol's address, and carol's link under alice's
    token = path_of(invitation).rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/r/{other_workspace.slug}/{token}/").status_code == 404
    their_token = path_of(theirs).rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/r/{invitation.workspace.slug}/{their_token}/").status_code == 404
    assert client.post(f"/r/{invitation.workspace.slug}/{their_token}/",
                       {"stars": "1"}).status_code == 404  # fmt: skip
    assert client.get(f"/r/no-such-workspace/{token}/").status_code == 404
    assert Mention.objects.count() == 0


def test_the_customer_can_ask_for_no_more_invitations(client, invitation, contact):
    stop = path_of(invitation) + "stop/"
    page = client.get(stop)
    assert page.status_code == 200
    invitation.refresh_from_db()
    assert invitation.opted_out_at is None  # asking is no answer
    client.post(stop)
    invitation.refresh_from_db()
    assert invitation.opted_out_at is not None
    later = offer(contact, now=timezone.now() + dt.timedelta(days=400))
    assert later.skip_reason == InvitationSkip.OPTED_OUT


# --- the list for leaders ----------------------------------------------------------------------


def test_leaders_see_sent_and_answered_figures(alice_client, client, workspace, contact, kettle):
    answered = sent(offer(contact, product=kettle))
    client.post(path_of(answered), {"stars": "4"})
    person = contact_save(workspace=workspace, fields={"last_name": "Zweite",
                                                       "email": "zweite@example.com"})  # fmt: skip
    sent(offer(person))
    offer(contact_save(workspace=workspace, fields={"last_name": "Ohnemail"}))
    page = alice_client.get(reverse("listening:invitation-list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="figure-offered">3<' in html
    assert 'id="figure-sent">2<' in html
    assert 'id="figure-answered">1 (50 %)<' in html
    assert "No e-mail address: 1" in html


def test_staff_do_not_see_the_invitation_list(client, bob):
    client.force_login(bob)
    assert client.get(reverse("listening:invitation-list")).status_code == 403


def test_the_settings_change_the_cap_and_refuse_nonsense(alice_client, workspace):
    url = reverse("listening:invitation-settings")
    response = alice_client.post(url, {"invitations_enabled": "on", "invitation_gap_days": "0"})
    assert response.status_code == 422
    assert listening_settings(workspace=workspace).invitation_gap_days == 90
    alice_client.post(reverse("listening:invitation-settings"), {"invitation_gap_days": "30"})
    settings = listening_settings(workspace=workspace)
    assert (settings.invitation_gap_days, settings.invitations_enabled) == (30, False)


def test_a_persons_invitations_are_in_their_data_export(client, contact, kettle):
    from touchbase.core import registry

    answered = sent(offer(contact, product=kettle))
    client.post(path_of(answered), {"stars": "4"})
    offer(contact)
    exported = registry.personal_data.get("review_invitations").export(contact)
    assert [(row["product"], row["status"], row["not_sent_because"]) for row in exported] == [
        ("Wasserkocher Aurora", "answered", ""),
        (None, "skipped", "recently_invited"),
    ]
    assert exported[0]["answered_at"] is not None
