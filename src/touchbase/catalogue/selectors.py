"""Reads of the catalogue."""

from __future__ import annotations

from django.db import models

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.core.search import text_forms

MAX_SEARCH_WORDS = 8


def product_list(
    *, workspace: Workspace, search: str = "", status: str = ""
) -> models.QuerySet[Product]:
    """The workspace's products by name; every word searched must be in name, SKU or an alias."""
    products = Product.objects.filter(workspace=workspace)
    search = search.replace("\x00", "")
    if status:
        products = products.filter(status=status)
    for word in search.split()[:MAX_SEARCH_WORDS]:
        forms = text_forms(word[:100])
        if forms:
            products = products.filter(search_text__contains=forms[0])
    return products.order_by("name", "id")
