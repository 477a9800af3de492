"""Writing an import plan: all rows in one transaction, bulk inserts with COPY or executemany.

A last-contact date from the file becomes a touchpoint of the channel "contact before the
import" (source_kind "import"): it reached the customer, so the cadence clock starts there
and an imported customer is due at last contact + cadence, not on the day of the import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core import registry
from touchbase.core.models import User, Workspace
from touchbase.imports.planner import CONTACT_COLUMNS, ImportPlan
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import (
    ACCOUNT_SEARCHED,
    Account,
    AccountTag,
    Contact,
    ContactTag,
    Tag,
    Touchpoint,
    account_search_text,
    contact_search_text,
)

BATCH = 2000
EARLIEST = dt.datetime(1, 1, 1, tzinfo=dt.UTC)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    merged: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0
    skipped: int = 0  # rows with errors, left out as the user chose
    last_contacts: int = 0  # imported touchpoints


@transaction.atomic
def import_apply(
    *,
    workspace: Workspace,
    plan: ImportPlan,
    by: User | None,
    progress: Callable[[int], None] | None = None,
    skip_errors: bool = False,
) -> ImportResult:
    """Write a plan in one transaction: every importable row, or nothing.

    `by` is the import's default owner: new accounts get it unless the file names an owner,
    contacts get the owner the file names, else their account's, else `by`. Rows with
    errors are never in the plan's rows; without `skip_errors` their presence refuses all.
    New rows get their cadence and due dates computed here, before the bulk insert, so a
    large file costs no second pass; updated rows are re-derived by cadence_recompute.
    """
    from touchbase.relationships.services import cadence_recompute

    if not plan.importable(skip_errors=skip_errors):
        raise ValidationError(_("The file has errors; fix them before importing."))
    result = ImportResult(skipped=len(plan.error_rows))
    cadence = _Cadence(workspace)
    tags = _ensure_tags(workspace, plan)
    accounts = _ensure_accounts(workspace, plan, by, result, cadence)
    account_tags = cadence.account_tag_ids([a.pk for a in accounts.values()])
    creates, updates = [], []
    result.accounts_updated = _update_accounts(workspace, plan)
    for row in plan.rows:
        if not row.contact_fields:
            continue  # a company-only row: its account was created or updated above
        if row.action in ("merged", "unchanged"):
            setattr(result, row.action, getattr(result, row.action) + 1)
            continue
        account = accounts.get(row.account_key)
        if row.action == "create":
            row_tags = {tags[name.casefold()].id for name in row.tags}
            if account is not None:
                row_tags |= account_tags.get(account.pk, set())
            owner_id = row.owner_id or (account.owner_id if account else None) or (
                by.pk if by else None)  # fmt: skip
            days = cadence.days_for(
                owner_id, account.segment if account else "",
                bool(account and account.is_key_account), row_tags,
            )  # fmt: skip
            creates.append((row, account, owner_id, days))
        else:
            fields = {k: v for k, v in row.contact_fields.items() if v != ""}
            updates.append((row, fields, account))
    created = _create_contacts(workspace, creates, cadence, progress)
    updated = _update_contacts(updates, progress)
    _tag_rows(workspace, plan, tags)
    result.created, result.updated = created, len(updated)
    # In batches: SQLite allows only so many parameters in one IN (...).
    for start in range(0, len(updated), BATCH):
        cadence_recompute(
            workspace=workspace,
            contacts=Contact.objects.filter(pk__in=updated[start : start + BATCH]),
        )
    result.last_contacts = _record_last_contacts(workspace, plan, accounts, by, cadence.now)
    # Other apps follow new customers (data care looks for duplicates) without imports
    # knowing them: the browser import and `touchbase import` both pass here.
    for hook in registry.customers_imported:
        hook.run(workspace=workspace)
    return result


def _record_last_contacts(
    workspace: Workspace,
    plan: ImportPlan,
    accounts: dict[str, Account],
    by: User | None,
    now: dt.datetime,
) -> int:
    """The file's last-contact dates as touchpoints; the clocks of existing rows move on.

    New rows got their clock at insert. For an existing customer a date not after their
    last personal contact is history: no touchpoint, so importing again changes nothing.
    """
    from touchbase.relationships.services import personal_contact_record

    dated = [row for row in plan.rows if row.last_contact and row.action != "merged"]
    people = [row.contact_id for row in dated
              if row.contact_id and row.contact_fields and row.action != "create"]  # fmt: skip
    known = dict(Contact.objects.filter(pk__in=people).values_list("pk", "last_personal_at"))
    touchpoints = []
    for row in dated:
        moment = row.last_contact
        assert moment is not None  # dated rows only
        account = accounts.get(row.account_key)
        contact_id = row.contact_id if row.contact_fields else None
        if contact_id is None and account is None:
            continue
        if contact_id is not None and row.action != "create":
            if (known.get(contact_id) or EARLIEST) >= moment:
                continue
            contact = Contact(pk=contact_id, workspace=workspace)
            personal_contact_record(row=contact, occurred_at=moment, workspace=workspace)
        elif (
            contact_id is None
            and account is not None
            and account.created_at != now
            and (account.last_personal_at or EARLIEST) >= moment
        ):
            continue
        if account is not None and account.created_at != now:
            personal_contact_record(row=account, occurred_at=moment, workspace=workspace)
        touchpoints.append(Touchpoint(
            workspace=workspace, contact_id=contact_id, account=account,
            channel=Channel.IMPORTED, is_personal=True, occurred_at=moment, logged_by=by,
            source_kind="import",
        ))  # fmt: skip
    Touchpoint.objects.bulk_create(touchpoints, batch_size=BATCH)
    return len(touchpoints)


def _update_accounts(workspace: Workspace, plan: ImportPlan) -> int:
    """Apply account changes; contacts follow a new value, due dates a new segment or owner."""
    from touchbase.relationships.services import cadence_recompute, search_text_refresh

    searched, renamed = [], []
    for changes in plan.account_updates.values():
        fields = {k: v for k, v in changes.items() if k != "id"}
        Account.objects.filter(pk=changes["id"], workspace=workspace).update(**fields)
        if "value" in fields:
            Contact.objects.filter(account_id=changes["id"]).update(value=fields["value"])
        if ACCOUNT_SEARCHED.intersection(fields):
            searched.append(changes["id"])
        if "name" in fields:
            renamed.append(changes["id"])  # its contacts are found by the account's name
    for start in range(0, len(searched), BATCH):
        search_text_refresh(accounts=Account.objects.filter(pk__in=searched[start : start + BATCH]))
    for start in range(0, len(renamed), BATCH):
        search_text_refresh(
            contacts=Contact.objects.filter(account_id__in=renamed[start : start + BATCH])
        )
    # What cadence policies look at: the due dates of the account and its contacts follow.
    segment_changed = [c["id"] for c in plan.account_updates.values()
                       if {"segment", "is_key_account", "owner_id"} & set(c)]  # fmt: skip
    for start in range(0, len(segment_changed), BATCH):
        ids = segment_changed[start : start + BATCH]
        cadence_recompute(
            workspace=workspace,
            accounts=Account.objects.filter(pk__in=ids),
            contacts=Contact.objects.filter(account_id__in=ids),
        )
    return len(plan.account_updates)


class _Cadence:
    """Due dates for rows that do not exist yet, by the same rules as cadence_recompute."""

    def __init__(self, workspace: Workspace) -> None:
        from touchbase.relationships.services import due_dates, policies_ranked

        self.workspace = workspace
        self.policies = policies_ranked(workspace)
        self.now = timezone.now()
        self.due = due_dates(
            last_personal_at=None, created_at=self.now, cadence_days=0, snoozed_until=None,
            workspace=workspace,
        )  # fmt: skip

    def due_after(self, last_personal_at: dt.datetime, days: int) -> tuple[dt.date, dt.date]:
        """The due dates of a customer last contacted then, as the cadence service sets them."""
        from touchbase.relationships.services import due_dates

        return due_dates(
            last_personal_at=last_personal_at, created_at=self.now, cadence_days=days,
            snoozed_until=None, workspace=self.workspace,
        )  # fmt: skip

    def days_for(
        self, owner_id: int | None, segment: str, is_key_account: bool, tag_ids: set[int]
    ) -> int:
        from touchbase.relationships.services import Customer, cadence_days_for

        customer = Customer(owner_id, segment, is_key_account, frozenset(tag_ids))
        return cadence_days_for(self.policies, customer, self.workspace.default_cadence_days)

    @staticmethod
    def account_tag_ids(account_ids: list[int]) -> dict[int, set[int]]:
        through = AccountTag
        found: dict[int, set[int]] = {}
        for start in range(0, len(account_ids), BATCH):
            pairs = through.objects.filter(account_id__in=account_ids[start : start + BATCH])
            for account_id, tag_id in pairs.values_list("account_id", "tag_id"):
                found.setdefault(account_id, set()).add(tag_id)
        return found


def _ensure_tags(workspace: Workspace, plan: ImportPlan) -> dict[str, Tag]:
    names = {name.casefold(): name for row in plan.rows for name in row.tags}
    tags = {t.name.casefold(): t for t in Tag.objects.filter(workspace=workspace)}
    for key, name in names.items():
        if key not in tags:
            tags[key] = Tag.objects.create(workspace=workspace, name=name)
    return tags


def _ensure_accounts(workspace, plan, by, result, cadence) -> dict[str, Account]:  # type: ignore[no-untyped-def]
    """Existing accounts by name; missing ones are created with the values of their rows.

    A new account takes the first owner its rows name (else `by`), the notes of all its
    rows, and its clock from the latest last-contact date among them.
    """
    wanted = _wanted_accounts(plan)
    if not wanted:
        return {}
    existing = {a.name.casefold(): a for a in Account.objects.filter(workspace=workspace)}
    default_owner = by.pk if by else None
    new = []
    for key, fields in wanted.items():
        if key in existing:
            continue
        last = fields.pop("last_personal_at", None)
        owner_id = fields.pop("owner_id", None) or default_owner
        days = cadence.days_for(owner_id, fields.get("segment", ""),
                                bool(fields.get("is_key_account")), set())  # fmt: skip
        due = cadence.due if last is None else cadence.due_after(last, days)
        new.append({
            **ACCOUNT_DEFAULTS, "country": workspace.home_country, "value": 0, **fields,
            "workspace_id": workspace.pk, "owner_id": owner_id, "cadence_due_on": due[0],
            "cadence_days": days, "next_due_on": due[1], "last_personal_at": last,
            "created_at": cadence.now, "updated_at": cadence.now,
            "search_text": account_search_text(
                name=fields["name"], email=fields.get("email", ""),
                phone=fields.get("phone", ""), city=fields.get("city", "")),
        })  # fmt: skip
    for start in range(0, len(new), BATCH):
        insert_many(Account, new[start : start + BATCH])
    result.accounts_created = len(new)
    created = Account.objects.filter(workspace=workspace, created_at=cadence.now)
    existing.update({a.name.casefold(): a for a in created})
    return {key: existing[key] for key in wanted}


def _wanted_accounts(plan: ImportPlan) -> dict[str, dict[str, Any]]:
    """Each account the rows name, with the values its rows bring (first one wins)."""
    wanted: dict[str, dict[str, Any]] = {}
    for row in plan.rows:
        if not row.account_key:
            continue
        fields = wanted.setdefault(row.account_key, {"name": row.account_fields["name"]})
        for name, value in row.account_fields.items():
            if name == "notes" and value and value not in fields.get("notes", ""):
                fields["notes"] = "\n\n".join(filter(None, [fields.get("notes", ""), value]))
            elif name == "is_key_account":
                fields[name] = fields.get(name, False) or value  # one row saying so is enough
            elif value not in ("", None):
                fields.setdefault(name, value)
        if row.owner_id:
            fields.setdefault("owner_id", row.owner_id)
        if row.last_contact and row.action != "merged":
            latest = fields.get("last_personal_at", row.last_contact)
            fields["last_personal_at"] = max(row.last_contact, latest)
    return wanted


# Raw inserts skip model defaults: every NOT NULL column without a value from the file is here.
CREATE_DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(
        [*CONTACT_COLUMNS, "preferred_channel", "wellbeing_note", "snooze_reason", "notes"], ""
    ),
    # A row without a country gets the workspace's home country where it is created.
    "language": "de", "attempts": 0,
}  # fmt: skip
ACCOUNT_DEFAULTS_TEXT = dict.fromkeys(
    ["street", "postal_code", "city", "region", "segment", "phone", "email", "website",
     "notes", "snooze_reason"], "",
)  # fmt: skip
ACCOUNT_DEFAULTS: dict[str, Any] = {**ACCOUNT_DEFAULTS_TEXT, "language": "de",
                                     "is_key_account": False, "attempts": 0}  # fmt: skip


def _contact_values(workspace, create, cadence) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    row, account, owner_id, days = create
    last = row.last_contact
    due = cadence.due if last is None else cadence.due_after(last, days)
    fields = row.contact_fields
    text = contact_search_text(
        first_name=fields.get("first_name", ""), last_name=fields.get("last_name", ""),
        email=fields.get("email", ""), phone=fields.get("phone", ""),
        mobile=fields.get("mobile", ""), city=fields.get("city", ""),
        account_name=account.name if account else "",
    )  # fmt: skip
    return {
        **CREATE_DEFAULTS, "country": workspace.home_country, **row.contact_fields,
        "workspace_id": workspace.pk,
        "account_id": account.pk if account else None, "owner_id": owner_id,
        "value": account.value if account else 0, "cadence_days": days,
        "cadence_due_on": due[0], "next_due_on": due[1], "last_personal_at": last,
        "created_at": cadence.now, "updated_at": cadence.now, "search_text": text,
    }  # fmt: skip


def _create_contacts(workspace, creates, cadence, progress) -> int:  # type: ignore[no-untyped-def]
    """Insert new contacts in bulk and give each planned row its new id."""
    if not creates:
        return 0
    for start in range(0, len(creates), BATCH):
        batch = [_contact_values(workspace, c, cadence) for c in creates[start : start + BATCH]]
        insert_many(Contact, batch)
        if progress:
            progress(len(batch))
    new_ids = Contact.objects.filter(workspace=workspace, created_at=cadence.now).order_by("id")
    for (row, *_rest), contact_id in zip(
        creates, new_ids.values_list("id", flat=True).iterator(), strict=True
    ):
        row.contact_id = contact_id
    return len(creates)


def insert_many(model: type[Account] | type[Contact], rows: list[dict[str, Any]]) -> None:
    """Insert rows given as {column: value}: COPY on PostgreSQL, executemany elsewhere.

    Django's bulk_create spent 80 % of an import assembling SQL for 100,000 rows; these
    two do the same in a fraction (bench/RESULTS.md). Values are prepared by the model's
    own fields, once per distinct non-text value.
    """
    if not rows:
        return
    columns = list(rows[0])
    fields = [_concrete(model, column) for column in columns]
    prepared: dict[tuple[int, object], object] = {}

    def prep(index: int, value: object) -> object:
        if value is None or isinstance(value, str | int):
            return value
        key = (index, value)
        if key not in prepared:
            prepared[key] = fields[index].get_db_prep_save(value, connection)
        return prepared[key]

    quote = connection.ops.quote_name
    names = ", ".join(quote(str(field.column)) for field in fields)
    table = quote(model._meta.db_table)
    values: list[list[Any]] = [[prep(i, row[c]) for i, c in enumerate(columns)] for row in rows]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)


def _concrete(model: type[Account] | type[Contact], column: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(_field_name(column))
    assert isinstance(field, models.Field)  # every column written here is a concrete field
    return field


def _field_name(column: str) -> str:
    return column.removesuffix("_id") if column.endswith("_id") else column


def _update_contacts(updates, progress) -> list[int]:  # type: ignore[no-untyped-def]
    ids = [row.contact_id for row, _fields, _account in updates]
    # The account comes along: its name is part of each contact's search text.
    current = Contact.objects.select_related("account").in_bulk(ids)
    changed_fields: set[str] = set()
    dirty = []
    for row, fields, account in updates:
        contact = current[row.contact_id]
        for name, value in fields.items():
            if name == "notes":
                if value in contact.notes:
                    continue
                value = "\n".join(filter(None, [contact.notes, value]))
            setattr(contact, name, value)
            changed_fields.add(name)
        if account is not None and contact.account_id is None:
            contact.account = account
            changed_fields.add("account")
        contact.search_text = contact_search_text(
            first_name=contact.first_name, last_name=contact.last_name, email=contact.email,
            phone=contact.phone, mobile=contact.mobile, city=contact.city,
            account_name=contact.account.name if contact.account else "",
            is_erased=contact.erased_at is not None,
        )  # fmt: skip
        dirty.append(contact)
    changed_fields.add("search_text")
    if dirty:
        Contact.objects.bulk_update(dirty, sorted(changed_fields), batch_size=BATCH)
        if progress:
            progress(len(dirty))
    return ids


def _tag_rows(workspace: Workspace, plan: ImportPlan, tags: dict[str, Tag]) -> None:
    through = ContactTag
    links = {
        (row.contact_id, tags[name.casefold()].id)
        for row in plan.rows if row.contact_id and row.action != "merged"
        for name in row.tags
    }  # fmt: skip
    through.objects.bulk_create(
        [through(contact_id=c, tag_id=t, workspace=workspace) for c, t in links],
        batch_size=BATCH,
        ignore_conflicts=True,
    )  # fmt: skip
