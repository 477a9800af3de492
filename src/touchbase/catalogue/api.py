"""API for the product catalogue: list (paged, searchable), get, create, change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Router, Schema, Status

from touchbase.catalogue import selectors, services
from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import MAX_ALIAS_LENGTH, MAX_ALIASES, Product
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

router = Router(tags=["catalogue"])


class ProductOut(Schema):
    id: int
    name: str
    sku: str
    aliases: list[str]
    launched_at: dt.datetime | None
    status: ProductStatus
    created_at: dt.datetime
    updated_at: dt.datetime


class ProductPage(Schema):
    items: list[ProductOut]
    next_offset: int | None


# Lengths are checked by the service, so too long a value is a 422 naming the field.
class ProductIn(Schema):
    name: str
    sku: str = ""
    aliases: list[str] = Field(
        default_factory=list,
        description=f"Other names: at most {MAX_ALIASES} of {MAX_ALIAS_LENGTH} characters each",
    )
    launched_at: Instant | None = None
    status: ProductStatus = ProductStatus.ON_SALE


class ProductPatch(Schema):
    name: str | None = None
    sku: str | None = None
    aliases: list[str] | None = None
    launched_at: Instant | None = None
    status: ProductStatus | None = None


class ProductFilters(Schema):
    search: str = Field("", max_length=200, description="Words in name, SKU or an alias")
    status: ProductStatus | None = None


@router.get("/products", response=ProductPage, summary="Products, by name")
@api_capability(Capability.CRM_VIEW)
def product_list(
    request: MemberRequest,
    page: Query[PageParams],
    filters: Query[ProductFilters],
) -> dict[str, Any]:
    rows = selectors.product_list(
        workspace=request.workspace, search=filters.search, status=filters.status or ""
    )
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.get("/products/{product_id}", response=ProductOut, summary="One product")
@api_capability(Capability.CRM_VIEW)
def product_get(request: MemberRequest, product_id: Id) -> Product:
    return owned_or_404(Product, product_id, workspace=request.workspace)


@router.post("/products", response={201: ProductOut}, summary="Add a product")
@api_capability(Capability.CATALOGUE_MANAGE)
def product_create(request: MemberRequest, payload: ProductIn) -> Status[Product]:
    fields = payload.dict()
    aliases = fields.pop("aliases")
    product = Product(workspace=request.workspace, **fields)
    return Status(201, services.product_save(product=product, aliases=aliases))


@router.patch("/products/{product_id}", response=ProductOut, summary="Change a product")
@api_capability(Capability.CATALOGUE_MANAGE)
def product_update(request: MemberRequest, product_id: Id, payload: ProductPatch) -> Product:
    product = owned_or_404(Product, product_id, workspace=request.workspace)
    changes = payload.dict(exclude_unset=True)
    aliases = changes.pop("aliases", None)
    for field, value in changes.items():
        if value is None and field != "launched_at":
            continue  # null means "leave as is" for fields that cannot be empty
        setattr(product, field, value)
    return services.product_save(product=product, aliases=aliases)
