"""Issue 7, item 6: a phone-sized screen works in German; long addresses never push sideways."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.world import sign_in
from touchbase.care.services import voucher_issue
from touchbase.core.choices import Role
from touchbase.core.services import member_add, workspace_create
from touchbase.relationships.choices import Channel
from touchbase.relationships.services import account_save, contact_save, touchpoint_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LONG_EMAIL = "sehr.lange.adresse.fuer.tests@ein-sehr-langer-firmenname-beispiel.example"
LONG_ACCOUNT = "Gemeinschaftsverpflegungsbetriebsgesellschaft Oberschwaben-Allgäu mbH & Co. KG"


@pytest.fixture
def crowded(transactional_db):
    """Joseph owns a workspace whose names and addresses are as long as German ones get."""
    workspace = workspace_create(name="Pollux Großhandelsgesellschaft mbH", slug="pollux-phone")
    joseph = member_add(workspace=workspace, username="joseph", password="pollux-demo",
                        role=Role.OWNER, first_name="Joseph", last_name="Page",
                        email=LONG_EMAIL).user  # fmt: skip
    member_add(workspace=workspace, username="friederike.schwarzenberger-hohenlohe",
               password="pollux-demo", role=Role.STAFF, first_name="Friederike",
               last_name="Schwarzenberger-Hohenlohe",
               email="friederike.schwarzenberger-hohenlohe@pollux-grosshandel.example")  # fmt: skip
    account = account_save(workspace=workspace, fields={
        "name": LONG_ACCOUNT, "owner": joseph, "value": 125000, "country": "DE",
        "city": "Kempten (Allgäu)", "segment": "Gemeinschaftsverpflegung"})  # fmt: skip
    contact = contact_save(workspace=workspace, fields={
        "first_name": "Maximiliane", "last_name": "Zuckerbäcker-Lindenschmidt",
        "account": account, "country": "DE", "phone": "0831 5401234", "email": LONG_EMAIL,
        "job_title": "Leiterin Einkauf und Qualitätssicherung", "street": "Lindenstraße 1",
        "postal_code": "87435", "city": "Kempten (Allgäu)"})  # fmt: skip
    long_ago = timezone.now() - dt.timedelta(days=400)
    touchpoint_log(workspace=workspace, contact=contact, channel=Channel.PHONE,
                   occurred_at=long_ago, logged_by=joseph)  # fmt: skip
    voucher = voucher_issue(workspace=workspace, value=Decimal("250.00"), by=joseph,
                            valid_until=timezone.localdate() + dt.timedelta(days=90),
                            contact=contact, note="Beratung Gemeinschaftsverpflegung")  # fmt: skip
    return {"workspace": workspace, "account": account, "contact": contact, "voucher": voucher}


def pages_of(crowded) -> dict[str, str]:
    contact = crowded["contact"].pk
    return {
        "due list": "/",
        "contacts list": "/contacts/",
        "accounts list": "/accounts/",
        "contact page": f"/contacts/{contact}/",
        "call sheet": f"/contacts/{contact}/call/",
        "vouchers list": "/vouchers/",
        "team page": "/team/",
        "settings page": "/settings/",
        "members page": "/settings/members/",
    }


def overflow(page: Page) -> dict[str, int]:
    """The page's width against the window's, and the widest table that scrolls on its own."""
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            window: window.innerWidth,
            table: Math.max(0, ...[...document.querySelectorAll('.table-wrap')]
                .map(wrap => wrap.scrollWidth - wrap.clientWidth)),
        })"""
    )


def test_no_page_scrolls_sideways_on_a_phone_in_german(page: Page, live_server, crowded):
    # given Joseph on a phone, signed in in German
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    expect(page.get_by_role("heading", name="Meine Fälligkeitsliste")).to_be_visible()
    # when he visits each page, then none is wider than the screen, nor is any table in it
    too_wide = {}
    for name, path in pages_of(crowded).items():
        page.goto(f"{live_server.url}{path}")
        measured = overflow(page)
        if measured["page"] > measured["window"] or measured["table"] > 0:
            too_wide[name] = measured
    assert too_wide == {}


def test_a_long_email_address_wraps_on_a_laptop(page: Page, live_server, crowded):
    # given the same pages on a 1366 px laptop screen, then none is wider than the screen either
    page.set_viewport_size(LAPTOP)
    sign_in(page, live_server.url, language="DE")
    too_wide = {}
    for name, path in pages_of(crowded).items():
        page.goto(f"{live_server.url}{path}")
        measured = overflow(page)
        if measured["page"] > measured["window"] or measured["table"] > 0:
            too_wide[name] = measured
    assert too_wide == {}


def test_the_contact_list_shows_phone_numbers_on_a_phone(page: Page, live_server, crowded):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/contacts/")
    expect(page.locator("#contact-table")).to_contain_text("Zuckerbäcker-Lindenschmidt")
    expect(page.get_by_text("0831 5401234")).to_be_visible()


def test_the_due_list_actions_stay_on_a_phone_screen(page: Page, live_server, crowded):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    row = page.locator(f"#due-contact-{crowded['contact'].pk}")
    for role, name in (("link", "Gesprächsbogen"), ("button", "Zurückstellen")):
        button = row.get_by_role(role, name=name)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None
        assert (name, box["x"] >= 0, box["x"] + box["width"] <= PHONE["width"]) == (
            name,
            True,
            True,
        )


def test_a_voucher_code_stays_on_one_line_on_a_phone(page: Page, live_server, crowded):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    code = crowded["voucher"].code
    for path in ("/vouchers/", f"/contacts/{crowded['contact'].pk}/"):
        page.goto(f"{live_server.url}{path}")
        element = page.locator("code", has_text=code).first
        expect(element).to_be_visible()
        height, line_height = element.evaluate(
            """element => [element.getBoundingClientRect().height,
                           parseFloat(getComputedStyle(element).lineHeight)]"""
        )
        assert (path, height < 1.6 * line_height) == (path, True)
