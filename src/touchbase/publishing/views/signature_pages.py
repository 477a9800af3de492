"""The company's master data and every member's e-mail signature: edit, preview, copy, send the
install link, and the lint of each signature, of the workspace's template and of a pasted one.

Every member edits their own signature; changing another member's needs publishing.manage.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none
from touchbase.publishing import reach_services, signatures
from touchbase.publishing.models_reach import SignatureProfile
from touchbase.publishing.reach_forms import CompanyForm, PasteForm, SignatureForm

LANGUAGES = [("de", "Deutsch"), ("en", "English")]


def field_errors(form: Any, error: ValidationError, renames: dict[str, str]) -> None:
    """A service's errors on the form's fields, where the form names a field differently."""
    if hasattr(error, "error_dict"):
        error = ValidationError(
            {renames.get(name, name): value for name, value in error.error_dict.items()}
        )
    apply_errors(form, error)


def _can_manage(request: MemberRequest) -> bool:
    return has_capability(request, Capability.PUBLISHING_MANAGE)


def _profile_found(request: MemberRequest, user_id: int) -> SignatureProfile:
    """The member's signature; another member's only with publishing.manage (else 404)."""
    number = id_or_none(user_id)
    own = number == request.user.pk
    if number is None or not (own or _can_manage(request)):
        raise Http404(_("Not found."))
    profile = reach_services.signature_of_member(workspace=request.workspace, user_id=number)
    if profile is None:
        raise Http404(_("Not found."))
    return profile


@capability_required(Capability.PUBLISHING_MANAGE)
@require_http_methods(["GET", "POST"])
def company(request: MemberRequest) -> HttpResponse:
    """The legal details, address and contacts every signature and audit is measured by."""
    profile = signatures.company_profile(workspace=request.workspace)
    form = CompanyForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            signatures.company_profile_save(profile=profile, changes=form.fields_data())
        except ValidationError as error:
            field_errors(form, error, {"social_links": "social"})
        else:
            messages.success(request, _("Company data saved."))
            return redirect("publishing:company")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "findings": reach_services.template_findings(request.workspace)}
    return render(request, "publishing/reach/company.html", context, status=status)


@capability_required(Capability.PUBLISHING_VIEW)
def signature_list(request: MemberRequest) -> HttpResponse:
    """The member's own signature first; with publishing.manage everyone's, with their lint."""
    if not _can_manage(request):
        return redirect("publishing:signature", request.user.pk)
    rows = [
        {"profile": profile, "findings": reach_services.signature_findings(profile)}
        for profile in reach_services.signature_profiles(request.workspace)
    ]
    language = _language(request)
    context = {
        "rows": rows, "language": language, "languages": LANGUAGES,
        "template_findings": reach_services.template_findings(request.workspace, language),
    }  # fmt: skip
    return render(request, "publishing/reach/signature_list.html", context)


def _language(request: MemberRequest) -> str:
    value = request.GET.get("lang", "")
    return value if value in dict(LANGUAGES) else (request.LANGUAGE_CODE or "de")[:2]


def _signature_page(
    request: MemberRequest, profile: SignatureProfile, form: SignatureForm, status: int = 200
) -> HttpResponse:
    context = {
        "profile": profile, "form": form, "html": signatures.signature_html(profile),
        "text": signatures.signature_text(profile),
        "findings": reach_services.signature_findings(profile),
        "own": profile.user_id == request.user.pk, "can_manage": _can_manage(request),
    }  # fmt: skip
    return render(request, "publishing/reach/signature.html", context, status=status)


@capability_required(Capability.PUBLISHING_VIEW)
@require_http_methods(["GET", "POST"])
def signature(request: MemberRequest, user_id: int) -> HttpResponse:
    profile = _profile_found(request, user_id)
    if request.method != "POST":
        return _signature_page(request, profile, SignatureForm(instance=profile))
    form = SignatureForm(request.POST, request.FILES, instance=profile)
    if form.is_valid():
        try:
            signatures.signature_profile_save(
                profile=profile, changes=form.fields_data(),
                photo=form.cleaned_data.get("photo_file"),
                remove_photo=form.cleaned_data.get("remove_photo", False),
            )  # fmt: skip
        except ValidationError as error:
            field_errors(form, error, {"image": "photo_file", "photo": "photo_file"})
        else:
            messages.success(request, _("Signature saved."))
            return redirect("publishing:signature", profile.user_id)
    profile.refresh_from_db()
    return _signature_page(request, profile, form, status=422)


@capability_required(Capability.PUBLISHING_VIEW)
@require_POST
def signature_install_send(request: MemberRequest, user_id: int) -> HttpResponse:
    profile = _profile_found(request, user_id)
    if not (profile.email or profile.user.email):
        messages.error(request, _("This signature has no e-mail address to send the link to."))
    else:
        reach_services.install_send(profile=profile)
        messages.success(
            request,
            _("The install link is on its way to %(email)s.")
            % {"email": profile.email or profile.user.email},
        )
    return redirect("publishing:signature", profile.user_id)


@capability_required(Capability.PUBLISHING_VIEW)
@require_http_methods(["GET", "POST"])
def signature_check(request: MemberRequest) -> HttpResponse:
    """Lint a signature pasted from a mail program, against the company's master data."""
    form = PasteForm(request.POST or None)
    findings = None
    if request.method == "POST" and form.is_valid():
        findings = reach_services.pasted_findings(
            workspace=request.workspace, html=form.cleaned_data["html"],
            text=form.cleaned_data["text"],
        )  # fmt: skip
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    context = {"form": form, "findings": findings}
    return render(request, "publishing/reach/signature_check.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("publishing/company/", company, name="company"),
    path("publishing/signatures/", signature_list, name="signature-list"),
    path("publishing/signatures/check/", signature_check, name="signature-check"),
    path("publishing/signatures/<id:user_id>/", signature, name="signature"),
    path(
        "publishing/signatures/<id:user_id>/install-mail/",
        signature_install_send,
        name="signature-install-send",
    ),  # fmt: skip
]
