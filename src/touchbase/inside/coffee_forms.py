"""Forms of the virtual-coffee pages: a member's pause and holidays, the managers' settings,
and what a customer sends by their link. Every field is bounded; customers' forms carry a
honeypot ("website") only robots fill in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.inside.choices import CoffeeEvery
from touchbase.inside.models import InsideSettings

DATE_INPUT_MAX = 20
PAUSE_AHEAD = dt.timedelta(days=366)
MET_YES = "yes"
MET_NO = "no"


class DayField(forms.DateField):
    """A day typed or picked; longer input than any date is refused before parsing."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and len(value) > DATE_INPUT_MAX:
            raise ValidationError(_("Enter a valid date."), code="invalid")
        return super().to_python(value)


class HoneypotForm(forms.Form):
    """A text field hidden from people; a robot that fills it in is thanked and ignored."""

    website = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)

    @property
    def is_robot(self) -> bool:
        return bool((self.data or {}).get("website"))


class PauseForm(forms.Form):
    until = DayField(
        label=_("Pause until"),
        required=False,
        help_text=_("Leave empty to take part again from the next round."),
    )

    def clean_until(self) -> dt.date | None:
        until: dt.date | None = self.cleaned_data.get("until")
        if until is not None and until > timezone.localdate() + PAUSE_AHEAD:
            raise ValidationError(_("Pause for a year at most."))
        return until


class AbsenceForm(forms.Form):
    starts_on = DayField(label=_("Away from"))
    ends_on = DayField(label=_("Away until"))


class ConfirmForm(forms.Form):
    met = forms.ChoiceField(
        label=_("Did the coffee take place?"),
        choices=[(MET_YES, _("It took place")), (MET_NO, _("It did not take place"))],
    )

    @property
    def took_place(self) -> bool:
        return bool(self.cleaned_data.get("met") == MET_YES)


class CoffeeSettingsForm(forms.Form):
    """The workspace's rounds; bounds are the model's, checked by inside_settings_save."""

    coffee_every = forms.TypedChoiceField(
        label=_("Coffee rounds"), choices=CoffeeEvery.choices, coerce=int
    )
    coffee_weekday = forms.TypedChoiceField(
        label=_("Weekday of the coffee"),
        choices=InsideSettings._meta.get_field("coffee_weekday").choices or [],
        coerce=int,
    )
    coffee_time = forms.TimeField(
        label=_("Time of the coffee"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    coffee_minutes = forms.IntegerField(label=_("Length of a coffee in minutes"), max_value=10000)
    coffee_avoid_rounds = forms.IntegerField(
        label=_("Rounds before two people meet again"), min_value=0, max_value=10000
    )
    coffee_prefer_shared = forms.BooleanField(
        label=_("Prefer colleagues who share customers but never met"), required=False
    )

    @classmethod
    def initial_of(cls, found: InsideSettings) -> dict[str, Any]:
        return {name: getattr(found, name) for name in cls.base_fields}


class InviteForm(forms.Form):
    """Only a button: what could go wrong (no address, already taking part) is the service's."""


class CustomerPauseForm(HoneypotForm, PauseForm):
    pass


class CustomerConfirmForm(HoneypotForm, ConfirmForm):
    pass


class CustomerButtonForm(HoneypotForm):
    pass
