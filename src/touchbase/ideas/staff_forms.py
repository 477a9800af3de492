"""Forms of the staff screens for ideas: filters, status and answer, edits, proxy votes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_scopes.forms import SafeModelChoiceField

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.core.search import search_filter
from touchbase.ideas.choices import IdeaSort, IdeaStatus
from touchbase.ideas.models import (
    MAX_ANSWER_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_TEXT_LENGTH,
    MAX_TITLE_LENGTH,
    PortalSettings,
)
from touchbase.relationships.forms import QUERY_SUFFIX, AccountPickerWidget
from touchbase.relationships.models import Contact

# The picker's text box is named after its field: contact → contact_query.
CONTACT_QUERY = "contact" + QUERY_SUFFIX
STATE_PUBLIC = "public"
STATE_AWAITING = "awaiting"
STATE_HIDDEN = "hidden"
STATE_CHOICES = [
    ("", _("Any state")),
    (STATE_PUBLIC, _("Public")),
    (STATE_AWAITING, _("Awaiting confirmation")),
    (STATE_HIDDEN, _("Hidden")),
]


def products_of(workspace: Workspace) -> QuerySet[Product]:
    return Product.objects.filter(workspace=workspace).order_by("name", "id")


class ProductField(SafeModelChoiceField):  # type: ignore[misc]
    """A product of the workspace (django-scopes' field: its queryset is set per form)."""


class IdeaFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    product = ProductField(
        label=_("Product"), queryset=Product.objects.none(), required=False,
        empty_label=_("All products"),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *IdeaStatus.choices]
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=IdeaSort.choices, initial=IdeaSort.TOP
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=500, widget=forms.HiddenInput)

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products_of(workspace)  # type: ignore[attr-defined]


class ProductPickForm(forms.Form):
    product = ProductField(
        label=_("Product"), queryset=Product.objects.none(), required=False,
        empty_label=_("All products"),
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products_of(workspace)  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=IdeaStatus.choices)
    answer = forms.CharField(
        label=_("Official answer"), required=False, max_length=MAX_ANSWER_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Public on the portal; everyone following the idea is told of a new status."),
    )  # fmt: skip


class IdeaForm(forms.Form):
    """Title, text and product: for an edit, and for a new idea from what a customer said."""

    title = forms.CharField(label=_("Title"), max_length=MAX_TITLE_LENGTH)
    text = forms.CharField(
        label=_("Description"), required=False, max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    product = ProductField(
        label=_("Product"), queryset=Product.objects.none(), required=False,
        empty_label=_("No product"),
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products_of(workspace)  # type: ignore[attr-defined]


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Official comment"), max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


# --- picking a customer ---------------------------------------------------------------------


class ContactPickerWidget(AccountPickerWidget):
    """The relationship core's picker (a combobox app.js drives), suggesting contacts."""

    template_name = "ideas/staff/partials/_contact_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.contacts: QuerySet[Contact] = Contact.objects.none()

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if not widget["text"] and widget["pk"] not in ("", None):
            contact = self.contacts.filter(pk=widget["pk"]).first()
            widget["text"] = str(contact) if contact else ""
        widget["url"] = reverse("ideas:contact-suggestions")
        return context


def contact_suggestions(*, workspace: Workspace, query: str, limit: int) -> list[Contact]:
    """Contacts of the workspace the search finds for what was typed (not erased ones)."""
    rows = Contact.objects.filter(workspace=workspace, erased_at=None)
    found = search_filter(rows, query, home_country=workspace.home_country)
    return list(found.select_related("account").order_by("last_name", "first_name", "id")[:limit])


class ContactChoiceField(SafeModelChoiceField):  # type: ignore[misc]
    """A contact of the workspace: chosen in the picker, or found by what was typed when
    exactly one contact matches it (without script)."""

    widget = ContactPickerWidget
    default_error_messages = {
        **SafeModelChoiceField.default_error_messages,
        "unknown_name": _("No contact matches “%(name)s”. Choose one from the suggestions."),
        "ambiguous_name": _("Several contacts match “%(name)s”. Choose one from the suggestions."),
    }

    def __init__(self, *args: Any, workspace: Workspace | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def to_python(self, value: Any) -> Contact | None:
        pk, text = value if isinstance(value, tuple) else (value, None)
        if pk not in self.empty_values:
            chosen: Contact | None = super().to_python(pk)
            return chosen
        name = (text or "").strip()
        if not name or self.workspace is None:
            return None
        matches = contact_suggestions(workspace=self.workspace, query=name, limit=2)
        if len(matches) == 1:
            return matches[0]
        code = "ambiguous_name" if matches else "unknown_name"
        raise ValidationError(self.error_messages[code], code=code, params={"name": name})


class ProxyVoteForm(forms.Form):
    """A vote for a customer the member spoke to."""

    contact = ContactChoiceField(label=_("Customer"), queryset=Contact.objects.none())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300,
        help_text=_("Where they said it, e.g. “call on 3 May”."),
    )  # fmt: skip

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        contacts = Contact.objects.filter(workspace=workspace, erased_at=None)
        field.queryset = contacts  # type: ignore[attr-defined]
        field.workspace = workspace  # type: ignore[attr-defined]
        field.widget.contacts = contacts


# --- the portal -----------------------------------------------------------------------------


class PortalSettingsForm(forms.ModelForm[PortalSettings]):
    class Meta:
        model = PortalSettings
        fields = ["enabled", "intro", "webhook_url"]
        widgets = {"intro": forms.Textarea(attrs={"rows": 4})}


class BlockForm(forms.Form):
    """An address that may no longer write on the public pages."""

    email = forms.EmailField(label=_("E-mail address"))
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)
