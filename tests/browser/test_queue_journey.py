"""Issue 8, item 6 in real Chromium: answer a negative mention from the response queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.core.choices import Role
from touchbase.listening.models import Mention
from touchbase.listening.tests.factories import mention_make, source_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def queued(source, text, *, author, due_in, contact=None, owner=None):
    mention = mention_make(source, text, sentiment="negative", author=author,
                           author_email=contact.email if contact else "")  # fmt: skip
    Mention.objects.filter(pk=mention.pk).update(
        due_at=timezone.now() + due_in, contact=contact, owner=owner
    )
    return mention


@pytest.fixture
def pollux(transactional_db):
    """Joseph (staff) with two negative mentions waiting: Maria's, and a stranger's overdue."""
    world = pollux_world(role=Role.STAFF, slug="pollux-queue")
    source = source_make(world["workspace"], "Google", channel="Google")
    world["complaint"] = queued(
        source, "Der Wasserkocher leckt seit einer Woche.", author="Maria H.",
        due_in=dt.timedelta(hours=3), contact=world["contact"], owner=world["joseph"],
    )  # fmt: skip
    world["stranger"] = queued(source, "Lieferung kam nie an.", author="Anonym",
                               due_in=-dt.timedelta(hours=2, minutes=10))  # fmt: skip
    return world


def test_a_member_answers_a_mention_and_it_moves_to_the_customers_timeline(
    page: Page, live_server, pollux
):
    # given joseph on the response queue, both mentions waiting, the overdue one first
    sign_in(page, live_server.url)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Listening").click()
    page.get_by_role("link", name="Response queue").click()
    expect(page.get_by_role("heading", name="Response queue")).to_be_visible()
    rows = page.locator("#queue-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("overdue by 2 hours")
    expect(rows.nth(1)).to_contain_text("due in 2 hours")
    # when he opens Maria's mention and saves an empty reply, the text field says what is missing
    rows.filter(has_text="Der Wasserkocher leckt").get_by_role("link", name="Answer").click()
    expect(page.get_by_role("heading", name="Answer", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save reply").click()
    expect(page.get_by_text("Write what was answered (for a call: what was said).")).to_be_visible()
    # when he writes what he answered and saves it
    page.get_by_label("What was answered").fill("Tut uns leid – ein neuer Kocher ist unterwegs.")
    page.get_by_label("Where").select_option(label="By e-mail")
    page.get_by_role("button", name="Save reply").click()
    # then the mention is answered, and the page says the reply is on Maria's timeline
    expect(page.get_by_text("Reply saved; it is on Maria Hofer's timeline.")).to_be_visible()
    expect(page.locator("#answer-status")).to_contain_text("answered")
    expect(page.locator("#replies")).to_contain_text("ein neuer Kocher ist unterwegs")
    # and the queue holds only the stranger's mention
    page.get_by_role("link", name="Response queue").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Lieferung kam nie an.")
    # and Maria's timeline shows the reply as an e-mail by joseph
    page.goto(f"{live_server.url}/contacts/{pollux['contact'].pk}/")
    entry = page.locator("#timeline li", has_text="Answered a review or mention")
    expect(entry).to_contain_text("Personal e-mail")
    expect(entry).to_contain_text("ein neuer Kocher ist unterwegs")
    expect(entry).to_contain_text("Joseph Page")


def test_the_queue_gives_a_mention_to_a_colleague_and_shows_only_mine(
    page: Page, live_server, pollux
):
    from touchbase.core.services import member_add

    member_add(workspace=pollux["workspace"], username="lena", password="pollux-demo-2",
               role=Role.STAFF, first_name="Lena", last_name="Lang")  # fmt: skip
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/listening/queue/")
    row = page.locator("#queue-table tbody tr", has_text="Lieferung kam nie an.")
    row.get_by_role("combobox").select_option(label="Lena Lang")
    row.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Lena Lang answers it.")).to_be_visible()
    page.get_by_label("Owner").first.select_option(label="Mine")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#queue-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Der Wasserkocher leckt")
