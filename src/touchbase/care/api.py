"""API for data care: consent, freshness, regional advice, vouchers, duplicates, GDPR."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status

from touchbase.care import selectors, services
from touchbase.care.choices import DuplicateKind, ScanStatus
from touchbase.care.models import (
    DuplicateCandidate,
    DuplicateScan,
    MergeRecord,
    RegionalAdvice,
    Voucher,
)
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id, owned_ref
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.core.timeutil import local_today
from touchbase.relationships import selectors as relationship_selectors
from touchbase.relationships.choices import ConsentStatus, Country
from touchbase.relationships.models import Account, Contact, NewsletterConsent

router = Router(tags=["data care"])


def _contact(request: MemberRequest, contact_id: Id) -> Contact:
    return owned_or_404(Contact, contact_id, workspace=request.workspace)


# --- consent -------------------------------------------------------------------------------


class ConsentIn(Schema):
    status: ConsentStatus
    source: str


class ConsentOut(Schema):
    status: str
    recorded_at: dt.datetime
    source: str = Field(description="As typed, or the call sheet's in the requester's language")
    recorded_by_id: Id | None

    @staticmethod
    def resolve_source(obj: Any) -> str:
        return str(obj.source_display)


@router.get("/contacts/{contact_id}/consents", response=list[ConsentOut],
            summary="Newsletter consent history of a contact")  # fmt: skip
@api_capability(Capability.CRM_VIEW)
def consent_list(request: MemberRequest, contact_id: Id) -> Any:
    return _contact(request, contact_id).consents.order_by("recorded_at", "id")


@router.post("/contacts/{contact_id}/consents", response={201: list[ConsentOut]},
             summary="Record that consent was given or withdrawn")  # fmt: skip
@api_capability(Capability.CRM_EDIT)
def consent_create(
    request: MemberRequest, contact_id: Id, payload: ConsentIn
) -> Status[list[NewsletterConsent]]:
    contact = _contact(request, contact_id)
    services.consent_change(
        contact=contact, status=payload.status, source=payload.source, by=request.user
    )
    return Status(201, list(contact.consents.order_by("recorded_at", "id")))


@router.post("/contacts/{contact_id}/bounced", response={204: None},
             summary="Mark the contact's e-mail as bounced")  # fmt: skip
@api_capability(Capability.CRM_EDIT)
def email_bounced(request: MemberRequest, contact_id: Id) -> Status[None]:
    services.email_bounce_mark(contact=_contact(request, contact_id))
    return Status(204, None)


class RecipientOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str


class RecipientPage(Schema):
    items: list[RecipientOut]
    next_offset: int | None


@router.get("/newsletter-recipients", response=RecipientPage,
            summary="Who may receive the newsletter now")  # fmt: skip
@api_capability(Capability.EXPORT_ALL)
def newsletter_recipients(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = relationship_selectors.newsletter_recipients(workspace=request.workspace).order_by("id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


# --- freshness -----------------------------------------------------------------------------


class FreshnessOut(Schema):
    owner_id: Id | None
    owner_name: str
    total: int
    address_stale: int
    email_bounced: int
    unreachable: int


@router.get("/freshness", response=list[FreshnessOut], summary="Stale data per owner")
@api_capability(Capability.CRM_VIEW)
def freshness(request: MemberRequest) -> Any:
    today = local_today(request.workspace.zone)
    return [vars(row) for row in selectors.freshness_by_owner(
        workspace=request.workspace, today=today)]  # fmt: skip


class StaleOut(Schema):
    id: int
    first_name: str
    last_name: str
    owner_id: Id | None
    address_verified_at: dt.datetime | None
    email_bounced_at: dt.datetime | None


class StalePage(Schema):
    items: list[StaleOut]
    next_offset: int | None


@router.get("/freshness/contacts", response=StalePage, summary="Contacts with one issue")
@api_capability(Capability.CRM_VIEW)
def freshness_contacts(
    request: MemberRequest,
    page: Query[PageParams],
    issue: Literal["address_stale", "email_bounced", "unreachable"] = "address_stale",
    owner_id: Id | None = None,
) -> dict[str, Any]:
    rows = selectors.stale_contacts(
        workspace=request.workspace, today=local_today(request.workspace.zone), issue=issue,
        owner_id=owner_id,
    )  # fmt: skip
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


# --- regional advice -----------------------------------------------------------------------


class AdviceIn(Schema):
    country: Country
    region: str = ""
    title: str = Field(..., min_length=1, max_length=200)
    body: str = ""
    link: str = ""
    valid_from: dt.date
    valid_until: dt.date | None = None


class AdviceOut(AdviceIn):
    id: int


@router.get("/regional-advice", response=list[AdviceOut], summary="All regional advice")
@api_capability(Capability.CRM_VIEW)
def advice_list(request: MemberRequest) -> Any:
    return selectors.advice_list(workspace=request.workspace)


@router.get("/contacts/{contact_id}/regional-advice", response=list[AdviceOut],
            summary="Advice valid today for the contact's region")  # fmt: skip
@api_capability(Capability.CRM_VIEW)
def advice_for_contact(request: MemberRequest, contact_id: Id) -> Any:
    contact = _contact(request, contact_id)
    return selectors.advice_for(contact=contact, today=local_today(request.workspace.zone))


@router.post("/regional-advice", response={201: AdviceOut}, summary="Add regional advice")
@api_capability(Capability.ADVICE_MANAGE)
def advice_create(request: MemberRequest, payload: AdviceIn) -> Status[RegionalAdvice]:
    advice = RegionalAdvice(workspace=request.workspace, **payload.dict())
    return Status(201, services.advice_save(advice=advice))


@router.put("/regional-advice/{advice_id}", response=AdviceOut, summary="Change advice")
@api_capability(Capability.ADVICE_MANAGE)
def advice_update(request: MemberRequest, advice_id: Id, payload: AdviceIn) -> Any:
    advice = owned_or_404(RegionalAdvice, advice_id, workspace=request.workspace)
    for name, value in payload.dict().items():
        setattr(advice, name, value)
    return services.advice_save(advice=advice)


@router.delete("/regional-advice/{advice_id}", response={204: None}, summary="Delete advice")
@api_capability(Capability.ADVICE_MANAGE)
def advice_delete(request: MemberRequest, advice_id: Id) -> Status[None]:
    owned_or_404(RegionalAdvice, advice_id, workspace=request.workspace).delete()
    return Status(204, None)


# --- vouchers ------------------------------------------------------------------------------


class VoucherIn(Schema):
    contact_id: Id | None = None
    account_id: Id | None = None
    value: Decimal = Field(..., gt=0, max_digits=9, decimal_places=2)
    valid_until: dt.date
    note: str = ""


class VoucherOut(Schema):
    id: int
    code: str
    value: Decimal
    contact_id: Id | None
    account_id: Id | None
    note: str
    valid_until: dt.date
    issued_at: dt.datetime
    redeemed_at: dt.datetime | None
    order_reference: str


class VoucherPage(Schema):
    items: list[VoucherOut]
    next_offset: int | None


class RedeemIn(Schema):
    order_reference: str


@router.get("/vouchers", response=VoucherPage, summary="Open, redeemed or expired vouchers")
@api_capability(Capability.CRM_VIEW)
def voucher_list(
    request: MemberRequest,
    page: Query[PageParams],
    status: Literal["open", "redeemed", "expired"] = "open",
) -> dict[str, Any]:
    rows = selectors.voucher_list(
        workspace=request.workspace, status=status, today=local_today(request.workspace.zone)
    )
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/vouchers", response={201: VoucherOut}, summary="Issue a voucher")
@api_capability(Capability.VOUCHER_ISSUE)
def voucher_issue(request: MemberRequest, payload: VoucherIn) -> Status[Voucher]:
    contact = account = None
    if payload.contact_id is not None:
        contact = Contact.objects.filter(pk=payload.contact_id, workspace=request.workspace).first()
        if contact is None:
            raise ValidationError({"contact_id": "No such contact in this workspace."})
    if payload.account_id is not None:
        account = Account.objects.filter(pk=payload.account_id, workspace=request.workspace).first()
        if account is None:
            raise ValidationError({"account_id": "No such account in this workspace."})
    voucher = services.voucher_issue(
        workspace=request.workspace, contact=contact, account=account, value=payload.value,
        valid_until=payload.valid_until, note=payload.note, by=request.user,
    )  # fmt: skip
    return Status(201, voucher)


@router.post("/vouchers/{voucher_id}/redeem", response=VoucherOut, summary="Redeem a voucher")
@api_capability(Capability.VOUCHER_ISSUE)
def voucher_redeem(request: MemberRequest, voucher_id: Id, payload: RedeemIn) -> Any:
    voucher = owned_or_404(Voucher, voucher_id, workspace=request.workspace)
    return services.voucher_redeem(
        voucher=voucher, order_reference=payload.order_reference, by=request.user
    )


# --- duplicates ----------------------------------------------------------------------------


class CandidateOut(Schema):
    id: int
    kind: DuplicateKind
    first_id: Id
    second_id: Id
    score: int
    reasons: dict[str, int]
    computed_at: dt.datetime
    is_dismissed: bool

    @staticmethod
    def resolve_first_id(candidate: DuplicateCandidate) -> int:
        return candidate.first_contact_id or candidate.first_account_id or 0

    @staticmethod
    def resolve_second_id(candidate: DuplicateCandidate) -> int:
        return candidate.second_contact_id or candidate.second_account_id or 0


class CandidatePage(Schema):
    items: list[CandidateOut]
    next_offset: int | None


class ScanOut(Schema):
    id: int
    status: ScanStatus
    trigger: str
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    contacts_checked: int
    accounts_checked: int
    found: int


class PreviewFieldOut(Schema):
    label: str
    first: str
    second: str
    kept: str
    kept_from: str


class PreviewCountOut(Schema):
    label: str
    first: int
    second: int
    merged: int


class PreviewOut(Schema):
    candidate: CandidateOut
    survivor_id: Id
    duplicate_id: Id
    fields: list[PreviewFieldOut]
    counts: list[PreviewCountOut]


class CandidateMergeIn(Schema):
    survivor_id: Id


class MergeIn(Schema):
    duplicate_id: Id


class MergeOut(Schema):
    survivor_id: Id
    merged_contact_id: Id
    moved: dict[str, int]


class AccountMergeOut(Schema):
    survivor_id: Id
    merged_account_id: Id
    moved: dict[str, int]


class CandidateMergeOut(Schema):
    kind: DuplicateKind
    survivor_id: Id
    merged_id: Id
    moved: dict[str, int]


def _candidate(request: MemberRequest, candidate_id: Id) -> DuplicateCandidate:
    queryset = DuplicateCandidate.objects.select_related(*selectors.PAIR_ROWS)
    return owned_or_404(queryset, candidate_id, workspace=request.workspace)


@router.get("/duplicates", response=CandidatePage,
            summary="Likely duplicate contacts and accounts, most likely first")  # fmt: skip
@api_capability(Capability.MERGE)
def duplicates(
    request: MemberRequest, page: Query[PageParams], kind: DuplicateKind | None = None
) -> dict[str, Any]:
    rows = selectors.duplicate_candidates(workspace=request.workspace, kind=kind)
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/duplicates/search", response={202: ScanOut},
             summary="Look for duplicates now (the worker does it)")  # fmt: skip
@api_capability(Capability.MERGE)
def duplicate_scan(request: MemberRequest) -> Status[DuplicateScan]:
    scan = services.duplicate_scan_request(
        workspace=request.workspace, by=request.user, trigger="api"
    )
    return Status(202, scan)


@router.get("/duplicates/search", response={200: ScanOut, 404: None},
            summary="The latest search for duplicates: waiting, running or done")  # fmt: skip
@api_capability(Capability.MERGE)
def duplicate_scan_latest(request: MemberRequest) -> Status[DuplicateScan | None]:
    scan = selectors.duplicate_scan_latest(workspace=request.workspace)
    return Status(200, scan) if scan else Status(404, None)


@router.get("/duplicates/{candidate_id}", response=PreviewOut,
            summary="Both records side by side, as they would be merged")  # fmt: skip
@api_capability(Capability.MERGE)
def duplicate_preview(
    request: MemberRequest, candidate_id: Id, survivor_id: Id | None = None
) -> dict[str, Any]:
    preview = selectors.duplicate_preview(
        candidate=_candidate(request, candidate_id), survivor_id=survivor_id
    )
    return {
        "candidate": preview.candidate, "survivor_id": preview.survivor.pk,
        "duplicate_id": preview.duplicate.pk, "fields": [vars(f) for f in preview.fields],
        "counts": [vars(c) for c in preview.counts],
    }  # fmt: skip


@router.post("/duplicates/{candidate_id}/dismiss", response=CandidateOut,
             summary="Not a duplicate: later searches do not offer the pair again")  # fmt: skip
@api_capability(Capability.MERGE)
def duplicate_dismiss(request: MemberRequest, candidate_id: Id) -> Any:
    return services.duplicate_dismiss(candidate=_candidate(request, candidate_id), by=request.user)


@router.post("/duplicates/{candidate_id}/merge", response=CandidateMergeOut,
             summary="Merge the pair, keeping the record named survivor_id")  # fmt: skip
@api_capability(Capability.MERGE)
def duplicate_merge(request: MemberRequest, candidate_id: Id, payload: CandidateMergeIn) -> Any:
    candidate = _candidate(request, candidate_id)
    record = services.duplicate_merge(
        candidate=candidate, survivor_id=payload.survivor_id, by=request.user
    )
    merged_id = (
        record.merged_contact_id if isinstance(record, MergeRecord) else record.merged_account_id
    )
    return {"kind": candidate.kind, "survivor_id": record.survivor_id, "merged_id": merged_id,
            "moved": record.moved}  # fmt: skip


@router.post("/contacts/{contact_id}/merge", response=MergeOut,
             summary="Merge another contact into this one")  # fmt: skip
@api_capability(Capability.MERGE)
def contact_merge(request: MemberRequest, contact_id: Id, payload: MergeIn) -> Any:
    survivor = _contact(request, contact_id)
    duplicate = owned_ref(
        Contact, payload.duplicate_id, workspace=request.workspace, field="duplicate_id"
    )
    return services.contact_merge(survivor=survivor, duplicate=duplicate, by=request.user)


@router.post("/accounts/{account_id}/merge", response=AccountMergeOut,
             summary="Merge another account into this one")  # fmt: skip
@api_capability(Capability.MERGE)
def account_merge(request: MemberRequest, account_id: Id, payload: MergeIn) -> Any:
    survivor = owned_or_404(Account, account_id, workspace=request.workspace)
    duplicate = owned_ref(
        Account, payload.duplicate_id, workspace=request.workspace, field="duplicate_id"
    )
    return services.account_merge(survivor=survivor, duplicate=duplicate, by=request.user)


# --- personal-data rights ------------------------------------------------------------------


@router.get("/contacts/{contact_id}/personal-data", response=dict[str, Any],
            summary="Everything held on one person (GDPR Art. 15)")  # fmt: skip
@api_capability(Capability.PERSONAL_DATA)
def personal_data(request: MemberRequest, contact_id: Id) -> Any:
    return services.personal_data_export(contact=_contact(request, contact_id))


@router.post("/contacts/{contact_id}/erase", response={204: None},
             summary="Erase one person's personal data (GDPR Art. 17)")  # fmt: skip
@api_capability(Capability.ERASE)
def contact_erase(request: MemberRequest, contact_id: Id) -> Status[None]:
    services.contact_erase(contact=_contact(request, contact_id), by=request.user)
    return Status(204, None)
