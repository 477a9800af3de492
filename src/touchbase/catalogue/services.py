"""Writes to the catalogue: products are saved only through here, validated and unique."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import MAX_ALIAS_LENGTH, MAX_ALIASES, Product
from touchbase.core.search import search_text


def clean_aliases(values: Iterable[str]) -> list[str]:
    """Aliases trimmed, inner spaces collapsed, empty ones and repeats (any case) dropped.

    Raises a field error when there are too many or one is too long, so nothing is cut silently.
    """
    cleaned: list[str] = []
    seen: set[str] = set()
    for value in values:
        alias = " ".join(str(value).split())
        if not alias or alias.casefold() in seen:
            continue
        if len(alias) > MAX_ALIAS_LENGTH:
            raise ValidationError({"aliases": _(
                "An alias can have at most %(limit)d characters: “%(alias)s…”."
            ) % {"limit": MAX_ALIAS_LENGTH, "alias": alias[:30]}})  # fmt: skip
        seen.add(alias.casefold())
        cleaned.append(alias)
    if len(cleaned) > MAX_ALIASES:
        raise ValidationError(
            {"aliases": _("A product can have at most %(limit)d aliases.") % {"limit": MAX_ALIASES}}
        )
    return cleaned


def _taken(product: Product, field: str, key: str) -> bool:
    """Whether another product of the workspace has this key, as the constraint compares."""
    others = Product.objects.filter(workspace=product.workspace).exclude(pk=product.pk)
    return others.filter(**{field: key}).exists()


def _duplicate_errors(product: Product) -> dict[str, str]:
    errors = {}
    if _taken(product, "name_key", product.name_key):
        errors["name"] = _("A product with this name exists already.")
    if product.sku_key and _taken(product, "sku_key", product.sku_key):
        errors["sku"] = _("A product with this SKU exists already.")
    return errors


def product_save(*, product: Product, aliases: Iterable[str] | None = None) -> Product:
    """Validate and store a product; a duplicate name or SKU is a field error, never a 500."""
    product.name = " ".join(product.name.split())
    product.sku = product.sku.strip()
    product.aliases = clean_aliases(product.aliases if aliases is None else aliases)
    product.full_clean(exclude=["workspace"], validate_constraints=False)
    product.name_key = product.name.casefold()
    product.sku_key = product.sku.casefold()
    errors = _duplicate_errors(product)
    if errors:
        raise ValidationError(errors)
    product.search_text = search_text(texts=[product.name, product.sku, *product.aliases])
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as error:  # the same name or SKU saved a moment ago
        raise ValidationError(
            _duplicate_errors(product) or {"name": _("A product with this name exists already.")}
        ) from error
    return product


@transaction.atomic
def product_status_set(*, product: Product, status: str) -> Product:
    """Move a product on sale, propose it for removal, or remove it from the range."""
    if status not in ProductStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    product.status = status
    product.save(update_fields=["status", "updated_at"])
    return product
