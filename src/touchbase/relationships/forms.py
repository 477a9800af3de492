"""Forms for accounts, contacts, touchpoints, snoozes, policies and the call sheet."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelChoiceField

from touchbase.core.locales import language_choices, likely_language
from touchbase.core.models import User, Workspace
from touchbase.core.tenancy import id_or_none
from touchbase.relationships import selectors
from touchbase.relationships.choices import (
    LOGGABLE_CHANNELS,
    MASS_CHANNELS,
    UNREACHED_OUTCOMES,
    Channel,
    CheckinAnswer,
    Direction,
    Outcome,
    country_choices,
)
from touchbase.relationships.models import SCOPE_TARGET_FIELDS, Account, CadencePolicy, Contact
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
            accounts = Account.objects.filter(workspace=workspace).order_by("name")
            fields["account"].queryset = accounts  # type: ignore[attr-defined]
            if isinstance(fields["account"].widget, AccountPickerWidget):
                fields["account"].widget.queryset = accounts
        if "tag" in fields:
            fields["tag"].queryset = selectors.tags(workspace=workspace)  # type: ignore[attr-defined]


# The typed text travels beside the chosen id, so the form works without script too.
QUERY_SUFFIX = "_query"


def _picker_parts(value: Any) -> tuple[Any, str | None]:
    """(id, typed text) from the picker; (id, None) from an initial value or a plain post."""
    if isinstance(value, tuple):
        return value[0], value[1]
    return getattr(value, "pk", value), None


class AccountPickerWidget(forms.Widget):
    """A text box that suggests accounts as you type (htmx), and a hidden input with the id.

    app.js makes the suggestions a keyboard-usable listbox. Without script the typed name is
    sent and the field finds the account by its exact name.
    """

    template_name = "relationships/widgets/account_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.queryset: QuerySet[Account] = Account.objects.none()

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        pk, text = _picker_parts(value)
        if text is None:
            account = self.queryset.filter(pk=pk).first() if pk not in (None, "") else None
            text = account.name if account else ""
        element_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"].update(
            pk="" if pk is None else pk,
            text=text,
            query_name=name + QUERY_SUFFIX,
            listbox_id=f"{element_id}_listbox",
            url=reverse("relationships:account-autocomplete"),
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[Any, str | None]:
        return data.get(name), data.get(name + QUERY_SUFFIX)

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + QUERY_SUFFIX not in data


# django-scopes ships no types; its field is a ModelChoiceField with an empty queryset.
class AccountChoiceField(SafeModelChoiceField):  # type: ignore[misc]
    """An account of the workspace, chosen in the picker or typed by its exact name."""

    widget = AccountPickerWidget
    default_error_messages = {
        **SafeModelChoiceField.default_error_messages,
        "unknown_name": _("No account is called “%(name)s”. Choose one from the suggestions."),
        "ambiguous_name": _(
            "Several accounts are called “%(name)s”. Choose one from the suggestions."
        ),
    }

    def to_python(self, value: Any) -> Account | None:
        pk, text = _picker_parts(value)
        if text is None:  # a plain post of the id, as before the picker
            plain: Account | None = super().to_python(pk)
            return plain
        name = text.strip()
        if not name:
            return None
        if pk not in self.empty_values:
            chosen: Account | None = super().to_python(pk)
            # The id counts while the text still names it; typed over, the text decides.
            if chosen is not None and chosen.name.casefold() == name.casefold():
                return chosen
        matches: list[Account] = list(self.queryset.filter(name__iexact=name)[:2])
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous_name" if matches else "unknown_name"
        raise ValidationError(self.error_messages[code], code=code, params={"name": name})

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        try:
            chosen = self.to_python(data)
        except ValidationError:
            return True
        return str(self.prepare_value(initial) or "") != str(chosen.pk if chosen else "")


def owner_preset(form: forms.ModelForm[Any], user: User | None, account: Any = None) -> None:
    """A new record is looked after by the account's owner, else by whoever creates it."""
    if form.instance.pk or "owner" in form.initial:
        return
    owner = getattr(account, "owner", None) or user
    owners = form.fields["owner"].queryset  # type: ignore[attr-defined]
    if owner is not None and owners.filter(pk=owner.pk).exists():
        form.initial["owner"] = owner.pk


def language_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Language"), choices=language_choices, required=False)


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
    language = language_field()

    class Meta:
        model = Account
        fields = [
            "name", "segment", "is_key_account", "owner", "executive_sponsor", "value",
            "phone", "email", "website", "street", "postal_code", "city", "country", "region",
            "language", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(
        self, *args: Any, workspace: Workspace, user: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(workspace)
        customer_defaults(self, workspace)
        owner_preset(self, user)


def customer_defaults(form: AccountForm | ContactForm, workspace: Workspace) -> None:
    """Tags of a record being edited; a new one in the home country and its language."""
    instance = form.instance
    form.fields["language"].choices = partial(language_choices, keep=instance.language)  # type: ignore[attr-defined]
    if instance.pk:
        form.fields["tag_names"].initial = list(instance.tags.all())
        return
    form.initial["country"] = workspace.home_country
    form.initial.setdefault("language", likely_language(workspace.home_country))


class ContactForm(WorkspaceFormMixin, forms.ModelForm[Contact]):
    tag_names = TagNamesField(label=_("Tags"), required=False, help_text=_("Comma-separated"))
    language = language_field()

    class Meta:
        model = Contact
        fields = [
            "salutation", "first_name", "last_name", "account", "job_title", "owner", "email",
            "phone",
            "mobile", "preferred_channel", "language", "street", "postal_code", "city",
            "country", "region", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        field_classes = {"account": AccountChoiceField}

    def __init__(
        self, *args: Any, workspace: Workspace, user: User | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.limit_choices(workspace)
        customer_defaults(self, workspace)
        self.fields["account"].help_text = _("Type two letters of its name, then choose.")
        account_id = id_or_none(self.initial.get("account"))
        account = (
            Account.objects.filter(workspace=workspace, pk=account_id).first()
            if account_id
            else None
        )
        owner_preset(self, user, account)
        if account is not None and account.language and not self.instance.pk:
            # A person at a company mostly speaks the company's language.
            self.initial["language"] = account.language


# Up to this many people are radio buttons; more would push the form off the screen.
MAX_RADIO_CONTACTS = 12


def spoken_with_field(account: Account) -> forms.ModelChoiceField[Contact]:
    """Logging on an account: which of its people the touchpoint was with, if anyone."""
    people = account.contacts.filter(erased_at__isnull=True).order_by("last_name", "first_name")
    few = people[: MAX_RADIO_CONTACTS + 1].count() <= MAX_RADIO_CONTACTS
    return forms.ModelChoiceField(
        label=_("Spoken with"), queryset=people, required=False, blank=True,
        empty_label=_("Nobody in particular"), widget=forms.RadioSelect if few else forms.Select,
    )  # fmt: skip


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
    # Boxes to tick, not a list to Ctrl-click; limit_choices fills in the team.
    participants = forms.ModelMultipleChoiceField(
        label=_("Colleagues who took part"), queryset=Account.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    follow_up_on = forms.DateField(
        label=_("Try again on"), required=False, widget=DATE_WIDGET,
        help_text=_("Nobody answered? Pick the day to call again."),
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        workspace: Workspace,
        account: Account | None = None,
        user: User | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault(
            "occurred_at", timezone.localtime(timezone.now(), workspace.zone).replace(second=0)
        )
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.personal_cleared = False
        # app.js clears and locks "Personal contact" while one of these is chosen.
        self.fields["channel"].widget.attrs["data-mass-channels"] = " ".join(sorted(MASS_CHANNELS))
        self.limit_choices(workspace)
        if account is not None:
            self.fields["contact"] = spoken_with_field(account)
        if user is not None:
            self._leave_out_of_colleagues(user)

    def _leave_out_of_colleagues(self, user: User) -> None:
        """Whoever logs takes part anyway (the service adds them): only the others are boxes."""
        field = self.fields["participants"]
        others = field.queryset.exclude(pk=user.pk)  # type: ignore[attr-defined]
        if others.exists():
            field.queryset = others  # type: ignore[attr-defined]
        else:
            del self.fields["participants"]

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
        # A mass channel is never personal: a ticked box is cleared, and the view says so.
        self.personal_cleared = bool(
            data.get("channel") in MASS_CHANNELS and data.get("is_personal")
        )
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
        # app.js shows only the fields of the chosen scope; without script all stay visible.
        self.fields["scope"].widget.attrs["data-scope-switch"] = ""
        self.fields["segment"].widget.attrs["list"] = "policy-segments"

    def clean(self) -> dict[str, Any]:
        """Whatever was left in the fields of another scope is ignored, errors included."""
        super().clean()
        data = self.cleaned_data
        scope = data.get("scope")
        for field_scope, name in SCOPE_TARGET_FIELDS.items():
            if field_scope != scope:
                data[name] = "" if name == "segment" else None
                self.errors.pop(name, None)
        return data


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
    # Any country: a contact in Poland keeps Poland when the call sheet is saved.
    country = forms.ChoiceField(label=_("Country"), choices=country_choices, required=False)
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
    follow_up_on = forms.DateField(
        label=_("Try again on"), required=False, widget=DATE_WIDGET,
        help_text=_("Nobody answered? Pick the day to call again."),
    )  # fmt: skip

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
        if data.get("outcome") in UNREACHED_OUTCOMES:
            self._refuse_answers_nobody_gave()
        elif data.get("address_current") == CheckinAnswer.NO:
            for field in ("street", "postal_code", "city"):
                if not data.get(field):
                    self.add_error(field, _("Enter the new address."))
        return data

    def _refuse_answers_nobody_gave(self) -> None:
        """The service refuses them too; here each error sits on the box the user filled in."""
        if self.errors:
            return
        given = self.answers().given()
        if not given:
            return
        for name in given:
            field = "details_confirmed" if name in ("phone", "email") else name
            if field not in self.errors:
                self.add_error(field, _("Nobody answered, so this cannot have been said."))
        self.add_error(
            "outcome", _("Nobody answered: clear the answers or choose another outcome.")
        )

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
            follow_up_on=data.get("follow_up_on"),
        )
