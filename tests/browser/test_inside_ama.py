"""Issue 13: two colleagues in one AMA session ask and vote at the same moment, and each sees
the other's question and votes arrive without reloading the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.test_accessibility import serious_violations
from tests.browser.world import pollux_world, signed_in_page
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.inside import ama
from touchbase.inside.choices import Audience
from touchbase.inside.models import AmaQuestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The page polls every 1.5 s: a change must show within a few polls.
ARRIVES_MS = 8000


@pytest.fixture
def world(transactional_db):
    cache.clear()
    found = pollux_world(role=Role.OWNER, slug="pollux-ama")
    member_add(workspace=found["workspace"], username="mia", password="mia-password-1",
               role=Role.STAFF, first_name="Mia", last_name="Moser")  # fmt: skip
    now = timezone.now()
    found["session"] = ama.ama_session_save(
        workspace=found["workspace"], by=found["joseph"], title="Frag Joseph",
        leader=found["joseph"], audience=Audience.MEMBERS, starts_at=now - dt.timedelta(minutes=5),
        ends_at=now + dt.timedelta(hours=1),
    )  # fmt: skip
    yield found
    cache.clear()


def _item(page: Page, text: str):
    return page.locator("#questions li.ama-question", has_text=text)


def test_two_colleagues_ask_and_vote_and_see_each_other_live(
    browser, browser_context_args, live_server, world
):
    url = f"{live_server.url}/inside/ama/{world['session'].pk}/"
    joseph = signed_in_page(browser, browser_context_args, live_server.url, "joseph", "pollux-demo")
    mia = signed_in_page(browser, browser_context_args, live_server.url, "mia", "mia-password-1")
    for page in (joseph, mia):
        page.goto(url)
        expect(page.locator("h1")).to_have_text("Frag Joseph")
    # both ask at the same moment
    joseph.locator("#id_text").fill("Wann kommt das neue Büro?")
    mia.locator("#id_text").fill("Gibt es dieses Jahr Weihnachtsgeld?")
    mia.locator("#id_anonymous").check()
    joseph.locator("#ask button[type=submit]").click()
    mia.locator("#ask button[type=submit]").click()
    # each sees the other's question arrive, without reloading
    expect(_item(joseph, "Weihnachtsgeld")).to_be_visible(timeout=ARRIVES_MS)
    expect(_item(mia, "neue Büro")).to_be_visible(timeout=ARRIVES_MS)
    # Mia asked anonymously: Joseph, the leader, sees no name on it
    expect(_item(joseph, "Weihnachtsgeld").locator(".asker")).to_have_text("Anonymous")
    expect(_item(mia, "Weihnachtsgeld").locator(".badge.mine")).to_be_visible()
    expect(_item(joseph, "Weihnachtsgeld").locator(".badge.mine")).to_be_hidden()
    # both vote for the other's question at the same moment
    _item(joseph, "Weihnachtsgeld").locator("button.vote").click()
    _item(mia, "neue Büro").locator("button.vote").click()
    for page in (joseph, mia):
        for text in ("Weihnachtsgeld", "neue Büro"):
            expect(_item(page, text).locator(".count")).to_have_text("1", timeout=ARRIVES_MS)
    expect(_item(joseph, "Weihnachtsgeld").locator("button.vote")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(_item(joseph, "neue Büro").locator("button.vote")).to_have_attribute(
        "aria-pressed", "false"
    )
    assert sorted(AmaQuestion.objects.values_list("votes", flat=True)) == [1, 1]
    assert serious_violations(joseph) == []
    assert serious_violations(mia) == []
    # No more polls once the test's database is gone.
    for page in (joseph, mia):
        page.context.close()
