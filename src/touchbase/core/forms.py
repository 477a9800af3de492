from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.core.choices import DigestFrequency, Language


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
