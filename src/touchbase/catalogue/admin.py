from __future__ import annotations

from django.contrib import admin

from touchbase.catalogue.models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["name", "sku", "status", "workspace", "launched_at"]
    list_filter = ["workspace", "status"]
    search_fields = ["name", "sku"]
