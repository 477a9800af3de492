"""The scheduled reachability audit: each presence's page fetched, its phones and e-mails compared
with master data, the result kept as a PresenceCheck, and its owner told when it changes.

The scheduler's job "publishing-reach-audit" calls `audit_due`, which claims every due presence
by moving its next_check_at forward in one conditional UPDATE (a lease: a dead worker's claim
runs out and the presence is claimed again) and enqueues `presence_audit_task` for it, which
calls `presence_audit`; a "check now" button calls `presence_audit` itself.

`presence_audit(presence)`:
1. Fetch the page (reach.page_fetch: deadline, size limit, redirect limit, robots.txt).
2. Find its phones and e-mails and compare them with master data: the company profile's phone
   and e-mail, and the signature data of the workspace's members (their direct lines and
   addresses belong on a team or contact page as much as the switchboard does).
3. Findings, each {code, message, detail}: contacts master data lacks; the company's own phone
   or e-mail missing where a page exists to show them (imprint, contact page, business listing,
   directory); a page that failed to load or that robots.txt keeps closed; nobody answering
   there for too long (`presence_overdue`).
4. Record the check: changed when the outcome, the set of finding codes or the set of contacts
   differs from the previous check. Move next_check_at on by check_every_days.
5. Mail the owner (no owner, or one who left: the members who manage publishing) when changed.
   A first check only mails when it found something: "all is well" about a page just entered
   tells nobody anything, but a wrong number on it is news.

A finding's message is written in the language active when the check ran; screens and mails
show `finding_text(finding)`, which writes it again in the reader's language from its code and
detail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.mail import mail_send
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.signing import absolute_url
from touchbase.core.tenancy import scopes_disabled
from touchbase.publishing import reach
from touchbase.publishing.choices import CheckOutcome, PresenceKind
from touchbase.publishing.models_reach import (
    CompanyProfile,
    Presence,
    PresenceCheck,
    SignatureProfile,
)
from touchbase.publishing.signatures import phone_shown

# A claimed presence is left alone this long; if its worker dies, it is claimed again after.
# Far longer than a fetch can take (FETCH_TIMEOUT plus robots.txt's own few seconds).
AUDIT_LEASE = dt.timedelta(minutes=15)
# One scheduler tick enqueues at most this many checks; the rest wait for the next tick.
ENQUEUE_BATCH = 200
FETCH_TIMEOUT = 10.0
MAX_PAGE_BYTES = 2_000_000
# A presence not checked for this many of its intervals is overdue (the worker is down, or
# the presence is claimed again and again by a worker that dies).
OVERDUE_INTERVALS = 2
MAIL_TEMPLATE = "publishing/email/presence_changed"
ERROR_LENGTH = 300

# Pages that exist to tell customers how to reach the company: they must show its phone and
# e-mail. A social profile or another page of the website need not.
CONTACT_KINDS = frozenset(
    {PresenceKind.IMPRINT, PresenceKind.CONTACT, PresenceKind.GOOGLE, PresenceKind.DIRECTORY}
)

PHONE_UNKNOWN = "phone_unknown"
EMAIL_UNKNOWN = "email_unknown"
PHONE_MISSING = "phone_missing"
EMAIL_MISSING = "email_missing"
NO_MASTER_DATA = "no_master_data"
PAGE_FAILED = "page_failed"
ROBOTS_REFUSED = "robots_refused"
NOT_ANSWERED = "not_answered"
NOT_CHECKED = "not_checked"
# Findings about the page's contacts: any of them means the page differs from master data.
CONTACT_CODES = frozenset({PHONE_UNKNOWN, EMAIL_UNKNOWN, PHONE_MISSING, EMAIL_MISSING,
                           NO_MASTER_DATA})  # fmt: skip

type Finding = dict[str, Any]


@dataclass(frozen=True)
class MasterData:
    """What the workspace says its phones and e-mails are: the company's and all of them."""

    company_phones: list[str]
    company_emails: list[str]
    phones: list[str]
    emails: list[str]


# --- the schedule -------------------------------------------------------------------------------


def audit_due(*, now: dt.datetime | None = None, limit: int = ENQUEUE_BATCH) -> int:
    """Claim every presence due for a check, in all workspaces, and enqueue its check.

    A presence is claimed by moving next_check_at to now + AUDIT_LEASE only if it still holds
    the value read, so several schedulers ticking at once enqueue it once. Returns how many.
    """
    now = now or timezone.now()
    # The scheduler serves every workspace; each task then works inside its own one.
    with scopes_disabled():
        due = list(
            Presence.objects.filter(Q(next_check_at__lte=now) | Q(next_check_at=None))
            .order_by(F("next_check_at").asc(nulls_first=True), "pk")
            .values("pk", "workspace_id", "next_check_at")[:limit]
        )
        claimed = 0
        for row in due:
            won = Presence.objects.filter(pk=row["pk"], next_check_at=row["next_check_at"]).update(
                next_check_at=now + AUDIT_LEASE
            )
            if won:
                claimed += 1
                _enqueue_check(workspace_id=row["workspace_id"], presence_id=row["pk"], now=now)
    return claimed


def _enqueue_check(*, workspace_id: int, presence_id: int, now: dt.datetime) -> None:
    from touchbase.publishing.tasks import presence_audit_task

    claimed_at = now.isoformat()
    transaction.on_commit(
        lambda: presence_audit_task.enqueue(
            workspace_id=workspace_id, presence_id=presence_id, claimed_at=claimed_at
        )
    )


# --- one check ----------------------------------------------------------------------------------


def presence_audit(
    presence: Presence,
    *,
    now: dt.datetime | None = None,
    timeout: float = FETCH_TIMEOUT,
    max_bytes: int = MAX_PAGE_BYTES,
) -> PresenceCheck:
    """Fetch the presence's page, compare it with master data and record the check.

    The page is fetched outside any transaction (it may take seconds); the check is then
    recorded with the presence locked, so two checks at once compare each with the other.
    Raises Presence.DoesNotExist when the presence was deleted meanwhile.
    """
    now = now or timezone.now()
    region = Workspace.objects.values_list("home_country", flat=True).get(pk=presence.workspace_id)
    master = master_data(workspace_id=presence.workspace_id)
    page = reach.page_fetch(presence.url, timeout=timeout, max_bytes=max_bytes)
    phones, emails = reach.page_contacts(page, region=region) if page.ok else ([], [])
    outcome, findings = _page_findings(
        presence, page, phones=phones, emails=emails, master=master, region=region
    )
    with transaction.atomic():
        locked = Presence.objects.select_for_update().get(
            pk=presence.pk, workspace_id=presence.workspace_id
        )
        findings += [f for f in presence_overdue(locked, now) if f["code"] == NOT_ANSWERED]
        previous = latest_check(locked)
        check = PresenceCheck.objects.create(
            workspace_id=locked.workspace_id, presence=locked, checked_at=now, outcome=outcome,
            status=page.status, error=page.error[:ERROR_LENGTH], phones=phones, emails=emails,
            findings=findings,
            changed=previous is not None and _differs(previous, outcome, findings, phones, emails),
        )  # fmt: skip
        presence.last_checked_at = now
        presence.last_outcome = outcome
        presence.next_check_at = now + dt.timedelta(days=locked.check_every_days)
        Presence.objects.filter(pk=locked.pk).update(
            last_checked_at=presence.last_checked_at, last_outcome=presence.last_outcome,
            next_check_at=presence.next_check_at,
        )  # fmt: skip
        if _worth_a_mail(previous, check):
            _enqueue_mail(check, user_ids=mail_recipients(locked))
    return check


def master_data(*, workspace_id: int) -> MasterData:
    """The workspace's phones and e-mails: the company's, and its members' signature data.

    Only members still in the workspace count: a colleague's line that left with them is
    one the page should no longer show.
    """
    company = CompanyProfile.objects.filter(workspace_id=workspace_id).first()
    company_phones = [company.phone] if company and company.phone else []
    company_emails = [company.email] if company and company.email else []
    profiles = SignatureProfile.objects.filter(
        workspace_id=workspace_id,
        user__is_active=True,
        user__memberships__workspace_id=workspace_id,
    ).values_list("phone", "mobile", "email")
    phones, emails = list(company_phones), list(company_emails)
    for phone, mobile, email in profiles:
        phones += [number for number in (phone, mobile) if number]
        emails += [email] if email else []
    return MasterData(company_phones=company_phones, company_emails=company_emails,
                      phones=phones, emails=emails)  # fmt: skip


def _page_findings(
    presence: Presence, page: reach.PageFetch, *, phones: list[str], emails: list[str],
    master: MasterData, region: str,
) -> tuple[str, list[Finding]]:  # fmt: skip
    """The check's outcome and what it found on the page (or why there was none)."""
    if not page.ok and page.error_code == "robots":
        return CheckOutcome.SKIPPED, [finding(ROBOTS_REFUSED)]
    if not page.ok:
        return CheckOutcome.FAILED, [
            finding(PAGE_FAILED, reason=page.error_code, status=page.status, error=page.error)
        ]
    if not master.phones and not master.emails:
        return CheckOutcome.DIFFERS, [finding(NO_MASTER_DATA)]
    found = reach.compare(phones=phones, emails=emails, master_phones=master.phones,
                          master_emails=master.emails, region=region)  # fmt: skip
    findings = [finding(PHONE_UNKNOWN, phone=phone) for phone in found.phones_unknown]
    findings += [finding(EMAIL_UNKNOWN, email=email) for email in found.emails_unknown]
    if presence.kind in CONTACT_KINDS:
        own = reach.compare(phones=phones, emails=emails, master_phones=master.company_phones,
                            master_emails=master.company_emails, region=region)  # fmt: skip
        findings += [finding(PHONE_MISSING, phone=phone) for phone in own.phones_missing]
        findings += [finding(EMAIL_MISSING, email=email) for email in own.emails_missing]
    return (CheckOutcome.DIFFERS if findings else CheckOutcome.OK), findings


def presence_overdue(presence: Presence, now: dt.datetime | None = None) -> list[Finding]:
    """What is overdue without fetching anything: an answer there, and the check itself.

    Not answered: answered_at is older than answer_within_days, or nobody ever recorded one
    and the presence is older than that (a presence just entered has had no time to answer).
    Not checked: the last check (or, never checked, the presence's creation) is older than
    OVERDUE_INTERVALS times check_every_days.
    """
    now = now or timezone.now()
    findings = []
    answer_due = now - dt.timedelta(days=presence.answer_within_days)
    never_answered = presence.answered_at is None and presence.created_at is not None
    if never_answered and presence.created_at < answer_due:
        findings.append(finding(NOT_ANSWERED, days=None, limit=presence.answer_within_days))
    elif presence.answered_at is not None and presence.answered_at < answer_due:
        days = (now - presence.answered_at).days
        findings.append(finding(NOT_ANSWERED, days=days, limit=presence.answer_within_days))
    since = presence.last_checked_at or presence.created_at
    if since is not None and since < now - OVERDUE_INTERVALS * dt.timedelta(
        days=presence.check_every_days
    ):
        findings.append(
            finding(
                NOT_CHECKED,
                days=(now - since).days,
                limit=presence.check_every_days,
                never=presence.last_checked_at is None,
            )  # fmt: skip
        )
    return findings


def latest_check(presence: Presence) -> PresenceCheck | None:
    return PresenceCheck.objects.filter(presence=presence).order_by("-checked_at", "-pk").first()


def previous_check(check: PresenceCheck) -> PresenceCheck | None:
    """The check of the same presence just before this one."""
    return (
        PresenceCheck.objects.filter(presence_id=check.presence_id)
        .filter(
            Q(checked_at__lt=check.checked_at) | Q(checked_at=check.checked_at, pk__lt=check.pk)
        )
        .order_by("-checked_at", "-pk")
        .first()
    )


def _differs(
    previous: PresenceCheck, outcome: str, findings: list[Finding], phones: list[str],
    emails: list[str],
) -> bool:  # fmt: skip
    # Codes, not messages or details: "not answered for 20 days" turning 21 is no change.
    return (
        previous.outcome != outcome
        or {f["code"] for f in previous.findings} != {f["code"] for f in findings}
        or set(previous.phones) != set(phones)
        or set(previous.emails) != set(emails)
    )


def _worth_a_mail(previous: PresenceCheck | None, check: PresenceCheck) -> bool:
    if previous is None:
        return bool(check.findings)
    return check.changed


# --- findings -----------------------------------------------------------------------------------


def finding(code: str, **detail: Any) -> Finding:
    """A finding as stored in PresenceCheck.findings, its message in the active language."""
    made = {"code": code, "message": "", "detail": detail}
    made["message"] = finding_text(made)
    return made


def finding_text(found: Finding) -> str:
    """The finding's message in the active language, written from its code and detail."""
    detail = found.get("detail") or {}
    code = found.get("code")
    if code == PHONE_UNKNOWN:
        return _("The page shows the phone number %(phone)s, which master data does not have.") % {
            "phone": phone_shown(detail.get("phone", ""))
        }
    if code == EMAIL_UNKNOWN:
        return _(
            "The page shows the e-mail address %(email)s, which master data does not have."
        ) % {"email": detail.get("email", "")}
    if code == PHONE_MISSING:
        return _("The page does not show the company's phone number %(phone)s.") % {
            "phone": phone_shown(detail.get("phone", ""))
        }
    if code == EMAIL_MISSING:
        return _("The page does not show the company's e-mail address %(email)s.") % {
            "email": detail.get("email", "")
        }
    if code == NO_MASTER_DATA:
        return _("The company profile has no phone number or e-mail address to compare with.")
    if code == ROBOTS_REFUSED:
        return _("The site's robots.txt does not allow the audit to read this page.")
    if code == PAGE_FAILED:
        return _failure_text(detail)
    if code == NOT_ANSWERED:
        return _not_answered_text(detail)
    if code == NOT_CHECKED:
        return _not_checked_text(detail)
    return str(found.get("message", ""))


def _failure_text(detail: dict[str, Any]) -> str:
    reason = detail.get("reason")
    if reason == "timeout":
        return _("The page did not load in time.")
    if reason == "too_large":
        return _("The page is too large to be checked.")
    if reason == "redirects":
        return _("The page redirects in a loop or too many times.")
    if reason == "not_html":
        return _("The address leads to no web page.")
    if reason == "http_status":
        return _("The server answered with HTTP %(status)s.") % {"status": detail.get("status")}
    if reason == "address":
        return _("The address cannot be checked: it is not a public http or https address.")
    return _("The server cannot be reached.")


def _not_answered_text(detail: dict[str, Any]) -> str:
    limit = detail.get("limit") or 0
    if detail.get("days") is None:
        return _("Nobody has recorded an answer there yet.")
    days = detail["days"]
    return ngettext(
        "Last answered there %(days)s day ago; it should be at least every %(limit)s days.",
        "Last answered there %(days)s days ago; it should be at least every %(limit)s days.",
        days,
    ) % {"days": days, "limit": limit}


def _not_checked_text(detail: dict[str, Any]) -> str:
    days = detail.get("days") or 0
    limit = detail.get("limit") or 0
    if detail.get("never"):
        return ngettext(
            "Not checked since it was added %(days)s day ago.",
            "Not checked since it was added %(days)s days ago.",
            days,
        ) % {"days": days}
    return ngettext(
        "Not checked for %(days)s day; it should be every %(limit)s days.",
        "Not checked for %(days)s days; it should be every %(limit)s days.",
        days,
    ) % {"days": days, "limit": limit}


# --- the mail -----------------------------------------------------------------------------------


def mail_recipients(presence: Presence) -> list[int]:
    """Who hears of a change: the presence's owner, else the members who manage publishing.

    An owner who left the workspace, or whose account is closed, counts as none.
    """
    members = Membership.objects.filter(workspace_id=presence.workspace_id, user__is_active=True)
    if presence.owner_id and members.filter(user_id=presence.owner_id).exists():
        return [presence.owner_id]
    managers = members.filter(role__in=roles_with(Capability.PUBLISHING_MANAGE))
    return sorted(managers.values_list("user_id", flat=True))


def _enqueue_mail(check: PresenceCheck, *, user_ids: list[int]) -> None:
    from touchbase.publishing.tasks import presence_mail_task

    if not user_ids:
        return
    workspace_id, check_id = check.workspace_id, check.pk
    transaction.on_commit(
        lambda: presence_mail_task.enqueue(
            workspace_id=workspace_id, check_id=check_id, user_ids=user_ids
        )
    )


def presence_mail_send(*, workspace_id: int, check_id: int, user_ids: list[int]) -> int:
    """Tell members what changed at a presence, each in their own language; returns how many."""
    check = (
        PresenceCheck.objects.filter(pk=check_id, workspace_id=workspace_id)
        .select_related("presence", "workspace")
        .first()
    )
    if check is None:
        return 0
    previous = previous_check(check)
    link = absolute_url(path=presence_path(check.presence_id))
    sent = 0
    users = User.objects.filter(
        pk__in=user_ids, is_active=True, memberships__workspace_id=workspace_id
    ).exclude(email="")
    for user in users:
        with translation.override(user.language or None):
            appeared, resolved = findings_changed(previous, check)
            context = {
                "user": user, "workspace": check.workspace, "presence": check.presence,
                "check": check, "link": link, "appeared": appeared, "resolved": resolved,
                "phones": [phone_shown(phone) for phone in check.phones],
                "contacts_changed": not appeared and not resolved and _contacts_differ(
                    previous, check
                ),
            }  # fmt: skip
        sent += mail_send(to=[user.email], template=MAIL_TEMPLATE, context=context,
                          language=user.language, time_zone=check.workspace.zone)  # fmt: skip
    return sent


def presence_path(presence_id: int) -> str:
    return reverse("publishing:presence-detail", kwargs={"pk": presence_id})


def findings_changed(
    previous: PresenceCheck | None, check: PresenceCheck
) -> tuple[list[str], list[str]]:
    """The findings new in this check and those gone since the previous, as texts to read."""
    before = _keyed(previous.findings if previous else [])
    after = _keyed(check.findings)
    appeared = [finding_text(each) for key, each in after.items() if key not in before]
    resolved = [finding_text(each) for key, each in before.items() if key not in after]
    return appeared, resolved


def _keyed(findings: Iterable[Finding]) -> dict[tuple[str, str], Finding]:
    # A finding is the same one again when its code and its subject (a phone, an e-mail) are.
    keyed = {}
    for each in findings:
        detail = each.get("detail") or {}
        keyed[(each["code"], str(detail.get("phone") or detail.get("email") or ""))] = each
    return keyed


def _contacts_differ(previous: PresenceCheck | None, check: PresenceCheck) -> bool:
    if previous is None:
        return False
    return set(previous.phones) != set(check.phones) or set(previous.emails) != set(check.emails)
