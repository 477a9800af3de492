"""Mentions: the list with filters, one mention with its customer and products, hand entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.listening import queue, selectors, services
from touchbase.listening.forms import (
    AssignForm,
    CloseForm,
    MentionFilterForm,
    MentionForm,
    ReplyForm,
)
from touchbase.listening.models import Mention
from touchbase.relationships.models import Contact

PAGE_SIZE = 50


@capability_required(Capability.LISTENING_VIEW)
def mention_list(request: MemberRequest) -> HttpResponse:
    filters = MentionFilterForm(request.GET, workspace=request.workspace)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    before = request.GET.get("before", "")
    page = selectors.mention_page(
        workspace=request.workspace, search=criteria.get("q") or "",
        sentiment=criteria.get("sentiment") or "", source=criteria.get("source"),
        product_id=criteria.get("product"), before=before, size=PAGE_SIZE,
    )  # fmt: skip
    context = {
        "filters": filters,
        "mentions": page.rows,
        "next_before": page.next_before,
        "filtered": any(criteria.get(name) for name in ("q", "sentiment", "source", "product")),
        "pending": selectors.pending_count(workspace=request.workspace),
        "can_enter": has_capability(request, Capability.LISTENING_ANSWER),
    }
    return render(request, "listening/mention_list.html", context)


def mention_found(request: MemberRequest, pk: int) -> Mention:
    return owned_or_404(
        Mention.objects.select_related("source", "contact", "owner", "closed_by"),
        pk,
        workspace=request.workspace,
    )


def answers_context(request: MemberRequest, mention: Mention, **forms: Any) -> dict[str, Any]:
    """The mention page's answer section: status and clock, owner, replies, the forms."""
    sla_hours = services.listening_settings(workspace=request.workspace).response_sla_hours
    now = timezone.now()
    return {
        "mention": mention,
        "clock": queue.clock(due_at=mention.due_at, now=now, sla_hours=sla_hours)
        if mention.is_queued and mention.due_at
        else None,
        "replies": list(mention.replies.select_related("by", "touchpoint")),
        "can_answer": has_capability(request, Capability.LISTENING_ANSWER),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "assign_form": AssignForm(
            workspace=request.workspace, initial={"owner": mention.owner_id}, auto_id="assign_%s"
        ),
    }


def mention_page(
    request: MemberRequest, mention: Mention, status: int = 200, **forms: Any
) -> HttpResponse:
    """The whole mention page (after a form with errors that htmx did not send, too)."""
    context = {
        **answers_context(request, mention, **forms),
        "products": mention.products.order_by("name"),
        "can_link": has_capability(request, Capability.CRM_EDIT),
    }
    return render(request, "listening/mention_detail.html", context, status=status)


@capability_required(Capability.LISTENING_VIEW)
def mention_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return mention_page(request, mention_found(request, pk))


@capability_required(Capability.LISTENING_ANSWER)
def mention_new(request: MemberRequest) -> HttpResponse:
    """Enter a mention by hand: a letter, a call, a review read somewhere else."""
    form = MentionForm(request.POST or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mention = services.mention_enter(
                source=data["source"], text=data["text"], title=data["title"],
                stars=data["stars"], author=data["author"], author_email=data["author_email"],
                author_handle=data["author_handle"], url=data["url"],
                published_at=data["published_at"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Mention saved; it is read in a moment."))
            return redirect("listening:mention-detail", mention.pk)
    return render(request, "listening/mention_form.html", {"form": form})


@capability_required(Capability.CRM_EDIT)
@require_POST
def mention_link(request: MemberRequest, pk: int) -> HttpResponse:
    """This mention's author is this customer (and, by handle, their next mentions too)."""
    mention = owned_or_404(Mention, pk, workspace=request.workspace)
    try:
        contact = owned_ref(
            Contact, request.POST.get("contact"), workspace=request.workspace, field="contact"
        )
        services.author_link(mention=mention, contact=contact, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The mention is on %(name)s's timeline.") % {
            "name": str(contact)})  # fmt: skip
    return redirect("listening:mention-detail", mention.pk)


urlpatterns = [
    path("listening/", mention_list, name="mention-list"),
    path("listening/mentions/new/", mention_new, name="mention-create"),
    path("listening/mentions/<id:pk>/", mention_detail, name="mention-detail"),
    path("listening/mentions/<id:pk>/customer/", mention_link, name="mention-link"),
]
