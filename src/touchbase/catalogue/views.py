"""Screens of the catalogue: list with search and status filter, detail, create and edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from touchbase.catalogue import selectors, services
from touchbase.catalogue.forms import ProductFilterForm, ProductForm
from touchbase.catalogue.models import Product
from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

PAGE_SIZE = 200


@capability_required(Capability.CRM_VIEW)
def product_list(request: MemberRequest) -> HttpResponse:
    filters = ProductFilterForm(request.GET)
    search, status = "", ""
    if filters.is_valid():
        search, status = filters.cleaned_data["q"], filters.cleaned_data["status"]
    products = list(
        selectors.product_list(workspace=request.workspace, search=search, status=status)[
            : PAGE_SIZE + 1
        ]
    )
    context = {
        "filters": filters,
        "products": products[:PAGE_SIZE],
        "more": len(products) > PAGE_SIZE,
        "page_size": PAGE_SIZE,
        "filtered": bool(search or status),
        "can_manage": has_capability(request, Capability.CATALOGUE_MANAGE),
    }
    return render(request, "catalogue/product_list.html", context)


@capability_required(Capability.CRM_VIEW)
def product_detail(request: MemberRequest, pk: int) -> HttpResponse:
    product = owned_or_404(Product, pk, workspace=request.workspace)
    context = {
        "product": product,
        "can_manage": has_capability(request, Capability.CATALOGUE_MANAGE),
    }
    return render(request, "catalogue/product_detail.html", context)


@capability_required(Capability.CATALOGUE_MANAGE)
def product_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a product; a duplicate name or SKU is shown on its field."""
    product = owned_or_404(Product, pk, workspace=request.workspace) if pk else None
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        candidate.workspace = request.workspace
        try:
            services.product_save(product=candidate, aliases=form.aliases())
        except ValidationError as error:
            if hasattr(error, "error_dict") and "aliases" in error.error_dict:
                form.add_error("aliases_text", error.error_dict.pop("aliases"))
            apply_errors(form, error)
        else:
            messages.success(request, _("Product saved."))
            return redirect("catalogue:product-detail", candidate.pk)
    return render(request, "catalogue/product_form.html", {"form": form, "product": product})
