"""The members' virtual-coffee pages: taking part, pauses and holidays, one's coffees, the
managers' settings and rounds, inviting a customer, the contact page's panel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.inside import ama, coffee
from touchbase.inside.choices import GroupState
from touchbase.inside.models import (
    CoffeeAbsence,
    CoffeeGroup,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeSeat,
    InsideSettings,
)
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import Touchpoint
from touchbase.relationships.services import contact_save

pytestmark = pytest.mark.django_db
CHANGE_TASK = "touchbase.inside.tasks.coffee_change_mail_task"
INVITE_TASK = "touchbase.inside.tasks.coffee_customer_invite_task"


def today() -> dt.date:
    return timezone.localdate()


def round_on(workspace, days: int) -> CoffeeRound:
    """A round `days` from today (negative: in the past) of everyone taking part."""
    round_, _result = coffee.coffee_round_make(workspace=workspace, on=today() + dt.timedelta(days))
    return round_


def seat_of(user, round_: CoffeeRound) -> CoffeeSeat:
    return CoffeeSeat.objects.get(group__round=round_, participant__user=user)


@pytest.fixture
def bob_client(client, bob):
    client.force_login(bob)
    return client


@pytest.fixture
def pair(workspace, alice, bob):
    """alice and bob both take part."""
    return (
        coffee.coffee_join(workspace=workspace, user=alice),
        coffee.coffee_join(workspace=workspace, user=bob),
    )


@pytest.fixture
def customer(workspace, alice, contact):
    """The contact invited by alice, who accepted."""
    participant = coffee.coffee_customer_invite(workspace=workspace, contact=contact, by=alice)
    return coffee.coffee_active_set(participant=participant, active=True)


# --- taking part ------------------------------------------------------------------------------


def test_a_member_opts_in_from_the_page(alice_client, alice, workspace):
    page = alice_client.get(reverse("inside:coffee"))
    assert page.status_code == 200
    assert "Take part" in page.content.decode()
    response = alice_client.post(reverse("inside:coffee_join"))
    assert response.status_code == 302
    assert response["Location"] == reverse("inside:coffee")
    assert CoffeeParticipant.objects.get(workspace=workspace, user=alice).active is True
    page = alice_client.get(reverse("inside:coffee")).content.decode()
    assert "You take part: every Tuesday at 10 a.m., a coffee of 30 minutes." in page


def test_an_htmx_opt_in_answers_the_fragment(alice_client, alice):
    response = alice_client.post(reverse("inside:coffee_join"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="coffee-me">')
    assert "Stop taking part" in html


def test_opting_out_leaves_the_coffees_ahead_and_tells_the_other(
    bob_client, bob, alice, workspace, pair, django_capture_on_commit_callbacks
):
    round_ = round_on(workspace, 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(reverse("inside:coffee_opt_out"))
    assert response.status_code == 302
    assert CoffeeParticipant.objects.get(user=bob).active is False
    assert seat_of(bob, round_).left_at is not None
    assert CoffeeGroup.objects.get(round=round_).state == GroupState.CANCELLED
    task = DBTaskResult.objects.get(task_path=CHANGE_TASK)
    assert task.args_kwargs["kwargs"] == {
        "kind": "cancelled", "seat_ids": [seat_of(alice, round_).pk],
    }  # fmt: skip


def test_opting_out_without_taking_part_is_refused(bob_client, bob):
    response = bob_client.post(reverse("inside:coffee_opt_out"))
    assert response.status_code == 422
    assert "Take part in virtual coffee first." in response.content.decode()
    assert not CoffeeParticipant.objects.filter(user=bob).exists()


def test_a_pause_until_a_day_and_its_end(bob_client, bob, pair):
    day = today() + dt.timedelta(days=20)
    response = bob_client.post(reverse("inside:coffee_pause"), {"until": day.isoformat()})
    assert response.status_code == 302
    assert CoffeeParticipant.objects.get(user=bob).paused_until == day
    bob_client.post(reverse("inside:coffee_pause"), {"until": ""})
    assert CoffeeParticipant.objects.get(user=bob).paused_until is None


def test_a_pause_leaves_the_coffees_on_paused_days(bob_client, bob, workspace, pair):
    round_ = round_on(workspace, 5)
    day = today() + dt.timedelta(days=8)
    bob_client.post(reverse("inside:coffee_pause"), {"until": day.isoformat()})
    assert seat_of(bob, round_).left_at is not None


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2001-01-01", "Choose a day from today on."),
        ("2999-01-01", "Pause for a year at most."),
        ("x" * 500, "Enter a valid date."),
    ],
)
def test_a_pause_in_the_past_too_long_or_garbled_is_a_field_error(
    bob_client, bob, pair, until, message
):
    response = bob_client.post(reverse("inside:coffee_pause"), {"until": until})
    assert response.status_code == 422
    html = response.content.decode()
    assert message in html
    assert 'class="field has-error"' in html
    assert CoffeeParticipant.objects.get(user=bob).paused_until is None


def test_holidays_are_added_and_removed(bob_client, bob, workspace, pair):
    starts = today() + dt.timedelta(days=30)
    response = bob_client.post(
        reverse("inside:coffee_absence_add"),
        {"starts_on": starts.isoformat(), "ends_on": (starts + dt.timedelta(days=6)).isoformat()},
    )
    assert response.status_code == 302
    absence = CoffeeAbsence.objects.get(participant__user=bob)
    assert (absence.starts_on, absence.ends_on) == (starts, starts + dt.timedelta(days=6))
    page = bob_client.get(reverse("inside:coffee")).content.decode()
    assert reverse("inside:coffee_absence_remove", args=[absence.pk]) in page
    response = bob_client.post(reverse("inside:coffee_absence_remove", args=[absence.pk]))
    assert response.status_code == 302
    assert not CoffeeAbsence.objects.exists()


def test_a_holiday_ending_before_it_starts_is_a_field_error(bob_client, bob, pair):
    response = bob_client.post(
        reverse("inside:coffee_absence_add"), {"starts_on": "2030-05-10", "ends_on": "2030-05-01"}
    )
    assert response.status_code == 422
    assert "The absence must end on or after its first day." in response.content.decode()
    assert not CoffeeAbsence.objects.exists()


def test_a_holiday_needs_both_days(bob_client, pair):
    response = bob_client.post(reverse("inside:coffee_absence_add"), {"starts_on": "2030-05-10"})
    assert response.status_code == 422
    assert "This field is required." in response.content.decode()
    assert not CoffeeAbsence.objects.exists()


def test_another_members_holiday_cannot_be_removed(bob_client, alice, workspace, pair):
    absence = coffee.coffee_absence_add(
        participant=pair[0], starts_on=today(), ends_on=today() + dt.timedelta(days=2)
    )
    response = bob_client.post(reverse("inside:coffee_absence_remove", args=[absence.pk]))
    assert response.status_code == 404
    assert CoffeeAbsence.objects.filter(pk=absence.pk).exists()


# --- one's coffees ----------------------------------------------------------------------------


def test_the_page_shows_the_next_coffee_with_whom_when_and_how_long(alice_client, workspace, pair):
    ama.inside_settings_save(workspace=workspace, fields={"coffee_minutes": 45})
    round_ = round_on(workspace, 10)
    group = CoffeeGroup.objects.get(round=round_)
    html = alice_client.get(reverse("inside:coffee")).content.decode()
    assert f'<li id="coffee-group-{group.pk}">' in html
    assert "10 a.m.–10:45 a.m." in html
    assert "Bob Bauer" in html


def test_a_member_leaves_a_coffee_before_it_and_the_others_are_told(
    bob_client, bob, alice, workspace, pair, django_capture_on_commit_callbacks
):
    third = member_add(workspace=workspace, username="tom", password=None, role=Role.STAFF,
                       email="tom@pollux.example", first_name="Tom").user  # fmt: skip
    coffee.coffee_join(workspace=workspace, user=third)
    round_ = round_on(workspace, 10)
    seat = seat_of(bob, round_)
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(reverse("inside:coffee_seat_leave", args=[seat.pk]))
    assert response.status_code == 302
    seat.refresh_from_db()
    assert seat.left_at is not None
    assert CoffeeGroup.objects.get(round=round_).state == GroupState.PROPOSED
    task = DBTaskResult.objects.get(task_path=CHANGE_TASK)
    assert task.args_kwargs["kwargs"] == {
        "kind": "left",
        "seat_ids": sorted([seat_of(alice, round_).pk, seat_of(third, round_).pk]),
    }


def test_nobody_leaves_another_members_seat(bob_client, alice, workspace, pair):
    round_ = round_on(workspace, 10)
    seat = seat_of(alice, round_)
    response = bob_client.post(reverse("inside:coffee_seat_leave", args=[seat.pk]))
    assert response.status_code == 404
    seat.refresh_from_db()
    assert seat.left_at is None


def test_a_past_coffee_can_no_longer_be_left(bob_client, bob, workspace, pair):
    round_ = round_on(workspace, -3)
    seat = seat_of(bob, round_)
    response = bob_client.post(reverse("inside:coffee_seat_leave", args=[seat.pk]))
    assert response.status_code == 422
    assert "This coffee can no longer be left." in response.content.decode()
    seat.refresh_from_db()
    assert seat.left_at is None


def test_a_member_confirms_that_a_past_coffee_took_place(bob_client, bob, workspace, pair):
    group = CoffeeGroup.objects.get(round=round_on(workspace, -3))
    page = bob_client.get(reverse("inside:coffee")).content.decode()
    assert f'id="coffee-confirm-{group.pk}"' in page
    response = bob_client.post(reverse("inside:coffee_confirm", args=[group.pk]), {"met": "yes"})
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.state, group.confirmed_by) == (GroupState.MET, bob)
    history = bob_client.get(reverse("inside:coffee")).content.decode()
    assert "Alice Adler</li>" not in history
    assert "Alice Adler – Took place" in history


def test_a_coffee_that_did_not_take_place(bob_client, workspace, pair):
    group = CoffeeGroup.objects.get(round=round_on(workspace, -3))
    bob_client.post(reverse("inside:coffee_confirm", args=[group.pk]), {"met": "no"})
    group.refresh_from_db()
    assert group.state == GroupState.SKIPPED
    assert not Touchpoint.objects.filter(source_kind=coffee.TOUCHPOINT_SOURCE).exists()


def test_a_coffee_ahead_cannot_be_confirmed(bob_client, workspace, pair):
    group = CoffeeGroup.objects.get(round=round_on(workspace, 10))
    response = bob_client.post(reverse("inside:coffee_confirm", args=[group.pk]), {"met": "yes"})
    assert response.status_code == 422
    assert "The coffee has not taken place yet." in response.content.decode()
    group.refresh_from_db()
    assert group.state == GroupState.PROPOSED


def test_a_confirmation_without_an_answer_is_refused(bob_client, workspace, pair):
    group = CoffeeGroup.objects.get(round=round_on(workspace, -3))
    response = bob_client.post(reverse("inside:coffee_confirm", args=[group.pk]), {"met": "?"})
    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    group.refresh_from_db()
    assert group.state == GroupState.PROPOSED


def test_nobody_confirms_a_coffee_they_do_not_sit_in(workspace, alice, bob, pair, client):
    group = CoffeeGroup.objects.get(round=round_on(workspace, -3))
    tom = member_add(workspace=workspace, username="tom", password=None, role=Role.STAFF,
                     email="tom@pollux.example", first_name="Tom").user  # fmt: skip
    client.force_login(tom)
    response = client.post(reverse("inside:coffee_confirm", args=[group.pk]), {"met": "yes"})
    assert response.status_code == 404
    group.refresh_from_db()
    assert group.state == GroupState.PROPOSED


def test_confirming_a_coffee_with_a_customer_puts_it_on_their_timeline(
    alice_client, alice, workspace, contact, customer
):
    coffee.coffee_join(workspace=workspace, user=alice)
    round_ = round_on(workspace, -2)
    group = CoffeeGroup.objects.get(round=round_)
    response = alice_client.post(reverse("inside:coffee_confirm", args=[group.pk]), {"met": "yes"})
    assert response.status_code == 302
    touchpoint = Touchpoint.objects.get(contact=contact)
    assert touchpoint.channel == Channel.COFFEE
    assert (touchpoint.source_kind, touchpoint.source_id) == (coffee.TOUCHPOINT_SOURCE, group.pk)
    assert touchpoint.occurred_at == group.starts_at
    assert list(touchpoint.participants.all()) == [alice]
    page = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk]))
    assert "<strong>Coffee</strong>" in page.content.decode()


# --- who may ----------------------------------------------------------------------------------


@pytest.fixture
def helper_client(client, workspace):
    """A helper of the community: no part in virtual coffee."""
    helper = member_add(workspace=workspace, username="hanna", password=None, role=Role.HELPER,
                        email="hanna@pollux.example").user  # fmt: skip
    client.force_login(helper)
    return client


def test_who_may_not_take_part_is_refused(helper_client):
    assert helper_client.get(reverse("inside:coffee")).status_code == 403
    assert helper_client.post(reverse("inside:coffee_join")).status_code == 403
    assert not CoffeeParticipant.objects.exists()


def test_the_managers_pages_are_refused_to_members(bob_client, bob, pair):
    assert bob_client.get(reverse("inside:coffee_settings")).status_code == 403
    response = bob_client.post(reverse("inside:coffee_settings"), {"coffee_minutes": "60"})
    assert response.status_code == 403
    assert bob_client.get(reverse("inside:coffee_rounds")).status_code == 403
    assert bob_client.post(reverse("inside:coffee_round_make")).status_code == 403
    assert not CoffeeRound.objects.exists()
    assert "Coffee settings" not in bob_client.get(reverse("inside:coffee")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("inside:coffee"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- managers ---------------------------------------------------------------------------------

SETTINGS = {
    "coffee_every": "2", "coffee_weekday": "3", "coffee_time": "15:30", "coffee_minutes": "20",
    "coffee_avoid_rounds": "4", "coffee_prefer_shared": "",
}  # fmt: skip


def test_a_manager_changes_the_coffee_settings(alice_client, workspace):
    page = alice_client.get(reverse("inside:coffee_settings"))
    assert page.status_code == 200
    assert 'name="coffee_minutes" value="30"' in page.content.decode()
    response = alice_client.post(reverse("inside:coffee_settings"), SETTINGS)
    assert response.status_code == 302
    saved = InsideSettings.objects.get(workspace=workspace)
    assert (saved.coffee_every, saved.coffee_weekday, saved.coffee_time) == (
        2, 3, dt.time(15, 30),
    )  # fmt: skip
    assert (saved.coffee_minutes, saved.coffee_avoid_rounds) == (20, 4)
    assert saved.coffee_prefer_shared is False


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("coffee_minutes", "5", "Ensure this value is greater than or equal to 10."),
        ("coffee_avoid_rounds", "60", "Ensure this value is less than or equal to 52."),
        ("coffee_weekday", "6", "Select a valid choice. 6 is not one of the available choices."),
        ("coffee_time", "25:99", "Enter a valid time."),
    ],
)
def test_settings_out_of_bounds_are_field_errors(alice_client, workspace, field, value, message):
    response = alice_client.post(reverse("inside:coffee_settings"), {**SETTINGS, field: value})
    assert response.status_code == 422
    assert message in response.content.decode()
    assert ama.inside_settings(workspace=workspace).coffee_minutes == 30


def test_the_rounds_page_lists_members_customers_and_groups(
    alice_client, workspace, pair, customer
):
    round_ = round_on(workspace, 10)
    html = alice_client.get(reverse("inside:coffee_rounds")).content.decode()
    assert f'id="coffee-participant-{pair[1].pk}"' in html
    assert f'id="coffee-participant-{customer.pk}"' in html
    assert "Jürgen Müller" in html
    assert f'id="coffee-round-{round_.pk}"' in html
    for group in CoffeeGroup.objects.filter(round=round_):
        assert f'id="coffee-round-group-{group.pk}"' in html


def test_a_manager_makes_the_next_round_now(alice_client, workspace, pair):
    day = coffee.next_round_day(workspace=workspace, today=today())
    response = alice_client.post(reverse("inside:coffee_round_make"))
    assert response.status_code == 302
    round_ = CoffeeRound.objects.get(workspace=workspace)
    assert round_.on == day
    assert CoffeeSeat.objects.filter(group__round=round_).count() == 2
    page = alice_client.get(response["Location"]).content.decode()
    assert f"Round 1 for {day} made: 1 groups." in page


# --- inviting a customer ----------------------------------------------------------------------


def test_a_member_invites_a_customer_after_a_confirmation_page(
    bob_client, bob, workspace, contact, django_capture_on_commit_callbacks
):
    url = reverse("inside:coffee_invite", args=[contact.pk])
    page = bob_client.get(url)
    assert page.status_code == 200
    assert "Invite Jürgen Müller to a coffee" in page.content.decode()
    assert not CoffeeParticipant.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = bob_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("relationships:contact-detail", args=[contact.pk])
    participant = CoffeeParticipant.objects.get(contact=contact)
    assert (participant.active, participant.invited_by) == (False, bob)
    task = DBTaskResult.objects.get(task_path=INVITE_TASK)
    assert task.args_kwargs["kwargs"] == {"participant_id": participant.pk}


def test_a_customer_without_an_address_cannot_be_invited(bob_client, workspace):
    nobody = contact_save(workspace=workspace, fields={"last_name": "Ohnepost"})
    response = bob_client.post(reverse("inside:coffee_invite", args=[nobody.pk]))
    assert response.status_code == 422
    assert "This customer has no e-mail address." in response.content.decode()
    assert not CoffeeParticipant.objects.exists()


def test_a_customer_taking_part_is_not_invited_again(bob_client, contact, customer):
    response = bob_client.post(reverse("inside:coffee_invite", args=[contact.pk]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "This customer already takes part." in html
    assert "Jürgen Müller already takes part in virtual coffee." in html
    customer.refresh_from_db()
    assert customer.invited_by is not None
    assert customer.invited_by.username == "alice"


def test_another_workspaces_customer_is_not_found(alice_client, carol_contact):
    response = alice_client.post(reverse("inside:coffee_invite", args=[carol_contact.pk]))
    assert response.status_code == 404
    assert not CoffeeParticipant.objects.exists()


def test_who_cannot_see_customers_cannot_invite_them(client, workspace, contact):
    manager = member_add(workspace=workspace, username="mia", password=None,
                         role=Role.COMMUNITY_MANAGER, email="mia@pollux.example").user  # fmt: skip
    client.force_login(manager)
    assert client.post(reverse("inside:coffee_invite", args=[contact.pk])).status_code == 403
    assert not CoffeeParticipant.objects.exists()


# --- the contact page's panel -----------------------------------------------------------------


def panel_of(client, contact) -> str:
    html = client.get(reverse("relationships:contact-detail", args=[contact.pk])).content.decode()
    start = html.index('<section class="card" id="coffee-panel"')
    return html[start : html.index("</section>", start)]


def test_the_panel_offers_the_invitation_to_a_customer_not_invited(alice_client, contact):
    panel = panel_of(alice_client, contact)
    assert "Not invited yet." in panel
    invite = reverse("inside:coffee_invite", args=[contact.pk])
    assert f'href="{invite}">Invite to a coffee</a>' in panel


def test_the_panel_shows_the_next_and_the_past_coffees(
    alice_client, alice, workspace, contact, customer
):
    coffee.coffee_join(workspace=workspace, user=alice)
    past = CoffeeGroup.objects.get(round=round_on(workspace, -7))
    coffee.group_confirm(group=past, met=True, by=alice)
    round_on(workspace, 10)
    panel = panel_of(alice_client, contact)
    assert "Takes part." in panel
    assert "Invite to a coffee" not in panel
    next_part, past_part = panel.split("Past coffees")
    assert "Next coffee" in next_part
    assert "Alice Adler" in next_part
    assert "Alice Adler – Took place" in past_part


def test_the_panel_is_for_who_may_take_part_in_coffee():
    # Every role that sees customers may take part today; the panel still names its own need.
    from touchbase.core import registry
    from touchbase.core.capabilities import Capability

    panel = next(p for p in registry.contact_panels if p.name == "inside-coffee")
    assert panel.capability == Capability.INSIDE_TAKE_PART
    assert panel.template == "inside/partials/_coffee_panel.html"


# --- the inside home page's card --------------------------------------------------------------


def card_for(membership) -> str:
    request = RequestFactory().get("/inside/")
    request.user = membership.user
    request.membership = membership
    request.workspace = membership.workspace
    return render_to_string("inside/partials/_coffee_card.html", {}, request=request)


def test_the_home_card_finds_its_own_coffee_data(alice_membership, bob, workspace, pair):
    round_on(workspace, 10)
    round_on(workspace, -3)
    html = card_for(alice_membership)
    assert "Your next coffee:" in html
    assert "Bob Bauer" in html
    assert "Did your last coffee take place? Tell us." in html
    assert f'href="{reverse("inside:coffee")}"' in html


def test_the_home_card_invites_who_does_not_take_part_yet(alice_membership):
    html = card_for(alice_membership)
    assert "Meet a colleague for a coffee by video" in html
    assert ">Take part</a>" in html


def test_the_home_card_is_empty_for_who_may_not_take_part(workspace):
    helper = member_add(workspace=workspace, username="hanna", password=None, role=Role.HELPER,
                        email="hanna@pollux.example")  # fmt: skip
    assert card_for(helper).strip() == ""


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture
def axe_context(browser, browser_context_args):
    """A context where axe may be injected (the strict CSP would block it): only here."""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    yield context
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_coffee_pages_have_no_serious_accessibility_violations(axe_context, live_server):
    from tests.browser.test_accessibility import serious_violations
    from tests.browser.world import sign_in
    from touchbase.core.services import workspace_create

    # given joseph, who runs the workspace, a colleague and a customer, all taking part
    workspace = workspace_create(name="Pollux GmbH", slug="pollux-coffee")
    joseph = member_add(workspace=workspace, username="joseph", password="pollux-demo",
                        role=Role.OWNER, first_name="Joseph", last_name="Page").user  # fmt: skip
    colleague = member_add(workspace=workspace, username="bea", password=None, role=Role.STAFF,
                           first_name="Bea", last_name="Berg").user  # fmt: skip
    person = contact_save(workspace=workspace, fields={"first_name": "Maria",
                                                       "last_name": "Hofer",
                                                       "email": "maria@example.com"})  # fmt: skip
    for user in (joseph, colleague):
        coffee.coffee_join(workspace=workspace, user=user)
    invited = coffee.coffee_customer_invite(workspace=workspace, contact=person, by=joseph)
    coffee.coffee_active_set(participant=invited, active=True)
    round_on(workspace, -3)
    round_on(workspace, 10)
    token = coffee.customer_token(participant=invited)
    page = axe_context.new_page()
    sign_in(page, live_server.url)
    found = {}
    for path in (
        reverse("inside:coffee"),
        reverse("inside:coffee_settings"),
        reverse("inside:coffee_rounds"),
        reverse("inside:coffee_invite", args=[person.pk]),
        reverse("relationships:contact-detail", args=[person.pk]),
        reverse("inside:public_coffee", args=[workspace.slug, token]),
        reverse("inside:public_coffee", args=[workspace.slug, "forged"]),
    ):
        # when each page is opened; then axe finds nothing serious
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}
