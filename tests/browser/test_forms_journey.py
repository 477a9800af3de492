"""Issue 7, item 7 in real Chromium: the account picker by keyboard, the cadence form by scope."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.relationships.models import CadencePolicy, Contact, Touchpoint
from touchbase.relationships.services import account_save

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pollux(transactional_db):
    """Joseph leads here (cadence policies are his to change); a few more accounts to choose."""
    world = pollux_world(role=Role.LEADER, slug="pollux-forms")
    for name in ("Alpenhof Resort", "Bergbahn Sölden", "Gasthof Krone"):
        account_save(workspace=world["workspace"], fields={"name": name, "city": "Tirol"})
    return world


def test_an_account_is_picked_by_keyboard_and_the_contact_saved(page: Page, live_server, pollux):
    # given joseph on the form for a new contact
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/new/")
    page.get_by_label("First name").fill("Lena")
    page.get_by_label("Last name").fill("Gruber")
    picker = page.get_by_role("combobox", name="Account")
    # when he types part of a name, then the matching accounts are suggested
    picker.press_sequentially("alp")
    options = page.get_by_role("listbox", name="Suggested accounts").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("Alpenhof Resort")
    expect(picker).to_have_attribute("aria-expanded", "true")
    # when he moves down twice with the arrow key, then the second suggestion is active
    picker.press("ArrowDown")
    picker.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    active = f"account-option-{pollux['account'].pk}"
    expect(picker).to_have_attribute("aria-activedescendant", active)
    # when he presses Enter, then it is taken, the list closes and nothing is sent yet
    picker.press("Enter")
    expect(picker).to_have_value("Hotel Alpenblick")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("listbox", name="Suggested accounts")).to_be_hidden()
    assert not Contact.objects.filter(last_name="Gruber").exists()
    # when he saves, then the contact works at the chosen account
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Lena Gruber")).to_be_visible()
    lena = Contact.objects.get(last_name="Gruber")
    assert lena.account == pollux["account"]
    assert lena.owner == pollux["joseph"]


def test_typing_over_a_chosen_account_forgets_it_until_one_is_chosen(
    page: Page, live_server, pollux
):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/new/")
    page.get_by_label("Last name").fill("Gruber")
    picker = page.get_by_role("combobox", name="Account")
    picker.press_sequentially("krone")
    expect(page.get_by_role("option", name="Gasthof Krone")).to_be_visible()
    page.get_by_role("option", name="Gasthof Krone").click()
    expect(picker).to_have_value("Gasthof Krone")
    hidden = page.locator("input[type=hidden][name=account]")
    expect(hidden).not_to_have_value("")
    # when he types again, then the id is gone and Escape closes the new suggestions
    picker.press_sequentially("x")
    expect(hidden).to_have_value("")
    picker.press("Escape")
    expect(picker).to_have_attribute("aria-expanded", "false")
    # and saving with a name no account has says so instead of guessing
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("No account is called “Gasthof Kronex”.")).to_be_visible()
    assert not Contact.objects.filter(last_name="Gruber").exists()


def test_the_cadence_form_shows_only_the_field_of_the_chosen_scope(page: Page, live_server, pollux):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/cadence/new/")
    scope = page.get_by_label("Applies to")
    segment, owner, tag = (page.get_by_label(name) for name in ("Segment", "Owner", "Tag"))
    scope.select_option("all")
    expect(segment).to_be_hidden()
    expect(owner).to_be_hidden()
    expect(tag).to_be_hidden()
    scope.select_option("segment")
    expect(segment).to_be_visible()
    expect(owner).to_be_hidden()
    page.get_by_label("Name", exact=True).fill("Hotels halbjährlich")
    page.get_by_label("Every (days)").fill("180")
    segment.fill("Hotel")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Cadence policies")).to_be_visible()
    # a second rule for the same segment is refused beside it, with a way to the first one
    page.goto(f"{live_server.url}/cadence/new/")
    page.get_by_label("Name", exact=True).fill("Nochmal Hotels")
    page.get_by_label("Applies to").select_option("segment")
    page.get_by_label("Every (days)").fill("180")
    page.get_by_label("Segment").fill("hotel")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("The rule “Hotels halbjährlich” (every 180 days) already applies")
    ).to_be_visible()
    expect(page.get_by_label("Segment")).to_be_visible()
    page.get_by_role("link", name="Edit the rule “Hotels halbjährlich”").click()
    expect(page.get_by_label("Every (days)")).to_have_value("180")
    assert CadencePolicy.objects.count() == 1


def test_a_touchpoint_on_an_account_names_the_person_spoken_with(page: Page, live_server, pollux):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/accounts/{pollux['account'].pk}/")
    expect(page.get_by_text("1 contact overdue")).to_be_visible()
    page.get_by_text("Log a touchpoint").click()
    page.get_by_role("radio", name="Maria Hofer").check()
    page.get_by_role("button", name="Log touchpoint").click()
    expect(page.locator("#timeline li")).to_have_count(2)
    expect(page.locator("#timeline li").first).to_contain_text("Maria Hofer")
    expect(page.get_by_text("1 contact overdue")).to_be_hidden()
    expect(page.locator("#account-contacts")).not_to_contain_text("overdue since")
    touchpoint = Touchpoint.objects.filter(account=pollux["account"]).latest("id")
    assert touchpoint.contact == pollux["contact"]


def test_the_pickers_fit_a_phone_screen_in_german(page: Page, live_server, pollux):
    # given joseph on a phone, in German
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url, language="DE")
    expect(page.locator("main#content h1")).to_be_visible()
    width = "() => [document.documentElement.scrollWidth, window.innerWidth]"
    # when the account suggestions are open, then nothing sticks out sideways
    page.goto(f"{live_server.url}/contacts/new/")
    page.get_by_role("combobox", name="Firma").press_sequentially("Alpen")
    expect(page.get_by_role("option").first).to_be_visible()
    page_width, window_width = page.evaluate(width)
    assert page_width <= window_width
    # nor with the touchpoint form open on the account, its people and colleagues as boxes
    page.goto(f"{live_server.url}/accounts/{pollux['account'].pk}/")
    page.locator("#touchpoint-panel summary").click()
    expect(page.get_by_role("radio", name="Maria Hofer")).to_be_visible()
    page_width, window_width = page.evaluate(width)
    assert page_width <= window_width
