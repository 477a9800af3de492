"""Issue 13: two colleagues opt in to virtual coffee, a manager makes the round, one of them
cannot make it; and axe finds nothing serious on the inside pages, in English and German."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, signed_in_page
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.inside import ama, coffee
from touchbase.inside.choices import Audience, GroupState
from touchbase.inside.models import CoffeeGroup, CoffeeSeat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    found = pollux_world(role=Role.OWNER, slug="pollux-coffee")
    member_add(workspace=found["workspace"], username="mia", password="mia-password-1",
               role=Role.STAFF, first_name="Mia", last_name="Moser")  # fmt: skip
    return found


def _take_part(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inside").click()
    page.locator("#coffee-card").get_by_role("link", name="Take part").click()
    page.get_by_role("button", name="Take part").click()
    expect(page.locator("#coffee-status")).to_contain_text("You take part: every")


def test_two_colleagues_take_part_a_round_groups_them_and_one_cannot_make_it(
    browser, browser_context_args, live_server, world
):
    base = live_server.url
    joseph = signed_in_page(browser, browser_context_args, base, "joseph", "pollux-demo")
    mia = signed_in_page(browser, browser_context_args, base, "mia", "mia-password-1")
    _take_part(joseph, base)
    _take_part(mia, base)

    joseph.get_by_role("link", name="Rounds and who takes part").click()
    expect(joseph.locator("#coffee-participants tbody tr")).to_have_count(2)
    joseph.get_by_role("button", name="Make the next round now").click()
    expect(joseph.locator(".message")).to_contain_text("groups.")
    expect(joseph.locator("#coffee-round-list li")).to_contain_text("Mia Moser")
    assert serious_violations(joseph) == []

    mia.reload()
    next_coffee = mia.locator("#coffee-next")
    expect(next_coffee).to_contain_text("Joseph Page")
    assert serious_violations(mia) == []
    next_coffee.get_by_role("button", name="I can't make it").click()
    expect(mia.locator("#coffee-next")).to_contain_text("No coffee planned for you yet")
    seat = CoffeeSeat.objects.get(participant__user__username="mia")
    assert seat.left_at is not None
    # alone, Joseph's coffee cannot take place: the round shows it called off
    assert CoffeeGroup.objects.get().state == GroupState.CANCELLED
    joseph.reload()
    expect(joseph.locator("#coffee-round-list li")).to_contain_text("Cancelled")
    for page in (joseph, mia):
        page.context.close()


@pytest.mark.parametrize(
    ("language", "heading"), [("EN", "Ask me anything"), ("DE", "Fragestunden")]
)
def test_the_inside_pages_have_no_serious_accessibility_violations(
    browser, browser_context_args, live_server, world, language, heading
):
    now = timezone.now()
    session = ama.ama_session_save(
        workspace=world["workspace"], by=world["joseph"], title="Frag Joseph",
        leader=world["joseph"], audience=Audience.BOTH, starts_at=now + dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=2, hours=1),
    )  # fmt: skip
    page = signed_in_page(browser, browser_context_args, live_server.url, "joseph", "pollux-demo",
                      language)  # fmt: skip
    paths = {
        "inside home": "/inside/",
        "session": f"/inside/ama/{session.pk}/",
        "session form": "/inside/ama/new/",
        "follow-ups": "/inside/follow-ups/",
        "coffee": "/inside/coffee/",
        "coffee rounds": "/inside/coffee/rounds/",
        "coffee settings": "/inside/coffee/settings/",
        "coffee invite": f"/inside/coffee/invite/{world['contact'].pk}/",
    }
    found = {}
    for name, path in paths.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None, name
        assert response.status == 200, name
        if violations := serious_violations(page):
            found[name] = violations
    page.goto(f"{live_server.url}/inside/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    page.context.close()
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_guest_pages_have_no_serious_accessibility_violations(
    browser, browser_context_args, live_server, world, language
):
    workspace, contact = world["workspace"], world["contact"]
    now = timezone.now()
    session = ama.ama_session_save(
        workspace=workspace, by=world["joseph"], title="Frag Joseph", leader=world["joseph"],
        audience=Audience.BOTH, starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    invited = coffee.coffee_customer_invite(
        workspace=workspace, contact=contact, by=world["joseph"]
    )
    paths = {
        "AMA join page": f"/meet/{workspace.slug}/ama/{ama.join_token(session=session)}/",
        "coffee page": f"/meet/{workspace.slug}/coffee/"
        f"{coffee.customer_token(participant=invited)}/",
    }
    context = browser.new_context(
        **{**browser_context_args, "bypass_csp": True, "locale": language}
    )  # fmt: skip
    page = context.new_page()
    found = {}
    for name, path in paths.items():
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None, name
        assert response.status == 200, name
        expect(page.locator("html")).to_have_attribute("lang", language)
        if violations := serious_violations(page):
            found[name] = violations
    context.close()
    assert found == {}, "\n".join(
        f"{name}: {line}" for name, lines in found.items() for line in lines
    )
