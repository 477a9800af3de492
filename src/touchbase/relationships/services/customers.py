"""Writes of accounts, contacts and tags; erased people stay read-only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import User, Workspace
from touchbase.relationships.models import (
    Account,
    Contact,
    Tag,
    account_search_text,
    contact_search_text,
)
from touchbase.relationships.services.cadence import cadence_recompute


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
            # Helpers and community managers never own or take part in customer work.
            crm_roles = roles_with(Capability.CRM_VIEW)
            if not value.memberships.filter(workspace=workspace, role__in=crm_roles).exists():
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
    # A row given no country lies in the home country: its address and its phone numbers.
    account = account or Account(workspace=workspace, country=workspace.home_country)
    name_before = account.name
    tags = _assign(account, dict(fields))
    account.country = account.country or workspace.home_country
    _check_same_workspace(
        workspace, owner=account.owner, executive_sponsor=account.executive_sponsor
    )
    account.full_clean()
    account.save()
    if tags is not None:
        account.tags.set(tags, through_defaults={"workspace": workspace})
    account.contacts.exclude(value=account.value).update(value=account.value)
    if account.name != name_before:
        search_text_refresh(contacts=account.contacts.all())
    cadence_recompute(
        workspace=workspace,
        accounts=Account.objects.filter(pk=account.pk),
        contacts=account.contacts.all(),
    )
    account.refresh_from_db()
    return account


def contact_require_active(contact: Contact | None) -> None:
    """Erased people are read-only: nothing may be logged, changed or issued for them."""
    if contact is not None and contact.erased_at is not None:
        raise ValidationError(
            {"contact": _("This person's data was erased; the record is read-only.")}
        )


@transaction.atomic
def contact_save(
    *, workspace: Workspace, fields: dict[str, Any], contact: Contact | None = None
) -> Contact:
    """Create or update a contact; it inherits its account's value and, if unset, its owner."""
    contact_require_active(contact)
    # A row given no country lies in the home country: its address and its phone numbers.
    contact = contact or Contact(workspace=workspace, country=workspace.home_country)
    tags = _assign(contact, dict(fields))
    contact.country = contact.country or workspace.home_country
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


@transaction.atomic
def customers_release(*, workspace: Workspace, user: User) -> int:
    """Take away a person's ownership and sponsorships in the workspace; the team covers them.

    Their customers show up unowned on the team's due list instead of on a list nobody reads.
    """
    released = 0
    for model in (Account, Contact):
        released += model.objects.filter(workspace=workspace, owner=user).update(owner=None)
    Account.objects.filter(workspace=workspace, executive_sponsor=user).update(
        executive_sponsor=None
    )
    return released


SEARCH_BATCH = 2000


def search_text_refresh(
    *, contacts: QuerySet[Contact] | None = None, accounts: QuerySet[Account] | None = None
) -> int:
    """Rewrite the search text of rows changed in bulk (update(), raw inserts); returns a count.

    save() keeps a row's search text; this is for writes that bypass it, and for the contacts
    of a renamed account, whose search text holds the account's name.
    """
    written = 0
    if contacts is not None:
        rows = contacts.values_list(
            "id", "first_name", "last_name", "email", "phone", "mobile", "city",
            "account__name", "erased_at",
        ).order_by()  # fmt: skip
        written += _write_search_texts(Contact, (
            (contact_search_text(
                first_name=first, last_name=last, email=email, phone=phone, mobile=mobile,
                city=city, account_name=account or "", is_erased=erased is not None), pk)
            for pk, first, last, email, phone, mobile, city, account, erased in list(rows)
        ))  # fmt: skip
    if accounts is not None:
        account_rows = accounts.values_list("id", "name", "email", "phone", "city").order_by()
        written += _write_search_texts(Account, (
            (account_search_text(name=name, email=email, phone=phone, city=city), pk)
            for pk, name, email, phone, city in list(account_rows)
        ))  # fmt: skip
    return written


def _write_search_texts(model: type[Account] | type[Contact], pairs: Iterable[Any]) -> int:
    """UPDATE … SET search_text by id, in batches; a bulk_update's CASE is slower at scale."""
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"UPDATE {table} SET search_text = %s WHERE id = %s"
    batch: list[tuple[str, int]] = []
    written = 0
    with connection.cursor() as cursor:
        for pair in pairs:
            batch.append(pair)
            if len(batch) == SEARCH_BATCH:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
    return written + len(batch)
