"""API: the company's data, each member's e-mail signature, its rendering and the lint.

Signatures are named by their member's user id. Every member may change their own signature;
changing a colleague's needs the manage capability (403 otherwise).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Schema, Status, UploadedFile

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.publishing import reach_services, signatures
from touchbase.publishing.api.base import FindingOut, own_or_manage, router
from touchbase.publishing.choices import LegalForm
from touchbase.publishing.models_reach import MAX_SOCIAL_LINKS, CompanyProfile, SignatureProfile
from touchbase.publishing.reach_forms import PASTE_LIMIT
from touchbase.publishing.signature_lint import MAX_INPUT_CHARS, Finding

SignatureLanguage = Literal["de", "en"]
EMAIL_LENGTH = 254


# --- schemas -----------------------------------------------------------------------------------


class SocialLinkIn(Schema):
    network: str = Field(min_length=1, max_length=40, description="e.g. LinkedIn")
    url: str = Field(min_length=1, max_length=300, description="https://…")


class SocialLinkOut(Schema):
    network: str
    url: str


class CompanyIn(Schema):
    """The whole company profile; a field left out is emptied (or set to its default)."""

    legal_name: str = Field("", max_length=200, description="As registered")
    legal_form: LegalForm = LegalForm.OTHER
    street: str = Field("", max_length=200)
    postal_code: str = Field("", max_length=20)
    city: str = Field("", max_length=100)
    seat: str = Field("", max_length=100, description="Registered seat")
    register_court: str = Field("", max_length=150)
    register_number: str = Field("", max_length=60)
    managing_directors: str = Field("", max_length=1000, description="One name per line")
    supervisory_chair: str = Field("", max_length=150)
    vat_id: str = Field("", max_length=40)
    phone: str = Field("", max_length=40, description="Any usual way; stored as E.164")
    email: str = Field("", max_length=EMAIL_LENGTH)
    website: str = Field("", max_length=300)
    social_links: list[SocialLinkIn] = Field(default_factory=list, max_length=MAX_SOCIAL_LINKS)
    closing: str = Field("", max_length=1000, description="Text under every signature")


class CompanyOut(Schema):
    legal_name: str
    legal_form: LegalForm
    street: str
    postal_code: str
    city: str
    seat: str
    register_court: str
    register_number: str
    managing_directors: str = Field(description="One name per line")
    supervisory_chair: str
    vat_id: str
    phone: str = Field(description="E.164")
    email: str
    website: str
    social_links: list[SocialLinkOut]
    closing: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_social_links(company: CompanyProfile) -> list[dict[str, Any]]:
        return [link for link in company.social_links if isinstance(link, dict)]


class SignatureOut(Schema):
    user_id: int = Field(description="The member's user id: the signature's id in the API")
    name: str
    job_title: str
    phone: str = Field(description="E.164")
    mobile: str = Field(description="E.164")
    email: str
    language: SignatureLanguage
    with_banner: bool = Field(description="The e-mail banner slot under the signature")
    has_photo: bool
    install_sent_at: dt.datetime | None = Field(description="When the install link went out")
    findings: int = Field(description="How many problems the lint finds in it")


class SignaturePage(Schema):
    items: list[SignatureOut]
    next_offset: int | None


class SignatureIn(Schema):
    """The whole signature; a field left out is emptied (or set to its default)."""

    name: str = Field("", max_length=150)
    job_title: str = Field("", max_length=150)
    phone: str = Field("", max_length=40, description="Any usual way; stored as E.164")
    mobile: str = Field("", max_length=40, description="Any usual way; stored as E.164")
    email: str = Field("", max_length=EMAIL_LENGTH)
    language: SignatureLanguage = "de"
    with_banner: bool = True


class RenderedOut(Schema):
    html: str = Field(description="For mail programs: tables, inline styles, no script")
    text: str = Field(description="The plain-text version")
    findings: list[FindingOut]


class TemplateFilters(Schema):
    language: SignatureLanguage = "de"


class PasteIn(Schema):
    html: str = Field("", max_length=PASTE_LIMIT, description="The signature as HTML")
    text: str = Field("", max_length=min(PASTE_LIMIT, MAX_INPUT_CHARS),
                      description="The signature as text")  # fmt: skip


# --- helpers -----------------------------------------------------------------------------------


def _signature(request: MemberRequest, user_id: int) -> SignatureProfile:
    """The signature of a member of this workspace (started if missing), or 404."""
    profile = reach_services.signature_of_member(workspace=request.workspace, user_id=user_id)
    if profile is None:
        raise Http404(_("Not found."))
    return profile


def _signature_out(profile: SignatureProfile) -> dict[str, Any]:
    return {
        **{name: getattr(profile, name) for name in (
            "user_id", "name", "job_title", "phone", "mobile", "email", "language",
            "with_banner", "install_sent_at")},
        "has_photo": bool(profile.photo),
        "findings": len(reach_services.signature_findings(profile)),
    }  # fmt: skip


def _findings(found: list[Finding]) -> list[dict[str, str]]:
    return [{"code": f.code, "message": str(f.message), "detail": f.detail} for f in found]


def _rendered(profile: SignatureProfile) -> dict[str, Any]:
    findings = reach_services.signature_findings(profile)
    return {
        "html": str(signatures.signature_html(profile)),
        "text": signatures.signature_text(profile),
        "findings": _findings(findings),
    }


def _stripped(values: dict[str, Any]) -> dict[str, Any]:
    return {name: value.strip() if isinstance(value, str) else value
            for name, value in values.items()}  # fmt: skip


# --- the company -------------------------------------------------------------------------------


@router.get("/publishing/company", response=CompanyOut,
            summary="The company as signatures and the audit present it")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def company_get(request: MemberRequest) -> CompanyProfile:
    return signatures.company_profile(workspace=request.workspace)


@router.put("/publishing/company", response=CompanyOut,
            summary="Replace the company data (phone stored as E.164)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def company_update(request: MemberRequest, payload: CompanyIn) -> CompanyProfile:
    company = signatures.company_profile(workspace=request.workspace)
    changes = _stripped(payload.dict())
    changes["social_links"] = [_stripped(link) for link in changes["social_links"]]
    return signatures.company_profile_save(profile=company, changes=changes)


# --- the lint of the template and of a pasted signature (literal paths first) ------------------


@router.get("/publishing/signature-template", response=RenderedOut,
            summary="What every signature shares, for a sample person; its lint")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_template(request: MemberRequest, filters: Query[TemplateFilters]) -> dict[str, Any]:
    profile = reach_services.template_profile(request.workspace, filters.language)
    return _rendered(profile)


@router.post("/publishing/signature-lint", response=list[FindingOut],
             summary="The lint of a pasted signature (nothing is saved)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_paste_lint(request: MemberRequest, payload: PasteIn) -> list[dict[str, str]]:
    if not payload.html.strip() and not payload.text.strip():
        raise ValidationError({"text": _("Paste a signature first.")})
    return _findings(reach_services.pasted_findings(
        workspace=request.workspace, html=payload.html, text=payload.text
    ))  # fmt: skip


# --- signatures --------------------------------------------------------------------------------


@router.get("/publishing/signatures", response=SignaturePage,
            summary="Every member's signature, each with how many problems it has")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    profiles = reach_services.signature_profiles(request.workspace)
    found = page_of_rows(profiles[page.offset : page.offset + page.limit + 1], page)
    # The lint renders each signature: only the page's rows are linted.
    found["items"] = [_signature_out(profile) for profile in found["items"]]
    return found


@router.get("/publishing/signatures/{user_id}", response=SignatureOut,
            summary="One member's signature data")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_get(request: MemberRequest, user_id: Id) -> dict[str, Any]:
    return _signature_out(_signature(request, user_id))


@router.put("/publishing/signatures/{user_id}", response=SignatureOut,
            summary="Replace a signature's data (your own; a colleague's needs the manage "
            "capability)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_update(request: MemberRequest, user_id: Id, payload: SignatureIn) -> dict[str, Any]:
    profile = _signature(request, user_id)
    own_or_manage(request, user_id)
    saved = signatures.signature_profile_save(profile=profile, changes=_stripped(payload.dict()))
    return _signature_out(saved)


@router.put("/publishing/signatures/{user_id}/photo", response=SignatureOut,
            summary="Upload the photo (multipart; PNG, JPEG or GIF, at most 500 kB)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_photo_put(
    request: MemberRequest, user_id: Id, photo: File[UploadedFile | None] = None
) -> dict[str, Any]:
    profile = _signature(request, user_id)
    own_or_manage(request, user_id)
    if photo is None:
        raise ValidationError({"photo": _("Choose an image.")})
    try:
        saved = signatures.signature_profile_save(profile=profile, changes={}, photo=photo)
    except ValidationError as error:
        # The image check names its field "image"; here the upload is called photo.
        errors = error.message_dict if hasattr(error, "error_dict") else {"photo": error.messages}
        raise ValidationError(
            {"photo" if name == "image" else name: messages for name, messages in errors.items()}
        ) from error
    return _signature_out(saved)


@router.delete("/publishing/signatures/{user_id}/photo", response=SignatureOut,
               summary="Remove the signature's photo")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_photo_delete(request: MemberRequest, user_id: Id) -> dict[str, Any]:
    profile = _signature(request, user_id)
    own_or_manage(request, user_id)
    saved = signatures.signature_profile_save(profile=profile, changes={}, remove_photo=True)
    return _signature_out(saved)


@router.get("/publishing/signatures/{user_id}/rendered", response=RenderedOut,
            summary="The signature as HTML and text, in its language, and its lint")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_rendered(request: MemberRequest, user_id: Id) -> dict[str, Any]:
    return _rendered(_signature(request, user_id))


@router.post("/publishing/signatures/{user_id}/install-mail", response={202: SignatureOut},
             summary="Mail the member the link that installs their signature (valid two "
             "weeks)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def signature_install_mail(request: MemberRequest, user_id: Id) -> Status[dict[str, Any]]:
    profile = _signature(request, user_id)
    own_or_manage(request, user_id)
    return Status(202, _signature_out(reach_services.install_send(profile=profile)))
