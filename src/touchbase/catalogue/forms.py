from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import MAX_ALIAS_LENGTH, MAX_ALIASES, Product


class ProductForm(forms.ModelForm[Product]):
    """A product; aliases one per line, checked by the service (count, length, repeats)."""

    aliases_text = forms.CharField(
        label=_("Aliases (other names)"), required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_ALIASES * (MAX_ALIAS_LENGTH + 2),
        help_text=_("One per line: names customers use for the product, at most %(count)d of "
                    "at most %(length)d characters.") % {"count": MAX_ALIASES,
                                                        "length": MAX_ALIAS_LENGTH},
    )  # fmt: skip

    class Meta:
        model = Product
        fields = ["name", "sku", "launched_at", "status"]
        widgets = {
            "launched_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["aliases_text"] = "\n".join(self.instance.aliases)
        self.fields["status"].initial = ProductStatus.ON_SALE

    def aliases(self) -> list[str]:
        return str(self.cleaned_data.get("aliases_text", "")).splitlines()


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All"))] + list(ProductStatus.choices),
    )  # fmt: skip
