"""The scheduled reachability audit: presences claimed once, their pages fetched from a real HTTP
server on loopback, checks recorded as history, and owners told over real SMTP when it changes."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from touchbase.core.choices import Role
from touchbase.core.scheduler import scheduler_tick
from touchbase.core.services import member_add, member_remove
from touchbase.publishing import audit, signatures
from touchbase.publishing.choices import CheckOutcome, PresenceKind
from touchbase.publishing.models_reach import Presence, PresenceCheck
from touchbase.publishing.tasks import presence_audit_task
from touchbase.testing_http import Answer, LoopbackServer, loopback_server

pytestmark = pytest.mark.django_db

AUDIT_TASK = "touchbase.publishing.tasks.presence_audit_task"
MAIL_TASK = "touchbase.publishing.tasks.presence_mail_task"
HTML = {"Content-Type": "text/html; charset=utf-8"}
TIMEOUT = 0.5
POLLUX_PHONE = "+498999998210"
CASTOR_PHONE = "+49301234567"
RIGHT_PAGE = "<h1>Kontakt</h1><p>Telefon: 089 99998210</p><p>E-Mail: info@example.de</p>"
WRONG_PAGE = (
    "<h1>Kontakt</h1><p>Telefon: +49 (0)89 123 45-6</p><p>E-Mail: info [at] example [dot] de</p>"
)


def page(body: str) -> Answer:
    return Answer(body=f"<!DOCTYPE html><html><body>{body}</body></html>".encode(), headers=HTML)


@pytest.fixture
def server(settings) -> Iterator[LoopbackServer]:
    # Loopback is a private address: production refuses it, these tests allow it.
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with loopback_server() as page_server:
        yield page_server


@pytest.fixture
def company(workspace):
    profile = signatures.company_profile(workspace=workspace)
    return signatures.company_profile_save(
        profile=profile, changes={"phone": "089 99998210", "email": "info@example.de"}
    )


def presence_make(workspace, url: str, **fields) -> Presence:
    fields.setdefault("kind", PresenceKind.CONTACT)
    fields.setdefault("name", "Kontaktseite")
    return Presence.objects.create(workspace=workspace, url=url, **fields)


def codes(check: PresenceCheck) -> list[tuple[str, dict]]:
    return [(found["code"], found["detail"]) for found in check.findings]


def drain() -> None:
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


def audit_run() -> None:
    """A scheduler tick and the worker after it: the checks, then the mails they enqueued.

    Its tests commit (transaction=True): the worker drops a connection left in a transaction.
    """
    audit.audit_due()
    drain()


def make_due(*presences: Presence) -> None:
    Presence.objects.filter(pk__in=[p.pk for p in presences]).update(
        next_check_at=timezone.now() - dt.timedelta(minutes=1)
    )


# --- one check ----------------------------------------------------------------------------------


def test_a_page_with_the_companys_phone_and_email_has_no_findings(server, workspace, company):
    presence = presence_make(workspace, server.serve("/kontakt", page(RIGHT_PAGE)))
    now = timezone.now()
    # when
    check = audit.presence_audit(presence, now=now, timeout=TIMEOUT)
    # then
    assert (check.outcome, check.status, check.error) == (CheckOutcome.OK, 200, "")
    assert (check.phones, check.emails, check.findings) == ([POLLUX_PHONE], ["info@example.de"], [])
    assert (check.changed, check.checked_at, check.workspace_id) == (False, now, workspace.pk)
    presence.refresh_from_db()
    assert presence.last_checked_at == now
    assert presence.last_outcome == CheckOutcome.OK
    assert presence.next_check_at == now + dt.timedelta(days=7)


def test_a_wrong_phone_is_reported_and_an_obfuscated_email_is_read(server, workspace, company):
    presence = presence_make(workspace, server.serve("/kontakt", page(WRONG_PAGE)))
    # when
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    # then
    assert check.outcome == CheckOutcome.DIFFERS
    assert (check.phones, check.emails) == (["+4989123456"], ["info@example.de"])
    assert codes(check) == [
        ("phone_unknown", {"phone": "+4989123456"}),
        ("phone_missing", {"phone": POLLUX_PHONE}),
    ]
    assert [found["message"] for found in check.findings] == [
        "The page shows the phone number +49 89 123456, which master data does not have.",
        "The page does not show the company's phone number +49 89 99998210.",
    ]


def test_a_members_direct_line_and_address_are_master_data_too(
    server, workspace, company, alice_membership
):
    profile = signatures.signature_profile(membership=alice_membership)
    signatures.signature_profile_save(
        profile=profile, changes={"phone": "089 1234567", "email": "alice@pollux.example"}
    )
    body = RIGHT_PAGE + "<p>Alice Adler: 089 1234567, alice@pollux.example</p>"
    presence = presence_make(workspace, server.serve("/team", page(body)))
    # when
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    # then
    assert (check.outcome, check.findings) == (CheckOutcome.OK, [])
    assert check.phones == [POLLUX_PHONE, "+49891234567"]


def test_a_member_who_left_takes_their_line_out_of_master_data(
    server, workspace, company, alice, bob_membership
):
    profile = signatures.signature_profile(membership=bob_membership)
    signatures.signature_profile_save(profile=profile, changes={"phone": "089 1234567"})
    member_remove(membership=bob_membership)
    presence = presence_make(
        workspace, server.serve("/team", page(RIGHT_PAGE + "<p>Bob: 089 1234567</p>"))
    )
    # when
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    # then
    assert codes(check) == [("phone_unknown", {"phone": "+49891234567"})]


def test_a_social_profile_need_not_show_the_companys_phone(server, workspace, company):
    url = server.serve("/profil", page("<p>Folgen Sie uns! E-Mail: info@example.de</p>"))
    presence = presence_make(workspace, url, kind=PresenceKind.INSTAGRAM)
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    assert (check.outcome, check.findings) == (CheckOutcome.OK, [])


def test_without_master_data_the_page_cannot_be_compared(server, workspace):
    presence = presence_make(workspace, server.serve("/kontakt", page(RIGHT_PAGE)))
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    assert check.outcome == CheckOutcome.DIFFERS
    assert codes(check) == [("no_master_data", {})]
    assert check.phones == [POLLUX_PHONE]


# --- pages that fail ----------------------------------------------------------------------------


def test_a_page_that_times_out_is_a_failed_check(server, workspace, company):
    url = server.serve("/langsam", Answer(body=b"<html></html>", headers=HTML, delay=2.0))
    presence = presence_make(workspace, url)
    now = timezone.now()
    # when
    check = audit.presence_audit(presence, now=now, timeout=TIMEOUT)
    # then
    assert (check.outcome, check.status) == (CheckOutcome.FAILED, None)
    assert check.error == "The page did not load within 0.5 seconds."
    assert codes(check) == [
        ("page_failed", {"reason": "timeout", "status": None, "error": check.error})
    ]
    assert check.findings[0]["message"] == "The page did not load in time."
    presence.refresh_from_db()
    assert (presence.last_outcome, presence.next_check_at) == (
        CheckOutcome.FAILED, now + dt.timedelta(days=7),
    )  # fmt: skip


def test_a_huge_page_is_not_read_past_the_limit(server, workspace, company):
    url = server.serve("/riesig", Answer(headers=HTML, stream_bytes=audit.MAX_PAGE_BYTES + 500_000))
    presence = presence_make(workspace, url)
    check = audit.presence_audit(presence, timeout=5.0)
    assert (check.outcome, check.status, check.phones) == (CheckOutcome.FAILED, 200, [])
    assert [found["detail"]["reason"] for found in check.findings] == ["too_large"]
    assert check.findings[0]["message"] == "The page is too large to be checked."


def test_a_redirect_loop_is_a_failed_check(server, workspace, company):
    server.serve("/a", Answer(status=302, headers={"Location": "/b"}))
    server.serve("/b", Answer(status=302, headers={"Location": "/a"}))
    presence = presence_make(workspace, server.url("/a"))
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    assert (check.outcome, check.error) == (CheckOutcome.FAILED, "The page redirects in a loop.")
    assert [found["detail"]["reason"] for found in check.findings] == ["redirects"]


def test_an_answer_that_is_no_web_page_is_a_failed_check(server, workspace, company):
    url = server.serve("/preise.pdf", Answer(body=b"%PDF-1.7 089 99998210", headers={
        "Content-Type": "application/pdf"}))  # fmt: skip
    presence = presence_make(workspace, url)
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    assert (check.outcome, check.status, check.phones) == (CheckOutcome.FAILED, 200, [])
    assert codes(check)[0][1]["reason"] == "not_html"
    assert check.findings[0]["message"] == "The address leads to no web page."


def test_a_page_robots_txt_keeps_closed_is_skipped_and_not_fetched(server, workspace, company):
    server.serve("/robots.txt", Answer(body=b"User-agent: *\nDisallow: /intern/\n",
                                       headers={"Content-Type": "text/plain"}))  # fmt: skip
    presence = presence_make(workspace, server.serve("/intern/kontakt", page(RIGHT_PAGE)))
    # when
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    # then
    assert (check.outcome, codes(check)) == (CheckOutcome.SKIPPED, [("robots_refused", {})])
    assert server.paths() == ["/robots.txt"]


# --- what changed -------------------------------------------------------------------------------


def test_a_check_is_changed_only_when_its_result_differs_from_the_last(server, workspace, company):
    url = server.serve("/kontakt", page(RIGHT_PAGE))
    presence = presence_make(workspace, url)
    start = timezone.now()

    def check_at(days: int) -> bool:
        return audit.presence_audit(
            presence, now=start + dt.timedelta(days=days), timeout=TIMEOUT
        ).changed

    first, same = check_at(0), check_at(7)
    server.serve("/kontakt", page(WRONG_PAGE))
    wrong, wrong_again = check_at(14), check_at(21)
    server.serve("/kontakt", page(RIGHT_PAGE))
    right, right_again = check_at(28), check_at(35)
    assert (first, same, wrong, wrong_again, right, right_again) == (
        False, False, True, False, True, False,
    )  # fmt: skip
    assert PresenceCheck.objects.filter(presence=presence).count() == 6


def test_another_failure_of_a_failing_page_is_no_change(server, workspace, company):
    url = server.serve("/weg", Answer(status=500, body=b"kaputt"), Answer(status=503, body=b"x"))
    presence = presence_make(workspace, url)
    first = audit.presence_audit(presence, timeout=TIMEOUT)
    second = audit.presence_audit(presence, timeout=TIMEOUT)
    assert (first.status, second.status) == (500, 503)
    assert (first.outcome, second.outcome, second.changed) == (
        CheckOutcome.FAILED, CheckOutcome.FAILED, False,
    )  # fmt: skip


# --- mails --------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_owner_is_mailed_on_a_change_and_not_on_the_same_result_again(
    server, smtp, workspace, company, alice
):
    presence = presence_make(workspace, server.serve("/kontakt", page(WRONG_PAGE)), owner=alice)
    path = f"/publishing/presences/{presence.pk}/"
    # when the first check finds a wrong number
    audit_run()
    # then
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    text = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert message["To"] == "alice@pollux.example"
    assert message["Subject"] == "Kontaktseite: the reachability audit found a change"
    assert "Hello Alice Adler," in text
    assert "Result: Differs from master data\n" in text
    assert (
        "New:\n"
        "- The page shows the phone number +49 89 123456, which master data does not have.\n"
        "- The page does not show the company's phone number +49 89 99998210.\n"
    ) in text
    assert "Phone numbers on the page: +49 89 123456\n" in text
    assert f"{django_settings.BASE_URL}{path}" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="{django_settings.BASE_URL}{path}"' in html

    # when the same is found again
    make_due(presence)
    audit_run()
    # then
    assert len(smtp.messages) == 1
    history = PresenceCheck.objects.filter(presence=presence).values_list("changed", flat=True)
    assert list(history) == [False, False]

    # when the page is put right
    server.serve("/kontakt", page(RIGHT_PAGE))
    make_due(presence)
    audit_run()
    # then
    assert len(smtp.messages) == 2
    text = smtp.messages[1].get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Result: Matches master data\n" in text
    assert (
        "No longer found:\n"
        "- The page shows the phone number +49 89 123456, which master data does not have.\n"
        "- The page does not show the company's phone number +49 89 99998210.\n"
    ) in text
    assert "Everything the audit checks is in order now." in text
    assert "New:" not in text


@pytest.mark.django_db(transaction=True)
def test_the_mail_is_written_in_the_owners_language(server, smtp, workspace, company, alice):
    alice.language = "de"
    alice.save(update_fields=["language"])
    presence_make(workspace, server.serve("/kontakt", page(WRONG_PAGE)), owner=alice)
    # when
    audit_run()
    # then
    text = smtp.messages[0].get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert text.startswith("Hallo Alice Adler,")
    assert "Weicht von den Stammdaten ab" in text


@pytest.mark.django_db(transaction=True)
def test_a_first_check_that_finds_nothing_mails_nobody(server, smtp, workspace, company, alice):
    presence = presence_make(workspace, server.serve("/kontakt", page(RIGHT_PAGE)), owner=alice)
    audit_run()
    assert PresenceCheck.objects.get(presence=presence).outcome == CheckOutcome.OK
    assert smtp.messages == []


@pytest.mark.django_db(transaction=True)
def test_without_an_owner_the_members_who_manage_publishing_are_mailed(
    server, smtp, workspace, company, alice, bob
):
    presence_make(workspace, server.serve("/kontakt", page(WRONG_PAGE)))
    audit_run()
    assert [message["To"] for message in smtp.messages] == ["alice@pollux.example"]


def test_an_owner_who_left_the_workspace_is_replaced_by_its_managers(
    workspace, alice, bob, bob_membership
):
    presence = presence_make(workspace, "https://pollux.example/kontakt", owner=bob)
    assert audit.mail_recipients(presence) == [bob.pk]
    member_remove(membership=bob_membership)
    leader = member_add(workspace=workspace, username="lea", password="lea-password-1",
                        role=Role.LEADER, email="lea@pollux.example").user  # fmt: skip
    assert audit.mail_recipients(presence) == sorted([alice.pk, leader.pk])


# --- overdue ------------------------------------------------------------------------------------


def test_an_answer_older_than_its_interval_is_overdue(workspace):
    now = timezone.now()
    presence = presence_make(workspace, "https://pollux.example/kontakt", answer_within_days=14,
                             answered_at=now - dt.timedelta(days=20))  # fmt: skip
    assert audit.presence_overdue(presence, now) == [
        {"code": "not_answered", "detail": {"days": 20, "limit": 14},
         "message": "Last answered there 20 days ago; it should be at least every 14 days."},
    ]  # fmt: skip
    presence.answered_at = now - dt.timedelta(days=13)
    assert audit.presence_overdue(presence, now) == []


def test_never_answered_is_overdue_once_the_presence_is_older_than_the_interval(workspace):
    presence = presence_make(workspace, "https://pollux.example/kontakt", answer_within_days=14,
                             check_every_days=30)  # fmt: skip
    assert audit.presence_overdue(presence, presence.created_at + dt.timedelta(days=13)) == []
    found = audit.presence_overdue(presence, presence.created_at + dt.timedelta(days=15))
    assert [(f["code"], f["detail"], f["message"]) for f in found] == [
        ("not_answered", {"days": None, "limit": 14}, "Nobody has recorded an answer there yet.")
    ]


def test_a_presence_not_checked_for_twice_its_interval_is_overdue(workspace):
    now = timezone.now()
    presence = presence_make(
        workspace, "https://pollux.example/kontakt", check_every_days=7, answered_at=now,
        last_checked_at=now - dt.timedelta(days=14),
    )  # fmt: skip
    assert audit.presence_overdue(presence, now) == []
    presence.last_checked_at = now - dt.timedelta(days=15)
    assert audit.presence_overdue(presence, now) == [
        {"code": "not_checked", "detail": {"days": 15, "limit": 7, "never": False},
         "message": "Not checked for 15 days; it should be every 7 days."},
    ]  # fmt: skip


def test_a_check_reports_a_missing_answer_but_not_itself_as_overdue(server, workspace, company):
    now = timezone.now()
    presence = presence_make(
        workspace, server.serve("/kontakt", page(RIGHT_PAGE)), check_every_days=7,
        answered_at=now - dt.timedelta(days=30), last_checked_at=now - dt.timedelta(days=30),
    )  # fmt: skip
    check = audit.presence_audit(presence, now=now, timeout=TIMEOUT)
    assert check.outcome == CheckOutcome.OK
    assert codes(check) == [("not_answered", {"days": 30, "limit": 14})]


# --- the schedule -------------------------------------------------------------------------------


def test_the_periodic_job_claims_each_due_presence_once(
    workspace, other_workspace, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = presence_make(workspace, "https://pollux.example/a", next_check_at=now)
    never = presence_make(workspace, "https://pollux.example/b")
    later = presence_make(workspace, "https://pollux.example/c",
                          next_check_at=now + dt.timedelta(minutes=1))  # fmt: skip
    elsewhere = presence_make(other_workspace, "https://castor.example/a", next_check_at=now)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        claimed = audit.audit_due(now=now)
        claimed_again = audit.audit_due(now=now)
    # then
    assert (claimed, claimed_again) == (3, 0)
    enqueued = sorted(
        (task.args_kwargs["kwargs"]["workspace_id"], task.args_kwargs["kwargs"]["presence_id"])
        for task in DBTaskResult.objects.filter(task_path=AUDIT_TASK)
    )
    assert enqueued == sorted(
        [(workspace.pk, due.pk), (workspace.pk, never.pk), (other_workspace.pk, elsewhere.pk)]
    )
    assert Presence.objects.get(pk=never.pk).next_check_at == now + audit.AUDIT_LEASE
    assert Presence.objects.get(pk=later.pk).next_check_at == now + dt.timedelta(minutes=1)


def test_a_tick_enqueues_at_most_its_limit(workspace, django_capture_on_commit_callbacks):
    for letter in "abc":
        presence_make(workspace, f"https://pollux.example/{letter}")
    with django_capture_on_commit_callbacks(execute=True):
        counts = [audit.audit_due(limit=2), audit.audit_due(limit=2), audit.audit_due(limit=2)]
    assert counts == [2, 1, 0]


def test_a_claim_whose_worker_died_is_claimed_again_after_the_lease(
    workspace, django_capture_on_commit_callbacks
):
    now = timezone.now()
    presence_make(workspace, "https://pollux.example/kontakt", next_check_at=now)
    with django_capture_on_commit_callbacks(execute=True):
        audit.audit_due(now=now)
        within = audit.audit_due(now=now + audit.AUDIT_LEASE - dt.timedelta(seconds=1))
        after = audit.audit_due(now=now + audit.AUDIT_LEASE)
    assert (within, after) == (0, 1)
    assert DBTaskResult.objects.filter(task_path=AUDIT_TASK).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_ticks_the_audit(server, workspace, company):
    presence = presence_make(workspace, server.serve("/kontakt", page(RIGHT_PAGE)))
    results = scheduler_tick()
    drain()
    assert results["publishing-reach-audit"] == 1
    assert PresenceCheck.objects.get(presence=presence).outcome == CheckOutcome.OK


def test_a_task_whose_presence_was_checked_since_the_claim_checks_nothing(
    server, workspace, company
):
    presence = presence_make(workspace, server.serve("/kontakt", page(RIGHT_PAGE)))
    claimed_at = timezone.now()
    audit.presence_audit(presence, timeout=TIMEOUT)
    # when
    result = presence_audit_task.call(
        workspace_id=workspace.pk, presence_id=presence.pk, claimed_at=claimed_at.isoformat()
    )
    # then
    assert result == "done"
    assert PresenceCheck.objects.filter(presence=presence).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_enqueue_each_presence_once(workspace):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite in-memory test databases are not shared between threads")
    presences = [presence_make(workspace, f"https://pollux.example/{n}") for n in range(40)]
    now = timezone.now()
    start = threading.Barrier(2)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            start.wait()
            # As scheduler_tick runs each job: in a transaction, enqueued after commit.
            with transaction.atomic():
                claimed.append(audit.audit_due(now=now))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    assert sum(claimed) == 40
    enqueued = [
        task.args_kwargs["kwargs"]["presence_id"]
        for task in DBTaskResult.objects.filter(task_path=AUDIT_TASK)
    ]
    assert sorted(enqueued) == sorted(p.pk for p in presences)


# --- workspaces ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_each_workspaces_presence_is_checked_against_its_own_master_data(
    server, workspace, other_workspace, company
):
    castor = signatures.company_profile(workspace=other_workspace)
    signatures.company_profile_save(
        profile=castor, changes={"phone": "030 1234567", "email": "info@castor.example"}
    )
    pollux_page = presence_make(workspace, server.serve("/pollux", page(RIGHT_PAGE)))
    # Castor's page shows Pollux's number, which Castor's master data does not have.
    castor_body = "<p>Tel. 030 1234567, info@castor.example, Partner: 089 99998210</p>"
    castor_page = presence_make(other_workspace, server.serve("/castor", page(castor_body)))
    # when
    audit_run()
    # then
    pollux_check = PresenceCheck.objects.get(presence=pollux_page)
    castor_check = PresenceCheck.objects.get(presence=castor_page)
    assert (pollux_check.workspace_id, pollux_check.outcome) == (workspace.pk, CheckOutcome.OK)
    assert castor_check.workspace_id == other_workspace.pk
    assert castor_check.phones == [CASTOR_PHONE, POLLUX_PHONE]
    assert codes(castor_check) == [("phone_unknown", {"phone": POLLUX_PHONE})]


def test_a_task_naming_another_workspace_leaves_the_presence_alone(
    server, workspace, other_workspace, company
):
    castor_page = presence_make(other_workspace, server.serve("/castor", page(RIGHT_PAGE)))
    # when the task is given Pollux's workspace with Castor's presence
    result = presence_audit_task.call(
        workspace_id=workspace.pk, presence_id=castor_page.pk,
        claimed_at=timezone.now().isoformat(),
    )  # fmt: skip
    # then
    assert result == "gone"
    assert PresenceCheck.objects.count() == 0
    castor_page.refresh_from_db()
    assert (castor_page.last_checked_at, castor_page.last_outcome) == (None, "")
    assert server.requests == []


def test_the_mail_task_does_not_mail_members_of_another_workspace(
    server, smtp, workspace, company, alice, carol
):
    presence = presence_make(workspace, server.serve("/kontakt", page(WRONG_PAGE)), owner=alice)
    check = audit.presence_audit(presence, timeout=TIMEOUT)
    # when
    sent = audit.presence_mail_send(
        workspace_id=workspace.pk, check_id=check.pk, user_ids=[alice.pk, carol.pk]
    )
    # then
    assert sent == 1
    assert [message["To"] for message in smtp.messages] == ["alice@pollux.example"]
