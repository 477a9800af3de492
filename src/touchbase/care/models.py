"""Data care: regional advice, consultation vouchers, and the records of merges and erasures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import Workspace
from touchbase.core.tenancy import WorkspaceOwned
from touchbase.relationships.choices import Country
from touchbase.relationships.models import Account, Contact


class RegionalAdvice(WorkspaceOwned):
    """A note for customers in one country or region, valid for a while (rules, funding)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="advice")
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(
        _("region"), max_length=80, blank=True, help_text=_("Empty: the whole country.")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("advice"), blank=True)
    link = models.URLField(_("link"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationships_regionaladvice"
        verbose_name = _("regional advice")
        verbose_name_plural = _("regional advice")
        ordering = ["country", "region", "-valid_from"]
        indexes = [models.Index(fields=["workspace", "country"], name="advice_country")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end lies before the start.")})


class Voucher(WorkspaceOwned):
    """A consultation voucher: personal advice is worth money, credited when the customer orders."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="vouchers")
    code = models.CharField(_("code"), max_length=20)
    value = models.DecimalField(_("value (EUR)"), max_digits=9, decimal_places=2)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="vouchers",
        verbose_name=_("contact"),
    )  # fmt: skip
    account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="vouchers",
        verbose_name=_("account"),
    )  # fmt: skip
    note = models.CharField(_("consultation"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order_reference = models.CharField(_("order"), max_length=100, blank=True)

    class Meta:
        db_table = "relationships_voucher"
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="unique_voucher_code")
        ]

    def __str__(self) -> str:
        return self.code


class MergeRecord(WorkspaceOwned):
    """That two contacts were merged, by whom and what the merged one was called."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges")
    merged_contact_id = models.BigIntegerField()
    merged_name = models.CharField(max_length=220)
    merged_email = models.CharField(max_length=254, blank=True)
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationships_mergerecord"
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.survivor_id}"


class ErasureRecord(WorkspaceOwned):
    """That a person's data was erased (GDPR Art. 17): when and by whom, never what."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact_id_erased = models.BigIntegerField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationships_erasurerecord"
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"#{self.contact_id_erased} {self.erased_at:%Y-%m-%d}"
