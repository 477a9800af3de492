from __future__ import annotations

import datetime as dt
import ipaddress
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
)
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from touchbase.core import selectors, services
from touchbase.core.choices import DigestFrequency, Language, Role
from touchbase.core.locales import time_zone_choices
from touchbase.core.models import SignInFailure, User, Workspace

UNKNOWN_ADDRESS = "0.0.0.0"


def client_address(request: HttpRequest | None) -> str:
    """The client's IP address; behind a trusted proxy, the one it added to X-Forwarded-For."""
    if request is None:
        return UNKNOWN_ADDRESS
    address = request.META.get("REMOTE_ADDR", "")
    if settings.CLIENT_ADDRESS_FROM_FORWARDED_FOR:
        # The proxy appends the address it saw; whatever stands left of it, clients can forge.
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
        address = forwarded or address
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return UNKNOWN_ADDRESS


class SignInForm(AuthenticationForm):
    """Sign in; refused without a password check while the username or address is throttled."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your username and password didn't match. Please try again."),
        "throttled": _(
            "Too many failed sign-in attempts. Please try again in %(minutes)d minutes."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        if selectors.sign_in_is_throttled(username=username, address=address):
            raise ValidationError(
                self.error_messages["throttled"], code="throttled",
                params={"minutes": SignInFailure.WINDOW // dt.timedelta(minutes=1)},
            )  # fmt: skip
        try:
            cleaned_data = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                services.sign_in_failure_record(username=username, address=address)
            raise
        if self.user_cache is not None:
            services.sign_in_failures_forget(username=username)
        return cleaned_data


class AdminSignInForm(SignInForm, AdminAuthenticationForm):
    """The admin's sign-in, throttled like the app's so the admin is no way around the limit."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": SignInForm.error_messages["throttled"],
    }


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    digest_frequency = forms.ChoiceField(
        label=_("Digest e-mail with my due list"), choices=DigestFrequency.choices
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class WorkspaceForm(forms.ModelForm[Workspace]):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=time_zone_choices,
        error_messages={"invalid_choice": _("Unknown time zone: %(value)s")},
    )  # fmt: skip

    class Meta:
        model = Workspace
        fields = [
            "name", "time_zone", "home_country", "default_cadence_days", "human_first_after",
            "accent_color",
        ]  # fmt: skip
        widgets = {"accent_color": forms.TextInput(attrs={"type": "color"})}

    def clean_accent_color(self) -> str:
        """An empty colour (a form without the field) keeps the current one."""
        return self.cleaned_data.get("accent_color") or self.instance.accent_color

    def clean_human_first_after(self) -> int:
        """An empty number (a form without the field) keeps the current one."""
        return self.cleaned_data.get("human_first_after") or self.instance.human_first_after

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accent_color"].required = False
        self.fields["human_first_after"].required = False
        # Choices named in the reader's language, the zone stored now among them.
        self.fields["time_zone"].choices = partial(  # type: ignore[attr-defined]
            time_zone_choices, keep=self.instance.time_zone
        )


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)
    language = forms.ChoiceField(label=_("Language of the invitation"), choices=Language.choices)


class JoinForm(BaseUserCreationForm[User]):
    """A new account for an invited person; Django's password validators apply."""

    class Meta(BaseUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name")


class ResetForm(PasswordResetForm):
    """Password reset by e-mail, written in the language the account holder chose."""

    def send_mail(self, *args: Any, **kwargs: Any) -> None:
        context = args[2] if len(args) > 2 else kwargs["context"]
        with translation.override(context["user"].language):
            super().send_mail(*args, **kwargs)


def apply_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's validation errors on the form fields they concern."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)
