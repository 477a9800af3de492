"""The response queue (negative mentions nobody answered, with their clocks) and its figures."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none
from touchbase.listening import answers, figures, queue, services
from touchbase.listening.forms import QUEUE_MINE, QUEUE_NOBODY, FiguresForm, QueueFilterForm

PAGE_SIZE = 50
DEFAULT_WEEKS = 8
MAX_PAGE = 10_000


def _page_number(request: MemberRequest) -> int:
    number = id_or_none(request.GET.get("page")) or 1
    return min(number, MAX_PAGE)


@capability_required(Capability.LISTENING_VIEW)
def queue_list(request: MemberRequest) -> HttpResponse:
    """What waits for an answer, soonest due first; the table refreshes itself every minute."""
    filters = QueueFilterForm(request.GET, workspace=request.workspace)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    owner = criteria.get("owner") or ""
    owner_id = request.user.pk if owner == QUEUE_MINE else id_or_none(owner)
    unassigned = owner == QUEUE_NOBODY
    now = timezone.now()
    page = _page_number(request)
    sla_hours = services.listening_settings(workspace=request.workspace).response_sla_hours
    items = queue.queue_page(
        workspace=request.workspace, now=now, sla_hours=sla_hours,
        overdue=criteria.get("overdue") == "1", latest_first=criteria.get("order") == "-due",
        offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE + 1, owner_id=owner_id,
        unassigned=unassigned,
    )  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "items": items[:PAGE_SIZE],
        "has_next": len(items) > PAGE_SIZE,
        "page": page,
        "query": query.urlencode(),
        "counts": queue.queue_counts(
            workspace=request.workspace, now=now, owner_id=owner_id, unassigned=unassigned
        ),
        "sla_hours": sla_hours,
        "answerers": list(answers.answerers(workspace=request.workspace)),
        "can_answer": has_capability(request, Capability.LISTENING_ANSWER),
    }
    return render_page(
        request, "listening/queue.html", "listening/partials/_queue_table.html", context
    )


@capability_required(Capability.LISTENING_VIEW)
def queue_figures(request: MemberRequest) -> HttpResponse:
    """Response rate, time to the first answer and silence, per owner and week."""
    form = FiguresForm(request.GET or {"weeks": str(DEFAULT_WEEKS)})
    weeks = (form.cleaned_data["weeks"] if form.is_valid() else None) or DEFAULT_WEEKS
    result = figures.answer_figures(workspace=request.workspace, weeks=weeks)
    context: dict[str, Any] = {
        "form": form,
        "figures": result,
        "team_weeks": list(zip(result.weeks, result.team.weeks, strict=True)),
        "owners": [
            (owner, list(zip(result.weeks, owner.weeks, strict=True))) for owner in result.owners
        ],
        "response_trend": figures.trend([week.response_rate for week in result.team.weeks]),
        "silence_trend": figures.trend([week.silence_rate for week in result.team.weeks]),
        "chart_width": figures.CHART_WIDTH,
        "chart_height": figures.CHART_HEIGHT,
        "sla_hours": services.listening_settings(workspace=request.workspace).response_sla_hours,
    }
    return render(request, "listening/queue_figures.html", context)


urlpatterns = [
    path("listening/queue/", queue_list, name="queue"),
    path("listening/queue/figures/", queue_figures, name="queue-figures"),
]
