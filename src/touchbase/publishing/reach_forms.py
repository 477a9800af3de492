"""Forms of the company data, signatures, banners, partners and presences.

They only read and check input; saving goes through reach_services and signatures, so the
API and the pages share one set of rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import User, Workspace
from touchbase.publishing.models_reach import (
    MAX_SOCIAL_LINKS,
    Banner,
    CompanyProfile,
    Partner,
    Presence,
    SignatureProfile,
)
from touchbase.publishing.signature_lint import MAX_INPUT_CHARS

COMPANY_FIELDS = [
    "legal_name", "legal_form", "street", "postal_code", "city", "seat", "register_court",
    "register_number", "managing_directors", "supervisory_chair", "vat_id", "phone", "email",
    "website", "closing",
]  # fmt: skip
SIGNATURE_FIELDS = ["name", "job_title", "phone", "mobile", "email", "language", "with_banner"]
PASTE_LIMIT = 50_000


class ServiceSaved:
    """A model form that only reads input: the service sets, checks and saves the row."""

    cleaned_data: dict[str, Any]

    def _post_clean(self) -> None:
        pass

    def fields_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}  # type: ignore[attr-defined]


class CompanyForm(ServiceSaved, forms.ModelForm[CompanyProfile]):
    social = forms.CharField(
        label=_("Social links"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: name, a space and the address, e.g. "
                    "“LinkedIn https://www.linkedin.com/company/example”."),
    )  # fmt: skip

    class Meta:
        model = CompanyProfile
        fields = COMPANY_FIELDS
        widgets = {
            "managing_directors": forms.Textarea(attrs={"rows": 3}),
            "closing": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.social_links:
            lines = [f"{link.get('network', '')} {link.get('url', '')}"
                     for link in self.instance.social_links if isinstance(link, dict)]  # fmt: skip
            self.initial["social"] = "\n".join(lines)

    def clean_social(self) -> list[dict[str, str]]:
        links = []
        for line in self.cleaned_data["social"].splitlines():
            network, _space, url = line.strip().rpartition(" ")
            if line.strip():
                links.append({"network": network.strip() or url, "url": url})
        if len(links) > MAX_SOCIAL_LINKS:
            raise forms.ValidationError(
                _("At most %(max)s links."), params={"max": MAX_SOCIAL_LINKS}
            )
        return links

    def fields_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in COMPANY_FIELDS}
        data["social_links"] = self.cleaned_data["social"]
        return data


class SignatureForm(ServiceSaved, forms.ModelForm[SignatureProfile]):
    photo_file = forms.ImageField(label=_("Photo"), required=False,
                                  help_text=_("Square works best; at most 500 kB."))  # fmt: skip
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = SignatureProfile
        fields = SIGNATURE_FIELDS


class PasteForm(forms.Form):
    html = forms.CharField(
        label=_("Signature as HTML (optional)"), required=False, max_length=PASTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    text = forms.CharField(
        label=_("Signature as text"), required=False, max_length=min(PASTE_LIMIT, MAX_INPUT_CHARS),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Paste the signature you use today; touchbase lists what it would change."),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("html") or "").strip() and not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Paste a signature first."))
        return data


class BannerForm(ServiceSaved, forms.ModelForm[Banner]):
    image_file = forms.ImageField(
        label=_("Image"), required=False,
        help_text=_("PNG, JPEG or GIF, at most 500 kB; 600 pixels wide fits every mail."),
    )  # fmt: skip

    class Meta:
        model = Banner
        fields = ["name", "alt_text", "link_url", "starts_on", "ends_on", "weight", "target",
                  "language", "for_partners"]  # fmt: skip
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["image_file"].required = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end comes before the start."))
        return data

    def fields_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def _post_clean(self) -> None:
        # The model's own checks run in the service, with the image measured first.
        pass


class PartnerForm(ServiceSaved, forms.ModelForm[Partner]):
    class Meta:
        model = Partner
        fields = ["name", "company", "email", "active"]


class PartnerSignInForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    # Hidden from people (and from screen readers); a form with it filled came from a robot.
    website = forms.CharField(required=False, max_length=200)


class PresenceForm(ServiceSaved, forms.ModelForm[Presence]):
    class Meta:
        model = Presence
        fields = ["kind", "name", "url", "owner", "check_every_days", "answer_within_days"]

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ModelChoiceField)
        owner.queryset = User.objects.filter(memberships__workspace=workspace).order_by(
            "first_name", "last_name", "username"
        )
        owner.label_from_instance = _member_label  # type: ignore[method-assign,assignment]


def _member_label(user: User) -> str:
    return str(user.display_name)
