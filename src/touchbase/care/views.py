"""Web views for data care: consent, freshness, regional advice, vouchers, duplicates, GDPR."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.care import selectors, services
from touchbase.care.choices import DuplicateKind
from touchbase.care.forms import AdviceForm, ConsentForm, RedeemForm, VoucherForm
from touchbase.care.models import DuplicateCandidate, RegionalAdvice, Voucher
from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.navigation import redirect_back
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.core.timeutil import local_today
from touchbase.relationships.models import Contact

# --- forms ---------------------------------------------------------------------------------


# --- consent, bounce, personal data --------------------------------------------------------


def _contact(request: MemberRequest, pk: int) -> Contact:
    return owned_or_404(Contact, pk, workspace=request.workspace)


@capability_required(Capability.CRM_EDIT)
@require_POST
def consent_change(request: MemberRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_change(contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
    if form.errors:
        messages.error(request, " ".join(str(m) for ms in form.errors.values() for m in ms))
    else:
        messages.success(request, _("Consent recorded."))
    return redirect("relationships:contact-detail", pk=contact.pk)


@capability_required(Capability.CRM_EDIT)
@require_POST
def email_bounce(request: MemberRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)
    try:
        services.email_bounce_mark(contact=contact)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("E-mail of %(name)s marked as bounced.") % {"name": contact})
    return redirect("relationships:contact-detail", pk=contact.pk)


@capability_required(Capability.PERSONAL_DATA)
def personal_data(request: MemberRequest, pk: int) -> HttpResponse:
    """Everything held on one person as one JSON file (GDPR Art. 15)."""
    contact = _contact(request, pk)
    data = services.personal_data_export(contact=contact)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{contact.pk}.json"'
    return response


@capability_required(Capability.ERASE)
def contact_erase(request: MemberRequest, pk: int) -> HttpResponse:
    """Confirm, then erase a person's data (GDPR Art. 17)."""
    contact = _contact(request, pk)
    if request.method == "POST":
        services.contact_erase(contact=contact, by=request.user)
        messages.success(request, _("The personal data was erased; figures stay correct."))
        return redirect("relationships:contact-list")
    return render(request, "care/contact_erase.html", {"contact": contact})


# --- freshness -----------------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def freshness(request: MemberRequest) -> HttpResponse:
    """Stale data per owner, and the contacts with one issue, each a click from its call sheet."""
    today = local_today(request.workspace.zone)
    issue = request.GET.get("issue", "address_stale")
    issue = issue if issue in selectors.FRESHNESS_ISSUES else "address_stale"
    owner_id = id_or_none(request.GET.get("owner"))
    contacts = selectors.stale_contacts(
        workspace=request.workspace, today=today, issue=issue, owner_id=owner_id
    )
    context = {
        "rows": selectors.freshness_by_owner(workspace=request.workspace, today=today),
        "issue": issue,
        "owner_id": owner_id,
        "page_obj": Paginator(contacts, 50).get_page(request.GET.get("page")),
        "issues": [
            ("address_stale", _("Address not verified for a year")),
            ("email_bounced", _("E-mail bounced")),
            ("unreachable", _("No phone and no e-mail")),
        ],
    }
    return render(request, "care/freshness.html", context)


# --- regional advice -----------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def advice_list(request: MemberRequest) -> HttpResponse:
    today = local_today(request.workspace.zone)
    advice = selectors.advice_list(workspace=request.workspace)
    return render(request, "care/advice_list.html", {"advice": advice, "today": today})


@capability_required(Capability.ADVICE_MANAGE)
def advice_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    advice = (
        owned_or_404(RegionalAdvice, pk, workspace=request.workspace)
        if pk
        else RegionalAdvice(workspace=request.workspace, valid_from=local_today(
            request.workspace.zone))
    )  # fmt: skip
    form = AdviceForm(request.POST or None, instance=advice)
    if request.method == "POST" and form.is_valid():
        try:
            services.advice_save(advice=form.save(commit=False))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Advice saved."))
            return redirect("care:advice-list")
    return render(request, "care/advice_form.html", {"form": form, "advice": advice})


@capability_required(Capability.ADVICE_MANAGE)
@require_POST
def advice_delete(request: MemberRequest, pk: int) -> HttpResponse:
    owned_or_404(RegionalAdvice, pk, workspace=request.workspace).delete()
    messages.success(request, _("Advice deleted."))
    return redirect("care:advice-list")


# --- vouchers ------------------------------------------------------------------------------


@capability_required(Capability.CRM_VIEW)
def voucher_list(request: MemberRequest) -> HttpResponse:
    today = local_today(request.workspace.zone)
    status = request.GET.get("status", "open")
    status = status if status in ("open", "redeemed", "expired") else "open"
    vouchers = selectors.voucher_list(workspace=request.workspace, status=status, today=today)
    context = {"page_obj": Paginator(vouchers, 50).get_page(request.GET.get("page")),
               "status": status, "redeem_form": RedeemForm()}  # fmt: skip
    return render(request, "care/voucher_list.html", context)


@capability_required(Capability.VOUCHER_ISSUE)
def voucher_issue(request: MemberRequest, pk: int) -> HttpResponse:
    """Issue a voucher to a contact."""
    contact = _contact(request, pk)
    if contact.is_erased:
        messages.error(request, _("This person's data was erased; the record is read-only."))
        return redirect("relationships:contact-detail", pk=contact.pk)
    form = VoucherForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            voucher = services.voucher_issue(
                workspace=request.workspace, contact=contact, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Voucher %(code)s issued.") % {"code": voucher.code})
            return redirect("relationships:contact-detail", pk=contact.pk)
    return render(request, "care/voucher_form.html", {"form": form, "contact": contact})


@capability_required(Capability.VOUCHER_ISSUE)
@require_POST
def voucher_redeem(request: MemberRequest, pk: int) -> HttpResponse:
    voucher = owned_or_404(Voucher, pk, workspace=request.workspace)
    form = RedeemForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"order_reference": _("Enter the order it is credited to.")})
        services.voucher_redeem(
            voucher=voucher, order_reference=form.cleaned_data["order_reference"],
            by=request.user,
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Voucher %(code)s redeemed.") % {"code": voucher.code})
    return redirect_back(request, request.POST.get("next"), "care:voucher-list")


# --- duplicates ----------------------------------------------------------------------------


@capability_required(Capability.MERGE)
def duplicates(request: MemberRequest) -> HttpResponse:
    """The candidates found by the last scan, most likely first, 50 a page."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in DuplicateKind.values else ""
    candidates = selectors.duplicate_candidates(workspace=request.workspace, kind=kind or None)
    context = {
        "page_obj": Paginator(candidates, 50).get_page(request.GET.get("page")),
        "kind": kind,
        "kinds": DuplicateKind.choices,
        "scan": selectors.duplicate_scan_latest(workspace=request.workspace),
    }
    return render(request, "care/duplicates.html", context)


@capability_required(Capability.MERGE)
def duplicate_scan(request: MemberRequest) -> HttpResponse:
    """POST asks the worker to look now; GET is the status the page polls while it runs."""
    if request.method == "POST":
        services.duplicate_scan_request(workspace=request.workspace, by=request.user)
        messages.success(request, _("The search for duplicates has started."))
        return redirect("care:duplicates")
    scan = selectors.duplicate_scan_latest(workspace=request.workspace)
    response = render(request, "care/partials/_duplicate_scan.html", {"scan": scan})
    if request.GET.get("polling") and (scan is None or not scan.is_running):
        response["HX-Refresh"] = "true"  # the list below is the new one now
    return response


def _candidate(request: MemberRequest, pk: int) -> DuplicateCandidate:
    queryset = DuplicateCandidate.objects.select_related(*selectors.PAIR_ROWS)
    return owned_or_404(queryset, pk, workspace=request.workspace)


@capability_required(Capability.MERGE)
def duplicate_preview(request: MemberRequest, pk: int) -> HttpResponse:
    """Both records side by side; the merge is confirmed here, with the record to keep."""
    candidate = _candidate(request, pk)
    if candidate.is_dismissed:
        messages.info(request, _("This pair was marked as not a duplicate."))
        return redirect("care:duplicates")
    if request.method == "POST":
        return _merge(request, candidate)
    preview = selectors.duplicate_preview(
        candidate=candidate, survivor_id=id_or_none(request.GET.get("keep"))
    )
    return render(request, "care/duplicate_preview.html", {"preview": preview})


def _merge(request: MemberRequest, candidate: DuplicateCandidate) -> HttpResponse:
    survivor_id = id_or_none(request.POST.get("survivor")) or 0
    try:
        record = services.duplicate_merge(
            candidate=candidate, survivor_id=survivor_id, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("care:duplicate-preview", pk=candidate.pk)
    survivor = record.survivor
    messages.success(request, _("Merged: %(merged)s is now part of %(name)s.") % {
        "merged": record.merged_name, "name": survivor})  # fmt: skip
    if isinstance(survivor, Contact):
        return redirect("relationships:contact-detail", pk=survivor.pk)
    return redirect("relationships:account-detail", pk=survivor.pk)


@capability_required(Capability.MERGE)
@require_POST
def duplicate_dismiss(request: MemberRequest, pk: int) -> HttpResponse:
    """Not a duplicate: the pair leaves the list and stays out after later searches."""
    candidate = _candidate(request, pk)
    services.duplicate_dismiss(candidate=candidate, by=request.user)
    messages.success(request, _("%(first)s and %(second)s are kept apart.") % {
        "first": candidate.first, "second": candidate.second})  # fmt: skip
    return redirect_back(request, request.POST.get("next"), "care:duplicates")
