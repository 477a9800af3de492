"""Product ratings: every product's figures and chart, one product's trend and removal steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.catalogue.choices import ProductStatus
from touchbase.catalogue.models import Product
from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import charts, ratings
from touchbase.listening.choices import RemovalStep
from touchbase.listening.forms import OverrideForm
from touchbase.listening.selectors import alert_list
from touchbase.listening.services import listening_settings

PAGE_SIZE = 200


@capability_required(Capability.LISTENING_VIEW)
def rating_list(request: MemberRequest) -> HttpResponse:
    products = list(Product.objects.filter(workspace=request.workspace)[: PAGE_SIZE + 1])
    figures = ratings.product_ratings(workspace=request.workspace, products=products[:PAGE_SIZE])
    context = {
        "figures": figures,
        "more": len(products) > PAGE_SIZE,
        "page_size": PAGE_SIZE,
        "chart": charts.ratings_chart(figures),
        "min_ratings": listening_settings(workspace=request.workspace).removal_min_ratings,
        "unrated_days": ratings.UNRATED_DAYS,
    }
    return render(request, "listening/rating_list.html", context)


def _detail_context(request: MemberRequest, product: Product, form: OverrideForm) -> dict[str, Any]:
    figures = ratings.product_rating(product=product)
    weeks = ratings.weekly_trend(product=product)
    history = list(ratings.removal_history(product=product))
    min_ratings = listening_settings(workspace=request.workspace).removal_min_ratings
    last = history[0] if history else None
    held = last is not None and last.step == RemovalStep.OVERRIDDEN
    return {
        "product": product,
        "figures": figures,
        "weeks": weeks,
        "chart": charts.trend_chart(weeks),
        "history": history,
        "held_until": ratings.override_until(decision=last, min_ratings=min_ratings)
        if held and last
        else None,
        "alerts": alert_list(workspace=request.workspace, product=product, limit=10),
        "min_ratings": min_ratings,
        "is_proposed": product.status == ProductStatus.PROPOSED_FOR_REMOVAL,
        "can_decide": has_capability(request, Capability.CATALOGUE_MANAGE),
        "form": form,
    }


@capability_required(Capability.LISTENING_VIEW)
def rating_detail(request: MemberRequest, pk: int) -> HttpResponse:
    product = owned_or_404(Product, pk, workspace=request.workspace)
    context = _detail_context(request, product, OverrideForm())
    return render(request, "listening/rating_detail.html", context)


@capability_required(Capability.CATALOGUE_MANAGE)
@require_POST
def removal_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    """A leader agrees with the proposal: the product leaves the range."""
    product = owned_or_404(Product, pk, workspace=request.workspace)
    try:
        ratings.removal_confirm(product=product, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s is removed from the range.") % {"name": product.name})
    return redirect("listening:rating-detail", product.pk)


@capability_required(Capability.CATALOGUE_MANAGE)
@require_POST
def removal_override(request: MemberRequest, pk: int) -> HttpResponse:
    """A leader keeps the product on sale; without a reason the form says what is missing."""
    product = owned_or_404(Product, pk, workspace=request.workspace)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            ratings.removal_override(
                product=product, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(name)s stays on sale.") % {"name": product.name})
            return redirect("listening:rating-detail", product.pk)
    context = _detail_context(request, product, form)
    return render(request, "listening/rating_detail.html", context, status=422)


urlpatterns = [
    path("listening/ratings/", rating_list, name="rating-list"),
    path("listening/ratings/<id:pk>/", rating_detail, name="rating-detail"),
    path("listening/ratings/<id:pk>/removal/", removal_confirm, name="rating-removal-confirm"),
    path("listening/ratings/<id:pk>/override/", removal_override, name="rating-removal-override"),
]
