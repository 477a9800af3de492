"""A customer's virtual coffee by the signed link in their mails: accepting, opting out,
pausing, their next coffee, confirming one; links expired, withdrawn or forged; only their own
groups; rate limits and the honeypot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.inside import coffee
from touchbase.inside.choices import GroupState
from touchbase.inside.models import CoffeeGroup, CoffeeParticipant, CoffeeRound, CoffeeSeat
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import Touchpoint
from touchbase.relationships.services import contact_save
from touchbase.visitors.models import PublicAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(workspace, alice, contact):
    """Jürgen, invited by alice; he has not accepted yet."""
    return coffee.coffee_customer_invite(workspace=workspace, contact=contact, by=alice)


@pytest.fixture
def token(invited) -> str:
    return coffee.customer_token(participant=invited)


def url(workspace, token: str, name: str = "inside:public_coffee", *args: object) -> str:
    return reverse(name, args=[workspace.slug, token, *args])


def round_on(workspace, days: int) -> CoffeeRound:
    day = timezone.localdate() + dt.timedelta(days=days)
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=day)
    return round_


@pytest.fixture
def taking_part(workspace, alice, invited):
    """Jürgen accepted; alice takes part too, so a round groups them."""
    coffee.coffee_join(workspace=workspace, user=alice)
    return coffee.coffee_active_set(participant=invited, active=True)


# --- the link ---------------------------------------------------------------------------------


def test_the_invitation_link_opens_a_page_with_a_button_and_changes_nothing(
    client, workspace, invited, token
):
    response = client.get(url(workspace, token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Virtual coffee for Jürgen Müller" in html
    assert f'action="{url(workspace, token, "inside:public_coffee_accept")}"' in html
    assert response["Cache-Control"] == "no-store, private"
    invited.refresh_from_db()
    assert invited.active is False


def test_the_customer_accepts_and_takes_part(client, workspace, invited, token):
    response = client.post(url(workspace, token, "inside:public_coffee_accept"))
    assert response.status_code == 302
    assert response["Location"] == url(workspace, token) + "?done=accepted"
    invited.refresh_from_db()
    assert invited.active is True
    html = client.get(response["Location"]).content.decode()
    assert "Welcome! You take part from the next round on." in html
    assert "Stop taking part" in html


def test_an_expired_link_is_gone_and_says_so(client, clock, workspace, invited, token):
    clock.advance(coffee.CUSTOMER_LINK_AGE.total_seconds() + 60)
    response = client.get(url(workspace, token))
    assert response.status_code == 410
    assert "This link has expired." in response.content.decode()
    response = client.post(url(workspace, token, "inside:public_coffee_accept"))
    assert response.status_code == 410
    invited.refresh_from_db()
    assert invited.active is False


def test_a_withdrawn_link_is_gone_and_says_so(client, workspace, invited, token):
    CoffeeParticipant.objects.filter(pk=invited.pk).update(nonce="new")
    response = client.get(url(workspace, token))
    assert response.status_code == 410
    assert "This link has been withdrawn." in response.content.decode()
    assert client.post(url(workspace, token, "inside:public_coffee_accept")).status_code == 410
    invited.refresh_from_db()
    assert invited.active is False


@pytest.mark.parametrize("forged", ["nonsense", "x" * 2000, "eyJwIjoxfQ:1abc:deadbeef"])
def test_a_forged_link_is_not_found(client, workspace, invited, forged):
    response = client.get(url(workspace, forged))
    assert response.status_code == 404
    assert "This link is not valid." in response.content.decode()
    assert client.post(url(workspace, forged, "inside:public_coffee_accept")).status_code == 404
    invited.refresh_from_db()
    assert invited.active is False


def test_a_link_under_another_workspaces_address_opens_nothing(
    client, other_workspace, invited, token
):
    response = client.get(url(other_workspace, token))
    assert response.status_code == 410
    assert "Jürgen" not in response.content.decode()


def test_an_unknown_workspace_is_not_found(client, token):
    assert (
        client.get(reverse("inside:public_coffee", args=["nobody-here", token])).status_code == 404
    )


# --- taking part ------------------------------------------------------------------------------


def test_the_customer_opts_out_and_leaves_the_coffee_ahead(client, workspace, taking_part, token):
    round_ = round_on(workspace, 10)
    response = client.post(url(workspace, token, "inside:public_coffee_opt_out"))
    assert response.status_code == 302
    taking_part.refresh_from_db()
    assert taking_part.active is False
    seat = CoffeeSeat.objects.get(group__round=round_, participant=taking_part)
    assert seat.left_at is not None


def test_the_customer_pauses_until_a_day(client, workspace, taking_part, token):
    day = timezone.localdate() + dt.timedelta(days=40)
    response = client.post(url(workspace, token, "inside:public_coffee_pause"),
                           {"until": day.isoformat()})  # fmt: skip
    assert response.status_code == 302
    taking_part.refresh_from_db()
    assert taking_part.paused_until == day
    assert "Paused until" in client.get(url(workspace, token)).content.decode()


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2001-01-01", "Choose a day from today on."),
        ("2999-01-01", "Pause for a year at most."),
        ("9" * 5000, "Enter a valid date."),
    ],
)
def test_a_pause_in_the_past_too_long_or_garbled_is_a_field_error(
    client, workspace, taking_part, token, until, message
):
    response = client.post(url(workspace, token, "inside:public_coffee_pause"), {"until": until})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'class="field has-error"' in html
    taking_part.refresh_from_db()
    assert taking_part.paused_until is None


def test_the_page_shows_the_next_coffee_and_with_whom(client, workspace, taking_part, token):
    group = CoffeeGroup.objects.get(round=round_on(workspace, 10))
    html = client.get(url(workspace, token)).content.decode()
    assert f'<li id="coffee-group-{group.pk}">' in html
    assert "with Alice Adler" in html


# --- after the coffee -------------------------------------------------------------------------


def test_the_customer_confirms_a_coffee_and_it_goes_on_their_timeline(
    client, workspace, contact, taking_part, token, alice
):
    group = CoffeeGroup.objects.get(round=round_on(workspace, -2))
    confirm = url(workspace, token, "inside:public_coffee_confirm", group.pk)
    assert f'action="{confirm}"' in client.get(url(workspace, token)).content.decode()
    response = client.post(confirm, {"met": "yes"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.state, group.confirmed_by) == (GroupState.MET, None)
    touchpoint = Touchpoint.objects.get(contact=contact)
    assert (touchpoint.channel, touchpoint.source_id) == (Channel.COFFEE, group.pk)
    assert list(touchpoint.participants.all()) == [alice]
    html = client.get(url(workspace, token)).content.decode()
    assert "with Alice Adler – Took place" in html


def test_another_groups_id_is_not_found(client, workspace, alice, bob, taking_part, token):
    coffee.coffee_join(workspace=workspace, user=bob)
    other = contact_save(workspace=workspace, fields={"last_name": "Andere",
                                                      "email": "andere@example.com"})  # fmt: skip
    stranger = coffee.coffee_customer_invite(workspace=workspace, contact=other, by=alice)
    coffee.coffee_active_set(participant=stranger, active=True)
    round_ = round_on(workspace, -2)
    theirs = CoffeeGroup.objects.filter(round=round_).exclude(seats__participant=taking_part).get()
    response = client.post(
        url(workspace, token, "inside:public_coffee_confirm", theirs.pk), {"met": "yes"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == GroupState.PROPOSED
    assert f"coffee-confirm-{theirs.pk}" not in client.get(url(workspace, token)).content.decode()


def test_a_coffee_the_customer_left_is_not_theirs_to_confirm(client, workspace, taking_part, token):
    group = CoffeeGroup.objects.get(round=round_on(workspace, -2))
    CoffeeSeat.objects.filter(participant=taking_part).update(left_at=timezone.now())
    response = client.post(url(workspace, token, "inside:public_coffee_confirm", group.pk),
                           {"met": "yes"})  # fmt: skip
    assert response.status_code == 404
    group.refresh_from_db()
    assert group.state == GroupState.PROPOSED


def test_a_coffee_ahead_cannot_be_confirmed(client, workspace, taking_part, token):
    group = CoffeeGroup.objects.get(round=round_on(workspace, 10))
    response = client.post(url(workspace, token, "inside:public_coffee_confirm", group.pk),
                           {"met": "yes"})  # fmt: skip
    assert response.status_code == 422
    assert "The coffee has not taken place yet." in response.content.decode()
    group.refresh_from_db()
    assert group.state == GroupState.PROPOSED


# --- robots and floods ------------------------------------------------------------------------


def test_a_filled_in_honeypot_is_thanked_and_dropped(client, workspace, invited, token):
    response = client.post(url(workspace, token, "inside:public_coffee_accept"),
                           {"website": "http://spam.example"})  # fmt: skip
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.active is False


def test_too_many_writes_by_one_link_are_refused(client, workspace, invited, token):
    accept = url(workspace, token, "inside:public_coffee_accept")
    for _n in range(30):
        assert client.post(accept).status_code == 302
    coffee.coffee_active_set(participant=invited, active=False)
    response = client.post(accept)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    invited.refresh_from_db()
    assert invited.active is False


def test_forged_writes_count_toward_the_clients_limit(client, workspace):
    client.post(url(workspace, "forged", "inside:public_coffee_accept"))
    assert PublicAttempt.objects.filter(workspace=workspace, action="coffee-link").count() == 1
