"""Reads for keeping customer data clean: consent, freshness, advice, vouchers, duplicates."""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from touchbase.care.models import RegionalAdvice, Voucher
from touchbase.core.models import Workspace
from touchbase.relationships.models import Contact

STALE_AFTER_DAYS = 365
NAME_SIMILARITY = 0.85


# --- consent -------------------------------------------------------------------------------


# --- freshness -----------------------------------------------------------------------------

FRESHNESS_ISSUES = ("address_stale", "email_bounced", "unreachable")


def _issue_filters(today: dt.date) -> dict[str, Q]:
    cutoff = today - dt.timedelta(days=STALE_AFTER_DAYS)
    return {
        "address_stale": Q(address_verified_at__isnull=True)
        | Q(address_verified_at__date__lt=cutoff),
        "email_bounced": Q(email_bounced_at__isnull=False),
        "unreachable": Q(phone="", mobile="", email=""),
    }


@dataclass(frozen=True)
class FreshnessRow:
    owner_name: str
    owner_id: int | None
    total: int
    address_stale: int
    email_bounced: int
    unreachable: int


def freshness_by_owner(*, workspace: Workspace, today: dt.date) -> list[FreshnessRow]:
    """Per owner: address unverified for a year, bounced e-mail, no way to reach them."""
    filters = _issue_filters(today)
    # The issue counts are annotated by name, which the values() row type cannot know.
    rows: QuerySet[Contact, Mapping[str, Any]] = (
        Contact.objects.filter(workspace=workspace, erased_at__isnull=True)
        .values("owner_id", "owner__first_name", "owner__last_name", "owner__username")
        .annotate(total=Count("id"), **{name: Count("id", filter=q) for name, q in filters.items()})
        .order_by("owner__first_name", "owner__last_name")
    )
    return [
        FreshnessRow(
            owner_name=f"{r['owner__first_name']} {r['owner__last_name']}".strip()
            or (r["owner__username"] or ""),
            owner_id=r["owner_id"], total=r["total"], address_stale=r["address_stale"],
            email_bounced=r["email_bounced"], unreachable=r["unreachable"],
        )
        for r in rows
    ]  # fmt: skip


def stale_contacts(
    *, workspace: Workspace, today: dt.date, issue: str, owner_id: int | None = None
) -> QuerySet[Contact]:
    """Contacts with one freshness issue, longest unverified first."""
    queryset = Contact.objects.filter(workspace=workspace, erased_at__isnull=True).filter(
        _issue_filters(today)[issue]
    )
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    return queryset.select_related("account", "owner").order_by(
        "address_verified_at", "last_name", "id"
    )


# --- regional advice -----------------------------------------------------------------------


def advice_for(*, contact: Contact, today: dt.date) -> QuerySet[RegionalAdvice]:
    """Advice valid today for the contact's country and region (or the whole country)."""
    return RegionalAdvice.objects.filter(
        Q(region="") | Q(region__iexact=contact.region.strip()),
        workspace_id=contact.workspace_id,
        country=contact.country,
        valid_from__lte=today,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


def advice_list(*, workspace: Workspace) -> QuerySet[RegionalAdvice]:
    return RegionalAdvice.objects.filter(workspace=workspace)


# --- vouchers ------------------------------------------------------------------------------


def voucher_list(*, workspace: Workspace, status: str, today: dt.date) -> QuerySet[Voucher]:
    """Vouchers by status: open (valid, not redeemed), redeemed or expired."""
    queryset = Voucher.objects.filter(workspace=workspace).select_related("contact", "account")
    if status == "open":
        return queryset.filter(redeemed_at__isnull=True, valid_until__gte=today)
    if status == "redeemed":
        return queryset.filter(redeemed_at__isnull=False).order_by("-redeemed_at")
    if status == "expired":
        return queryset.filter(redeemed_at__isnull=True, valid_until__lt=today)
    return queryset


# --- duplicates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DuplicatePair:
    """Two contacts that are likely the same person, with why and how sure."""

    first: Contact
    second: Contact
    score: int
    reason: str


def duplicate_pairs(*, workspace: Workspace, limit: int = 200) -> list[DuplicatePair]:
    """Likely duplicates: same e-mail (100), same phone (90), similar name at one account.

    Steps: group contacts by e-mail and by phone; within each account compare names with
    difflib and keep pairs at or above NAME_SIMILARITY; one best pair per two contacts.
    """
    contacts = list(
        # The workspace comes along: its home country decides how phone numbers are shown.
        Contact.objects.filter(workspace=workspace, erased_at__isnull=True).select_related(
            "account", "workspace"
        )
    )
    found: dict[tuple[int, int], DuplicatePair] = {}

    def add(a: Contact, b: Contact, score: int, reason: str) -> None:
        first, second = sorted((a, b), key=lambda c: c.id)
        key = (first.id, second.id)
        if key not in found or found[key].score < score:
            found[key] = DuplicatePair(first, second, score, reason)

    same_values: tuple[tuple[Callable[[Contact], str], int, str], ...] = (
        (lambda c: c.email.casefold(), 100, "email"),
        (lambda c: c.phone, 90, "phone"),
        (lambda c: c.mobile, 90, "phone"),
    )
    for key_of, score, reason in same_values:
        groups: dict[str, list[Contact]] = defaultdict(list)
        for contact in contacts:
            if key_of(contact):
                groups[key_of(contact)].append(contact)
        for group in groups.values():
            for other in group[1:]:
                add(group[0], other, score, reason)
    by_account: dict[int, list[Contact]] = defaultdict(list)
    for contact in contacts:
        if contact.account_id:
            by_account[contact.account_id].append(contact)
    for group in by_account.values():
        for index, a in enumerate(group):
            for b in group[index + 1 :]:
                ratio = difflib.SequenceMatcher(
                    None, a.full_name.casefold(), b.full_name.casefold()
                ).ratio()
                if ratio >= NAME_SIMILARITY:
                    add(a, b, round(ratio * 80), "name")
    return sorted(found.values(), key=lambda p: (-p.score, p.first.id))[:limit]
