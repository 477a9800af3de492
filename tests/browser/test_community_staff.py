"""Community help in real Chromium: a community manager checks a helper's skill and verifies
them, opens a waiting request, sees the helper among its candidates with the reasons, and
offers them the job; the staff pages have no serious accessibility violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import sign_in
from touchbase.community.choices import OfferState, RequestState
from touchbase.community.models import Helper, HelpRequest, Offer, Report
from touchbase.community.tests.factories import make_helper, make_request, make_skill
from touchbase.community.tests.services_support import day_ahead
from touchbase.core.choices import Role
from touchbase.core.services import member_add, workspace_create
from touchbase.relationships.services import contact_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(transactional_db):
    """Joseph runs community help; Hanna applied and waits; a customer in Munich needs Wi-Fi."""
    workspace = workspace_create(name="Pollux GmbH", slug="pollux-community")
    member_add(workspace=workspace, username="joseph", password="pollux-demo",
               role=Role.COMMUNITY_MANAGER, first_name="Joseph", last_name="Page")  # fmt: skip
    contact = contact_save(workspace=workspace, fields={
        "first_name": "Maria", "last_name": "Hofer", "country": "DE",
        "email": "maria@example.com", "postal_code": "80331", "city": "München"})  # fmt: skip
    wifi = make_skill(workspace, name="Gast-WLAN einrichten", technician_price="80")
    hanna = make_helper(workspace, name="Hanna Huber", skills=[wifi], checked=False,
                        verified=False)  # fmt: skip
    request = make_request(workspace, skill=wifi, windows=[(day_ahead(2), day_ahead(2, 12))])
    return {"workspace": workspace, "contact": contact, "wifi": wifi, "hanna": hanna,
            "help_request": request}  # fmt: skip


def test_a_manager_verifies_a_helper_and_offers_them_a_request(page: Page, live_server, world):
    hanna, help_request = world["hanna"], world["help_request"]
    sign_in(page, live_server.url)
    # A community manager without CRM starts on the community overview.
    expect(page.get_by_role("heading", name="Community help", exact=True)).to_be_visible()

    tabs = page.get_by_role("navigation", name="Community help")
    tabs.get_by_role("link", name="Helpers").click()
    page.get_by_label("Show").select_option(label="Waiting for verification")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("link", name="Hanna Huber").click()

    skill = page.locator("#skills")
    skill.get_by_label("How you checked it").fill("Hat mit uns einen Router eingerichtet")
    skill.get_by_role("button", name="Mark as checked").click()
    expect(page.locator("#skills")).to_contain_text("checked")

    verify = page.locator("#verify")
    verify.get_by_label("Identity seen").fill("Personalausweis, gesehen am Empfang")
    verify.get_by_role("button", name="Verify").click()
    expect(page.locator("h1")).to_contain_text("Verified")
    assert Helper.objects.get(pk=hanna.pk).bookable

    tabs.get_by_role("link", name="Requests").click()
    page.locator(f"#request-{help_request.pk}").get_by_role("link").click()
    candidate = page.locator(f"#candidate-{hanna.pk}")
    expect(candidate).to_contain_text("Hanna Huber")
    expect(candidate.locator('[data-code="distance"]')).to_contain_text("km away")
    expect(candidate.locator('[data-code="rating"]')).to_contain_text("no ratings yet")
    candidate.get_by_role("button", name="Offer to Hanna Huber").click()

    expect(page.locator("#offers")).to_contain_text("Waiting for the helper")
    offer = Offer.objects.get(request=help_request)
    assert (offer.helper_id, offer.state) == (hanna.pk, OfferState.PENDING)
    assert HelpRequest.objects.get(pk=help_request.pk).state == RequestState.OFFERED


def test_the_request_page_works_on_a_phone(page: Page, live_server, world):
    hanna = world["hanna"]
    Helper.objects.filter(pk=hanna.pk).update(verified_at=hanna.created_at)
    hanna.helper_skills.update(checked_at=hanna.created_at)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/community/requests/{world['help_request'].pk}/")
    button = page.get_by_role("button", name="Offer to Hanna Huber")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert box is not None
    assert (box["x"] >= 0, box["x"] + box["width"] <= PHONE["width"]) == (True, True)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]


@pytest.fixture
def axe_context(browser, browser_context_args):
    """A context where axe may be injected (the strict CSP would block it): only here."""
    context = browser.new_context(**{**browser_context_args, "bypass_csp": True})
    yield context
    context.close()


def test_the_community_pages_have_no_serious_accessibility_violations(
    axe_context, live_server, world
):
    hanna, help_request = world["hanna"], world["help_request"]
    report = Report.objects.create(workspace=world["workspace"], helper=hanna,
                                   request=help_request, by="customer", text="Zu spät")  # fmt: skip
    page = axe_context.new_page()
    sign_in(page, live_server.url)
    found = {}
    for path in (
        "/community/",
        "/community/helpers/",
        f"/community/helpers/{hanna.pk}/",
        "/community/skills/",
        "/community/skills/new/",
        "/community/settings/",
        "/community/requests/",
        f"/community/requests/{help_request.pk}/",
        "/community/requests/new/?q=Hofer",
        f"/community/requests/new/?contact={world['contact'].pk}",
        "/community/batch/",
        "/community/bookings/",
        "/community/reports/",
        f"/community/reports/{report.pk}/",
        "/community/blocks/",
    ):
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[path] = violations
    assert found == {}
