"""Answering one mention: reply, give it to someone, close it, queue it by hand.

Each write answers htmx with the mention page's answer section (or a queue row, when asked
from the queue), and a plain form post with the whole page or a redirect back.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.forms import apply_errors
from touchbase.core.navigation import redirect_back
from touchbase.core.requests import MemberRequest
from touchbase.listening import answers, queue, services
from touchbase.listening.forms import AssignForm, CloseForm, ReplyForm
from touchbase.listening.models import Mention
from touchbase.listening.views.mentions import answers_context, mention_found, mention_page

SECTION = "listening/partials/_answers.html"
QUEUE_ROW = "listening/partials/_queue_row.html"


def _section(request: MemberRequest, mention: Mention, status: int = 200, **forms: object
             ) -> HttpResponse:  # fmt: skip
    """The answer section for htmx; the whole page (or back to it) for a plain post."""
    if request.htmx:
        context = answers_context(request, mention, **forms)
        return render(request, SECTION, context, status=status)
    if status != 200:
        return mention_page(request, mention, status=status, **forms)
    return redirect("listening:mention-detail", mention.pk)


@capability_required(Capability.LISTENING_ANSWER)
@require_POST
def mention_reply(request: MemberRequest, pk: int) -> HttpResponse:
    """Record what was answered; the mention leaves the queue and, for a customer, it is on
    their timeline."""
    mention = mention_found(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            answers.reply_record(
                mention=mention, by=request.user, text=form.cleaned_data["text"],
                channel=form.cleaned_data["channel"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _reply_message(mention))
            return _section(request, mention)
    return _section(request, mention, status=400, reply_form=form)


def _reply_message(mention: Mention) -> str:
    if mention.contact is not None and not mention.contact.is_erased:
        return _("Reply saved; it is on %(name)s's timeline.") % {"name": str(mention.contact)}
    return _("Reply saved.")


@capability_required(Capability.LISTENING_ANSWER)
@require_POST
def mention_assign(request: MemberRequest, pk: int) -> HttpResponse:
    """Give the mention to a member who answers it (from the queue or the mention page)."""
    mention = mention_found(request, pk)
    form = AssignForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        answers.mention_assign(mention=mention, owner=form.cleaned_data["owner"])
        owner = mention.owner
        messages.success(request, _("%(name)s answers it.") % {"name": owner.display_name}
                         if owner else _("Nobody in particular answers it now."))  # fmt: skip
        status = 200
    else:
        messages.error(request, " ".join(str(error) for error in form.errors.get("owner", [])))
        status = 400
    if request.POST.get("return") != "row":
        return _section(request, mention, status=status)
    if request.htmx:
        return _queue_row(request, mention, status)
    return redirect_back(request, request.POST.get("next"), "listening:queue")


def _queue_row(request: MemberRequest, mention: Mention, status: int) -> HttpResponse:
    sla_hours = services.listening_settings(workspace=request.workspace).response_sla_hours
    item = None
    if mention.is_queued and mention.due_at:
        clock = queue.clock(due_at=mention.due_at, now=timezone.now(), sla_hours=sla_hours)
        item = queue.QueueItem(mention, clock)
    context = {
        "item": item,
        "mention": mention,
        "answerers": list(answers.answerers(workspace=request.workspace)),
        "can_answer": True,
    }
    return render(request, QUEUE_ROW, context, status=status)


@capability_required(Capability.LISTENING_ANSWER)
@require_POST
def mention_close(request: MemberRequest, pk: int) -> HttpResponse:
    """Out of the queue without an answer, as spam or not about us: counted apart."""
    mention = mention_found(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            answers.mention_close(
                mention=mention, by=request.user, reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Closed without an answer: %(reason)s.") % {
                "reason": mention.get_close_reason_display()})  # fmt: skip
            return _section(request, mention)
    return _section(request, mention, status=400, close_form=form)


@capability_required(Capability.LISTENING_ANSWER)
@require_POST
def mention_reopen(request: MemberRequest, pk: int) -> HttpResponse:
    """Undo a closing: the mention waits for an answer again."""
    mention = mention_found(request, pk)
    answers.mention_reopen(mention=mention)
    messages.success(request, _("The mention waits for an answer again."))
    return _section(request, mention)


@capability_required(Capability.LISTENING_ANSWER)
@require_POST
def mention_enqueue(request: MemberRequest, pk: int) -> HttpResponse:
    """Put a mention that was not read as negative in the response queue."""
    mention = mention_found(request, pk)
    try:
        answers.mention_queue(mention=mention, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _section(request, mention, status=400)
    messages.success(request, _("The mention is in the response queue."))
    return _section(request, mention)


urlpatterns = [
    path("listening/mentions/<id:pk>/replies/", mention_reply, name="mention-reply"),
    path("listening/mentions/<id:pk>/owner/", mention_assign, name="mention-assign"),
    path("listening/mentions/<id:pk>/close/", mention_close, name="mention-close"),
    path("listening/mentions/<id:pk>/reopen/", mention_reopen, name="mention-reopen"),
    path("listening/mentions/<id:pk>/queue/", mention_enqueue, name="mention-enqueue"),
]
