"""Demo data of the catalogue: a small range, one product launched a day ago, one taken out.

Castor is on sale here; its poor reviews in listening's demo make the removal rule propose it.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.catalogue.services import product_save
from touchbase.core.models import Workspace

# name, SKU, aliases, days since launch, status
PRODUCTS = [
    ("Wasserkocher Aurora", "WK-100", ["Aurora", "Aurora-Kocher"], 400, ProductStatus.ON_SALE),
    ("Toaster Borealis", "TO-210", ["Borealis"], 250, ProductStatus.ON_SALE),
    ("Kaffeemühle Castor", "KM-310", ["Castor", "Mühle Castor"], 90, ProductStatus.ON_SALE),
    ("Standmixer Nova", "SM-420", ["Nova", "Mixer Nova"], 1, ProductStatus.ON_SALE),
    ("Eierkocher Vega", "EK-050", ["Vega"], 1200, ProductStatus.REMOVED),
]  # fmt: skip


def demo_catalogue(*, workspace: Workspace, rng: random.Random, **_: Any) -> None:
    """Products the demo's listening, ideas and publishing can refer to; once per workspace."""
    existing = set(Product.objects.filter(workspace=workspace).values_list("name", flat=True))
    now = timezone.now()
    for name, sku, aliases, days, status in PRODUCTS:
        if name in existing:
            continue
        launched = now - dt.timedelta(days=days, minutes=rng.randrange(0, 600))
        product = Product(workspace=workspace, name=name, sku=sku, launched_at=launched,
                          status=status)  # fmt: skip
        product_save(product=product, aliases=aliases)
