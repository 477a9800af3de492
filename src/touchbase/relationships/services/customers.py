"""Writes of accounts, contacts and tags; erased people stay read-only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import User, Workspace
from touchbase.relationships.models import (
    Account,
    Contact,
    Tag,
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
