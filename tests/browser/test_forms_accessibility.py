"""Issue 7, items 7 and 9: the new pickers are labelled and pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.core.services import member_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    """axe is injected as a script of its own, which the strict CSP would block: only here."""
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def pollux(transactional_db):
    """Joseph owns the workspace; Anna is a colleague, so there are boxes to tick."""
    world = pollux_world(role=Role.OWNER, slug="pollux-forms-a11y")
    member_add(workspace=world["workspace"], username="anna", password="pollux-demo",
               role=Role.STAFF, first_name="Anna", last_name="Berger")  # fmt: skip
    return world


@pytest.mark.parametrize(("language", "label"), [("EN", "Account"), ("DE", "Firma")])
def test_the_changed_forms_have_no_serious_accessibility_violations(
    page: Page, live_server, pollux, language, label
):
    sign_in(page, live_server.url, language=language)
    expect(page.locator("main#content h1")).to_be_visible()
    found = {}
    # the contact form with the account suggestions open
    page.goto(f"{live_server.url}/contacts/new/")
    page.get_by_role("combobox", name=label).press_sequentially("Alpen")
    expect(page.get_by_role("option").first).to_be_visible()
    page.get_by_role("combobox", name=label).press("ArrowDown")
    found["contact form"] = serious_violations(page)
    # the account page with the touchpoint form open: radio buttons and boxes to tick
    page.goto(f"{live_server.url}/accounts/{pollux['account'].pk}/")
    page.locator("#touchpoint-panel summary").click()
    expect(page.get_by_role("radio").first).to_be_visible()
    expect(page.get_by_role("checkbox", name="Anna Berger")).to_be_visible()
    found["account page"] = serious_violations(page)
    for name, path in {"account form": "/accounts/new/", "cadence form": "/cadence/new/",
                       "settings": "/settings/"}.items():  # fmt: skip
        page.goto(f"{live_server.url}{path}")
        found[name] = serious_violations(page)
    found = {name: lines for name, lines in found.items() if lines}
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )
