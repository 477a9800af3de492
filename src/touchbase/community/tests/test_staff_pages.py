"""The community manager's pages: who may open them, and what their forms change."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from touchbase.community import assignment
from touchbase.community.choices import BookingState, OfferState, ReportState, RequestState, Side
from touchbase.community.models import (
    CommunitySettings,
    CustomerBlock,
    Helper,
    HelperSkill,
    HelpRequest,
    Offer,
    Report,
    Skill,
)
from touchbase.community.tests.factories import (
    make_booking,
    make_helper,
    make_offer,
    make_request,
    make_skill,
)
from touchbase.community.tests.services_support import day_ahead
from touchbase.core.choices import Role
from touchbase.core.services import member_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def mia(workspace):
    """The community manager of Pollux: community.manage and nothing else."""
    return member_add(
        workspace=workspace, username="mia", password="mia-password-1",
        role=Role.COMMUNITY_MANAGER, email="mia@pollux.example", first_name="Mia",
        last_name="Moser",
    ).user  # fmt: skip


@pytest.fixture
def mia_client(client, mia):
    client.force_login(mia)
    return client


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN", technician_price="80")


@pytest.fixture
def world(workspace, wifi):
    """One helper of each kind, an open request, a booking, a report and a customer block."""
    waiting = make_helper(workspace, name="Wanda Wartend", skills=[wifi], checked=False,
                          verified=False)  # fmt: skip
    verified = make_helper(workspace, name="Vera Verified", skills=[wifi])
    open_request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))])
    done_request = make_request(workspace, skill=wifi, state=RequestState.DONE)
    booking = make_booking(request=done_request, helper=verified, state=BookingState.DONE,
                           starts_at=timezone.now() - dt.timedelta(days=2))  # fmt: skip
    offer = make_offer(request=done_request, helper=verified, state=OfferState.ACCEPTED)
    report = Report.objects.create(
        workspace=workspace, helper=verified, request=done_request, booking=booking,
        by=Side.CUSTOMER, text="Kam zu spät.",
    )  # fmt: skip
    block = CustomerBlock.objects.create(workspace=workspace, email="troll@example.com",
                                         reason="rude")  # fmt: skip
    return {
        "waiting": waiting, "verified": verified, "open_request": open_request,
        "booking": booking, "offer": offer, "report": report, "block": block, "skill": wifi,
        "helper_skill": HelperSkill.objects.get(helper=waiting),
    }  # fmt: skip


def pages(world) -> list[str]:
    return [
        reverse("community:dashboard"),
        reverse("community:helper-list"),
        reverse("community:helper-list") + "?state=waiting&q=Wanda",
        reverse("community:helper-detail", args=[world["waiting"].pk]),
        reverse("community:helper-detail", args=[world["verified"].pk]),
        reverse("community:skill-list"),
        reverse("community:skill-new"),
        reverse("community:skill-edit", args=[world["skill"].pk]),
        reverse("community:settings"),
        reverse("community:request-list"),
        reverse("community:request-list") + "?state=done",
        reverse("community:request-detail", args=[world["open_request"].pk]),
        reverse("community:request-new"),
        reverse("community:request-new") + "?q=Müller",
        reverse("community:batch"),
        reverse("community:booking-list"),
        reverse("community:booking-list") + "?kind=done",
        reverse("community:report-list"),
        reverse("community:report-detail", args=[world["report"].pk]),
        reverse("community:block-list"),
    ]


# Every route with a row id, the row it names, and the method it answers.
def pk_routes(world) -> list[tuple[str, str, list[int]]]:
    return [
        ("GET", "community:helper-detail", [world["waiting"].pk]),
        ("POST", "community:helper-skill-check", [world["waiting"].pk, world["helper_skill"].pk]),
        ("POST", "community:helper-verify", [world["waiting"].pk]),
        ("POST", "community:helper-block", [world["verified"].pk]),
        ("POST", "community:helper-unblock", [world["verified"].pk]),
        ("GET", "community:skill-edit", [world["skill"].pk]),
        ("GET", "community:request-detail", [world["open_request"].pk]),
        ("POST", "community:request-offer", [world["open_request"].pk]),
        ("POST", "community:request-cancel", [world["open_request"].pk]),
        ("POST", "community:offer-withdraw", [world["offer"].pk]),
        ("GET", "community:report-detail", [world["report"].pk]),
        ("POST", "community:report-close", [world["report"].pk]),
        ("POST", "community:report-block", [world["report"].pk]),
        ("POST", "community:block-remove", [world["block"].pk]),
    ]


# --- who may open the pages ---------------------------------------------------------------------


def test_every_page_renders_for_the_community_manager(mia_client, world, contact):
    for url in pages(world):
        response = mia_client.get(url)
        assert (url, response.status_code) == (url, 200)


def test_every_page_renders_for_the_owner(alice_client, world, contact):
    for url in pages(world):
        response = alice_client.get(url)
        assert (url, response.status_code) == (url, 200)


def test_every_page_renders_in_german(mia_client, mia, world, contact):
    type(mia).objects.filter(pk=mia.pk).update(language="de")
    for url in pages(world):
        response = mia_client.get(url)
        assert (url, response.status_code) == (url, 200)
    text = mia_client.get(reverse("community:dashboard")).text
    assert '<html lang="de">' in text


def test_staff_without_the_capability_get_403_everywhere(client, bob, world):
    client.force_login(bob)
    for url in pages(world):
        assert (url, client.get(url).status_code) == (url, 403)
    for method, name, args in pk_routes(world):
        url = reverse(name, args=args)
        response = client.post(url) if method == "POST" else client.get(url)
        assert (url, response.status_code) == (url, 403)
    assert Helper.objects.get(pk=world["verified"].pk).blocked_at is None


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    for url in pages(world):
        response = client.get(url)
        assert (url, response.status_code) == (url, 302)
        assert response.headers["Location"].startswith(reverse("login"))


def test_another_workspaces_manager_gets_404_on_every_row(carol_client, world):
    for method, name, args in pk_routes(world):
        url = reverse(name, args=args)
        response = (carol_client.post(url, {"block-reason": "x", "who": "helper",
                                            "close-outcome": "x", "verify-identity_note": "x"})
                    if method == "POST" else carol_client.get(url))  # fmt: skip
        assert (url, response.status_code) == (url, 404)
    assert Helper.objects.get(pk=world["verified"].pk).blocked_at is None
    assert Report.objects.get(pk=world["report"].pk).state == ReportState.OPEN
    assert CustomerBlock.objects.filter(pk=world["block"].pk).exists()


def test_the_menu_shows_community_to_its_managers_only(mia_client, client, bob, world):
    assert 'href="/community/"' in mia_client.get(reverse("community:dashboard")).text
    client.force_login(bob)
    assert 'href="/community/"' not in client.get(reverse("relationships:due-list")).text


def test_a_community_manager_starts_on_the_dashboard(client, mia):
    response = client.post(reverse("login"), {"username": "mia", "password": "mia-password-1"})
    assert response.headers["Location"] == reverse("community:dashboard")


# --- helpers ------------------------------------------------------------------------------------


def test_the_helper_list_filters_waiting_verified_and_blocked(mia_client, world):
    Helper.objects.filter(pk=world["verified"].pk).update(blocked_at=timezone.now())

    def names(state: str) -> list[str]:
        text = mia_client.get(reverse("community:helper-list"), {"state": state}).text
        return re.findall(r'id="helper-\d+">\s*<th scope="row"><a [^>]*>([^<]+)</a>', text)

    assert names("waiting") == ["Wanda Wartend"]
    assert names("blocked") == ["Vera Verified"]
    assert names("verified") == []
    assert names("") == ["Vera Verified", "Wanda Wartend"]


def test_verifying_without_a_checked_skill_says_what_is_missing(mia_client, world):
    helper = world["waiting"]
    response = mia_client.post(reverse("community:helper-verify", args=[helper.pk]),
                               {"verify-identity_note": "Personalausweis"})  # fmt: skip
    assert response.status_code == 422
    assert "Check at least one of the helper" in response.text
    assert Helper.objects.get(pk=helper.pk).verified_at is None


def test_checking_a_skill_then_verifying_makes_the_helper_bookable(mia_client, mia, world):
    helper, helper_skill = world["waiting"], world["helper_skill"]
    check = reverse("community:helper-skill-check", args=[helper.pk, helper_skill.pk])

    empty = mia_client.post(check, {f"check-{helper_skill.pk}-note": ""})
    assert empty.status_code == 422
    assert HelperSkill.objects.get(pk=helper_skill.pk).checked_at is None

    response = mia_client.post(check, {f"check-{helper_skill.pk}-note": "Router mit uns"})
    assert response.status_code == 302
    checked = HelperSkill.objects.get(pk=helper_skill.pk)
    assert (checked.check_note, checked.checked_by) == ("Router mit uns", mia)

    response = mia_client.post(reverse("community:helper-verify", args=[helper.pk]),
                               {"verify-identity_note": "Personalausweis, 3. Mai"})  # fmt: skip
    assert response.status_code == 302
    helper.refresh_from_db()
    assert (helper.bookable, helper.identity_note, helper.verified_by) == (
        True, "Personalausweis, 3. Mai", mia)  # fmt: skip


def test_a_skill_of_another_helper_cannot_be_checked_through_this_one(mia_client, world, wifi):
    other = HelperSkill.objects.get(helper=world["verified"])
    url = reverse("community:helper-skill-check", args=[world["waiting"].pk, other.pk])
    assert mia_client.post(url, {f"check-{other.pk}-note": "x"}).status_code == 404


def test_blocking_needs_a_reason_and_withdraws_waiting_offers(mia_client, world):
    helper, request = world["verified"], world["open_request"]
    pending = make_offer(request=request, helper=helper, starts_at=day_ahead(2))
    url = reverse("community:helper-block", args=[helper.pk])

    assert mia_client.post(url, {"block-reason": ""}).status_code == 422
    assert Helper.objects.get(pk=helper.pk).blocked_at is None

    assert mia_client.post(url, {"block-reason": "Beschwerden"}).status_code == 302
    helper.refresh_from_db()
    assert (helper.blocked_at is not None, helper.block_reason) == (True, "Beschwerden")
    assert Offer.objects.get(pk=pending.pk).state == OfferState.WITHDRAWN

    assert mia_client.post(reverse("community:helper-unblock", args=[helper.pk])).status_code == 302
    assert Helper.objects.get(pk=helper.pk).blocked_at is None


# --- skills and settings ------------------------------------------------------------------------


def test_a_skill_is_created_and_a_taken_name_is_a_field_error(mia_client, workspace, wifi):
    fields = {"name_de": "Drucker", "name_en": "Printer", "description": "", "hours": "1.5",
              "technician_price": "95", "active": "on"}  # fmt: skip
    assert mia_client.post(reverse("community:skill-new"), fields).status_code == 302
    skill = Skill.objects.get(workspace=workspace, name_en="Printer")
    assert (skill.hours, skill.technician_price, skill.active) == (
        Decimal("1.5"), Decimal("95.00"), True)  # fmt: skip

    response = mia_client.post(reverse("community:skill-new"),
                               {**fields, "name_de": "Gast-WLAN", "name_en": "Other"})  # fmt: skip
    assert response.status_code == 422
    assert "exists already" in response.text
    assert Skill.objects.filter(workspace=workspace).count() == 2


def test_a_skill_is_edited(mia_client, wifi):
    fields = {"name_de": "Gast-WLAN", "name_en": "Guest Wi-Fi", "description": "", "hours": "1.0",
              "technician_price": "70"}  # fmt: skip
    response = mia_client.post(reverse("community:skill-edit", args=[wifi.pk]), fields)
    assert response.status_code == 302
    wifi.refresh_from_db()
    assert (wifi.name_en, wifi.technician_price, wifi.active) == (
        "Guest Wi-Fi", Decimal("70.00"), False)  # fmt: skip


def test_changed_terms_get_a_new_version_and_unchanged_ones_do_not(mia_client, workspace, alice):
    url = reverse("community:settings")
    fields = {"signup_open": "on", "requests_open": "on", "offer_hours": "12",
              "terms": "Seien Sie freundlich.", "support_owner": alice.pk}  # fmt: skip
    assert mia_client.post(url, fields).status_code == 302
    community = CommunitySettings.objects.get(workspace=workspace)
    assert (community.terms_version, community.offer_hours, community.support_owner) == (
        2, 12, alice)  # fmt: skip
    assert mia_client.post(url, {**fields, "offer_hours": "24"}).status_code == 302
    community.refresh_from_db()
    assert (community.terms_version, community.offer_hours) == (2, 24)


def test_settings_refuse_offer_hours_out_of_range(mia_client, workspace):
    response = mia_client.post(reverse("community:settings"), {"offer_hours": "0", "terms": ""})
    assert response.status_code == 422
    assert not CommunitySettings.objects.filter(workspace=workspace, offer_hours=0).exists()


def test_the_settings_link_the_public_pages(mia_client, workspace):
    text = mia_client.get(reverse("community:settings")).text
    assert f"/help/{workspace.slug}/" in text
    assert f"/help/{workspace.slug}/helpers/apply/" in text


# --- requests -----------------------------------------------------------------------------------


def test_the_request_page_shows_candidates_with_their_reasons(mia_client, world):
    response = mia_client.get(reverse("community:request-detail", args=[world["open_request"].pk]))
    text = response.text
    assert f'id="candidate-{world["verified"].pk}"' in text
    assert f'id="candidate-{world["waiting"].pk}"' not in text
    assert 'data-code="distance"' in text
    assert "km away" in text


def test_an_offer_goes_to_the_chosen_candidate_for_the_shown_slot(mia_client, mia, world):
    request = world["open_request"]
    page = mia_client.get(reverse("community:request-detail", args=[request.pk])).text
    slot = re.search(r'name="slot" value="([^"]+)"', page).group(1)
    response = mia_client.post(reverse("community:request-offer", args=[request.pk]),
                               {"helper": world["verified"].pk, "slot": slot})  # fmt: skip
    assert response.status_code == 302
    offer = Offer.objects.get(request=request, state=OfferState.PENDING)
    assert (offer.helper_id, offer.created_by, offer.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ")) == (
        world["verified"].pk, mia, slot)  # fmt: skip
    assert HelpRequest.objects.get(pk=request.pk).state == RequestState.OFFERED


def test_an_offer_for_a_helper_who_is_no_candidate_is_refused(mia_client, world):
    request = world["open_request"]
    response = mia_client.post(
        reverse("community:request-offer", args=[request.pk]),
        {"helper": world["waiting"].pk, "slot": "2030-01-01T09:00:00Z"},
    )
    assert response.status_code == 422
    assert "no longer free" in response.text
    assert not Offer.objects.filter(request=request).exists()


def test_withdrawing_a_pending_offer_passes_the_request_on(mia_client, world):
    request = world["open_request"]
    offer = make_offer(request=request, helper=world["verified"], starts_at=day_ahead(2))
    HelpRequest.objects.filter(pk=request.pk).update(state=RequestState.OFFERED)
    response = mia_client.post(reverse("community:offer-withdraw", args=[offer.pk]))
    assert response.status_code == 302
    assert Offer.objects.get(pk=offer.pk).state == OfferState.WITHDRAWN
    # The only candidate was the one withdrawn: the request is open and unmatched again.
    assert HelpRequest.objects.get(pk=request.pk).state == RequestState.OPEN


def test_cancelling_a_request(mia_client, world):
    request = world["open_request"]
    response = mia_client.post(reverse("community:request-cancel", args=[request.pk]),
                               {"cancel-reason": "Kunde hat es selbst gelöst"})  # fmt: skip
    assert response.status_code == 302
    assert HelpRequest.objects.get(pk=request.pk).state == RequestState.CANCELLED


def test_the_request_list_shows_waiting_requests_oldest_first(mia_client, workspace, wifi):
    first = make_request(workspace, skill=wifi)
    second = make_request(workspace, skill=wifi)
    make_request(workspace, skill=wifi, state=RequestState.DONE)
    HelpRequest.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=3))
    text = mia_client.get(reverse("community:request-list")).text
    assert re.findall(r'id="request-(\d+)"', text) == [str(first.pk), str(second.pk)]


def test_staff_take_a_request_for_a_known_customer(mia_client, mia, workspace, wifi, contact):
    url = reverse("community:request-new")
    found = mia_client.get(url, {"q": "Müller"}).text
    assert f"?contact={contact.pk}" in found
    form = mia_client.get(url, {"contact": contact.pk}).text
    assert 'value="80331"' in form
    assert "Lindenstraße 1" in form

    day = (timezone.now() + dt.timedelta(days=3)).astimezone(workspace.zone).date()
    response = mia_client.post(url, {
        "contact": contact.pk, "skill": wifi.pk, "description": "Router blinkt",
        "phone": "089 1234567", "country": "DE", "postal_code": "80331", "town": "München",
        "address": "Lindenstraße 1", "budget": "", "day_1": day.isoformat(), "from_1": "18:00",
        "until_1": "20:00",
    })  # fmt: skip
    assert response.status_code == 302
    created = HelpRequest.objects.get(contact=contact)
    assert (created.state, created.created_by, created.email, created.description) == (
        RequestState.OPEN, mia, "juergen@sonnenschein.example", "Router blinkt")  # fmt: skip
    window = created.windows.get()
    starts = dt.datetime.combine(day, dt.time(18), tzinfo=workspace.zone)
    assert (window.starts_at, window.ends_at) == (starts, starts + dt.timedelta(hours=2))
    assert response.headers["Location"] == reverse("community:request-detail", args=[created.pk])


def test_a_request_without_times_is_a_field_error(mia_client, wifi, contact):
    response = mia_client.post(reverse("community:request-new"), {
        "contact": contact.pk, "skill": wifi.pk, "country": "DE", "postal_code": "80331",
        "town": "München",
    })  # fmt: skip
    assert response.status_code == 422
    assert not HelpRequest.objects.filter(contact=contact).exists()


def test_a_day_in_year_one_is_a_field_error_not_a_crash(mia_client, wifi, contact):
    response = mia_client.post(reverse("community:request-new"), {
        "contact": contact.pk, "skill": wifi.pk, "country": "DE", "postal_code": "80331",
        "town": "München", "day_1": "0001-01-01", "from_1": "00:00", "until_1": "01:00",
    })  # fmt: skip
    assert response.status_code == 422
    assert "90" in response.text
    assert not HelpRequest.objects.filter(contact=contact).exists()


def test_another_workspaces_contact_cannot_be_picked(mia_client, carol_contact):
    url = reverse("community:request-new")
    assert mia_client.get(url, {"contact": carol_contact.pk}).status_code == 404


# --- batch --------------------------------------------------------------------------------------


def test_the_batch_sends_only_the_ticked_pairs(mia_client, mia, workspace, wifi):
    first = make_helper(workspace, name="Anna", skills=[wifi])
    second = make_helper(workspace, name="Bert", skills=[wifi])
    requests = [make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 10))])
                for _ in range(2)]  # fmt: skip
    page = mia_client.get(reverse("community:batch")).text
    token = re.search(r'name="proposal" value="([^"]+)"', page).group(1)
    assert len(re.findall(r'name="pair" value="\d+"', page)) == 2

    response = mia_client.post(reverse("community:batch"), {"proposal": token, "pair": ["0"]})
    assert response.status_code == 302
    offers = list(Offer.objects.filter(request__in=requests))
    assert len(offers) == 1
    assert (offers[0].created_by, offers[0].helper_id in {first.pk, second.pk}) == (mia, True)


def test_a_stale_batch_pair_is_skipped_and_reported(mia_client, workspace, wifi):
    make_helper(workspace, name="Anna", skills=[wifi])
    request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 10))])
    page = mia_client.get(reverse("community:batch")).text
    token = re.search(r'name="proposal" value="([^"]+)"', page).group(1)
    # Meanwhile the request changes (edited, offered by hand …).
    HelpRequest.objects.filter(pk=request.pk).update(
        updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    response = mia_client.post(reverse("community:batch"), {"proposal": token, "pair": ["0"]},
                               follow=True)  # fmt: skip
    assert not Offer.objects.filter(request=request).exists()
    assert "Skipped because something changed" in response.text


def test_a_forged_batch_proposal_sends_nothing(mia_client, workspace, wifi):
    make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 10))])
    response = mia_client.post(reverse("community:batch"), {"proposal": "forged", "pair": ["0"]})
    assert response.headers["Location"] == reverse("community:batch")
    assert not Offer.objects.exists()


def test_the_batch_page_shows_the_proposals_total_and_unmatched(mia_client, workspace, wifi):
    make_helper(workspace, skills=[wifi])
    make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 10))])
    far = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 10))],
                       location=(53.55, 9.99))  # fmt: skip
    proposal = assignment.batch_propose(workspace)
    text = mia_client.get(reverse("community:batch")).text
    assert f'<b id="total-score">{proposal.total_score:.1f}</b>' in text
    assert f"{reverse('community:request-detail', args=[far.pk])}" in text
    assert '<b id="unmatched-count">1</b>' in text


# --- safety -------------------------------------------------------------------------------------


def test_a_report_is_closed_with_an_outcome(mia_client, mia, world):
    report = world["report"]
    url = reverse("community:report-close", args=[report.pk])
    assert mia_client.post(url, {"close-outcome": ""}).status_code == 422
    assert Report.objects.get(pk=report.pk).state == ReportState.OPEN
    assert mia_client.post(url, {"close-outcome": "Mit beiden gesprochen"}).status_code == 302
    report.refresh_from_db()
    assert (report.state, report.outcome, report.handled_by) == (
        ReportState.CLOSED, "Mit beiden gesprochen", mia)  # fmt: skip


def test_from_a_report_the_helper_or_the_customer_is_blocked(mia_client, world):
    report = world["report"]
    url = reverse("community:report-block", args=[report.pk])
    assert mia_client.post(url, {"block-reason": "zu spät", "who": "helper"}).status_code == 302
    assert Helper.objects.get(pk=world["verified"].pk).block_reason == "zu spät"
    assert mia_client.post(url, {"block-reason": "frech", "who": "customer"}).status_code == 302
    block = CustomerBlock.objects.get(email=report.request.email)
    assert block.reason == "frech"


def test_customer_blocks_are_added_and_removed(mia_client, workspace, world):
    url = reverse("community:block-list")
    assert mia_client.post(url, {"email": "not-an-address", "reason": "x"}).status_code == 422
    assert mia_client.post(url, {"email": "Spam@Example.com", "reason": "spam"}).status_code == 302
    block = CustomerBlock.objects.get(workspace=workspace, email="spam@example.com")
    response = mia_client.post(reverse("community:block-remove", args=[block.pk]))
    assert response.status_code == 302
    assert not CustomerBlock.objects.filter(pk=block.pk).exists()


def test_the_booking_list_shows_price_paid_beside_the_technicians(mia_client, world):
    booking = world["booking"]
    type(booking).objects.filter(pk=booking.pk).update(
        price_paid=Decimal("25.00"), technician_price=Decimal("80.00")
    )
    text = mia_client.get(reverse("community:booking-list"), {"kind": "done"}).text
    row = text[text.index(f'id="booking-{booking.pk}"') :]
    assert '<td data-label="Saved" class="saving">55.00 €</td>' in row


def test_the_contact_page_lists_the_customers_requests_and_links_to_ask_a_helper(
    alice_client, workspace, wifi, contact
):
    asked = make_request(workspace, skill=wifi, contact=contact)
    other = make_request(workspace, skill=wifi)
    html = alice_client.get(reverse("relationships:contact-detail", args=[contact.pk])).text
    card = html[html.index('id="community-panel"') :]
    card = card[: card.index("</section>")]
    assert f"/community/requests/new/?contact={contact.pk}" in card
    assert f"/community/requests/{asked.pk}/" in card
    assert f"/community/requests/{other.pk}/" not in card
