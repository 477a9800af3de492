from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.core.choices import DigestFrequency, Language, Role


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    digest_frequency = forms.ChoiceField(
        label=_("Digest e-mail with my due list"), choices=DigestFrequency.choices
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)


class WorkspaceForm(forms.ModelForm):
    class Meta:
        from touchbase.core.models import Workspace

        model = Workspace
        fields = ["name", "time_zone", "default_cadence_days"]


class MemberForm(forms.Form):
    username = forms.SlugField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.STAFF)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, min_length=10,
        help_text=_("At least 10 characters; ask them to change it."),
    )  # fmt: skip
