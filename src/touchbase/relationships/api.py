"""API endpoints for accounts, contacts, touchpoints, the due list, cadence and the team view."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, create_model, field_validator

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.models import User
from touchbase.core.requests import MemberRequest
from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors, services
from touchbase.relationships.choices import (
    Channel,
    CheckinAnswer,
    Direction,
    DueKind,
    Outcome,
    PolicyScope,
)
from touchbase.relationships.models import Account, CadencePolicy, Contact, Touchpoint

router = Router(tags=["relationships"])


# --- schemas --------------------------------------------------------------------------------


class CadenceOut(BaseModel):
    # Plain pydantic models for the hot list outputs: ninja's Schema wraps every object in
    # a getter, which cost more than the query itself at 50 rows (see bench/RESULTS.md).
    model_config = ConfigDict(from_attributes=True)

    cadence_days: int
    last_personal_at: dt.datetime | None
    cadence_due_on: dt.date | None
    next_due_on: dt.date | None
    snoozed_until: dt.date | None
    snooze_reason: str


class AddressIn(Schema):
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = "DE"
    region: str = ""


class AccountIn(AddressIn):
    name: str = Field(..., min_length=1, max_length=200)
    segment: str = ""
    is_key_account: bool = False
    owner_id: Id | None = None
    executive_sponsor_id: Id | None = None
    value: int = Field(0, ge=0)
    phone: str = ""
    email: str = ""
    website: str = ""
    language: str = "de"
    notes: str = ""
    tags: list[str] = []


class AccountPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    segment: str | None = None
    is_key_account: bool | None = None
    owner_id: Id | None = None
    executive_sponsor_id: Id | None = None
    value: int | None = Field(None, ge=0)
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    region: str | None = None
    language: str | None = None
    notes: str | None = None
    tags: list[str] | None = None


class AccountOut(CadenceOut):
    id: int
    name: str
    segment: str
    is_key_account: bool
    owner_id: Id | None
    executive_sponsor_id: Id | None
    value: int
    phone: str
    email: str
    website: str
    street: str
    postal_code: str
    city: str
    country: str
    region: str
    language: str
    notes: str
    tags: list[str]

    @field_validator("tags", mode="before")
    @classmethod
    def tag_names(cls, value: Any) -> Any:
        """Accounts arrive as model objects: their tags as a related manager."""
        return [tag.name for tag in value.all()] if hasattr(value, "all") else value


class ContactIn(AddressIn):
    first_name: str = ""
    last_name: str = Field(..., min_length=1, max_length=100)
    account_id: Id | None = None
    job_title: str = ""
    owner_id: Id | None = None
    email: str = ""
    phone: str = ""
    mobile: str = ""
    language: str = "de"
    preferred_channel: str = ""
    tags: list[str] = []


class ContactPatch(Schema):
    first_name: str | None = None
    last_name: str | None = Field(None, min_length=1, max_length=100)
    account_id: Id | None = None
    job_title: str | None = None
    owner_id: Id | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    language: str | None = None
    preferred_channel: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    region: str | None = None
    tags: list[str] | None = None


class ContactOut(CadenceOut):
    id: int
    first_name: str
    last_name: str
    account_id: Id | None
    account_name: str | None = None
    job_title: str
    owner_id: Id | None
    email: str
    phone: str
    mobile: str
    language: str
    preferred_channel: str
    street: str
    postal_code: str
    city: str
    country: str
    region: str
    value: int
    works_from_home: bool | None
    address_verified_at: dt.datetime | None
    phone_verified_at: dt.datetime | None
    email_verified_at: dt.datetime | None
    newsletter_verified_at: dt.datetime | None
    works_from_home_verified_at: dt.datetime | None


class TouchpointIn(Schema):
    contact_id: Id | None = None
    account_id: Id | None = None
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    is_personal: bool = True
    occurred_at: dt.datetime
    summary: str = ""
    outcome: Outcome = Outcome.NONE
    participant_ids: list[int] = []


class TouchpointOut(Schema):
    id: int
    contact_id: Id | None
    account_id: Id | None
    channel: str
    direction: str
    is_personal: bool
    occurred_at: dt.datetime
    summary: str
    outcome: str
    participant_ids: list[int]
    logged_by_id: Id | None

    @staticmethod
    def resolve_participant_ids(obj: Any) -> list[int]:
        return [person.id for person in obj.participants.all()]


class DueItemOut(Schema):
    kind: str
    id: int
    name: str
    account_name: str
    next_due_on: dt.date
    days_overdue: int
    value: int
    last_personal_at: dt.datetime | None
    snooze_reason: str
    owner_name: str


class SnoozeIn(Schema):
    until: dt.date
    reason: str


class PolicyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    scope: PolicyScope
    interval_days: int = Field(..., ge=1, le=3650)
    owner_id: Id | None = None
    segment: str = ""
    tag: str = ""


class PolicyOut(Schema):
    id: int
    name: str
    scope: str
    interval_days: int
    owner_id: Id | None
    segment: str
    tag: str | None = Field(None, alias="tag.name")


class CallSheetIn(Schema):
    wellbeing: str = ""
    address_current: CheckinAnswer = CheckinAnswer.UNASKED
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    region: str = ""
    newsletter_wanted: CheckinAnswer = CheckinAnswer.UNASKED
    works_from_home: CheckinAnswer = CheckinAnswer.UNASKED
    phone: str | None = None
    email: str | None = None
    summary: str = ""
    outcome: Outcome = Outcome.NONE


class CoverageOut(Schema):
    label: str
    total: int
    covered: int
    overdue: int
    percent: int


class KeyAccountOut(Schema):
    account_id: Id
    account_name: str
    executive_sponsor_id: Id | None
    leader_name: str
    touched_at: dt.datetime | None


class TeamOut(Schema):
    accounts_by_owner: list[CoverageOut]
    accounts_by_segment: list[CoverageOut]
    contacts_by_owner: list[CoverageOut]
    key_accounts: list[KeyAccountOut]


def page_of(schema: type[BaseModel]) -> type[BaseModel]:
    """A page schema: the items and the offset of the next page, if any."""
    # The item schema is a value here, so mypy cannot take list[schema] for a type.
    return create_model(f"{schema.__name__}Page", items=(list[schema], ...),  # type: ignore[valid-type]
                        next_offset=(int | None, None))  # fmt: skip


AccountPage = page_of(AccountOut)
ContactPage = page_of(ContactOut)
TouchpointPage = page_of(TouchpointOut)
DuePage = page_of(DueItemOut)
PolicyPage = page_of(PolicyOut)


# --- helpers --------------------------------------------------------------------------------


def _member(request: MemberRequest, user_id: Id | None, field: str) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, memberships__workspace=request.workspace).first()
    if user is None:
        raise ValidationError({field: "Choose a member of this workspace."})
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


# --- accounts -------------------------------------------------------------------------------


@router.get("/accounts", response=AccountPage, summary="List accounts")
@api_capability(Capability.CRM_VIEW)
def account_list(
    request: MemberRequest,
    page: Query[PageParams],
    q: str = "",
    segment: str = "",
    owner_id: Id | None = None,
    key_only: bool = False,
    sort: Literal["name", "-name", "due", "-due", "value", "-value", "last", "-last"] = "name",
) -> dict[str, Any]:
    rows = selectors.account_list(
        workspace=request.workspace,
        search=q,
        segment=segment,
        owner_id=owner_id,
        key_only=key_only,
        sort=sort,
    ).prefetch_related("tags")[page.offset : page.offset + page.limit + 1]
    return page_of_rows(list(rows), page)


@router.post("/accounts", response={201: AccountOut}, summary="Create an account")
@api_capability(Capability.CRM_EDIT)
def account_create(request: MemberRequest, payload: AccountIn) -> Status[Account]:
    fields = _account_fields(request, payload.dict())
    return Status(201, services.account_save(workspace=request.workspace, fields=fields))


@router.get("/accounts/{account_id}", response=AccountOut, summary="One account")
@api_capability(Capability.CRM_VIEW)
def account_get(request: MemberRequest, account_id: Id) -> Account:
    return get_object_or_404(Account, pk=account_id, workspace=request.workspace)


@router.patch("/accounts/{account_id}", response=AccountOut, summary="Change an account")
@api_capability(Capability.CRM_EDIT)
def account_update(request: MemberRequest, account_id: Id, payload: AccountPatch) -> Account:
    account = get_object_or_404(Account, pk=account_id, workspace=request.workspace)
    data = _without_nulls(Account, payload.dict(exclude_unset=True))
    fields = _account_fields(request, data)
    return services.account_save(workspace=request.workspace, fields=fields, account=account)


@router.get(
    "/accounts/{account_id}/touchpoints", response=TouchpointPage, summary="Account timeline"
)
@api_capability(Capability.CRM_VIEW)
def account_timeline(
    request: MemberRequest, account_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    account = get_object_or_404(Account, pk=account_id, workspace=request.workspace)
    rows = selectors.timeline(
        workspace=request.workspace, account=account, limit=page.limit + 1, offset=page.offset
    )
    return page_of_rows(rows, page)


# --- contacts -------------------------------------------------------------------------------


@router.get("/contacts", response=ContactPage, summary="List contacts")
@api_capability(Capability.CRM_VIEW)
def contact_list(
    request: MemberRequest,
    page: Query[PageParams],
    q: str = "",
    account_id: Id | None = None,
    owner_id: Id | None = None,
    sort: Literal["name", "-name", "due", "-due", "value", "-value", "last", "-last"] = "name",
    newsletter: bool = False,
) -> dict[str, Any]:
    contacts = selectors.contact_list(
        workspace=request.workspace, search=q, account_id=account_id, owner_id=owner_id,
        sort=sort, newsletter_only=newsletter,
    )  # fmt: skip
    rows = selectors.contact_rows(contacts)[page.offset : page.offset + page.limit + 1]
    return page_of_rows(list(rows), page)


@router.post("/contacts", response={201: ContactOut}, summary="Create a contact")
@api_capability(Capability.CRM_EDIT)
def contact_create(request: MemberRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    fields = _account_fields(request, payload.dict())
    contact = services.contact_save(workspace=request.workspace, fields=fields)
    return Status(201, _contact_out(request, contact.pk))


def _contact_out(request: MemberRequest, contact_id: Id) -> dict[str, Any]:
    contacts = Contact.objects.filter(pk=contact_id, workspace=request.workspace)
    # get_object_or_404 with a values() queryset, which its stub does not take
    try:
        return selectors.contact_rows(contacts).get()
    except Contact.DoesNotExist:
        raise Http404("No Contact matches the given query.") from None


@router.get("/contacts/{contact_id}", response=ContactOut, summary="One contact")
@api_capability(Capability.CRM_VIEW)
def contact_get(request: MemberRequest, contact_id: Id) -> dict[str, Any]:
    return _contact_out(request, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactOut, summary="Change a contact")
@api_capability(Capability.CRM_EDIT)
def contact_update(request: MemberRequest, contact_id: Id, payload: ContactPatch) -> dict[str, Any]:
    contact = get_object_or_404(Contact, pk=contact_id, workspace=request.workspace)
    data = _without_nulls(Contact, payload.dict(exclude_unset=True))
    fields = _account_fields(request, data)
    services.contact_save(workspace=request.workspace, fields=fields, contact=contact)
    return _contact_out(request, contact_id)


@router.get(
    "/contacts/{contact_id}/touchpoints", response=TouchpointPage, summary="Contact timeline"
)
@api_capability(Capability.CRM_VIEW)
def contact_timeline(
    request: MemberRequest, contact_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    contact = get_object_or_404(Contact, pk=contact_id, workspace=request.workspace)
    rows = selectors.timeline(
        workspace=request.workspace, contact=contact, limit=page.limit + 1, offset=page.offset
    )
    return page_of_rows(rows, page)


@router.post(
    "/contacts/{contact_id}/call-sheet",
    response={201: TouchpointOut},
    summary="Log a check-in call and update master data from the answers",
)
@api_capability(Capability.CRM_EDIT)
def call_sheet_submit(
    request: MemberRequest, contact_id: Id, payload: CallSheetIn
) -> Status[Touchpoint]:
    contact = get_object_or_404(Contact, pk=contact_id, workspace=request.workspace)
    answers = services.CheckinAnswers(**payload.dict())
    answers.country = answers.country or contact.country
    touchpoint = services.call_sheet_submit(contact=contact, answers=answers, by=request.user)
    return Status(201, touchpoint)


# --- touchpoints ----------------------------------------------------------------------------


@router.post("/touchpoints", response={201: TouchpointOut}, summary="Log a touchpoint")
@api_capability(Capability.CRM_EDIT)
def touchpoint_create(request: MemberRequest, payload: TouchpointIn) -> Status[Touchpoint]:
    contact = None
    if payload.contact_id is not None:
        contact = Contact.objects.filter(pk=payload.contact_id, workspace=request.workspace).first()
        if contact is None:
            raise ValidationError({"contact_id": "No such contact in this workspace."})
    account = _account_ref(request, payload.account_id, "account_id")
    participants = [
        _member(request, user_id, "participant_ids") for user_id in payload.participant_ids
    ]
    touchpoint = services.touchpoint_log(
        workspace=request.workspace,
        contact=contact,
        account=account,
        channel=payload.channel,
        direction=payload.direction,
        is_personal=payload.is_personal,
        occurred_at=payload.occurred_at,
        summary=payload.summary,
        outcome=payload.outcome,
        participants=[p for p in participants if p is not None],
        logged_by=request.user,
    )
    return Status(201, touchpoint)


# --- due list -------------------------------------------------------------------------------


@router.get("/due", response=DuePage, summary="Who to contact now, most overdue first")
@api_capability(Capability.CRM_VIEW)
def due_list(
    request: MemberRequest,
    page: Query[PageParams],
    scope: Literal["mine", "team"] = "mine",
    kind: DueKind | None = None,
) -> dict[str, Any]:
    items = selectors.due_list(
        workspace=request.workspace,
        owner=request.user if scope == "mine" else None,
        kind=kind,
        limit=page.limit + 1,
        offset=page.offset,
    )
    return page_of_rows(items, page)


@router.post("/due/{kind}/{row_id}/snooze", response=CadenceOut, summary="Snooze a due customer")
@api_capability(Capability.CRM_EDIT)
def due_snooze(request: MemberRequest, kind: DueKind, row_id: Id, payload: SnoozeIn) -> Any:
    row: Account | Contact
    if kind == DueKind.ACCOUNT:
        row = get_object_or_404(Account, pk=row_id, workspace=request.workspace)
    else:
        row = get_object_or_404(Contact, pk=row_id, workspace=request.workspace)
    return services.due_snooze(
        row=row, until=payload.until, reason=payload.reason, workspace=request.workspace
    )


# --- cadence policies -----------------------------------------------------------------------


def _policy_from(request: MemberRequest, payload: PolicyIn, policy: CadencePolicy) -> CadencePolicy:
    policy.name = payload.name
    policy.scope = payload.scope
    policy.interval_days = payload.interval_days
    policy.segment = payload.segment
    policy.owner = _member(request, payload.owner_id, "owner_id")
    policy.tag = None
    if payload.tag:
        policy.tag = services.tags_from_names(workspace=request.workspace, names=[payload.tag])[0]
    return services.cadence_policy_save(policy=policy)


@router.get("/cadence-policies", response=PolicyPage, summary="List cadence policies")
@api_capability(Capability.CRM_VIEW)
def policy_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = selectors.policies(workspace=request.workspace).order_by("name", "id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/cadence-policies", response={201: PolicyOut}, summary="Create a cadence policy")
@api_capability(Capability.CADENCE_MANAGE)
def policy_create(request: MemberRequest, payload: PolicyIn) -> Status[CadencePolicy]:
    return Status(201, _policy_from(request, payload, CadencePolicy(workspace=request.workspace)))


@router.put("/cadence-policies/{policy_id}", response=PolicyOut, summary="Replace a policy")
@api_capability(Capability.CADENCE_MANAGE)
def policy_update(request: MemberRequest, policy_id: Id, payload: PolicyIn) -> CadencePolicy:
    policy = get_object_or_404(CadencePolicy, pk=policy_id, workspace=request.workspace)
    return _policy_from(request, payload, policy)


@router.delete("/cadence-policies/{policy_id}", response={204: None}, summary="Delete a policy")
@api_capability(Capability.CADENCE_MANAGE)
def policy_delete(request: MemberRequest, policy_id: Id) -> Status[None]:
    policy = get_object_or_404(CadencePolicy, pk=policy_id, workspace=request.workspace)
    services.cadence_policy_delete(policy=policy)
    return Status(204, None)


# --- team view ------------------------------------------------------------------------------


@router.get("/team", response=TeamOut, summary="Coverage and leaders' key-account touches")
@api_capability(Capability.CRM_VIEW)
def team(request: MemberRequest) -> dict[str, Any]:
    workspace = request.workspace
    today = local_today(workspace.zone)

    def rows(by: str, model: type[Account] | type[Contact]) -> list[dict[str, Any]]:
        return [
            {**vars(row), "percent": row.percent}
            for row in selectors.coverage(workspace=workspace, by=by, model=model, today=today)
        ]

    return {
        "accounts_by_owner": rows("owner", Account),
        "accounts_by_segment": rows("segment", Account),
        "contacts_by_owner": rows("owner", Contact),
        "key_accounts": [
            {
                "account_id": item.account.id,
                "account_name": item.account.name,
                "executive_sponsor_id": item.account.executive_sponsor_id,
                "leader_name": item.leader_name,
                "touched_at": item.touched_at,
            }
            for item in selectors.key_account_leader_touches(workspace=workspace, today=today)
        ],
    }
