"""API endpoints for touchpoints, the due list, cadence policies and the team view."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors, services
from touchbase.relationships.api.refs import (
    _account_ref,
    _member,
)
from touchbase.relationships.api.schemas import (
    CadenceOut,
    DuePage,
    PolicyIn,
    PolicyOut,
    PolicyPage,
    SnoozeIn,
    TeamOut,
    TouchpointIn,
    TouchpointOut,
)
from touchbase.relationships.choices import (
    DueKind,
)
from touchbase.relationships.models import Account, CadencePolicy, Contact, Touchpoint

router = Router(tags=["relationships"])


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
        follow_up_on=payload.follow_up_on,
    )
    return Status(201, touchpoint)


@router.delete(
    "/touchpoints/{touchpoint_id}",
    response={204: None},
    summary="Delete a touchpoint; its customer's due date is worked out again",
)
@api_capability(Capability.CRM_EDIT)
def touchpoint_delete(request: MemberRequest, touchpoint_id: Id) -> Status[None]:
    touchpoint = owned_or_404(Touchpoint, touchpoint_id, workspace=request.workspace)
    if not services.touchpoint_deletable(touchpoint=touchpoint, user=request.user):
        raise HttpError(403, _("You may delete only the touchpoints you logged yourself."))
    services.touchpoint_delete(touchpoint=touchpoint, by=request.user)
    return Status(204, None)


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
    rows = page_of_rows(items, page)
    rows["items"] = selectors.due_with_hints(workspace=request.workspace, items=rows["items"])
    return rows


@router.post("/due/{kind}/{row_id}/snooze", response=CadenceOut, summary="Snooze a due customer")
@api_capability(Capability.CRM_EDIT)
def due_snooze(request: MemberRequest, kind: DueKind, row_id: Id, payload: SnoozeIn) -> Any:
    row: Account | Contact
    if kind == DueKind.ACCOUNT:
        row = owned_or_404(Account, row_id, workspace=request.workspace)
    else:
        row = owned_or_404(Contact, row_id, workspace=request.workspace)
    return services.due_snooze(
        row=row, until=payload.until, reason=payload.reason, workspace=request.workspace
    )


@router.delete(
    "/due/{kind}/{row_id}/snooze",
    response=CadenceOut,
    summary="End a snooze: the customer is due again by their cadence",
)
@api_capability(Capability.CRM_EDIT)
def due_unsnooze(request: MemberRequest, kind: DueKind, row_id: Id) -> Any:
    return services.due_unsnooze(row=_due_row(request, kind, row_id), workspace=request.workspace)


def _due_row(request: MemberRequest, kind: DueKind, row_id: Id) -> Account | Contact:
    if kind == DueKind.ACCOUNT:
        return owned_or_404(Account, row_id, workspace=request.workspace)
    return owned_or_404(Contact, row_id, workspace=request.workspace)


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
    policy = owned_or_404(CadencePolicy, policy_id, workspace=request.workspace)
    return _policy_from(request, payload, policy)


@router.delete("/cadence-policies/{policy_id}", response={204: None}, summary="Delete a policy")
@api_capability(Capability.CADENCE_MANAGE)
def policy_delete(request: MemberRequest, policy_id: Id) -> Status[None]:
    policy = owned_or_404(CadencePolicy, policy_id, workspace=request.workspace)
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
