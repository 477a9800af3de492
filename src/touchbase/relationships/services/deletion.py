"""Deleting accounts, contacts and touchpoints: recorded, and every clock it touched re-derived.

Deleting loses data, so the screens confirm first and name what goes along (see README,
"Undo or confirm"). Who may delete: members who may delete customers (owners and leaders)
delete anything; staff delete the touchpoints they logged themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, role_has
from touchbase.core.models import Membership, User, Workspace
from touchbase.relationships.choices import UNREACHED_OUTCOMES, DeletedKind
from touchbase.relationships.models import (
    REACHED,
    Account,
    Contact,
    DeletionRecord,
    Touchpoint,
)
from touchbase.relationships.services.cadence import cadence_recompute


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting a row takes along, for the confirm page and the record."""

    contacts: int = 0
    touchpoints: int = 0
    # A deleted person's touchpoints with their account stay on the account's timeline.
    kept_touchpoints: int = 0


def _role(workspace_id: int, user: User) -> str:
    role = (
        Membership.objects.filter(workspace_id=workspace_id, user=user)
        .values_list("role", flat=True)
        .first()
    )
    return role or ""


def _require(workspace_id: int, user: User, capability: Capability) -> None:
    if not role_has(_role(workspace_id, user), capability):
        raise PermissionDenied(_("Your role does not allow this."))


def touchpoint_deletable(*, touchpoint: Touchpoint, user: User) -> bool:
    """Whether the member may delete this touchpoint: any with the capability, else their own."""
    role = _role(touchpoint.workspace_id, user)
    if role_has(role, Capability.CRM_DELETE):
        return True
    return role_has(role, Capability.CRM_EDIT) and touchpoint.logged_by_id == user.pk


def touchpoint_moves_due_date(touchpoint: Touchpoint) -> bool:
    """Whether deleting it can change a due date: only personal ones set the clock.

    A newsletter, mailing or webinar (or a record from another app) never did, so its
    deletion leaves every due date as it was.
    """
    return touchpoint.is_personal


def _account_touchpoints(account: Account) -> Q:
    """Its timeline, and its people's touchpoints that name no account (logged before they
    joined it); what its people did at another account stays on that account's timeline."""
    return Q(account=account) | Q(contact__account=account, account__isnull=True)


def account_delete_preview(*, account: Account) -> DeletionPreview:
    """How many contacts and touchpoints go with the account."""
    return DeletionPreview(
        contacts=Contact.objects.filter(account=account).count(),
        touchpoints=Touchpoint.objects.filter(_account_touchpoints(account)).count(),
    )


def contact_delete_preview(*, contact: Contact) -> DeletionPreview:
    """How many of the person's touchpoints go, and how many stay with their account."""
    own = Touchpoint.objects.filter(contact=contact)
    return DeletionPreview(
        touchpoints=own.filter(account__isnull=True).count(),
        kept_touchpoints=own.filter(account__isnull=False).count(),
    )


def _record(
    workspace_id: int, kind: str, object_id: int, by: User, name: str = "", **counts: int
) -> DeletionRecord:
    return DeletionRecord.objects.create(
        workspace_id=workspace_id, kind=kind, object_id=object_id, name=name[:200],
        counts=counts, deleted_by=by,
    )  # fmt: skip


@transaction.atomic
def account_delete(*, account: Account, by: User) -> DeletionRecord:
    """Delete an account with its contacts and every touchpoint on its timeline.

    A touchpoint one of its people had at another account stays there, without the person.
    Vouchers issued to it or its people stay (they are money) without a customer.
    """
    _require(account.workspace_id, by, Capability.CRM_DELETE)
    account = Account.objects.select_for_update().get(pk=account.pk)
    preview = account_delete_preview(account=account)
    # People who have moved on to another company lose what they said here: their clocks too.
    moved_on = set(
        Touchpoint.objects.filter(_account_touchpoints(account))
        .exclude(contact=None)
        .exclude(contact__account=account)
        .values_list("contact_id", flat=True)
    )
    Touchpoint.objects.filter(_account_touchpoints(account)).delete()
    Touchpoint.objects.filter(contact__account=account).update(contact=None)
    Contact.objects.filter(account=account).delete()
    cadence_state_rederive(workspace=account.workspace, contact_ids=moved_on)
    record = _record(
        account.workspace_id, DeletedKind.ACCOUNT, account.pk, by, name=account.name,
        contacts=preview.contacts, touchpoints=preview.touchpoints,
    )  # fmt: skip
    account.delete()
    return record


@transaction.atomic
def contact_delete(*, contact: Contact, by: User) -> DeletionRecord:
    """Delete a person; what they said to their account stays on the account's timeline.

    Their touchpoints without an account go with them; the others lose only the person,
    so the account's history and its clock stay as they were. The account is re-derived all
    the same, so it is right even if it was not before.
    """
    _require(contact.workspace_id, by, Capability.CRM_DELETE)
    contact = Contact.objects.select_for_update().select_related("workspace").get(pk=contact.pk)
    preview = contact_delete_preview(contact=contact)
    own = Touchpoint.objects.filter(contact=contact)
    accounts = set(own.exclude(account=None).values_list("account_id", flat=True))
    if contact.account_id:
        accounts.add(contact.account_id)
    own.filter(account__isnull=True).delete()
    own.update(contact=None)
    record = _record(
        contact.workspace_id, DeletedKind.CONTACT, contact.pk, by,
        touchpoints=preview.touchpoints, kept_touchpoints=preview.kept_touchpoints,
    )  # fmt: skip
    contact.delete()
    cadence_state_rederive(workspace=contact.workspace, account_ids=accounts)
    return record


@transaction.atomic
def touchpoint_delete(*, touchpoint: Touchpoint, by: User) -> DeletionRecord:
    """Delete one touchpoint; its contact and account are due again as if it never happened."""
    if not touchpoint_deletable(touchpoint=touchpoint, user=by):
        raise PermissionDenied(_("You may delete only the touchpoints you logged yourself."))
    touchpoint = Touchpoint.objects.select_related("workspace").get(pk=touchpoint.pk)
    account_ids = [touchpoint.account_id] if touchpoint.account_id else []
    contact_ids = [touchpoint.contact_id] if touchpoint.contact_id else []
    record = _record(touchpoint.workspace_id, DeletedKind.TOUCHPOINT, touchpoint.pk, by)
    touchpoint.delete()
    cadence_state_rederive(
        workspace=touchpoint.workspace, account_ids=account_ids, contact_ids=contact_ids
    )
    return record


def cadence_state_rederive(
    *, workspace: Workspace, account_ids: Iterable[int] = (), contact_ids: Iterable[int] = ()
) -> None:
    """Derive each row's clock again from the touchpoints it still has.

    Steps: the last personal contact is the latest touchpoint that reached the customer; the
    attempts are the personal ones after it that did not; a running snooze stays (only a new
    touchpoint ends one); then the cadence gives both due dates.
    """
    for model, column, ids in (
        (Account, "account_id", set(account_ids)),
        (Contact, "contact_id", set(contact_ids)),
    ):
        if not ids:
            continue
        for row_id in ids:
            _rederive_one(model, column, row_id)
        rows = model.objects.filter(workspace=workspace, pk__in=ids)
        if model is Account:
            cadence_recompute(workspace=workspace, accounts=rows)  # type: ignore[arg-type]
        else:
            cadence_recompute(workspace=workspace, contacts=rows)  # type: ignore[arg-type]


def _rederive_one(model: type[Account] | type[Contact], column: str, row_id: int) -> None:
    touchpoints = Touchpoint.objects.filter(**{column: row_id})
    last = touchpoints.filter(REACHED).aggregate(last=Max("occurred_at"))["last"]
    tries = touchpoints.filter(is_personal=True, outcome__in=sorted(UNREACHED_OUTCOMES))
    if last is not None:
        tries = tries.filter(occurred_at__gt=last)
    summary = tries.aggregate(last=Max("occurred_at"))
    model.objects.filter(pk=row_id).update(
        last_personal_at=last, attempts=tries.count(), last_attempt_at=summary["last"]
    )
