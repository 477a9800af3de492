"""Reads for keeping customer data clean: consent, freshness, advice, vouchers, duplicates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from touchbase.care.choices import DuplicateKind
from touchbase.care.models import DuplicateCandidate, DuplicateScan, RegionalAdvice, Voucher
from touchbase.core.models import User, Workspace
from touchbase.relationships.models import (
    Account,
    AccountTag,
    Contact,
    ContactTag,
    NewsletterConsent,
    Touchpoint,
)

STALE_AFTER_DAYS = 365


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

PAIR_ROWS = [
    "first_contact__account", "first_contact__workspace", "second_contact__account",
    "second_contact__workspace", "first_account__workspace", "second_account__workspace",
]  # fmt: skip


def duplicate_candidates(
    *, workspace: Workspace, kind: str | None = None
) -> QuerySet[DuplicateCandidate]:
    """Open candidates (not dismissed), most likely first; kind "contact" or "account"."""
    queryset = DuplicateCandidate.objects.filter(workspace=workspace, is_dismissed=False)
    if kind in DuplicateKind.values:
        queryset = queryset.filter(kind=kind)
    return queryset.select_related(*PAIR_ROWS).order_by("-score", "id")


def duplicate_scan_latest(*, workspace: Workspace) -> DuplicateScan | None:
    """The most recent search for duplicates, for the page to show progress or the last run."""
    return DuplicateScan.objects.filter(workspace=workspace).order_by("-requested_at").first()


@dataclass(frozen=True)
class PreviewField:
    """One field of both records side by side and which value the merged record keeps."""

    label: str
    first: str
    second: str
    kept: str
    kept_from: str  # "first", "second", "both" (equal) or "" (both empty)


@dataclass(frozen=True)
class PreviewCount:
    """What hangs on each record (touchpoints, tags …) and on the merged one."""

    label: str
    first: int
    second: int
    merged: int


@dataclass(frozen=True)
class DuplicatePreview:
    """Both records of a candidate side by side, as they would be merged."""

    candidate: DuplicateCandidate
    survivor: Contact | Account
    duplicate: Contact | Account
    survivor_is_first: bool
    fields: list[PreviewField]
    counts: list[PreviewCount]


# (attribute, label, how it is merged): "fill" keeps the survivor's value and fills it when
# empty, "keep" keeps the survivor's, "latest" keeps the later date. As the merge services do.
CONTACT_PREVIEW = [
    ("first_name", _("First name"), "fill"), ("last_name", _("Last name"), "keep"),
    ("account", _("Account"), "fill"), ("job_title", _("Job title"), "fill"),
    ("email", _("E-mail"), "fill"), ("phone_display", _("Phone"), "fill"),
    ("mobile_display", _("Mobile"), "fill"), ("street", _("Street"), "fill"),
    ("postal_code", _("Postal code"), "fill"), ("city", _("City"), "fill"),
    ("region", _("Region"), "fill"), ("get_country_display", _("Country"), "keep"),
    ("owner", _("owner"), "fill"), ("get_preferred_channel_display", _("Preferred channel"),
                                     "fill"),
    ("last_personal_at", _("Last personal contact"), "latest"),
]  # fmt: skip
ACCOUNT_PREVIEW = [
    ("name", _("Name"), "keep"), ("segment", _("Segment"), "fill"),
    ("phone_display", _("Phone"), "fill"), ("email", _("E-mail"), "fill"),
    ("website", _("Website"), "fill"), ("street", _("Street"), "fill"),
    ("postal_code", _("Postal code"), "fill"), ("city", _("City"), "fill"),
    ("region", _("Region"), "fill"), ("get_country_display", _("Country"), "keep"),
    ("owner", _("owner"), "fill"), ("value", _("Annual value (EUR)"), "max"),
    ("is_key_account", _("Key account"), "any"),
    ("last_personal_at", _("Last personal contact"), "latest"),
]  # fmt: skip


def duplicate_preview(
    *, candidate: DuplicateCandidate, survivor_id: int | None
) -> DuplicatePreview:
    """The side-by-side preview: fields, what is kept of each, and the counts that move.

    The first record survives unless survivor_id names the second.
    """
    first, second = candidate.first, candidate.second
    survivor_is_first = survivor_id != second.pk
    survivor, duplicate = (first, second) if survivor_is_first else (second, first)
    spec = CONTACT_PREVIEW if candidate.kind == DuplicateKind.CONTACT else ACCOUNT_PREVIEW
    fields = []
    for attribute, label, rule in spec:
        raw = {row.pk: _raw(row, attribute) for row in (first, second)}
        kept_row = _kept(rule, survivor, duplicate, raw)
        texts = {pk: _text(value) for pk, value in raw.items()}
        kept = texts[kept_row.pk] if kept_row is not None else ""
        if not kept:
            kept_from = ""
        elif texts[first.pk] == texts[second.pk]:
            kept_from = "both"
        else:
            kept_from = "first" if kept_row is first else "second"
        fields.append(
            PreviewField(capfirst(str(label)), texts[first.pk], texts[second.pk], kept, kept_from)
        )
    return DuplicatePreview(candidate, survivor, duplicate, survivor_is_first, fields,
                            _counts(candidate.kind, first, second))  # fmt: skip


def _raw(row: Contact | Account, attribute: str) -> Any:
    value = getattr(row, attribute, "")
    return value() if callable(value) else value


def _kept(
    rule: str, survivor: Contact | Account, duplicate: Contact | Account, raw: dict[int, Any]
) -> Contact | Account | None:
    mine, theirs = raw[survivor.pk], raw[duplicate.pk]
    if rule == "keep":
        return survivor
    if rule in ("latest", "max", "any"):
        if not theirs or (mine and mine >= theirs):
            return survivor if mine else None
        return duplicate
    return survivor if mine else (duplicate if theirs else None)


def _text(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(_("yes")) if value else ""
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
    if isinstance(value, User):
        return value.get_full_name() or value.get_username()
    return str(value)


def _counts(kind: str, first: Contact | Account, second: Contact | Account) -> list[PreviewCount]:
    ids = [first.pk, second.pk]
    if kind == DuplicateKind.CONTACT:
        related: list[tuple[Any, str, str]] = [
            (Touchpoint, "contact_id", str(_("Touchpoints"))),
            (NewsletterConsent, "contact_id", str(_("Consents"))),
            (Voucher, "contact_id", str(_("Vouchers"))),
        ]
        tags = list(
            ContactTag.objects.filter(contact_id__in=ids).values_list("contact_id", "tag_id")
        )
    else:
        related = [
            (Contact, "account_id", str(_("Contacts"))),
            (Touchpoint, "account_id", str(_("Touchpoints"))),
            (Voucher, "account_id", str(_("Vouchers"))),
        ]
        tags = list(
            AccountTag.objects.filter(account_id__in=ids).values_list("account_id", "tag_id")
        )
    counts = []
    for model, column, label in related:
        per_row = dict(
            model.objects.filter(**{f"{column}__in": ids})
            .values_list(column)
            .annotate(n=Count("id"))
            .values_list(column, "n")
        )
        one, two = per_row.get(first.pk, 0), per_row.get(second.pk, 0)
        counts.append(PreviewCount(label, one, two, one + two))
    tag_sets: dict[int, set[int]] = {first.pk: set(), second.pk: set()}
    for row_id, tag_id in tags:
        tag_sets[row_id].add(tag_id)
    counts.append(PreviewCount(str(_("Tags")), len(tag_sets[first.pk]), len(tag_sets[second.pk]),
                               len(tag_sets[first.pk] | tag_sets[second.pk])))  # fmt: skip
    return counts
