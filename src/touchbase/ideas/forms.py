"""Forms of the public idea portal: bounded, with a field only robots fill in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.catalogue.models import Product
from touchbase.ideas.choices import IdeaSort, IdeaStatus
from touchbase.ideas.models import MAX_COMMENT_LENGTH, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH
from touchbase.ideas.selectors import MAX_PAGE, MAX_QUERY_LENGTH, IdeaFilter
from touchbase.visitors.forms import IdentityFields


class PortalFilterForm(forms.Form):
    """The list's filters from the query string; anything unknown falls back to the default."""

    sort = forms.ChoiceField(choices=IdeaSort.choices, required=False)
    product = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    status = forms.ChoiceField(choices=[("", "")] + list(IdeaStatus.choices), required=False)
    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH, strip=True)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE)

    def wanted(self) -> tuple[IdeaFilter, int]:
        data = self.cleaned_data if self.is_valid() else {}
        return (
            IdeaFilter(
                sort=data.get("sort") or IdeaSort.TOP, product_id=data.get("product"),
                status=data.get("status") or "", q=data.get("q") or "",
            ),
            data.get("page") or 1,
        )  # fmt: skip


class IdeaForm(IdentityFields):
    title = forms.CharField(label=_("Your idea in one line"), max_length=MAX_TITLE_LENGTH)
    text = forms.CharField(
        label=_("Describe it (optional)"), max_length=MAX_TEXT_LENGTH, required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False,
        empty_label=_("No particular product"),
    )  # fmt: skip
    subscribe = forms.BooleanField(
        label=_("E-mail me when its status changes"), required=False, initial=True
    )

    field_order = ["title", "text", "product", "email", "name", "subscribe", "website"]

    def __init__(self, *args: Any, products: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        product_field = self.fields["product"]
        assert isinstance(product_field, forms.ModelChoiceField)
        product_field.queryset = products if products is not None else Product.objects.none()


class CommentForm(IdentityFields):
    text = forms.CharField(
        label=_("Your comment"), max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    subscribe = forms.BooleanField(
        label=_("E-mail me when its status changes"), required=False, initial=True
    )

    field_order = ["text", "email", "name", "subscribe", "website"]


class VoteForm(IdentityFields):
    subscribe = forms.BooleanField(
        label=_("E-mail me when its status changes"), required=False, initial=True
    )


class SignInForm(IdentityFields):
    """A visitor on a new device: the link signs this browser in."""
