"""The community manager's other pages: the dashboard, skills, settings, bookings and safety."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.community import bookings, charts, helpers, selectors
from touchbase.community.choices import ReportState
from touchbase.community.models import CustomerBlock, Helper, Report, Skill
from touchbase.community.staff_forms import (
    BOOKING_KINDS,
    CustomerBlockForm,
    OutcomeForm,
    ReasonForm,
    SettingsForm,
    SkillForm,
)
from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

BLOCK_HELPER = "helper"
BLOCK_CUSTOMER = "customer"


@capability_required(Capability.COMMUNITY_MANAGE)
def dashboard(request: MemberRequest) -> HttpResponse:
    figures = selectors.dashboard(workspace=request.workspace)
    months = [entry.month for entry in figures.months]
    context = {
        "figures": figures,
        "requests_chart": charts.month_bars(
            key="requests-chart", title=_("Help requests per month"),
            description=_("Confirmed help requests in each of the last twelve months."),
            months=months, values=[entry.requests for entry in figures.months],
        ),
        "bookings_chart": charts.month_bars(
            key="bookings-chart", title=_("Jobs done per month"),
            description=_("Bookings finished as done in each of the last twelve months."),
            months=months, values=[entry.bookings_done for entry in figures.months],
        ),
        "savings_chart": charts.month_bars(
            key="savings-chart", title=_("Savings per month (€)"),
            description=_("What a technician would have cost minus the price paid, over the "
                          "jobs done in each of the last twelve months."),
            months=months, values=[entry.savings for entry in figures.months],
        ),
    }  # fmt: skip
    return render(request, "community/staff/dashboard.html", context)


# --- skills -------------------------------------------------------------------------------------


@capability_required(Capability.COMMUNITY_MANAGE)
def skill_list(request: MemberRequest) -> HttpResponse:
    skills = Skill.objects.filter(workspace=request.workspace).order_by("name_de", "pk")
    return render(request, "community/staff/skill_list.html", {"skills": skills})


def _skill_page(request: MemberRequest, skill: Skill | None) -> HttpResponse:
    form = SkillForm(request.POST or None, instance=skill, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            saved = helpers.skill_save(workspace=request.workspace, fields=fields, skill=skill)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Skill “%(name)s” saved.") % {"name": saved})
            return redirect("community:skill-list")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "skill": skill}
    return render(request, "community/staff/skill_form.html", context, status=status)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_http_methods(["GET", "POST"])
def skill_new(request: MemberRequest) -> HttpResponse:
    return _skill_page(request, None)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_http_methods(["GET", "POST"])
def skill_edit(request: MemberRequest, pk: int) -> HttpResponse:
    # skill_save works on its own copy: the form's validation must not change the row shown.
    return _skill_page(request, owned_or_404(Skill, pk, workspace=request.workspace))


# --- settings -----------------------------------------------------------------------------------


@capability_required(Capability.COMMUNITY_MANAGE)
@require_http_methods(["GET", "POST"])
def community_settings(request: MemberRequest) -> HttpResponse:
    community = helpers.settings_for(request.workspace)
    form = SettingsForm(request.POST or None, instance=community, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Settings saved."))
        return redirect("community:settings")
    status = 422 if request.method == "POST" else 200
    slug = request.workspace.slug
    context = {
        "form": form, "community": community, "slug": slug,
        "public_request": f"/help/{slug}/", "public_apply": f"/help/{slug}/helpers/apply/",
    }  # fmt: skip
    return render(request, "community/staff/settings.html", context, status=status)


# --- bookings -----------------------------------------------------------------------------------


@capability_required(Capability.COMMUNITY_MANAGE)
def booking_list(request: MemberRequest) -> HttpResponse:
    kinds = dict(BOOKING_KINDS)
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds else selectors.BOOKINGS_UPCOMING
    rows = list(
        selectors.booking_rows(workspace=request.workspace, kind=kind, now=timezone.now())[
            : selectors.LIST_LIMIT + 1
        ]
    )
    for booking in rows:
        booking.saving = (  # type: ignore[attr-defined]
            booking.technician_price - booking.price_paid
            if booking.technician_price is not None and booking.price_paid is not None
            else None
        )
    context = {
        "kind": kind, "kinds": BOOKING_KINDS, "bookings": rows[: selectors.LIST_LIMIT],
        "has_more": len(rows) > selectors.LIST_LIMIT,
    }  # fmt: skip
    return render(request, "community/staff/booking_list.html", context)


# --- safety -------------------------------------------------------------------------------------


@capability_required(Capability.COMMUNITY_MANAGE)
def report_list(request: MemberRequest) -> HttpResponse:
    closed = request.GET.get("state") == ReportState.CLOSED
    rows = Report.objects.filter(
        workspace=request.workspace, state=ReportState.CLOSED if closed else ReportState.OPEN
    ).select_related("helper", "request__skill", "booking")
    context = {"reports": list(rows[: selectors.LIST_LIMIT]), "closed": closed}
    return render(request, "community/staff/report_list.html", context)


def _report_found(request: MemberRequest, pk: int) -> Report:
    rows = Report.objects.select_related("helper", "request__skill", "booking", "handled_by")
    return owned_or_404(rows, pk, workspace=request.workspace)


def _report_page(request: MemberRequest, report: Report, *, status: int = 200,
                 **forms_given: Any) -> HttpResponse:  # fmt: skip
    customer_email = report.request.email if report.request else ""
    context = {
        "report": report,
        "customer_email": customer_email,
        "customer_blocked": bool(customer_email) and CustomerBlock.objects.filter(
            workspace=request.workspace, email__iexact=customer_email).exists(),
        "close_form": forms_given.get("close_form") or OutcomeForm(prefix="close"),
        "block_form": forms_given.get("block_form") or ReasonForm(prefix="block"),
    }  # fmt: skip
    return render(request, "community/staff/report_detail.html", context, status=status)


@capability_required(Capability.COMMUNITY_MANAGE)
def report_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _report_page(request, _report_found(request, pk))


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def report_close(request: MemberRequest, pk: int) -> HttpResponse:
    report = _report_found(request, pk)
    form = OutcomeForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            bookings.report_close(report=report, by=request.user,
                                  outcome=form.cleaned_data["outcome"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The report is closed."))
            return redirect("community:report-detail", report.pk)
    return _report_page(request, report, status=422, close_form=form)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def report_block(request: MemberRequest, pk: int) -> HttpResponse:
    """From a report: block the helper it is about, or the customer (by e-mail address)."""
    report = _report_found(request, pk)
    form = ReasonForm(request.POST, prefix="block")
    who = request.POST.get("who")
    if form.is_valid() and who in {BLOCK_HELPER, BLOCK_CUSTOMER}:
        reason = form.cleaned_data["reason"]
        try:
            if who == BLOCK_HELPER and report.helper is not None:
                helper: Helper = report.helper
                helpers.helper_block(helper=helper, by=request.user, reason=reason)
                messages.success(request, _("%(name)s is blocked.") % {"name": helper.name})
            elif who == BLOCK_CUSTOMER and report.request is not None:
                bookings.customer_block(workspace=request.workspace, email=report.request.email,
                                        reason=reason, by=request.user)  # fmt: skip
                messages.success(request, _("The customer is blocked."))
            else:
                form.add_error(None, _("This report names nobody of that side."))
        except ValidationError as error:
            apply_errors(form, error)
        if not form.errors:
            return redirect("community:report-detail", report.pk)
    elif who not in {BLOCK_HELPER, BLOCK_CUSTOMER}:
        form.add_error(None, _("Choose whom to block."))
    return _report_page(request, report, status=422, block_form=form)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_http_methods(["GET", "POST"])
def block_list(request: MemberRequest) -> HttpResponse:
    """Customers blocked by address (add and remove here) and the blocked helpers."""
    form = CustomerBlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            bookings.customer_block(workspace=request.workspace, email=data["email"],
                                    reason=data["reason"], by=request.user)  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(email)s is blocked.") % {
                "email": form.cleaned_data["email"]})  # fmt: skip
            return redirect("community:block-list")
    context = {
        "form": form,
        "customer_blocks": list(CustomerBlock.objects.filter(workspace=request.workspace)
                                .select_related("created_by").order_by("email")),
        "blocked_helpers": list(Helper.objects.filter(workspace=request.workspace,
                                                      blocked_at__isnull=False).order_by("name")),
    }  # fmt: skip
    status = 422 if request.method == "POST" else 200
    return render(request, "community/staff/block_list.html", context, status=status)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def block_remove(request: MemberRequest, pk: int) -> HttpResponse:
    block = owned_or_404(CustomerBlock, pk, workspace=request.workspace)
    bookings.customer_unblock(block=block)
    messages.success(request, _("%(email)s may ask for help again.") % {"email": block.email})
    return redirect("community:block-list")


urlpatterns: list[URLPattern] = [
    path("community/", dashboard, name="dashboard"),
    path("community/skills/", skill_list, name="skill-list"),
    path("community/skills/new/", skill_new, name="skill-new"),
    path("community/skills/<id:pk>/", skill_edit, name="skill-edit"),
    path("community/settings/", community_settings, name="settings"),
    path("community/bookings/", booking_list, name="booking-list"),
    path("community/reports/", report_list, name="report-list"),
    path("community/reports/<id:pk>/", report_detail, name="report-detail"),
    path("community/reports/<id:pk>/close/", report_close, name="report-close"),
    path("community/reports/<id:pk>/block/", report_block, name="report-block"),
    path("community/blocks/", block_list, name="block-list"),
    path("community/blocks/<id:pk>/remove/", block_remove, name="block-remove"),
]
