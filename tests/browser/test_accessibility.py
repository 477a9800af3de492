"""Issue 7, item 9: axe-core finds no serious or critical WCAG 2.1 AA problem on the main pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = {"serious", "critical"}


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def pollux(transactional_db):
    """Joseph owns the workspace here, so the members page opens too."""
    return pollux_world(role=Role.OWNER, slug="pollux-a11y")


def serious_violations(page: Page) -> list[str]:
    """Runs axe on the page; one line per serious or critical violation: id, impact, targets."""
    assert AXE.exists(), "axe-core is missing: `make system-deps` runs `npm ci`"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": WCAG_21_AA})
    return [
        f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}×): "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in SERIOUS
    ]


def signed_in_pages(pollux) -> dict[str, str]:
    contact = pollux["contact"].pk
    return {
        "due list": "/",
        "contacts list": "/contacts/",
        "contact page": f"/contacts/{contact}/",
        "call sheet": f"/contacts/{contact}/call/",
        "accounts list": "/accounts/",
        "settings": "/settings/",
        "members": "/settings/members/",
        "products list": "/products/",
        "product form": "/products/new/",
        "404 page": "/contacts/999999999/",
    }


@pytest.mark.parametrize(
    ("language", "heading"), [("EN", "My due list"), ("DE", "Meine Fälligkeitsliste")]
)
def test_the_main_pages_have_no_serious_accessibility_violations(
    page: Page, live_server, pollux, language, heading
):
    # given joseph, signed in in German or English
    sign_in(page, live_server.url, language=language)
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # when axe checks each main page, then it finds nothing serious or critical
    found = {}
    for name, path in signed_in_pages(pollux).items():
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[name] = violations
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )


@pytest.mark.parametrize("language", ["EN", "DE"])
def test_the_sign_in_page_has_no_serious_accessibility_violations(
    page: Page, live_server, language
):
    # given the sign-in page in German or English, signed out
    page.goto(f"{live_server.url}/login/")
    page.get_by_role("button", name=language, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", language.lower())
    # then axe finds nothing serious or critical there, nor on a page that does not exist
    found = {}
    for name, path in {"sign-in page": "/login/", "404 page": "/no-such-page/"}.items():
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[name] = violations
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )


def test_the_snooze_form_on_the_due_list_has_no_serious_accessibility_violations(
    page: Page, live_server, pollux
):
    # given joseph's due list with the snooze form of one row open
    sign_in(page, live_server.url)
    page.locator(f"#due-contact-{pollux['contact'].pk}").get_by_role(
        "button", name="Snooze"
    ).click()
    expect(page.locator("input[name=until]")).to_be_visible()
    # then every field of it is labelled and nothing else is serious
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    ("language", "label"), [("EN", "Skip to content"), ("DE", "Zum Inhalt springen")]
)
def test_the_first_tab_stop_skips_to_the_content(page: Page, live_server, pollux, language, label):
    # given joseph on his due list
    sign_in(page, live_server.url, language=language)
    expect(page.locator("main#content h1")).to_be_visible()
    # when he presses Tab once, then the skip link has the focus and shows itself
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name=label)
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()
    expect(skip_link).to_have_attribute("href", "#content")
    # when he follows it, then the focus moves to the main content
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()


def test_the_phone_menu_opens_and_closes_by_keyboard(page: Page, live_server, pollux):
    # given joseph on a phone, his menu folded away
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    menu_button = page.get_by_role("button", name="Menu")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_have_attribute("aria-controls", "mainnav")
    expect(menu.get_by_role("link", name="Contacts")).to_be_hidden()
    # when he tabs to the menu button and presses Enter, then the menu opens
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(menu_button).to_be_focused()
    page.keyboard.press("Enter")
    expect(menu_button).to_have_attribute("aria-expanded", "true")
    # and the next Tab reaches its first link
    page.keyboard.press("Tab")
    expect(menu.get_by_role("link", name="Due list")).to_be_focused()
    # when he presses Escape, then the menu closes and the focus returns to the button
    page.keyboard.press("Escape")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(menu_button).to_be_focused()
    expect(menu.get_by_role("link", name="Contacts")).to_be_hidden()
    # and Space opens it again
    page.keyboard.press("Space")
    expect(menu.get_by_role("link", name="Contacts")).to_be_visible()
