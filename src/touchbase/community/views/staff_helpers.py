"""The community manager's helper pages: the list, one helper, checks, verification, blocks."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touchbase.community import helpers, selectors
from touchbase.community.choices import Side
from touchbase.community.models import Helper, HelperSkill, Rating
from touchbase.community.staff_forms import (
    HelperFilterForm,
    ReasonForm,
    SkillCheckForm,
    VerifyForm,
)
from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

DETAIL_ROWS = 50
WEEKDAYS = [
    gettext_lazy("Monday"), gettext_lazy("Tuesday"), gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"), gettext_lazy("Friday"), gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
]  # fmt: skip


@capability_required(Capability.COMMUNITY_MANAGE)
def helper_list(request: MemberRequest) -> HttpResponse:
    form = HelperFilterForm(request.GET or None)
    state = query = ""
    if form.is_valid():
        state, query = form.cleaned_data["state"], form.cleaned_data["q"]
    rows = selectors.helper_rows(workspace=request.workspace, state=state, query=query)
    helpers_shown = list(rows[: selectors.LIST_LIMIT + 1])
    context = {
        "form": form, "helpers": helpers_shown[: selectors.LIST_LIMIT],
        "has_more": len(helpers_shown) > selectors.LIST_LIMIT, "state": state,
    }  # fmt: skip
    return render(request, "community/staff/helper_list.html", context)


def _helper_found(request: MemberRequest, pk: int) -> Helper:
    return owned_or_404(Helper, pk, workspace=request.workspace)


def _detail_page(
    request: MemberRequest, helper: Helper, *, status: int = 200, **forms_given: Any
) -> HttpResponse:
    skills = list(helper.helper_skills.select_related("skill", "checked_by").order_by("pk"))
    check_forms: dict[int, forms.Form] = forms_given.pop("check_forms", {})
    for helper_skill in skills:
        helper_skill.form = check_forms.get(  # type: ignore[attr-defined]
            helper_skill.pk, SkillCheckForm(prefix=f"check-{helper_skill.pk}")
        )
    bookings = list(
        helper.bookings.select_related("request__skill").order_by("-starts_at", "-pk")[:DETAIL_ROWS]
    )
    ratings = list(
        Rating.objects.filter(workspace=request.workspace, booking__helper=helper)
        .select_related("booking__request__skill")
        .order_by("-created_at", "-pk")[:DETAIL_ROWS]
    )
    reports = list(
        helper.reports.filter(workspace=request.workspace)
        .select_related("booking", "request")
        .order_by("-created_at", "-pk")[:DETAIL_ROWS]
    )
    availability = [
        {"weekday": WEEKDAYS[window.weekday], "starts": window.starts, "ends": window.ends,
         "overnight": window.ends <= window.starts}
        for window in helper.availability.all()
    ]  # fmt: skip
    context = {
        "helper": helper, "skills": skills, "bookings": bookings,
        "ratings_received": [r for r in ratings if r.by == Side.CUSTOMER],
        "ratings_given": [r for r in ratings if r.by == Side.HELPER],
        "reports": reports, "availability": availability,
        "holidays": list(helper.holidays.all()),
        "missing": helpers.verification_missing(helper) if helper.verified_at is None else [],
        "verify_form": forms_given.get("verify_form") or VerifyForm(
            prefix="verify", initial={"identity_note": helper.identity_note}
        ),
        "block_form": forms_given.get("block_form") or ReasonForm(prefix="block"),
    }  # fmt: skip
    return render(request, "community/staff/helper_detail.html", context, status=status)


@capability_required(Capability.COMMUNITY_MANAGE)
def helper_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _helper_found(request, pk))


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def helper_skill_check(request: MemberRequest, pk: int, skill_pk: int) -> HttpResponse:
    helper = _helper_found(request, pk)
    helper_skill = owned_or_404(
        HelperSkill.objects.filter(helper=helper).select_related("skill"), skill_pk,
        workspace=request.workspace,
    )  # fmt: skip
    form = SkillCheckForm(request.POST, prefix=f"check-{helper_skill.pk}")
    if form.is_valid():
        try:
            helpers.skill_check(helper_skill=helper_skill, by=request.user,
                                note=form.cleaned_data["note"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Skill “%(skill)s” checked.") % {"skill": helper_skill.skill}
            )
            return redirect("community:helper-detail", helper.pk)
    return _detail_page(request, helper, status=422, check_forms={helper_skill.pk: form})


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def helper_verify(request: MemberRequest, pk: int) -> HttpResponse:
    helper = _helper_found(request, pk)
    form = VerifyForm(request.POST, prefix="verify")
    if form.is_valid():
        try:
            helpers.helper_verify(helper=helper, by=request.user,
                                  identity_note=form.cleaned_data["identity_note"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is verified.") % {"name": helper.name})
            return redirect("community:helper-detail", helper.pk)
    return _detail_page(request, helper, status=422, verify_form=form)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def helper_block(request: MemberRequest, pk: int) -> HttpResponse:
    helper = _helper_found(request, pk)
    form = ReasonForm(request.POST, prefix="block")
    if form.is_valid():
        try:
            helpers.helper_block(helper=helper, by=request.user,
                                 reason=form.cleaned_data["reason"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s is blocked.") % {"name": helper.name})
            return redirect("community:helper-detail", helper.pk)
    return _detail_page(request, helper, status=422, block_form=form)


@capability_required(Capability.COMMUNITY_MANAGE)
@require_POST
def helper_unblock(request: MemberRequest, pk: int) -> HttpResponse:
    helper = _helper_found(request, pk)
    helpers.helper_unblock(helper=helper, by=request.user)
    messages.success(request, _("%(name)s is no longer blocked.") % {"name": helper.name})
    return redirect("community:helper-detail", helper.pk)


urlpatterns: list[URLPattern] = [
    path("community/helpers/", helper_list, name="helper-list"),
    path("community/helpers/<id:pk>/", helper_detail, name="helper-detail"),
    path("community/helpers/<id:pk>/skills/<id:skill_pk>/check/", helper_skill_check,
         name="helper-skill-check"),
    path("community/helpers/<id:pk>/verify/", helper_verify, name="helper-verify"),
    path("community/helpers/<id:pk>/block/", helper_block, name="helper-block"),
    path("community/helpers/<id:pk>/unblock/", helper_unblock, name="helper-unblock"),
]  # fmt: skip
