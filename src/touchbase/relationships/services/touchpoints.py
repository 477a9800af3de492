"""Touchpoints: every customer moment through one service; personal ones reset the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.models import User, Workspace
from touchbase.core.timeutil import local_today
from touchbase.relationships.choices import (
    NON_PERSONAL_CHANNELS,
    SOURCE_CHANNELS,
    Channel,
    Direction,
)
from touchbase.relationships.models import (
    Account,
    Contact,
    Touchpoint,
)
from touchbase.relationships.services.cadence import due_dates
from touchbase.relationships.services.customers import _check_same_workspace, contact_require_active

# Older dates are typing errors (year 200 for 2020), not history.
EARLIEST_TOUCHPOINT = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


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
    answers: dict[str, str] | None = None,
    outcome: str = "",
    participants: Iterable[User] = (),
    source_kind: str = "",
    source_id: int | None = None,
    follow_up_on: dt.date | None = None,
) -> Touchpoint:
    """Record a contact moment; one that reached the customer resets their clock.

    A call nobody answered is an attempt: the customer stays due, the attempt is counted,
    and with a follow-up date they are snoozed until then to be tried again.
    """
    contact_require_active(contact)
    if contact is not None and account is None:
        account = contact.account
    if channel in SOURCE_CHANNELS and not source_kind:
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
        answers=answers or {},
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
    for row in (contact, account):
        if row is None or not touchpoint.is_personal:
            continue
        if touchpoint.is_attempt:
            attempt_record(row=row, occurred_at=occurred_at)
        else:
            personal_contact_record(row=row, occurred_at=occurred_at, workspace=workspace)
    if follow_up_on is not None:
        _follow_up(touchpoint, follow_up_on, contact or account, workspace)
    return touchpoint


def _follow_up(
    touchpoint: Touchpoint, day: dt.date, row: Account | Contact | None, workspace: Workspace
) -> None:
    """After an unanswered call, keep the customer aside until the day to try again."""
    if row is None or not touchpoint.is_attempt:
        raise ValidationError({"follow_up_on": _("A follow-up date is for calls nobody answered.")})
    today = local_today(workspace.zone)
    # Checked here, in follow-up words: the snooze's own messages speak of snoozing.
    if day <= today:
        raise ValidationError({"follow_up_on": _("Choose a day after today for the follow-up.")})
    if day > today + dt.timedelta(days=366):
        raise ValidationError({"follow_up_on": _("Choose a follow-up within a year.")})
    try:
        due_snooze(row=row, until=day, reason=_("No answer: try again"), workspace=workspace)
    except ValidationError as error:
        raise ValidationError({"follow_up_on": error.message_dict.get("until", [])}) from error


def attempt_record(*, row: Account | Contact, occurred_at: dt.datetime) -> None:
    """Count a try that did not reach the customer; they stay due, the due list shows it.

    Only attempts after the last personal contact count; an attempt logged late for a day
    before that contact is history and changes nothing.
    """
    model = type(row)
    model.objects.filter(pk=row.pk).filter(
        Q(last_personal_at__isnull=True) | Q(last_personal_at__lt=occurred_at)
    ).update(
        attempts=F("attempts") + 1,
        last_attempt_at=Greatest(
            Coalesce("last_attempt_at", Value(occurred_at)), Value(occurred_at)
        ),
    )
    row.refresh_from_db()


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
        attempts=0,
        last_attempt_at=None,
    )
    row.refresh_from_db()


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


def _snooze_set(row: Account | Contact, until: dt.date | None, reason: str) -> Account | Contact:
    row.snoozed_until = until
    row.snooze_reason = reason
    row.next_due_on = max(row.cadence_due_on or until, until) if until else row.cadence_due_on
    row.save(update_fields=["snoozed_until", "snooze_reason", "next_due_on", "updated_at"])
    return row


@transaction.atomic
def due_unsnooze(*, row: Account | Contact, workspace: Workspace) -> Account | Contact:
    """End a snooze now: the customer is due again by their cadence."""
    row = type(row).objects.select_for_update().get(pk=row.pk, workspace=workspace)
    if isinstance(row, Contact):
        contact_require_active(row)
    return _snooze_set(row, None, "")


@transaction.atomic
def due_snooze_undo(
    *,
    row: Account | Contact,
    snoozed_until: dt.date,
    previous_until: dt.date | None,
    previous_reason: str,
    workspace: Workspace,
) -> Account | Contact:
    """Take back a snooze just made: the state before it returns, unless it changed since."""
    row = type(row).objects.select_for_update().get(pk=row.pk, workspace=workspace)
    if row.snoozed_until != snoozed_until:
        # A touchpoint ended the snooze, or someone snoozed again: that stays.
        raise ValidationError({"until": _("This changed since; there is nothing to undo.")})
    return _snooze_set(row, previous_until, previous_reason if previous_until else "")
