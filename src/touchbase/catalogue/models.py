"""Products a workspace sells: what listening matches in texts, ideas and publishing refer to."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.catalogue.choices import ProductStatus
from touchbase.core.models import Workspace, WorkspaceOwned

MAX_ALIASES = 20
MAX_ALIAS_LENGTH = 100


class Product(WorkspaceOwned):
    """A product with the names customers use for it (aliases) and its place in the range."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    # Other names as typed, trimmed and without repeats (services.clean_aliases).
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    launched_at = models.DateTimeField(_("launch"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=ProductStatus.choices, default=ProductStatus.ON_SALE
    )
    # Name and SKU case-folded in Python (SQLite's LOWER() leaves "Ä" as it is), so both
    # databases find "ÄPFEL" and "äpfel" the same product; written by services.product_save.
    name_key = models.CharField(max_length=600, editable=False, default="")  # ß → ss grows
    sku_key = models.CharField(max_length=192, editable=False, default="", blank=True)
    # Name, SKU and aliases in every form a search may use (core/search.py), written on save.
    search_text = models.TextField(default="", blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name_key"], name="unique_product_name_per_workspace"
            ),
            models.UniqueConstraint(
                fields=["workspace", "sku_key"], name="unique_product_sku_per_workspace",
                condition=~models.Q(sku_key=""),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name
