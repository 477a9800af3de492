"""References in request bodies: members and accounts of the workspace, nulls, tags."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from touchbase.core.api.refs import Id
from touchbase.core.models import User
from touchbase.core.requests import MemberRequest
from touchbase.relationships import selectors, services
from touchbase.relationships.models import Account, Contact


def _member(request: MemberRequest, user_id: Id | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = selectors.members(workspace=request.workspace).filter(pk=user_id).first()
    if user is None:
        raise ValidationError({field: _("Choose a member of this workspace.")})
    return user


def _account_ref(request: MemberRequest, account_id: Id | None, field: str) -> Account | None:
    if account_id is None:
        return None
    account = Account.objects.filter(pk=account_id, workspace=request.workspace).first()
    if account is None:
        raise ValidationError({field: "No such account in this workspace."})
    return account


def _without_nulls(model: type[Account] | type[Contact], data: dict[str, Any]) -> dict[str, Any]:
    """An explicit null clears an optional text field and is refused for a required one."""
    fields, errors = dict(data), {}
    for name, value in data.items():
        if value is not None or name in ("tags",) or name.endswith("_id"):
            continue
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)  # a schema field names a model's own field
        if field.null:
            continue
        if field.blank:
            fields[name] = ""
        else:
            errors[name] = _("This field cannot be empty.")
    if errors:
        raise ValidationError(errors)
    return fields


def _account_fields(request: MemberRequest, data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    if "owner_id" in fields:
        fields["owner"] = _member(request, fields.pop("owner_id"), "owner_id")
    if "executive_sponsor_id" in fields:
        fields["executive_sponsor"] = _member(
            request, fields.pop("executive_sponsor_id"), "executive_sponsor_id"
        )
    if "account_id" in fields:
        fields["account"] = _account_ref(request, fields.pop("account_id"), "account_id")
    if fields.get("tags") is not None:
        fields["tags"] = services.tags_from_names(workspace=request.workspace, names=fields["tags"])
    elif "tags" in fields:
        fields.pop("tags")
    return fields
