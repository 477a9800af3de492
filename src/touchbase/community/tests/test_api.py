"""API of community help for the community manager: every operation's answer, its refusals
(401, 403, 404 for another workspace's rows, 422 naming the field) and the state afterwards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from touchbase.community.choices import (
    BookingState,
    OfferState,
    ReportState,
    RequestState,
    Side,
)
from touchbase.community.helpers import settings_for
from touchbase.community.models import (
    Booking,
    CommunitySettings,
    CustomerBlock,
    Helper,
    HelpRequest,
    Offer,
    Rating,
    Report,
    Skill,
)
from touchbase.community.tests.factories import (
    make_booking,
    make_done_jobs,
    make_helper,
    make_offer,
    make_request,
    make_skill,
    utc,
)
from touchbase.community.tests.services_support import day_ahead, mails_owed
from touchbase.core.choices import Role
from touchbase.core.services import api_token_create, member_add
from touchbase.testing import bearer

pytestmark = pytest.mark.django_db

API = "/api/v1/community"


def call(client, method, path, token, body=None):
    kwargs = {"headers": bearer(token)}
    if method in {"post", "put", "patch"}:
        return getattr(client, method)(
            API + path, body or {}, content_type="application/json", **kwargs
        )
    return getattr(client, method)(API + path, body or {}, **kwargs)


def errors_of(response):
    assert response.status_code == 422, response.content
    return response.json().get("errors") or {
        item["loc"][-1]: [item["msg"]] for item in response.json()["detail"]
    }


def instant(text):
    return dt.datetime.fromisoformat(text)


def customer_request(workspace, *, name, email="jutta@example.com", **fields):
    """A request of a named customer (the factory numbers its customers)."""
    request = make_request(workspace, **fields)
    HelpRequest.objects.filter(pk=request.pk).update(name=name, email=email)
    request.refresh_from_db()
    return request


@pytest.fixture
def wifi(workspace):
    return make_skill(workspace, name="Gast-WLAN", technician_price="80")


@pytest.fixture
def router_skill(workspace):
    return make_skill(workspace, name="Router", technician_price="120", hours="2")


@pytest.fixture
def hanna(workspace, wifi):
    return make_helper(workspace, name="Hanna Huber", email="hanna@example.com",
                       phone="+49 89 1234", skills=[wifi])  # fmt: skip


@pytest.fixture
def open_request(workspace, wifi):
    return customer_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))],
                            name="Jutta Jäger")  # fmt: skip


@pytest.fixture
def bob_token(bob_membership):
    return api_token_create(membership=bob_membership, name="tests")[1]


# --- who may call ------------------------------------------------------------------------------

OPERATIONS = [
    ("get", "/skills"), ("post", "/skills"), ("get", "/skills/{skill}"),
    ("put", "/skills/{skill}"), ("patch", "/skills/{skill}"), ("delete", "/skills/{skill}"),
    ("get", "/helpers"), ("get", "/helpers/{helper}"), ("patch", "/helpers/{helper}"),
    ("post", "/helpers/{helper}/skills/{skill}/check"), ("post", "/helpers/{helper}/verify"),
    ("post", "/helpers/{helper}/block"), ("post", "/helpers/{helper}/unblock"),
    ("put", "/helpers/{helper}/availability"), ("put", "/helpers/{helper}/holidays"),
    ("get", "/requests"), ("post", "/requests"), ("get", "/requests/{request}"),
    ("post", "/requests/{request}/offers"), ("post", "/requests/{request}/cancel"),
    ("post", "/offers/{offer}/withdraw"), ("post", "/batch/offers"),
    ("get", "/bookings"), ("get", "/bookings/{booking}"), ("post", "/bookings/{booking}/cancel"),
    ("post", "/bookings/{booking}/finish"), ("get", "/bookings/{booking}/ratings"),
    ("get", "/reports"), ("get", "/reports/{report}"), ("post", "/reports/{report}/close"),
    ("get", "/customer-blocks"), ("post", "/customer-blocks"),
    ("delete", "/customer-blocks/{block}"),
    ("get", "/settings"), ("put", "/settings"), ("get", "/figures"),
]  # fmt: skip

# Valid bodies, so that a refusal is about who calls, not what they send.
BODIES = {
    ("post", "/skills"): {"name_de": "Neu", "name_en": "New"},
    ("put", "/skills/{skill}"): {"name_de": "Neu", "name_en": "New"},
    ("patch", "/skills/{skill}"): {"active": False},
    ("patch", "/helpers/{helper}"): {"radius_km": 5},
    ("post", "/helpers/{helper}/skills/{skill}/check"): {"note": "Fragen gestellt"},
    ("post", "/helpers/{helper}/verify"): {"identity_note": "Personalausweis"},
    ("post", "/helpers/{helper}/block"): {"reason": "Beschwerde"},
    ("put", "/helpers/{helper}/availability"): {"windows": []},
    ("put", "/helpers/{helper}/holidays"): {"holidays": []},
    ("post", "/requests/{request}/cancel"): {"reason": "Erledigt"},
    ("post", "/bookings/{booking}/cancel"): {"side": "helper", "reason": "krank"},
    ("post", "/bookings/{booking}/finish"): {"solved": True},
    ("post", "/reports/{report}/close"): {"outcome": "Gesprochen"},
    ("post", "/customer-blocks"): {"email": "x@example.com", "reason": "Spam"},
    ("post", "/requests"): {"contact_id": 1, "skill_id": 1, "windows": []},
    ("post", "/requests/{request}/offers"): {"helper_id": 1,
                                             "starts_at": "2030-01-07T09:00:00Z"},
    ("post", "/batch/offers"): {"pairs": []},
    ("put", "/settings"): {"signup_open": False, "requests_open": True, "offer_hours": 12,
                           "terms": ""},
}  # fmt: skip


@pytest.fixture
def world(workspace, wifi, hanna, open_request):
    """One row of every kind the operations name, in alice's workspace."""
    past = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    booking = make_booking(request=past, helper=hanna, starts_at=timezone.now()
                           - dt.timedelta(hours=3))  # fmt: skip
    offer = make_offer(request=open_request, helper=hanna, starts_at=day_ahead(2))
    report = Report.objects.create(workspace=workspace, booking=booking, helper=hanna,
                                   request=past, by=Side.CUSTOMER, text="Unfreundlich")  # fmt: skip
    block = CustomerBlock.objects.create(workspace=workspace, email="spam@example.com")
    return {
        "skill": wifi.pk, "helper": hanna.pk, "request": open_request.pk, "offer": offer.pk,
        "booking": booking.pk, "report": report.pk, "block": block.pk,
    }  # fmt: skip


def filled(path, world):
    return path.format(**world)


def snapshot():
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            Skill,
            Helper,
            HelpRequest,
            Offer,
            Booking,
            Report,
            CustomerBlock,
            CommunitySettings,
        )  # fmt: skip
    ]


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_anonymous_callers_get_401(client, world, method, path):
    response = getattr(client, method)(API + filled(path, world), content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_staff_without_community_manage_get_403_and_nothing_changes(
    client, world, bob_token, method, path
):
    before = snapshot()
    response = call(client, method, filled(path, world), bob_token, BODIES.get((method, path)))
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path"), [op for op in OPERATIONS if "{" in op[1]])
def test_another_workspaces_rows_are_not_found_and_nothing_changes(
    client, world, carol_token, method, path
):
    before = snapshot()
    response = call(client, method, filled(path, world), carol_token, BODIES.get((method, path)))
    assert response.status_code == 404
    assert snapshot() == before


def test_a_community_manager_may_and_sees_only_their_workspace(
    client, workspace, world, carol_token, other_workspace
):
    membership = member_add(workspace=workspace, username="cora", password=None,
                            role=Role.COMMUNITY_MANAGER, email="cora@pollux.example")  # fmt: skip
    token = api_token_create(membership=membership, name="tests")[1]
    assert [row["id"] for row in call(client, "get", "/helpers", token).json()["items"]] == [
        world["helper"]
    ]
    assert call(client, "get", "/helpers", carol_token).json()["items"] == []
    assert call(client, "get", "/requests", carol_token).json()["items"] == []
    assert call(client, "get", "/bookings", carol_token).json()["items"] == []
    assert call(client, "get", "/reports", carol_token).json()["items"] == []
    assert call(client, "get", "/customer-blocks", carol_token).json()["items"] == []
    assert call(client, "get", "/skills", carol_token).json()["items"] == []
    assert call(client, "get", "/figures", carol_token).json()["helpers"] == {
        "waiting": 0, "verified": 0, "blocked": 0}  # fmt: skip


# --- skills ------------------------------------------------------------------------------------


def test_skills_are_listed_by_name_with_their_helpers_and_requests(
    client, alice_token, wifi, router_skill, hanna, open_request
):
    response = call(client, "get", "/skills", alice_token)
    assert response.status_code == 200
    assert [(row["name_de"], row["helper_count"], row["request_count"], row["technician_price"])
            for row in response.json()["items"]] == [
        ("Gast-WLAN", 1, 1, "80.00"), ("Router", 0, 0, "120.00")]  # fmt: skip
    assert response.json()["next_offset"] is None
    paged = call(client, "get", "/skills", alice_token, {"limit": 1})
    assert [row["name_de"] for row in paged.json()["items"]] == ["Gast-WLAN"]
    assert paged.json()["next_offset"] == 1


def test_a_skill_is_created_changed_and_read_back(client, alice_token, workspace):
    created = call(client, "post", "/skills", alice_token, {
        "name_de": " Drucker einrichten ", "name_en": "Set up a printer", "hours": "1.5",
        "technician_price": "95"})  # fmt: skip
    assert created.status_code == 201
    skill_id = created.json()["id"]
    assert (created.json()["name_de"], created.json()["hours"], created.json()["active"]) == (
        "Drucker einrichten", "1.5", True)  # fmt: skip
    replaced = call(client, "put", f"/skills/{skill_id}", alice_token, {
        "name_de": "Drucker", "name_en": "Printer", "description": "WLAN-Drucker"})  # fmt: skip
    assert replaced.status_code == 200
    patched = call(client, "patch", f"/skills/{skill_id}", alice_token, {"active": False})
    assert patched.json()["active"] is False
    skill = Skill.objects.get(pk=skill_id)
    assert (skill.name_de, skill.name_en, skill.description, skill.hours, skill.active) == (
        "Drucker", "Printer", "WLAN-Drucker", Decimal("1.0"), False)  # fmt: skip
    assert call(client, "get", f"/skills/{skill_id}", alice_token).json()["name_en"] == "Printer"


def test_a_skill_name_taken_or_a_duration_out_of_range_is_a_field_error(client, alice_token, wifi):
    taken = call(client, "post", "/skills", alice_token,
                 {"name_de": "Gast-WLAN", "name_en": "Guest Wi-Fi"})  # fmt: skip
    assert "name_de" in errors_of(taken)
    too_long = call(client, "patch", f"/skills/{wifi.pk}", alice_token, {"hours": "9"})
    assert "hours" in errors_of(too_long)
    empty = call(client, "patch", f"/skills/{wifi.pk}", alice_token, {"name_en": ""})
    assert "name_en" in errors_of(empty)
    assert Skill.objects.count() == 1
    assert Skill.objects.get().hours == Decimal("1.0")


def test_a_skill_no_request_uses_is_deleted_and_the_helpers_lose_it(
    client, alice_token, workspace, router_skill, wifi
):
    helper = make_helper(workspace, skills=[router_skill, wifi])
    response = call(client, "delete", f"/skills/{router_skill.pk}", alice_token)
    assert response.status_code == 204
    assert list(Skill.objects.values_list("name_de", flat=True)) == ["Gast-WLAN"]
    assert [row.skill_id for row in helper.helper_skills.all()] == [wifi.pk]


def test_a_skill_requests_use_is_kept_with_a_409(client, alice_token, wifi, open_request):
    response = call(client, "delete", f"/skills/{wifi.pk}", alice_token)
    assert response.status_code == 409
    assert "inactive" in response.json()["detail"]
    assert Skill.objects.filter(pk=wifi.pk).exists()


# --- helpers -----------------------------------------------------------------------------------


def test_helpers_are_filtered_by_state_skill_and_words(
    client, alice_token, workspace, wifi, router_skill, hanna
):
    make_helper(workspace, name="Willi Wart", verified=False, skills=[router_skill])
    make_helper(workspace, name="Bernd Block", skills=[wifi],
                blocked_at=timezone.now())  # fmt: skip

    def names(**query):
        response = call(client, "get", "/helpers", alice_token, query)
        assert response.status_code == 200
        return [(row["name"], row["state"]) for row in response.json()["items"]]

    assert names() == [("Bernd Block", "blocked"), ("Hanna Huber", "verified"),
                       ("Willi Wart", "waiting")]  # fmt: skip
    assert names(state="waiting") == [("Willi Wart", "waiting")]
    assert names(state="verified") == [("Hanna Huber", "verified")]
    assert names(state="blocked") == [("Bernd Block", "blocked")]
    assert names(skill_id=wifi.pk) == [("Bernd Block", "blocked"), ("Hanna Huber", "verified")]
    assert names(q="hanna@example") == [("Hanna Huber", "verified")]
    assert names(q="willi wart") == [("Willi Wart", "waiting")]


def test_a_skill_filter_of_another_workspace_is_a_field_error(
    client, alice_token, other_workspace, hanna
):
    foreign = make_skill(other_workspace, name="Fremd")
    response = call(client, "get", "/helpers", alice_token, {"skill_id": foreign.pk})
    assert "skill_id" in errors_of(response)
    assert call(client, "get", "/helpers", alice_token, {"state": "asleep"}).status_code == 422


def test_a_helper_shows_skills_calendar_contact_and_track_record(
    client, alice_token, workspace, wifi, router_skill
):
    helper = make_helper(workspace, name="Hanna Huber", email="hanna@example.com",
                         phone="+4989123", skills=[wifi], availability=[(0, "18:00", "21:00")],
                         holidays=[(dt.date(2030, 8, 1), dt.date(2030, 8, 14))])  # fmt: skip
    helper.helper_skills.create(workspace=workspace, skill=router_skill)
    make_done_jobs(helper=helper, skill=wifi, count=3, stars=[5, 4])
    escalated = make_request(workspace, skill=wifi, state=RequestState.ESCALATED)
    make_booking(request=escalated, helper=helper, starts_at=utc(2025, 3, 1, 9),
                 state=BookingState.ESCALATED)  # fmt: skip
    response = call(client, "get", f"/helpers/{helper.pk}", alice_token)
    assert response.status_code == 200
    body = response.json()
    assert (body["email"], body["phone"], body["state"]) == (
        "hanna@example.com", "+4989123", "verified")  # fmt: skip
    assert [(row["name_de"], row["checked"]) for row in body["skills"]] == [
        ("Gast-WLAN", True), ("Router", False)]  # fmt: skip
    assert body["availability"] == [{"weekday": 0, "starts": "18:00:00", "ends": "21:00:00"}]
    assert body["holidays"] == [{"first_day": "2030-08-01", "last_day": "2030-08-14"}]
    assert (body["rating_average"], body["rating_count"]) == (4.5, 2)
    assert (body["job_count"], body["escalated_count"]) == (3, 1)
    assert body["verification_missing"] == []


def test_the_manager_corrects_radius_price_pause_and_place(client, alice_token, hanna):
    response = call(client, "patch", f"/helpers/{hanna.pk}", alice_token, {
        "radius_km": 35, "hourly_price": "18.50", "paused_until": "2030-01-31",
        "latitude": 48.2, "longitude": 11.6})  # fmt: skip
    assert response.status_code == 200
    hanna.refresh_from_db()
    assert (hanna.radius_km, hanna.hourly_price, hanna.paused_until) == (
        35, Decimal("18.50"), dt.date(2030, 1, 31))  # fmt: skip
    assert (hanna.latitude, hanna.longitude) == (48.2, 11.6)
    cleared = call(client, "patch", f"/helpers/{hanna.pk}", alice_token, {"paused_until": None})
    assert cleared.json()["paused_until"] is None
    hanna.refresh_from_db()
    assert hanna.paused_until is None


def test_an_erased_helper_can_still_be_paused(client, alice_token, workspace, hanna):
    Helper.objects.filter(pk=hanna.pk).update(postal_code="", town="", name="[erased]")
    response = call(client, "patch", f"/helpers/{hanna.pk}", alice_token,
                    {"paused_until": "2099-12-31"})  # fmt: skip
    assert response.status_code == 200
    hanna.refresh_from_db()
    assert hanna.paused_until == dt.date(2099, 12, 31)


def test_a_profile_out_of_range_or_emptied_is_a_field_error_and_nothing_changes(
    client, alice_token, hanna
):
    assert "radius_km" in errors_of(
        call(client, "patch", f"/helpers/{hanna.pk}", alice_token, {"radius_km": 0})
    )
    assert "radius_km" in errors_of(
        call(client, "patch", f"/helpers/{hanna.pk}", alice_token,
             {"radius_km": None, "hourly_price": "5"}))  # fmt: skip
    assert "latitude" in errors_of(
        call(client, "patch", f"/helpers/{hanna.pk}", alice_token, {"latitude": 91})
    )
    hanna.refresh_from_db()
    assert (hanna.radius_km, hanna.hourly_price, hanna.latitude) == (20, Decimal("20"), 48.1374)


def test_checking_a_skill_makes_it_count(client, alice_token, workspace, wifi):
    helper = make_helper(workspace, verified=False, skills=[wifi], checked=False)
    response = call(client, "post", f"/helpers/{helper.pk}/skills/{wifi.pk}/check", alice_token,
                    {"note": "Hat mir den Ablauf erklärt"})  # fmt: skip
    assert response.status_code == 200
    [skill] = response.json()["skills"]
    assert (skill["checked"], skill["check_note"]) == (True, "Hat mir den Ablauf erklärt")
    assert helper.helper_skills.get().checked_at is not None


def test_checking_a_skill_needs_a_note_and_one_the_helper_has(
    client, alice_token, workspace, wifi, router_skill
):
    helper = make_helper(workspace, verified=False, skills=[wifi], checked=False)
    url = f"/helpers/{helper.pk}/skills/{wifi.pk}/check"
    assert "note" in errors_of(call(client, "post", url, alice_token, {"note": "  "}))
    other = call(client, "post", f"/helpers/{helper.pk}/skills/{router_skill.pk}/check",
                 alice_token, {"note": "ok"})  # fmt: skip
    assert other.status_code == 404
    assert helper.helper_skills.get().checked_at is None


def test_verifying_names_what_is_missing_then_verifies(client, alice_token, workspace, wifi):
    helper = make_helper(workspace, verified=False, skills=[wifi], checked=False)
    detail = call(client, "get", f"/helpers/{helper.pk}", alice_token).json()
    assert detail["verification_missing"] == [
        "Their identity has not been seen.", "None of their skills has been checked."]  # fmt: skip
    refused = call(client, "post", f"/helpers/{helper.pk}/verify", alice_token,
                   {"identity_note": ""})  # fmt: skip
    assert set(errors_of(refused)) == {"identity_note", "skills"}
    helper.refresh_from_db()
    assert helper.verified_at is None
    call(client, "post", f"/helpers/{helper.pk}/skills/{wifi.pk}/check", alice_token,
         {"note": "Probeaufgabe"})  # fmt: skip
    verified = call(client, "post", f"/helpers/{helper.pk}/verify", alice_token,
                    {"identity_note": "Personalausweis gesehen"})  # fmt: skip
    assert verified.status_code == 200
    assert (verified.json()["state"], verified.json()["identity_note"]) == (
        "verified", "Personalausweis gesehen")  # fmt: skip
    helper.refresh_from_db()
    assert helper.verified_at is not None


def test_blocking_withdraws_offers_and_unblocking_lifts_it(
    client, alice_token, hanna, open_request
):
    offer = make_offer(request=open_request, helper=hanna, starts_at=day_ahead(2))
    refused = call(client, "post", f"/helpers/{hanna.pk}/block", alice_token, {"reason": ""})
    assert "reason" in errors_of(refused)
    blocked = call(client, "post", f"/helpers/{hanna.pk}/block", alice_token,
                   {"reason": "Beschwerde einer Kundin"})  # fmt: skip
    assert (blocked.json()["state"], blocked.json()["block_reason"]) == (
        "blocked", "Beschwerde einer Kundin")  # fmt: skip
    offer.refresh_from_db()
    assert offer.state == OfferState.WITHDRAWN
    unblocked = call(client, "post", f"/helpers/{hanna.pk}/unblock", alice_token)
    assert (unblocked.json()["state"], unblocked.json()["blocked_at"]) == ("verified", None)


def test_availability_and_holidays_are_replaced(client, alice_token, hanna):
    response = call(client, "put", f"/helpers/{hanna.pk}/availability", alice_token, {
        "windows": [{"weekday": 4, "starts": "22:00", "ends": "02:00"},
                    {"weekday": 5, "starts": "09:00", "ends": "12:30"}]})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["availability"] == [
        {"weekday": 4, "starts": "22:00:00", "ends": "02:00:00"},
        {"weekday": 5, "starts": "09:00:00", "ends": "12:30:00"}]  # fmt: skip
    assert hanna.availability.count() == 2
    holidays = call(client, "put", f"/helpers/{hanna.pk}/holidays", alice_token, {
        "holidays": [{"first_day": "2030-12-24", "last_day": "2031-01-01"}]})  # fmt: skip
    assert holidays.json()["holidays"] == [{"first_day": "2030-12-24", "last_day": "2031-01-01"}]
    assert list(hanna.holidays.values_list("first_day", flat=True)) == [dt.date(2030, 12, 24)]


def test_bad_availability_and_holidays_are_field_errors_and_nothing_changes(
    client, alice_token, hanna
):
    url = f"/helpers/{hanna.pk}/availability"
    many = {"windows": [{"weekday": 1, "starts": "09:00", "ends": "10:00"}] * 22}
    assert "availability" in errors_of(call(client, "put", url, alice_token, many))
    same = {"windows": [{"weekday": 1, "starts": "09:00", "ends": "09:00"}]}
    assert "availability" in errors_of(call(client, "put", url, alice_token, same))
    zoned = {"windows": [{"weekday": 1, "starts": "09:00+02:00", "ends": "10:00"}]}
    assert call(client, "put", url, alice_token, zoned).status_code == 422
    backwards = {"holidays": [{"first_day": "2030-12-24", "last_day": "2030-12-01"}]}
    response = call(client, "put", f"/helpers/{hanna.pk}/holidays", alice_token, backwards)
    assert "holidays" in errors_of(response)
    assert hanna.availability.count() == 7
    assert hanna.holidays.count() == 0


# --- requests and offers -----------------------------------------------------------------------


def test_staff_take_a_request_for_a_known_customer_open_at_once(
    client, alice_token, alice, contact, wifi
):
    window = {"starts_at": day_ahead(3).isoformat(), "ends_at": day_ahead(3, 12).isoformat()}
    response = call(client, "post", "/requests", alice_token, {
        "contact_id": contact.pk, "skill_id": wifi.pk, "description": "Router blinkt rot",
        "windows": [window], "budget": "25"})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    created = HelpRequest.objects.get(pk=body["id"])
    assert (created.state, created.contact, created.created_by, created.name, created.email) == (
        RequestState.OPEN,
        contact,
        alice,
        "Jürgen Müller",
        "juergen@sonnenschein.example",
    )
    assert (created.address, created.postal_code, created.town) == (
        "Lindenstraße 1", "80331", "München")  # fmt: skip
    assert [(instant(w["starts_at"]), instant(w["ends_at"])) for w in body["windows"]] == [
        (day_ahead(3), day_ahead(3, 12))]  # fmt: skip
    assert (body["offers"], body["booking"], body["budget"]) == ([], None, "25.00")
    assert mails_owed() == []  # no confirmation mail for a request staff took


def test_a_request_for_another_workspaces_customer_or_topic_names_the_fields(
    client, alice_token, carol_contact, other_workspace, contact, wifi
):
    foreign = make_skill(other_workspace, name="Fremd")
    window = {"starts_at": day_ahead(3).isoformat(), "ends_at": day_ahead(3, 12).isoformat()}
    response = call(client, "post", "/requests", alice_token, {
        "contact_id": carol_contact.pk, "skill_id": foreign.pk, "windows": [window]})  # fmt: skip
    assert set(errors_of(response)) == {"contact_id", "skill_id"}
    past = {"starts_at": "2020-01-01T09:00:00Z", "ends_at": "2020-01-01T10:00:00Z"}
    response = call(client, "post", "/requests", alice_token, {
        "contact_id": contact.pk, "skill_id": wifi.pk, "windows": [past]})  # fmt: skip
    assert set(errors_of(response)) == {"windows"}
    assert HelpRequest.objects.count() == 0


def test_requests_are_listed_oldest_first_by_state_and_paged(
    client, alice_token, workspace, wifi, open_request
):
    done = make_request(workspace, skill=wifi, state=RequestState.DONE)
    newer = make_request(workspace, skill=wifi, windows=[(day_ahead(4), day_ahead(4, 11))])

    def ids(**query):
        return [row["id"] for row in call(client, "get", "/requests", alice_token,
                                          query).json()["items"]]  # fmt: skip

    assert ids() == [open_request.pk, done.pk, newer.pk]
    assert ids(state="open") == [open_request.pk, newer.pk]
    assert ids(state="done") == [done.pk]
    page = call(client, "get", "/requests", alice_token, {"limit": 2, "offset": 1}).json()
    assert ([row["id"] for row in page["items"]], page["next_offset"]) == ([done.pk, newer.pk],
                                                                           None)  # fmt: skip
    assert call(client, "get", "/requests", alice_token, {"state": "x"}).status_code == 422


def test_a_request_shows_its_windows_offers_and_booking(
    client, alice_token, workspace, wifi, hanna
):
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED,
                           windows=[(day_ahead(2), day_ahead(2, 12))])  # fmt: skip
    offer = make_offer(request=request, helper=hanna, state=OfferState.ACCEPTED,
                       starts_at=day_ahead(2))  # fmt: skip
    booking = make_booking(request=request, helper=hanna, starts_at=day_ahead(2))
    body = call(client, "get", f"/requests/{request.pk}", alice_token).json()
    assert body["state"] == "booked"
    assert body["skill_name"] == "Gast-WLAN"
    assert [(o["id"], o["helper_name"], o["state"]) for o in body["offers"]] == [
        (offer.pk, "Hanna Huber", "accepted")]  # fmt: skip
    assert (body["booking"]["id"], body["booking"]["state"]) == (booking.pk, "confirmed")
    assert len(body["windows"]) == 1


def test_an_offer_goes_to_a_candidate_at_a_free_start_and_the_helper_is_mailed(
    client, alice_token, alice, hanna, open_request
):
    later = day_ahead(2, 10)  # not the earliest slot: any free start in a window will do
    response = call(client, "post", f"/requests/{open_request.pk}/offers", alice_token,
                    {"helper_id": hanna.pk, "starts_at": later.isoformat()})  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["helper_id"], instant(body["starts_at"]), body["state"]) == (
        hanna.pk, later, "pending")  # fmt: skip
    assert [reason["code"] for reason in body["reasons"]] == [
        "distance", "rating", "experience", "price", "response"]  # fmt: skip
    offer = Offer.objects.get()
    assert (offer.created_by, offer.ends_at) == (alice, later + dt.timedelta(hours=1))
    open_request.refresh_from_db()
    assert open_request.state == RequestState.OFFERED
    assert mails_owed() == [("offer", "hanna@example.com")]


def test_an_offer_to_a_helper_who_is_no_candidate_then_is_a_field_error(
    client, alice_token, workspace, wifi, hanna, open_request, other_workspace
):
    url = f"/requests/{open_request.pk}/offers"
    evening = day_ahead(2, 19)  # outside the customer's window
    response = call(client, "post", url, alice_token,
                    {"helper_id": hanna.pk, "starts_at": evening.isoformat()})  # fmt: skip
    assert "helper_id" in errors_of(response)
    half = day_ahead(2).replace(minute=30)
    response = call(client, "post", url, alice_token,
                    {"helper_id": hanna.pk, "starts_at": half.isoformat()})  # fmt: skip
    assert "helper_id" in errors_of(response)
    unverified = make_helper(workspace, skills=[wifi], verified=False)
    body = {"helper_id": unverified.pk, "starts_at": day_ahead(2).isoformat()}
    response = call(client, "post", url, alice_token, body)
    assert "helper_id" in errors_of(response)
    stranger = make_helper(other_workspace)
    response = call(client, "post", url, alice_token,
                    {"helper_id": stranger.pk, "starts_at": day_ahead(2).isoformat()})  # fmt: skip
    assert "helper_id" in errors_of(response)
    assert Offer.objects.count() == 0
    open_request.refresh_from_db()
    assert open_request.state == RequestState.OPEN


def test_a_second_offer_while_one_waits_is_refused(
    client, alice_token, workspace, wifi, hanna, open_request
):
    make_offer(request=open_request, helper=hanna, starts_at=day_ahead(2))
    other = make_helper(workspace, skills=[wifi])
    response = call(client, "post", f"/requests/{open_request.pk}/offers", alice_token,
                    {"helper_id": other.pk, "starts_at": day_ahead(2).isoformat()})  # fmt: skip
    assert "withdraw" in errors_of(response)["__all__"][0]
    assert Offer.objects.count() == 1


def test_cancelling_a_request_withdraws_its_offer(client, alice_token, hanna, open_request):
    offer = make_offer(request=open_request, helper=hanna, starts_at=day_ahead(2))
    response = call(client, "post", f"/requests/{open_request.pk}/cancel", alice_token,
                    {"reason": "Hat sich erledigt"})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    offer.refresh_from_db()
    assert offer.state == OfferState.WITHDRAWN
    again = call(client, "post", f"/requests/{open_request.pk}/cancel", alice_token)
    assert "closed already" in errors_of(again)["__all__"][0]


def test_withdrawing_an_offer_and_not_offering_the_next(client, alice_token, hanna, open_request):
    offer = make_offer(request=open_request, helper=hanna, starts_at=day_ahead(2))
    open_request.state = RequestState.OFFERED
    open_request.save()
    response = call(client, "post", f"/offers/{offer.pk}/withdraw", alice_token,
                    {"offer_next": False})  # fmt: skip
    assert (response.status_code, response.json()["state"]) == (200, "withdrawn")
    assert Offer.objects.filter(state=OfferState.PENDING).count() == 0
    again = call(client, "post", f"/offers/{offer.pk}/withdraw", alice_token)
    assert "waiting offer" in errors_of(again)["__all__"][0]


def test_withdrawing_an_offer_passes_the_request_to_the_next_candidate(
    client, alice_token, workspace, wifi, hanna, open_request
):
    other = make_helper(workspace, name="Otto Ott", skills=[wifi])
    offer = make_offer(request=open_request, helper=hanna, starts_at=day_ahead(2))
    Offer.objects.filter(pk=offer.pk).update(state=OfferState.PENDING)
    HelpRequest.objects.filter(pk=open_request.pk).update(state=RequestState.OFFERED)
    call(client, "post", f"/offers/{offer.pk}/withdraw", alice_token)
    assert list(Offer.objects.filter(state=OfferState.PENDING).values_list("helper", flat=True)
                ) in ([other.pk], [hanna.pk])  # fmt: skip


def test_batch_offers_send_the_pairs_that_still_fit_and_skip_the_others(
    client, alice_token, workspace, wifi, hanna, open_request, other_workspace
):
    second = make_request(workspace, skill=wifi, windows=[(day_ahead(3), day_ahead(3, 12))])
    third = make_request(workspace, skill=wifi, windows=[(day_ahead(4), day_ahead(4, 12))])
    foreign = make_request(other_workspace, skill=make_skill(other_workspace), windows=[
        (day_ahead(3), day_ahead(3, 12))])  # fmt: skip
    pairs = [
        {"request_id": open_request.pk, "helper_id": hanna.pk,
         "starts_at": day_ahead(2).isoformat()},
        {"request_id": second.pk, "helper_id": hanna.pk, "starts_at": day_ahead(3).isoformat()},
        {"request_id": third.pk, "helper_id": hanna.pk,
         "starts_at": day_ahead(4, 19).isoformat()},
        {"request_id": foreign.pk, "helper_id": hanna.pk, "starts_at": day_ahead(3).isoformat()},
        {"request_id": open_request.pk, "helper_id": hanna.pk,
         "starts_at": day_ahead(2).isoformat()},
    ]  # fmt: skip
    response = call(client, "post", "/batch/offers", alice_token, {"pairs": pairs})
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(o["request_id"], o["helper_id"]) for o in body["offers"]] == [
        (open_request.pk, hanna.pk), (second.pk, hanna.pk)]  # fmt: skip
    assert [(s["request_id"], s["reason"]) for s in body["skipped"]] == [
        (third.pk, "The helper can no longer take this request at that time."),
        (foreign.pk, "No such request."),
        (open_request.pk, "The request is in this batch already."),
    ]  # fmt: skip
    assert Offer.objects.filter(request=foreign).count() == 0
    assert set(HelpRequest.objects.filter(state=RequestState.OFFERED).values_list(
        "pk", flat=True)) == {open_request.pk, second.pk}  # fmt: skip


def test_a_batch_past_its_bound_is_refused(client, alice_token):
    pair = {"request_id": 1, "helper_id": 1, "starts_at": day_ahead(2).isoformat()}
    response = call(client, "post", "/batch/offers", alice_token, {"pairs": [pair] * 501})
    assert response.status_code == 422


# --- bookings ----------------------------------------------------------------------------------


@pytest.fixture
def started(workspace, wifi, hanna):
    request = customer_request(workspace, skill=wifi, state=RequestState.BOOKED,
                               name="Jutta Jäger")  # fmt: skip
    booking = make_booking(request=request, helper=hanna,
                           starts_at=timezone.now().replace(minute=0, second=0, microsecond=0)
                           - dt.timedelta(hours=2))  # fmt: skip
    Booking.objects.filter(pk=booking.pk).update(technician_price=Decimal("80.00"))
    return booking


def test_bookings_are_listed_by_state_latest_first(
    client, alice_token, workspace, wifi, hanna, started
):
    request = make_request(workspace, skill=wifi, state=RequestState.DONE)
    done = make_booking(request=request, helper=hanna, starts_at=utc(2025, 5, 1, 9),
                        state=BookingState.DONE)  # fmt: skip

    def ids(**query):
        response = call(client, "get", "/bookings", alice_token, query)
        return [(row["id"], row["state"]) for row in response.json()["items"]]

    assert ids() == [(started.pk, "confirmed"), (done.pk, "done")]
    assert ids(state="done") == [(done.pk, "done")]
    assert ids(helper_id=hanna.pk) == [(started.pk, "confirmed"), (done.pk, "done")]
    one = call(client, "get", f"/bookings/{started.pk}", alice_token).json()
    assert (one["helper_name"], one["customer_name"], one["skill_name"], one["town"]) == (
        "Hanna Huber", "Jutta Jäger", "Gast-WLAN", "München")  # fmt: skip


def test_the_manager_cancels_for_the_helper_and_the_request_opens_again(
    client, alice_token, workspace, wifi, hanna
):
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    booking = make_booking(request=request, helper=hanna, starts_at=day_ahead(2))
    refused = call(client, "post", f"/bookings/{booking.pk}/cancel", alice_token,
                   {"side": "helper", "reason": " "})  # fmt: skip
    assert "reason" in errors_of(refused)
    assert call(client, "post", f"/bookings/{booking.pk}/cancel", alice_token,
                {"side": "nobody", "reason": "x"}).status_code == 422  # fmt: skip
    response = call(client, "post", f"/bookings/{booking.pk}/cancel", alice_token,
                    {"side": "helper", "reason": "Hanna ist krank"})  # fmt: skip
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["cancelled_by"]) == ("cancelled", "helper")
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    assert booking.hours.count() == 0
    assert mails_owed(kind="cancelled") == [("cancelled", request.email)]
    again = call(client, "post", f"/bookings/{booking.pk}/cancel", alice_token,
                 {"side": "customer", "reason": "x"})  # fmt: skip
    assert "confirmed booking" in errors_of(again)["__all__"][0]


def test_finishing_a_job_records_the_price_and_the_saving(client, alice_token, contact, started):
    response = call(client, "post", f"/bookings/{started.pk}/finish", alice_token,
                    {"solved": True, "notes": "Gast-WLAN läuft", "price_paid": "30"})  # fmt: skip
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["price_paid"], body["saving"], body["notes"]) == (
        "done", "30.00", "50.00", "Gast-WLAN läuft")  # fmt: skip
    assert body["touchpoint_id"] is not None
    started.request.refresh_from_db()
    assert started.request.state == RequestState.DONE


def test_an_unsolved_job_needs_notes_and_then_is_escalated(client, alice_token, started):
    url = f"/bookings/{started.pk}/finish"
    assert "notes" in errors_of(call(client, "post", url, alice_token, {"solved": False}))
    started.refresh_from_db()
    assert started.state == BookingState.CONFIRMED
    assert "price_paid" in errors_of(call(client, "post", url, alice_token,
                                          {"solved": True, "price_paid": "-1"}))  # fmt: skip
    response = call(client, "post", url, alice_token,
                    {"solved": False, "notes": "Router defekt"})  # fmt: skip
    assert response.json()["state"] == "escalated"


def test_a_job_that_has_not_started_cannot_be_finished(client, alice_token, workspace, wifi, hanna):
    request = make_request(workspace, skill=wifi, state=RequestState.BOOKED)
    booking = make_booking(request=request, helper=hanna, starts_at=day_ahead(2))
    response = call(client, "post", f"/bookings/{booking.pk}/finish", alice_token,
                    {"solved": True})  # fmt: skip
    assert "started" in errors_of(response)["__all__"][0]


def test_a_bookings_ratings_are_listed(client, alice_token, workspace, wifi, hanna):
    [booking] = make_done_jobs(helper=hanna, skill=wifi, count=1, stars=[5])
    Rating.objects.create(workspace=workspace, booking=booking, by=Side.HELPER, stars=4,
                          comment="Sehr nett")  # fmt: skip
    response = call(client, "get", f"/bookings/{booking.pk}/ratings", alice_token)
    assert [(row["by"], row["stars"], row["comment"]) for row in response.json()] == [
        ("customer", 5, ""), ("helper", 4, "Sehr nett")]  # fmt: skip


# --- safety ------------------------------------------------------------------------------------


def test_reports_are_listed_read_and_closed(client, alice_token, alice, world):
    listed = call(client, "get", "/reports", alice_token, {"state": "open"}).json()["items"]
    assert [(row["id"], row["helper_name"], row["by"]) for row in listed] == [
        (world["report"], "Hanna Huber", "customer")]  # fmt: skip
    url = f"/reports/{world['report']}"
    assert call(client, "get", url, alice_token).json()["text"] == "Unfreundlich"
    assert "outcome" in errors_of(call(client, "post", url + "/close", alice_token,
                                       {"outcome": ""}))  # fmt: skip
    closed = call(client, "post", url + "/close", alice_token,
                  {"outcome": "Mit beiden gesprochen"})  # fmt: skip
    assert closed.json()["state"] == "closed"
    assert closed.json()["outcome"] == "Mit beiden gesprochen"
    report = Report.objects.get(pk=world["report"])
    assert (report.state, report.handled_by) == (ReportState.CLOSED, alice)
    again = call(client, "post", url + "/close", alice_token, {"outcome": "Nochmal"})
    assert "closed already" in errors_of(again)["__all__"][0]
    assert call(client, "get", "/reports", alice_token, {"state": "open"}).json()["items"] == []


def test_a_customer_is_blocked_their_requests_close_and_they_are_let_back(
    client, alice_token, alice, open_request
):
    refused = call(client, "post", "/customer-blocks", alice_token,
                   {"email": "no address", "reason": "Spam"})  # fmt: skip
    assert "email" in errors_of(refused)
    response = call(client, "post", "/customer-blocks", alice_token,
                    {"email": "Jutta@Example.com", "reason": "Beleidigend"})  # fmt: skip
    assert response.status_code == 201
    assert (response.json()["email"], response.json()["created_by_id"]) == (
        "jutta@example.com", alice.pk)  # fmt: skip
    open_request.refresh_from_db()
    assert open_request.state == RequestState.CANCELLED
    listed = call(client, "get", "/customer-blocks", alice_token).json()["items"]
    assert [row["email"] for row in listed] == ["jutta@example.com"]
    deleted = call(client, "delete", f"/customer-blocks/{listed[0]['id']}", alice_token)
    assert deleted.status_code == 204
    assert CustomerBlock.objects.count() == 0


# --- settings ----------------------------------------------------------------------------------


def test_settings_are_read_and_replaced_and_new_terms_get_a_version(
    client, alice_token, alice, workspace
):
    assert call(client, "get", "/settings", alice_token).json() == {
        "signup_open": True, "requests_open": True, "offer_hours": 24, "terms": "",
        "terms_version": 1, "support_owner_id": None}  # fmt: skip
    body = {"signup_open": False, "requests_open": True, "offer_hours": 12,
            "terms": "Seien Sie pünktlich.", "support_owner_id": alice.pk}  # fmt: skip
    response = call(client, "put", "/settings", alice_token, body)
    assert response.json() == {**body, "terms_version": 2}
    assert call(client, "put", "/settings", alice_token, body).json()["terms_version"] == 2
    row = settings_for(workspace)
    assert (row.signup_open, row.offer_hours, row.support_owner) == (False, 12, alice)


def test_settings_out_of_range_or_a_stranger_as_support_are_field_errors(
    client, alice_token, carol, workspace
):
    body = {"signup_open": True, "requests_open": True, "offer_hours": 24, "terms": ""}
    assert call(client, "put", "/settings", alice_token,
                {**body, "offer_hours": 0}).status_code == 422  # fmt: skip
    response = call(client, "put", "/settings", alice_token, {**body, "support_owner_id": carol.pk})
    assert list(errors_of(response)) == ["support_owner_id"]
    assert settings_for(workspace).support_owner is None


# --- figures -----------------------------------------------------------------------------------


def test_the_figures_count_requests_offers_ratings_savings_and_thank_the_helpers(
    client, alice_token, workspace, wifi, hanna
):
    now = timezone.now()
    fresh = make_request(workspace, skill=wifi, confirmed_at=now - dt.timedelta(hours=2))
    make_request(workspace, skill=wifi, state=RequestState.OFFERED,
                 confirmed_at=now - dt.timedelta(days=2))  # fmt: skip
    make_request(workspace, skill=wifi, confirmed_at=now - dt.timedelta(days=10))
    make_request(workspace, skill=wifi, state=RequestState.DONE)
    answered = [dt.timedelta(hours=2), dt.timedelta(hours=4), dt.timedelta(hours=9)]
    for state, after in zip([OfferState.ACCEPTED, OfferState.ACCEPTED, OfferState.DECLINED],
                            answered, strict=True):  # fmt: skip
        make_offer(request=fresh, helper=hanna, state=state, answered_after=after)
    make_offer(request=fresh, helper=hanna, state=OfferState.EXPIRED)
    jobs = make_done_jobs(helper=hanna, skill=wifi, count=3, stars=[5, 5, 4])
    this_month = timezone.localtime(now, workspace.zone).replace(day=1, hour=12)
    for booking, paid, finished in zip(
        jobs, ["30", "50", None], [now, this_month - dt.timedelta(days=40), now], strict=True
    ):
        Booking.objects.filter(pk=booking.pk).update(
            price_paid=Decimal(paid) if paid else None, technician_price=Decimal("80"),
            starts_at=finished - dt.timedelta(hours=1), finished_at=finished,
        )  # fmt: skip
    Rating.objects.create(workspace=workspace, booking=jobs[0], by=Side.HELPER, stars=3)
    make_helper(workspace, verified=False)
    response = call(client, "get", "/figures", alice_token)
    assert response.status_code == 200
    body = response.json()
    assert (body["open_count"], body["unmatched_count"]) == (3, 2)
    assert body["open_by_age"] == [
        {"bucket": "under_1_day", "open": 1, "unmatched": 1},
        {"bucket": "1_to_3_days", "open": 1, "unmatched": 0},
        {"bucket": "3_to_7_days", "open": 0, "unmatched": 0},
        {"bucket": "over_7_days", "open": 1, "unmatched": 1},
    ]
    assert body["helpers"] == {"waiting": 1, "verified": 1, "blocked": 0}
    assert (body["offers_answered"], body["offers_accepted"], body["acceptance_rate"]) == (
        4, 2, 0.5)  # fmt: skip
    assert body["median_response_hours"] == 4.0
    assert (body["rating_of_helpers"], body["ratings_of_helpers"]) == (4.67, 3)
    assert (body["rating_of_customers"], body["ratings_of_customers"]) == (3.0, 1)
    assert (body["savings_month"], body["savings_total"]) == ("50.00", "80.00")
    assert len(body["months"]) == 12
    assert body["months"][-1]["month"] == this_month.strftime("%Y-%m")
    assert (body["months"][-1]["done"], body["months"][-1]["savings"]) == (2, "50.00")
    assert body["most_active"] == [{
        "helper_id": hanna.pk, "name": "Hanna Huber", "jobs_recent": 2, "jobs_done": 3,
        "rating_average": 4.67, "ratings": 3, "acceptance_rate": 0.5, "response_hours": 4.0,
    }]  # fmt: skip
    assert body["best_rated"] == body["most_active"]


def test_the_figures_of_an_empty_workspace_are_zero(client, alice_token):
    body = call(client, "get", "/figures", alice_token).json()
    assert (body["acceptance_rate"], body["median_response_hours"]) == (None, None)
    assert (body["rating_of_helpers"], body["savings_total"], body["most_active"]) == (
        None, "0.00", [])  # fmt: skip
    assert [month["done"] for month in body["months"]] == [0] * 12
