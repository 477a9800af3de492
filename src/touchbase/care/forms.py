"""Forms of data care: consent, regional advice, vouchers."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _

from touchbase.care.models import RegionalAdvice
from touchbase.relationships.choices import ConsentStatus
from touchbase.relationships.forms import DATE_WIDGET


class ConsentForm(forms.Form):
    status = forms.ChoiceField(label=_("Newsletter consent"), choices=ConsentStatus.choices)
    source = forms.CharField(
        label=_("Source"), max_length=120, help_text=_("Form, call, fair, e-mail …")
    )


class AdviceForm(forms.ModelForm[RegionalAdvice]):
    class Meta:
        model = RegionalAdvice
        fields = ["country", "region", "title", "body", "link", "valid_from", "valid_until"]
        widgets = {"valid_from": DATE_WIDGET, "valid_until": DATE_WIDGET,
                   "body": forms.Textarea(attrs={"rows": 4})}  # fmt: skip


class VoucherForm(forms.Form):
    value = forms.DecimalField(label=gettext_lazy("Value (EUR)"), max_digits=9, decimal_places=2)
    valid_until = forms.DateField(label=gettext_lazy("Valid until"), widget=DATE_WIDGET)
    note = forms.CharField(label=gettext_lazy("Consultation"), max_length=200, required=False)


class RedeemForm(forms.Form):
    order_reference = forms.CharField(label=gettext_lazy("Order"), max_length=100)
