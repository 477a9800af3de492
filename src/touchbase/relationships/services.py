"""Writes for accounts, contacts, touchpoints, cadence and the call sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.models import User, Workspace
from touchbase.core.timeutil import local_today
from touchbase.relationships.choices import (
    NON_PERSONAL_CHANNELS,
    SCOPE_SPECIFICITY,
    Channel,
    CheckinAnswer,
    ConsentStatus,
    Direction,
    PolicyScope,
)
from touchbase.relationships.models import (
    Account,
    CadencePolicy,
    Contact,
    NewsletterConsent,
    Tag,
    Touchpoint,
)

RECOMPUTE_BATCH = 2000


# --- cadence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Customer:
    """What a cadence policy looks at to decide whether it applies."""

    owner_id: int | None
    segment: str
    is_key_account: bool
    tag_ids: frozenset[int]


def policies_ranked(workspace: Workspace) -> list[CadencePolicy]:
    """Policies most specific first; among equals the shorter interval wins."""
    policies = list(CadencePolicy.objects.filter(workspace=workspace))
    return sorted(policies, key=lambda p: (-SCOPE_SPECIFICITY[p.scope], p.interval_days, p.id))


def policy_matches(policy: CadencePolicy, customer: Customer) -> bool:
    """Whether the policy's scope covers this customer."""
    match policy.scope:
        case PolicyScope.ALL:
            return True
        case PolicyScope.OWNER:
            return policy.owner_id == customer.owner_id
        case PolicyScope.SEGMENT:
            return policy.segment.casefold() == customer.segment.casefold()
        case PolicyScope.KEY_ACCOUNTS:
            return customer.is_key_account
        case PolicyScope.TAG:
            return policy.tag_id in customer.tag_ids
    return False


def cadence_days_for(policies: list[CadencePolicy], customer: Customer, default: int) -> int:
    """The interval of the most specific matching policy, else the workspace default."""
    for policy in policies:
        if policy_matches(policy, customer):
            return policy.interval_days
    return default


def due_dates(
    *,
    last_personal_at: dt.datetime | None,
    created_at: dt.datetime,
    cadence_days: int,
    snoozed_until: dt.date | None,
    workspace: Workspace,
) -> tuple[dt.date, dt.date]:
    """(cadence_due_on, next_due_on): never-contacted customers are due from their creation."""
    if last_personal_at is None:
        cadence_due = created_at.astimezone(workspace.zone).date()
    else:
        cadence_due = last_personal_at.astimezone(workspace.zone).date() + dt.timedelta(
            days=cadence_days
        )
    next_due = max(cadence_due, snoozed_until) if snoozed_until else cadence_due
    return cadence_due, next_due


def _tag_ids_by_row(through: Any, column: str, ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for row_id, tag_id in through.objects.filter(**{f"{column}__in": ids}).values_list(
        column, "tag_id"
    ):
        found.setdefault(row_id, set()).add(tag_id)
    return found


def _chunks[M: Model](queryset: QuerySet[M], size: int) -> Iterator[list[M]]:
    """Primary-key ordered batches, so memory stays flat on large workspaces."""
    last_id = 0
    while True:
        batch = list(queryset.filter(id__gt=last_id).order_by("id")[:size])
        if not batch:
            return
        yield batch
        last_id = batch[-1].pk


def cadence_recompute(
    *,
    workspace: Workspace,
    accounts: QuerySet[Account] | None = None,
    contacts: QuerySet[Contact] | None = None,
) -> int:
    """Apply the policies to the given rows (all of the workspace when none are given).

    Steps: rank the policies; for each batch of accounts, then contacts, gather tags,
    pick the winning interval, derive both due dates, and write changed rows in bulk.
    Returns how many rows changed.
    """
    policies = policies_ranked(workspace)
    default = workspace.default_cadence_days
    if accounts is None and contacts is None:
        accounts = Account.objects.filter(workspace=workspace)
        contacts = Contact.objects.filter(workspace=workspace)
    changed = 0
    if accounts is not None:
        changed += _recompute_accounts(workspace, accounts, policies, default)
    if contacts is not None:
        changed += _recompute_contacts(workspace, contacts, policies, default)
    return changed


def _recompute_accounts(
    workspace: Workspace, accounts: QuerySet[Account], policies: list[CadencePolicy], default: int
) -> int:
    changed = 0
    for batch in _chunks(accounts.filter(workspace=workspace), RECOMPUTE_BATCH):
        tags = _tag_ids_by_row(Account.tags.through, "account_id", [a.id for a in batch])
        customers = {
            a.id: Customer(a.owner_id, a.segment, a.is_key_account, frozenset(tags.get(a.id, ())))
            for a in batch
        }
        changed += _write_due(workspace, Account, batch, customers, policies, default)
    return changed


def _recompute_contacts(
    workspace: Workspace, contacts: QuerySet[Contact], policies: list[CadencePolicy], default: int
) -> int:
    changed = 0
    queryset = contacts.filter(workspace=workspace, erased_at__isnull=True).select_related(
        "account"
    )
    for batch in _chunks(queryset, RECOMPUTE_BATCH):
        own_tags = _tag_ids_by_row(Contact.tags.through, "contact_id", [c.id for c in batch])
        account_ids = [c.account_id for c in batch if c.account_id]
        account_tags = _tag_ids_by_row(Account.tags.through, "account_id", account_ids)
        customers = {}
        for contact in batch:
            account = contact.account
            tag_ids = own_tags.get(contact.id, set())
            if contact.account_id:
                tag_ids = tag_ids | account_tags.get(contact.account_id, set())
            customers[contact.id] = Customer(
                contact.owner_id,
                account.segment if account else "",
                bool(account and account.is_key_account),
                frozenset(tag_ids),
            )
        changed += _write_due(workspace, Contact, batch, customers, policies, default)
    return changed


def _write_due(
    workspace: Workspace,
    model: type[Account] | type[Contact],
    batch: list[Any],
    customers: dict[int, Customer],
    policies: list[CadencePolicy],
    default: int,
) -> int:
    dirty = []
    for row in batch:
        days = cadence_days_for(policies, customers[row.id], default)
        cadence_due, next_due = due_dates(
            last_personal_at=row.last_personal_at,
            created_at=row.created_at,
            cadence_days=days,
            snoozed_until=row.snoozed_until,
            workspace=workspace,
        )
        if (row.cadence_days, row.cadence_due_on, row.next_due_on) != (days, cadence_due, next_due):
            row.cadence_days, row.cadence_due_on, row.next_due_on = days, cadence_due, next_due
            dirty.append(row)
    model.objects.bulk_update(dirty, ["cadence_days", "cadence_due_on", "next_due_on"])
    return len(dirty)


@transaction.atomic
def cadence_policy_save(*, policy: CadencePolicy) -> CadencePolicy:
    """Validate and store a policy, then re-derive every due date of the workspace."""
    policy.full_clean()
    policy.save()
    cadence_recompute(workspace=policy.workspace)
    return policy


@transaction.atomic
def cadence_policy_delete(*, policy: CadencePolicy) -> None:
    """Remove a policy; its customers fall back to the next matching rule."""
    workspace = policy.workspace
    policy.delete()
    cadence_recompute(workspace=workspace)


# --- accounts and contacts ------------------------------------------------------------------


def _assign(instance: Any, fields: dict[str, Any]) -> list[Tag] | None:
    tags: list[Tag] | None = fields.pop("tags", None)
    for name, value in fields.items():
        setattr(instance, name, value)
    return tags


def _check_same_workspace(workspace: Workspace, **related: Any) -> None:
    """Refuse links to another workspace's rows or to people who are not members."""
    errors = {}
    for field, value in related.items():
        if value is None:
            continue
        if isinstance(value, User):
            if not value.memberships.filter(workspace=workspace).exists():
                errors[field] = _("Choose a member of this workspace.")
        elif value.workspace_id != workspace.id:
            errors[field] = _("Choose one from this workspace.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def account_save(
    *, workspace: Workspace, fields: dict[str, Any], account: Account | None = None
) -> Account:
    """Create or update an account; its contacts take over its value and due dates follow."""
    account = account or Account(workspace=workspace)
    tags = _assign(account, dict(fields))
    _check_same_workspace(
        workspace, owner=account.owner, executive_sponsor=account.executive_sponsor
    )
    account.full_clean()
    account.save()
    if tags is not None:
        account.tags.set(tags, through_defaults={"workspace": workspace})
    account.contacts.exclude(value=account.value).update(value=account.value)
    cadence_recompute(
        workspace=workspace,
        accounts=Account.objects.filter(pk=account.pk),
        contacts=account.contacts.all(),
    )
    account.refresh_from_db()
    return account


@transaction.atomic
def contact_require_active(contact: Contact | None) -> None:
    """Erased people are read-only: nothing may be logged, changed or issued for them."""
    if contact is not None and contact.erased_at is not None:
        raise ValidationError(
            {"contact": _("This person's data was erased; the record is read-only.")}
        )


def contact_save(
    *, workspace: Workspace, fields: dict[str, Any], contact: Contact | None = None
) -> Contact:
    """Create or update a contact; it inherits its account's value and, if unset, its owner."""
    contact_require_active(contact)
    contact = contact or Contact(workspace=workspace)
    tags = _assign(contact, dict(fields))
    _check_same_workspace(workspace, account=contact.account, owner=contact.owner)
    if contact.account:
        contact.value = contact.account.value
        if contact.owner_id is None:
            contact.owner_id = contact.account.owner_id
    contact.full_clean()
    contact.save()
    if tags is not None:
        contact.tags.set(tags, through_defaults={"workspace": workspace})
    cadence_recompute(workspace=workspace, contacts=Contact.objects.filter(pk=contact.pk))
    contact.refresh_from_db()
    return contact


# Older dates are typing errors (year 200 for 2020), not history.
EARLIEST_TOUCHPOINT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
TAG_NAME_LENGTH = 60
MAX_TAGS = 50


def tags_from_names(*, workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    """Find or create tags by name, case-insensitively; too long or too many is a field error."""
    wanted: list[str] = []
    for raw in names:
        name = (raw or "").strip()
        if name and name.casefold() not in {w.casefold() for w in wanted}:
            wanted.append(name)
    too_long = [name for name in wanted if len(name) > TAG_NAME_LENGTH]
    if too_long:
        raise ValidationError({"tags": _("A tag can have at most %(count)d characters: %(name)s")
                               % {"count": TAG_NAME_LENGTH, "name": too_long[0][:80]}})  # fmt: skip
    if len(wanted) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(count)d tags.") % {"count": MAX_TAGS}})
    return [_tag(workspace, name) for name in wanted]


def _tag(workspace: Workspace, name: str) -> Tag:
    """The tag of that name; two requests creating it at once both get the one row."""
    tag = Tag.objects.filter(workspace=workspace, name__iexact=name).first()
    if tag is not None:
        return tag
    try:
        with transaction.atomic():
            return Tag.objects.create(workspace=workspace, name=name)
    except IntegrityError:
        return Tag.objects.get(workspace=workspace, name__iexact=name)


# --- touchpoints ----------------------------------------------------------------------------


@transaction.atomic
def touchpoint_log(
    *,
    workspace: Workspace,
    channel: str,
    occurred_at: dt.datetime,
    logged_by: User | None,
    contact: Contact | None = None,
    account: Account | None = None,
    direction: str = Direction.OUTBOUND,
    is_personal: bool = True,
    summary: str = "",
    outcome: str = "",
    participants: Iterable[User] = (),
    source_kind: str = "",
    source_id: int | None = None,
) -> Touchpoint:
    """Record a contact moment; a personal one resets the clock of the contact and account."""
    contact_require_active(contact)
    if contact is not None and account is None:
        account = contact.account
    if channel == Channel.RECORD and not source_kind:
        raise ValidationError({"channel": _("Choose a valid channel.")})
    _check_touchpoint(workspace, contact, account, channel, occurred_at)
    _check_same_workspace(workspace, contact=contact, account=account)
    touchpoint = Touchpoint.objects.create(
        workspace=workspace,
        account=account,
        contact=contact,
        channel=channel,
        direction=direction,
        is_personal=is_personal and channel not in NON_PERSONAL_CHANNELS,
        occurred_at=occurred_at,
        summary=summary,
        outcome=outcome,
        logged_by=logged_by,
        source_kind=source_kind,
        source_id=source_id,
    )
    people = {p.id: p for p in participants}
    if logged_by is not None:
        people.setdefault(logged_by.id, logged_by)
    _check_same_workspace(workspace, **{f"participant_{i}": p for i, p in people.items()})
    touchpoint.participants.set(people.values(), through_defaults={"workspace": workspace})
    if touchpoint.is_personal:
        for row in (contact, account):
            if row is not None:
                personal_contact_record(row=row, occurred_at=occurred_at, workspace=workspace)
    return touchpoint


def _check_touchpoint(
    workspace: Workspace,
    contact: Contact | None,
    account: Account | None,
    channel: str,
    occurred_at: dt.datetime,
) -> None:
    errors = {}
    if contact is None and account is None:
        errors["contact"] = _("Choose a contact or an account.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose a valid channel.")
    if timezone.is_naive(occurred_at):
        errors["occurred_at"] = _("Give the time with its time zone.")
    elif occurred_at > timezone.now() + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("A touchpoint cannot lie in the future.")
    elif occurred_at < EARLIEST_TOUCHPOINT:
        errors["occurred_at"] = _("A touchpoint cannot lie before 1900.")
    if errors:
        raise ValidationError(errors)


def personal_contact_record(
    *, row: Account | Contact, occurred_at: dt.datetime, workspace: Workspace
) -> None:
    """Move the customer's clock forward; an older touchpoint logged late changes nothing."""
    model = type(row)
    current = model.objects.only("cadence_days").get(pk=row.pk)
    cadence_due, next_due = due_dates(
        last_personal_at=occurred_at,
        created_at=occurred_at,
        cadence_days=current.cadence_days,
        snoozed_until=None,
        workspace=workspace,
    )
    model.objects.filter(pk=row.pk).filter(
        Q(last_personal_at__isnull=True) | Q(last_personal_at__lt=occurred_at)
    ).update(
        last_personal_at=occurred_at,
        cadence_due_on=cadence_due,
        next_due_on=next_due,
        snoozed_until=None,
        snooze_reason="",
    )
    row.refresh_from_db()


# --- snooze ---------------------------------------------------------------------------------


@transaction.atomic
def due_snooze(
    *, row: Account | Contact, until: dt.date, reason: str, workspace: Workspace
) -> Account | Contact:
    """Hide a due customer until the date, with a reason the team can read."""
    errors = {}
    if until <= local_today(workspace.zone):
        errors["until"] = _("Snooze until a day after today.")
    if until > local_today(workspace.zone) + dt.timedelta(days=366):
        errors["until"] = _("Snooze for at most a year.")
    if not reason.strip():
        errors["reason"] = _("Say why, so colleagues understand.")
    if errors:
        raise ValidationError(errors)
    model = type(row)
    row = model.objects.select_for_update().get(pk=row.pk)
    if isinstance(row, Contact):
        contact_require_active(row)
    row.snoozed_until = until
    row.snooze_reason = reason.strip()
    row.next_due_on = max(row.cadence_due_on or until, until)
    row.save(update_fields=["snoozed_until", "snooze_reason", "next_due_on", "updated_at"])
    return row


# --- call sheet -----------------------------------------------------------------------------


@dataclass
class CheckinAnswers:
    """What the customer said during the check-in call."""

    wellbeing: str = ""
    address_current: str = CheckinAnswer.UNASKED
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    region: str = ""
    newsletter_wanted: str = CheckinAnswer.UNASKED
    works_from_home: str = CheckinAnswer.UNASKED
    phone: str | None = None
    email: str | None = None
    summary: str = ""
    outcome: str = ""


@transaction.atomic
def call_sheet_submit(
    *, contact: Contact, answers: CheckinAnswers, by: User, occurred_at: dt.datetime | None = None
) -> Touchpoint:
    """Log the call, update master data from the answers and stamp each verified field.

    Steps: apply address/phone/e-mail answers and validate them (nothing is saved if one
    is invalid); stamp verification dates; record a newsletter consent change; log the call.
    """
    now = occurred_at or timezone.now()
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact_require_active(contact)
    _apply_contact_answers(contact, answers, now)
    contact.full_clean()
    contact.save()
    _apply_newsletter_answer(contact, answers.newsletter_wanted, by, now)
    return touchpoint_log(
        workspace=contact.workspace,
        contact=contact,
        channel=Channel.PHONE,
        direction=Direction.OUTBOUND,
        is_personal=True,
        occurred_at=now,
        summary=_call_summary(answers),
        outcome=answers.outcome,
        logged_by=by,
    )


def _apply_contact_answers(contact: Contact, answers: CheckinAnswers, now: dt.datetime) -> None:
    if answers.wellbeing.strip():
        contact.wellbeing_note = answers.wellbeing.strip()
    if answers.address_current == CheckinAnswer.YES:
        contact.address_verified_at = now
    elif answers.address_current == CheckinAnswer.NO:
        for field in ("street", "postal_code", "city", "country", "region"):
            value = getattr(answers, field).strip()
            if value or field == "region":
                setattr(contact, field, value)
        contact.address_verified_at = now
    if answers.works_from_home != CheckinAnswer.UNASKED:
        contact.works_from_home = answers.works_from_home == CheckinAnswer.YES
        contact.works_from_home_verified_at = now
    if answers.phone is not None:
        contact.phone = answers.phone
        contact.phone_verified_at = now
    if answers.email is not None:
        contact.email = answers.email.strip()
        contact.email_verified_at = now
        contact.email_bounced_at = None
    if answers.newsletter_wanted != CheckinAnswer.UNASKED:
        contact.newsletter_verified_at = now


def _apply_newsletter_answer(contact: Contact, answer: str, by: User, now: dt.datetime) -> None:
    if answer == CheckinAnswer.UNASKED:
        return
    wanted = ConsentStatus.GIVEN if answer == CheckinAnswer.YES else ConsentStatus.WITHDRAWN
    consent_record(contact=contact, status=wanted, source=_("check-in call"), by=by, at=now)


def _call_summary(answers: CheckinAnswers) -> str:
    lines = [answers.summary.strip()] if answers.summary.strip() else []
    if answers.wellbeing.strip():
        lines.append(_("How they are: %(note)s") % {"note": answers.wellbeing.strip()})
    labels: dict[str, str] = {CheckinAnswer.YES: _("yes"), CheckinAnswer.NO: _("no")}
    for label, answer in (
        (_("Address still current"), answers.address_current),
        (_("Newsletter wanted"), answers.newsletter_wanted),
        (_("Works from home"), answers.works_from_home),
    ):
        if answer in labels:
            lines.append(f"{label}: {labels[answer]}")
    return "\n".join(lines) or _("Check-in call")


# --- consent --------------------------------------------------------------------------------


def consent_record(
    *, contact: Contact, status: str, source: str, by: User | None, at: dt.datetime | None = None
) -> NewsletterConsent | None:
    """Record a consent change; repeating the current state records nothing."""
    contact_require_active(contact)
    latest = contact.consents.order_by("-recorded_at", "-id").first()
    if latest is not None and latest.status == status:
        return None
    return NewsletterConsent.objects.create(
        workspace=contact.workspace,
        contact=contact,
        status=status,
        recorded_at=at or timezone.now(),
        source=source,
        recorded_by=by,
    )
