"""Cadence: which policy applies, when each customer is due, and recomputing due dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from touchbase.core.bulk import batched
from touchbase.core.models import Workspace
from touchbase.relationships.choices import (
    SCOPE_SPECIFICITY,
    PolicyScope,
)
from touchbase.relationships.models import (
    SCOPE_TARGET_FIELDS,
    Account,
    CadencePolicy,
    Contact,
)
from touchbase.relationships.selectors import policy_same_target

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
    for batch in batched(queryset=accounts.filter(workspace=workspace), size=RECOMPUTE_BATCH):
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
    for batch in batched(queryset=queryset, size=RECOMPUTE_BATCH):
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
    """Validate and store a policy, then re-derive every due date of the workspace.

    One rule per scope and target: a second rule for the same customers is refused, naming
    the existing one, on the field that picks the target.
    """
    policy.full_clean(validate_constraints=False)
    twin = policy_same_target(policy=policy)
    if twin is not None:
        raise ValidationError({target_field(policy.scope): _duplicate_message(twin)})
    policy.validate_constraints()
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError as error:  # a rule for the same target saved a moment ago
        raise ValidationError({target_field(policy.scope): _duplicate_message(None)}) from error
    cadence_recompute(workspace=policy.workspace)
    return policy


def target_field(scope: str) -> str:
    """The field that picks the rule's customers: its owner, segment or tag, else the scope."""
    return SCOPE_TARGET_FIELDS.get(PolicyScope(scope), "scope")


def _duplicate_message(twin: CadencePolicy | None) -> str:
    if twin is None:
        return _("A rule for these customers exists already.")
    return ngettext(
        "The rule “%(name)s” (every %(days)s day) already applies to these customers: "
        "change that rule instead.",
        "The rule “%(name)s” (every %(days)s days) already applies to these customers: "
        "change that rule instead.",
        twin.interval_days,
    ) % {"name": twin.name, "days": twin.interval_days}


@transaction.atomic
def cadence_policy_delete(*, policy: CadencePolicy) -> None:
    """Remove a policy; its customers fall back to the next matching rule."""
    workspace = policy.workspace
    policy.delete()
    cadence_recompute(workspace=workspace)
