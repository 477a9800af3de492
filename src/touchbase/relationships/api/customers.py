"""API endpoints for accounts, contacts, their timelines and the call sheet."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from ninja import Query, Router, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.relationships import selectors, services
from touchbase.relationships.api.refs import (
    _account_fields,
    _without_nulls,
)
from touchbase.relationships.api.schemas import (
    AccountIn,
    AccountOut,
    AccountPage,
    AccountPatch,
    CallSheetIn,
    ContactDetailOut,
    ContactIn,
    ContactPage,
    ContactPatch,
    TouchpointOut,
    TouchpointPage,
    human_first_out,
)
from touchbase.relationships.models import Account, Contact, Touchpoint

router = Router(tags=["relationships"])


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
        # one row more than asked: it tells whether there is a next page
        page=selectors.Page(page.offset, page.limit + 1),
    ).prefetch_related("tags")
    return page_of_rows(list(rows), page)


@router.post("/accounts", response={201: AccountOut}, summary="Create an account")
@api_capability(Capability.CRM_EDIT)
def account_create(request: MemberRequest, payload: AccountIn) -> Status[Account]:
    fields = _account_fields(request, payload.dict())
    return Status(201, services.account_save(workspace=request.workspace, fields=fields))


@router.get("/accounts/{account_id}", response=AccountOut, summary="One account")
@api_capability(Capability.CRM_VIEW)
def account_get(request: MemberRequest, account_id: Id) -> Account:
    return owned_or_404(Account, account_id, workspace=request.workspace)


@router.patch("/accounts/{account_id}", response=AccountOut, summary="Change an account")
@api_capability(Capability.CRM_EDIT)
def account_update(request: MemberRequest, account_id: Id, payload: AccountPatch) -> Account:
    account = owned_or_404(Account, account_id, workspace=request.workspace)
    data = _without_nulls(Account, payload.dict(exclude_unset=True))
    fields = _account_fields(request, data)
    return services.account_save(workspace=request.workspace, fields=fields, account=account)


@router.delete(
    "/accounts/{account_id}",
    response={204: None},
    summary="Delete an account with its contacts and touchpoints",
)
@api_capability(Capability.CRM_DELETE)
def account_delete(request: MemberRequest, account_id: Id) -> Status[None]:
    account = owned_or_404(Account, account_id, workspace=request.workspace)
    services.account_delete(account=account, by=request.user)
    return Status(204, None)


@router.get(
    "/accounts/{account_id}/touchpoints", response=TouchpointPage, summary="Account timeline"
)
@api_capability(Capability.CRM_VIEW)
def account_timeline(
    request: MemberRequest, account_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    account = owned_or_404(Account, account_id, workspace=request.workspace)
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
        # one row more than asked: it tells whether there is a next page
        page=selectors.Page(page.offset, page.limit + 1),
    )  # fmt: skip
    return page_of_rows(list(selectors.contact_rows(contacts)), page)


@router.post("/contacts", response={201: ContactDetailOut}, summary="Create a contact")
@api_capability(Capability.CRM_EDIT)
def contact_create(request: MemberRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    fields = _account_fields(request, payload.dict())
    contact = services.contact_save(workspace=request.workspace, fields=fields)
    return Status(201, _contact_out(request, contact.pk))


def _contact_out(request: MemberRequest, contact_id: Id) -> dict[str, Any]:
    """One contact as a row, with the suggestion to call when only e-mails reached them."""
    contacts = Contact.objects.filter(pk=contact_id, workspace=request.workspace)
    # get_object_or_404 with a values() queryset, which its stub does not take
    try:
        row = selectors.contact_rows(contacts).get()
    except Contact.DoesNotExist:
        raise Http404("No Contact matches the given query.") from None
    hints = selectors.human_first_hints(workspace=request.workspace, contact_ids=[row["id"]])
    name = " ".join(part for part in (row["first_name"], row["last_name"]) if part)
    return {**row, "human_first": human_first_out(hints.get(row["id"]), name=name)}


@router.get("/contacts/{contact_id}", response=ContactDetailOut, summary="One contact")
@api_capability(Capability.CRM_VIEW)
def contact_get(request: MemberRequest, contact_id: Id) -> dict[str, Any]:
    return _contact_out(request, contact_id)


@router.patch("/contacts/{contact_id}", response=ContactDetailOut, summary="Change a contact")
@api_capability(Capability.CRM_EDIT)
def contact_update(request: MemberRequest, contact_id: Id, payload: ContactPatch) -> dict[str, Any]:
    contact = owned_or_404(Contact, contact_id, workspace=request.workspace)
    data = _without_nulls(Contact, payload.dict(exclude_unset=True))
    fields = _account_fields(request, data)
    services.contact_save(workspace=request.workspace, fields=fields, contact=contact)
    return _contact_out(request, contact_id)


@router.delete(
    "/contacts/{contact_id}",
    response={204: None},
    summary="Delete a contact; touchpoints with an account stay on its timeline",
)
@api_capability(Capability.CRM_DELETE)
def contact_delete(request: MemberRequest, contact_id: Id) -> Status[None]:
    contact = owned_or_404(Contact, contact_id, workspace=request.workspace)
    services.contact_delete(contact=contact, by=request.user)
    return Status(204, None)


@router.get(
    "/contacts/{contact_id}/touchpoints", response=TouchpointPage, summary="Contact timeline"
)
@api_capability(Capability.CRM_VIEW)
def contact_timeline(
    request: MemberRequest, contact_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    contact = owned_or_404(Contact, contact_id, workspace=request.workspace)
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
    contact = owned_or_404(Contact, contact_id, workspace=request.workspace)
    answers = services.CheckinAnswers(**payload.dict())
    answers.country = answers.country or contact.country
    touchpoint = services.call_sheet_submit(contact=contact, answers=answers, by=request.user)
    return Status(201, touchpoint)
