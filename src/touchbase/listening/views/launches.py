"""The launch monitor: recent launches, and one launch's first 72 hours (refreshing itself)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from touchbase.catalogue.models import Product
from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import charts, launches

REFRESH_SECONDS = 30


@capability_required(Capability.LISTENING_VIEW)
def launch_list(request: MemberRequest) -> HttpResponse:
    context = {"launches": launches.launch_list(workspace=request.workspace)}
    return render(request, "listening/launch_list.html", context)


@capability_required(Capability.LISTENING_VIEW)
def launch_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """The monitor; htmx asks for its fragment again every 30 seconds."""
    product = owned_or_404(Product, pk, workspace=request.workspace)
    if product.launched_at is None:
        raise Http404(_("This product has no launch."))
    monitor = launches.launch_monitor(product=product)
    context = {
        "product": product,
        "monitor": monitor,
        "volume_chart": charts.volume_chart(monitor.hours),
        "sentiment_chart": charts.sentiment_chart(monitor.hours),
        "refresh_seconds": REFRESH_SECONDS,
        "p_limit": launches.SURGE_P,
        "min_mentions": launches.MIN_WINDOW_MENTIONS,
        "min_negative": launches.MIN_WINDOW_NEGATIVE,
    }
    return render_page(
        request, "listening/launch_detail.html", "listening/partials/_launch_monitor.html", context
    )


urlpatterns = [
    path("listening/launches/", launch_list, name="launch-list"),
    path("listening/launches/<id:pk>/", launch_detail, name="launch-detail"),
]
