"""Forms of the community manager's pages: filters, checks, blocks, skills, settings, requests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelChoiceField

from touchbase.community import helpers, selectors
from touchbase.community.choices import Country, RequestState
from touchbase.community.models import MAX_HOURLY_PRICE, CommunitySettings, Skill
from touchbase.community.requests import MAX_WINDOWS
from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import Membership, User, Workspace

HELPER_STATES = [
    ("", _("All helpers")),
    (selectors.HELPER_WAITING, _("Waiting for verification")),
    (selectors.HELPER_VERIFIED, _("Verified")),
    (selectors.HELPER_BLOCKED, _("Blocked")),
]
BOOKING_KINDS = [
    (selectors.BOOKINGS_UPCOMING, _("Upcoming")),
    (selectors.BOOKINGS_DONE, _("Done")),
    (selectors.BOOKINGS_ESCALATED, _("Escalated")),
    (selectors.BOOKINGS_CANCELLED, _("Cancelled")),
]
# Staff on the phone rarely note more than three times; the service takes up to five.
STAFF_WINDOWS = min(3, MAX_WINDOWS)


FAR_DAYS = 3660


class HelperFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("Show"), choices=HELPER_STATES, required=False)
    q = forms.CharField(label=_("Name or town"), required=False, max_length=100)


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False,
        choices=[("", _("Waiting for a helper")), *RequestState.choices],
    )  # fmt: skip


class SkillCheckForm(forms.Form):
    note = forms.CharField(
        label=_("How you checked it"), max_length=300,
        help_text=_("For example: “set up a router with us on 3 May”."),
    )  # fmt: skip


class VerifyForm(forms.Form):
    identity_note = forms.CharField(
        label=_("Identity seen"), max_length=200,
        help_text=_("Which document you saw, e.g. “identity card, 12 May”."),
    )  # fmt: skip


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when a booking is cancelled: the helper reads it."),
    )  # fmt: skip


class OutcomeForm(forms.Form):
    outcome = forms.CharField(
        label=_("What was done"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CustomerBlockForm(forms.Form):
    email = forms.EmailField(label=_("Customer's e-mail address"), max_length=254)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SkillForm(forms.ModelForm[Skill]):
    class Meta:
        model = Skill
        fields = ["name_de", "name_en", "description", "hours", "technician_price", "active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def _unique_name(self, field: str) -> str:
        name: str = self.cleaned_data[field].strip()
        taken = Skill.objects.filter(workspace=self.workspace, **{f"{field}__iexact": name})
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("A skill with this name exists already."))
        return name

    def clean_name_de(self) -> str:
        return self._unique_name("name_de")

    def clean_name_en(self) -> str:
        return self._unique_name("name_en")


class MemberChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj.display_name)


class SettingsForm(forms.ModelForm[CommunitySettings]):
    """The workspace's community settings; changed terms get a new version."""

    support_owner = MemberChoiceField(
        label=_("Support contact for escalated jobs"), queryset=User.objects.none(),
        required=False, empty_label=_("Whoever finishes the booking"),
    )  # fmt: skip

    class Meta:
        model = CommunitySettings
        fields = ["signup_open", "requests_open", "offer_hours", "terms", "support_owner"]
        widgets = {"terms": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(
            workspace=workspace, role__in=roles_with(Capability.CRM_VIEW)
        ).values("user_id")
        self.fields["support_owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=members, is_active=True
        ).order_by("first_name", "last_name", "pk")
        self.workspace = workspace

    def save(self, commit: bool = True) -> CommunitySettings:
        return helpers.settings_save(workspace=self.workspace, changes=dict(self.cleaned_data))


class SkillChoiceField(SafeModelChoiceField):  # type: ignore[misc]
    """A skill of the workspace (django-scopes' field: its queryset is set per form)."""


class RequestNewForm(forms.Form):
    """A help request staff take on the phone for a known customer: topic, place, times.

    Times are typed in the workspace's time zone and given to the service in UTC."""

    skill = SkillChoiceField(label=_("Topic"), queryset=Skill.objects.none())
    description = forms.CharField(
        label=_("What is it about?"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    town = forms.CharField(label=_("Town"), max_length=100)
    address = forms.CharField(
        label=_("Street and number"), required=False, max_length=200,
        help_text=_("Shown to the helper only once the booking is confirmed."),
    )  # fmt: skip
    budget = forms.DecimalField(
        label=_("Budget per hour (€)"), required=False, min_value=Decimal("0"),
        max_value=MAX_HOURLY_PRICE, decimal_places=2,
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.fields["skill"].queryset = Skill.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, active=True
        )
        for number in range(1, STAFF_WINDOWS + 1):
            required = number == 1
            self.fields[f"day_{number}"] = forms.DateField(
                label=_("Day %(number)s") % {"number": number}, required=required,
                widget=forms.DateInput(attrs={"type": "date"}),
            )  # fmt: skip
            self.fields[f"from_{number}"] = forms.TimeField(
                label=_("From"), required=required, widget=forms.TimeInput(attrs={"type": "time"})
            )
            self.fields[f"until_{number}"] = forms.TimeField(
                label=_("Until"), required=required,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = self.workspace.zone
        windows: list[tuple[dt.datetime, dt.datetime]] = []
        for number in range(1, STAFF_WINDOWS + 1):
            day, starts, ends = (data.get(f"{part}_{number}") for part in ("day", "from", "until"))
            if day is None and starts is None and ends is None:
                continue
            if day is None or starts is None or ends is None:
                self.add_error(f"day_{number}", _("Give the day, a start and an end."))
                continue
            if abs((day - dt.datetime.now(tz=zone).date()).days) > FAR_DAYS:
                # Year 1 or 9999 cannot even be turned into UTC; the service's 90 days apply.
                self.add_error(f"day_{number}", _("Choose times within the next 90 days."))
                continue
            begin = dt.datetime.combine(day, starts, tzinfo=zone)
            end = dt.datetime.combine(day, ends, tzinfo=zone)
            if end <= begin:
                end += dt.timedelta(days=1)  # an evening window running past midnight
            windows.append((begin.astimezone(dt.UTC), end.astimezone(dt.UTC)))
        data["windows"] = windows
        return data

    def window_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"day_{n}"], self[f"from_{n}"], self[f"until_{n}"])
            for n in range(1, STAFF_WINDOWS + 1)
        ]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("skill", "description", "phone", "country",
                                        "postal_code", "town", "address", "budget")]  # fmt: skip


def request_initial(contact: Any) -> dict[str, Any]:
    """What the form starts with for this customer: their phone and address."""
    country = contact.country if contact.country in Country.values else Country.DE
    return {
        "phone": contact.phone or contact.mobile or "", "country": country,
        "postal_code": contact.postal_code or "", "town": contact.city or "",
        "address": contact.street or "",
    }  # fmt: skip
