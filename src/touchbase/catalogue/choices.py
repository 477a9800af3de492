from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    ON_SALE = "on_sale", _("On sale")
    PROPOSED_FOR_REMOVAL = "proposed_for_removal", _("Proposed for removal")
    REMOVED = "removed", _("Removed")
