"""QA walk on a phone (390×844, German): answers and messages show up where the user is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.browser.world import pollux_world, sign_in
from touchbase.care.models import DuplicateCandidate
from touchbase.care.services import duplicate_candidates_store, duplicates_find
from touchbase.core.choices import Role
from touchbase.core.services import member_add
from touchbase.relationships.choices import Channel
from touchbase.relationships.services import contact_save, touchpoint_log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LONG_EMAIL = "sehr.lange.adresse.fuer.tests@ein-sehr-langer-firmenname-beispiel.example"


def busy_world(slug: str) -> dict:
    """Pollux with colleagues and a long history with Maria: a page much taller than a phone."""
    world = pollux_world(role=Role.STAFF, slug=slug)
    for name in ("Anna", "Bert", "Cora"):
        member_add(workspace=world["workspace"], username=name.lower(), password="pollux-demo",
                   role=Role.STAFF, first_name=name, last_name="Kollege")  # fmt: skip
    for days in range(20, 200, 10):
        touchpoint_log(workspace=world["workspace"], contact=world["contact"],
                       channel=Channel.EMAIL, logged_by=world["joseph"],
                       occurred_at=timezone.now() - dt.timedelta(days=days),
                       summary="Angebot besprochen\nund nachgefasst")  # fmt: skip
    return world


def submit_touchpoint(page: Page, summary: str, when: dt.datetime | None = None) -> None:
    """Open "Aktivität erfassen", fill it in and send it from its button at the bottom."""
    page.locator("#touchpoint-panel summary").click()
    page.locator("#id_summary").fill(summary)
    if when is not None:
        page.locator("#id_occurred_at").fill(f"{when:%Y-%m-%dT%H:%M}")
    button = page.locator("#touchpoint-form button[type=submit]")
    button.scroll_into_view_if_needed()
    button.click()


@pytest.mark.parametrize("where", ["contact", "account"])
def test_a_logged_touchpoint_and_its_message_are_on_screen_on_a_phone(
    page: Page, live_server, where
):
    # given joseph on a phone, on a customer page far taller than the screen
    world = busy_world(f"pollux-log-{where}")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/{where}s/{world[where].pk}/")
    # when he logs a call from the form
    submit_touchpoint(page, "Neues Gespräch über die Wintersaison")
    # then the new entry and the message "Aktivität erfasst." are both in front of him
    entry = page.locator("#timeline li", has_text="Neues Gespräch über die Wintersaison")
    expect(entry).to_be_visible()
    message = page.get_by_role("status").locator(".message", has_text="Aktivität erfasst.")
    expect(message).to_be_visible()
    expect(entry).to_be_in_viewport(ratio=1)
    expect(message).to_be_in_viewport(ratio=1)


def test_a_touchpoint_in_the_future_shows_its_error_focused_on_a_phone(page: Page, live_server):
    world = busy_world("pollux-log-future")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/contacts/{world['contact'].pk}/")
    # when he logs a call two days ahead
    future = timezone.localtime(timezone.now(), world["workspace"].zone) + dt.timedelta(days=2)
    submit_touchpoint(page, "Vertippt", when=future)
    # then the form stays, and the field with its error is on screen and has the focus
    error = page.locator("#touchpoint-form .errorlist", has_text="Zukunft")
    expect(error).to_be_visible()
    field = page.locator("#id_occurred_at")
    expect(field).to_be_focused()
    expect(field).to_be_in_viewport(ratio=1)
    expect(error).to_be_in_viewport(ratio=1)


def test_deleting_an_entry_far_down_the_timeline_keeps_the_view_there_on_a_phone(
    page: Page, live_server
):
    world = busy_world("pollux-delete-far-down")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/contacts/{world['contact'].pk}/")
    # when joseph deletes the seventh entry, confirming in place
    entries = page.locator("#timeline li")
    following = entries.nth(7).locator(".meta span").first.inner_text()
    entries.nth(6).get_by_role("link", name="Löschen").click()
    confirm = page.get_by_role("alertdialog")
    confirm.get_by_role("button", name="Löschen").click()
    # then he still looks at that part of the timeline, with the message below it
    expect(page.locator("#toasts .message")).to_contain_text("Aktivität gelöscht")
    expect(page.locator("#timeline li", has_text=following)).to_be_in_viewport()


def test_a_snooze_far_down_the_due_list_says_so_where_the_user_is(page: Page, live_server):
    # given sixteen overdue customers on joseph's due list
    world = pollux_world(role=Role.STAFF, slug="pollux-toast")
    for number in range(2, 17):
        contact_save(workspace=world["workspace"], fields={
            "first_name": "Kunde", "last_name": f"Nummer {number:02}", "country": "AT",
            "owner": world["joseph"]})  # fmt: skip
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    rows = page.locator("#due-table tbody tr[id^=due-contact-]")
    expect(rows).to_have_count(16)
    # when he snoozes the thirteenth, far below the top of the page
    row = rows.nth(12)
    name = row.locator("a").first.inner_text()
    row.get_by_role("button", name="Zurückstellen").click()
    until = timezone.localdate() + dt.timedelta(days=10)
    page.locator("#due-table input[name=until]").fill(until.isoformat())
    page.locator("#due-table input[name=reason]").fill("Auf Reisen")
    page.locator("#due-table form button[type=submit]").click()
    # then the message with its Undo is on screen, in a polite live region
    toast = page.locator("#toasts .message", has_text=f"„{name}“ zurückgestellt")
    expect(toast).to_be_visible()
    expect(page.locator("#toasts")).to_have_attribute("aria-live", "polite")
    undo = toast.get_by_role("button", name="Rückgängig machen")
    expect(toast).to_be_in_viewport(ratio=1)
    expect(undo).to_be_in_viewport(ratio=1)
    assert page.evaluate("window.scrollY") > 0
    # and the phone menu, when opened, lies above the toast: each of its entries can be tapped
    page.get_by_role("button", name="Menü").click()
    covered = page.locator("#mainnav a, #mainnav button").evaluate_all(
        """entries => entries.filter(entry => {
            const box = entry.getBoundingClientRect();
            const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
            return !entry.contains(hit);
        }).map(entry => entry.textContent)"""
    )
    assert covered == []
    page.get_by_role("button", name="Menü").click()
    # and Undo works from there; the answer's message replaces the toast
    undo.click()
    expect(page.locator("#toasts .message")).to_have_count(1)
    expect(page.locator("#toasts .message")).to_contain_text("rückgängig gemacht")
    expect(page.locator("#due-table tr[id^=due-contact-]", has_text=name)).to_have_count(1)
    # and he can close the toast
    page.locator("#toasts").get_by_role("button", name="Meldung schließen").click()
    expect(page.locator("#toasts .message")).to_have_count(0)


def test_the_duplicates_compare_page_labels_every_value_on_a_phone(page: Page, live_server):
    # given two records of Maria, one with a very long e-mail address
    world = pollux_world(role=Role.LEADER, slug="pollux-compare")
    contact_save(workspace=world["workspace"], fields={
        "first_name": "Maria", "last_name": "Höfer", "account": world["account"],
        "country": "AT", "email": LONG_EMAIL})  # fmt: skip
    duplicate_candidates_store(
        workspace=world["workspace"], result=duplicates_find(workspace=world["workspace"])
    )
    candidate = DuplicateCandidate.objects.get()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/duplicates/{candidate.pk}/")
    # then the records are named A and B, not left and right
    records = page.locator("#merge-records")
    expect(records).to_contain_text("Datensatz A")
    expect(records).to_contain_text("Datensatz B")
    expect(page.get_by_role("link", name="Datensatz B behalten")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("links")
    # and every row card shows its field, and every value the column it stands for
    row = page.locator("#merge-preview tbody tr", has_text="E-Mail")
    expect(row.locator("th")).to_be_visible()
    labels = row.locator("td").evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels == ['"Datensatz A (bleibt)"', '"Datensatz B (wird übernommen)"',
                      '"Nach dem Zusammenführen"']  # fmt: skip
    # and the long address breaks only after "@", "." or "-", never inside a word
    broken_after = (
        row.locator("td")
        .nth(1)
        .evaluate(
            """cell => {
            const found = [];
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let top = null, before = "";
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                for (let i = 0; i < node.length; i++) {
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const rect = range.getBoundingClientRect();
                    if (top !== null && rect.top > top + 2) found.push(before);
                    top = rect.top;
                    before = node.data[i];
                }
            }
            return found.filter(character => !"@.-".includes(character));
        }"""
        )
    )
    assert broken_after == []


def test_the_contact_search_says_it_finds_phone_numbers(page: Page, live_server):
    pollux_world(role=Role.STAFF, slug="pollux-search-hint")
    sign_in(page, live_server.url, language="DE")
    page.goto(f"{live_server.url}/contacts/")
    expect(page.locator("#q")).to_have_attribute(
        "placeholder", "Name, Firma, E-Mail, Telefon oder Ort"
    )


def test_the_api_docs_fit_a_phone(browser: Browser, live_server):
    # a phone lays a page without a viewport tag out 980 px wide, then shrinks it
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_be_visible()
    assert page.evaluate("window.innerWidth") == PHONE["width"]
    context.close()


def test_each_call_sheet_question_names_the_group_of_its_answers(page: Page, live_server):
    world = pollux_world(role=Role.STAFF, slug="pollux-call-groups")
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/contacts/{world['contact'].pk}/call/")
    for question in ("Is your address still current?", "Are you working from home?"):
        group = page.get_by_role("group", name=question)
        expect(group.get_by_role("radio")).not_to_have_count(0)
    expect(page.locator("#call-sheet-form label[for='']")).to_have_count(0)
