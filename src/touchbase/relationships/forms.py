"""Forms for accounts, contacts, touchpoints, snoozes, policies and the call sheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelChoiceField

from touchbase.core.models import Workspace
from touchbase.relationships import selectors
from touchbase.relationships.choices import (
    LOGGABLE_CHANNELS,
    MASS_CHANNELS,
    Channel,
    CheckinAnswer,
    Country,
    Direction,
    Outcome,
)
from touchbase.relationships.models import Account, CadencePolicy, Contact
from touchbase.relationships.services import CheckinAnswers

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class WorkspaceFormMixin:
    """Limit every choice of people, accounts and tags to the workspace."""

    def limit_choices(self, workspace: Workspace) -> None:
        fields: dict[str, forms.Field] = self.fields  # type: ignore[attr-defined]
        people = selectors.members(workspace=workspace)
        for name in ("owner", "executive_sponsor", "participants"):
            if name in fields:
                fields[name].queryset = people  # type: ignore[attr-defined]
                fields[name].label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
        if "account" in fields:
            fields["account"].queryset = Account.objects.filter(workspace=workspace).order_by(  # type: ignore[attr-defined]
                "name"
            )
        if "tag" in fields:
            fields["tag"].queryset = selectors.tags(workspace=workspace)  # type: ignore[attr-defined]


class TagNamesField(forms.CharField):
    """Comma-separated tag names."""

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(str(getattr(tag, "name", tag)) for tag in value)
        return value or ""

    # A text input that cleans to a list of names, unlike the CharField it extends.
    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [name.strip() for name in text.split(",") if name.strip()]


class AccountForm(WorkspaceFormMixin, forms.ModelForm[Account]):
    tag_names = TagNamesField(label=_("Tags"), required=False, help_text=_("Comma-separated"))

    class Meta:
        model = Account
        fields = [
            "name", "segment", "is_key_account", "owner", "executive_sponsor", "value",
            "phone", "email", "website", "street", "postal_code", "city", "country", "region",
            "language", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(workspace)
        if self.instance.pk:
            self.fields["tag_names"].initial = list(self.instance.tags.all())
        else:
            self.initial["country"] = workspace.home_country


class ContactForm(WorkspaceFormMixin, forms.ModelForm[Contact]):
    tag_names = TagNamesField(label=_("Tags"), required=False, help_text=_("Comma-separated"))

    class Meta:
        model = Contact
        fields = [
            "salutation", "first_name", "last_name", "account", "job_title", "owner", "email",
            "phone",
            "mobile", "preferred_channel", "language", "street", "postal_code", "city",
            "country", "region",
        ]  # fmt: skip
        field_classes = {"account": SafeModelChoiceField}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(workspace)
        if self.instance.pk:
            self.fields["tag_names"].initial = list(self.instance.tags.all())
        else:
            self.initial["country"] = workspace.home_country


class TouchpointForm(WorkspaceFormMixin, forms.Form):
    channel = forms.ChoiceField(
        label=_("Channel"), choices=LOGGABLE_CHANNELS, initial=Channel.PHONE
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=Direction.choices, initial=Direction.OUTBOUND
    )
    is_personal = forms.BooleanField(label=_("Personal contact"), required=False, initial=True)
    occurred_at = forms.DateTimeField(label=_("When"), widget=DATETIME_WIDGET)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Also took part"), queryset=Account.objects.none(), required=False
    )
    follow_up_on = forms.DateField(
        label=_("Try again on"), required=False, widget=DATE_WIDGET,
        help_text=_("Nobody answered? Pick the day to call again."),
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "occurred_at", timezone.localtime(timezone.now(), workspace.zone).replace(second=0)
        )
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.limit_choices(workspace)

    def clean_occurred_at(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["occurred_at"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value, self.workspace.zone)
        if value > timezone.now() + dt.timedelta(minutes=5):
            raise ValidationError(_("A touchpoint cannot lie in the future."))
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("channel") in MASS_CHANNELS:
            data["is_personal"] = False
        return data


class SnoozeForm(forms.Form):
    until = forms.DateField(label=_("Snooze until"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CadencePolicyForm(WorkspaceFormMixin, forms.ModelForm[CadencePolicy]):
    class Meta:
        model = CadencePolicy
        fields = ["name", "scope", "interval_days", "segment", "tag", "owner"]
        # Scoped rows cannot be listed when the form class is built; limit_choices fills them.
        field_classes = {"tag": SafeModelChoiceField}

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(workspace)


ANSWER_CHOICES = CheckinAnswer.choices


class CallSheetForm(forms.Form):
    wellbeing = forms.CharField(label=_("How are you?"), required=False, max_length=300)
    address_current = forms.ChoiceField(
        label=_("Is your address still current?"),
        choices=ANSWER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    street = forms.CharField(label=_("New street"), required=False, max_length=200)
    postal_code = forms.CharField(label=_("New postal code"), required=False, max_length=20)
    city = forms.CharField(label=_("New city"), required=False, max_length=120)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices, required=False)
    region = forms.CharField(label=_("Region"), required=False, max_length=80)
    newsletter_wanted = forms.ChoiceField(
        label=_("Do you receive our newsletter — and want it?"),
        choices=ANSWER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    works_from_home = forms.ChoiceField(
        label=_("Are you working from home?"),
        choices=ANSWER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    details_confirmed = forms.BooleanField(
        label=_("Phone and e-mail confirmed by the customer"), required=False
    )
    phone = forms.CharField(label=_("Phone"), required=False, max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    summary = forms.CharField(
        label=_("Notes from the call"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)

    def __init__(self, *args: Any, contact: Contact, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "phone": contact.phone_display,
                "email": contact.email,
                "country": contact.country,
                "region": contact.region,
            },
        )
        super().__init__(*args, **kwargs)
        self.contact = contact

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("address_current") == CheckinAnswer.NO:
            for field in ("street", "postal_code", "city"):
                if not data.get(field):
                    self.add_error(field, _("Enter the new address."))
        return data

    def answers(self) -> CheckinAnswers:
        """The answers; phone and e-mail count only when the customer confirmed them."""
        data = self.cleaned_data
        confirmed = data["details_confirmed"]
        return CheckinAnswers(
            wellbeing=data["wellbeing"],
            address_current=data["address_current"],
            street=data["street"],
            postal_code=data["postal_code"],
            city=data["city"],
            country=data["country"] or self.contact.country,
            region=data["region"],
            newsletter_wanted=data["newsletter_wanted"],
            works_from_home=data["works_from_home"],
            phone=data["phone"] if confirmed else None,
            email=data["email"] if confirmed else None,
            summary=data["summary"],
            outcome=data["outcome"],
        )
