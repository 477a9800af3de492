"""Members' AMA pages: the sessions, one session's live list, moderating, follow-ups.

Taking part (seeing, asking, voting) needs INSIDE_TAKE_PART; scheduling, editing, closing and
inviting need INSIDE_MANAGE; moderating is for whoever selectors.can_moderate allows. An
anonymous question names nobody on any of these pages, a moderator's view included.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.core.capabilities import Capability, capability_required, role_has
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.inside import ama, live, mails, selectors
from touchbase.inside.choices import QuestionState
from touchbase.inside.forms import (
    INVITE_MAX,
    AmaSessionForm,
    AnswerForm,
    AskForm,
    FollowUpForm,
    InviteForm,
    MergeForm,
    members,
)
from touchbase.inside.middleware import LivePass, member_addresses, pass_set
from touchbase.inside.models import AmaBlock, AmaFollowUp, AmaQuestion, AmaSession
from touchbase.relationships.models import Contact

TAKE_PART = Capability.INSIDE_TAKE_PART
MANAGE = Capability.INSIDE_MANAGE
FOLLOW_UPS_MAX = 500


def _is_manager(request: MemberRequest) -> bool:
    return role_has(request.membership.role, MANAGE)


def _session(request: MemberRequest, pk: int) -> AmaSession:
    rows = AmaSession.objects.select_related("leader", "workspace")
    return owned_or_404(rows, pk, workspace=request.workspace)


def _question(request: MemberRequest, pk: int) -> AmaQuestion:
    rows = AmaQuestion.objects.select_related("session__workspace", "session__leader")
    return owned_or_404(rows, pk, workspace=request.workspace)


def _moderated(request: MemberRequest, pk: int) -> AmaQuestion:
    """A question of the workspace whose session this member may moderate (else 403)."""
    question = _question(request, pk)
    if not selectors.can_moderate(session=question.session, membership=request.membership):
        raise PermissionDenied
    return question


def _viewer(request: MemberRequest, session: AmaSession, *, own: bool = True) -> live.Viewer:
    """Who looks at the list; a poll (own=False) needs not know their place in the session:
    it gets the list as everyone does."""
    participant = ama.participant_for_member(session=session, user=request.user) if own else None
    actions, poll = member_addresses(session.pk)
    return live.Viewer(
        participant=participant,
        moderator=selectors.can_moderate(session=session, membership=request.membership),
        actions=actions,
        poll=poll,
    )


def _with_pass(
    response: HttpResponse, request: MemberRequest, session: AmaSession, viewer: live.Viewer
) -> HttpResponse:
    """The live pass beside the list: the member's next polls with news skip the usual checks
    for a little while (see inside/middleware.py)."""
    found = LivePass(
        session_id=session.pk, user_id=request.user.pk, workspace_id=session.workspace_id,
        moderator=viewer.moderator, language=get_language() or "de",
    )  # fmt: skip
    if not session.is_closed:
        pass_set(response, request, found)
    return response


def _current_list(request: MemberRequest, session: AmaSession, *, oob: bool = False) -> str:
    """The shared list after the member's own change, and their votes and questions beside it
    (out of band) for the page's script to mark."""
    version = selectors.session_fresh(session=session)
    viewer = _viewer(request, session)
    return live.question_list(
        session=session, version=version, viewer=viewer, oob=oob
    ) + live.viewer_state(session=session, viewer=viewer, oob=True)


def _list_response(request: MemberRequest, session: AmaSession, status: int = 200) -> HttpResponse:
    if not request.htmx:
        return redirect("inside:ama_detail", session.pk)
    return HttpResponse(_current_list(request, session), status=status)


# --- the sessions -------------------------------------------------------------------------------


@capability_required(TAKE_PART)
def home(request: MemberRequest) -> HttpResponse:
    found = selectors.sessions(workspace=request.workspace)
    open_follow_ups = selectors.follow_ups(workspace=request.workspace, owner=request.user).count()
    context = {
        "lists": found, "is_manager": _is_manager(request),
        "open_follow_ups": open_follow_ups, "zone": request.workspace.zone,
    }  # fmt: skip
    with timezone.override(request.workspace.zone):
        return render(request, "inside/home.html", context)


def _session_form_page(request: MemberRequest, session: AmaSession | None) -> HttpResponse:
    initial = AmaSessionForm.initial_of(session) if session else {"leader": request.user.pk}
    form = AmaSessionForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            saved = ama.ama_session_save(
                workspace=request.workspace, by=request.user, title=fields["title"],
                description=fields["description"], leader=fields["leader"],
                moderators=fields["moderators"], starts_at=fields["starts_at"],
                ends_at=fields["ends_at"], audience=fields["audience"],
                anonymous_allowed=fields["anonymous_allowed"], session=session,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Session “%(title)s” saved.") % {"title": saved.title})
            return redirect("inside:ama_detail", saved.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "inside/session_form.html", {"form": form, "session": session}, status=status
    )


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def session_new(request: MemberRequest) -> HttpResponse:
    return _session_form_page(request, None)


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def session_edit(request: MemberRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if session.is_closed:
        messages.error(request, _("This session is closed and can no longer be changed."))
        return redirect("inside:ama_detail", session.pk)
    return _session_form_page(request, session)


@capability_required(MANAGE)
@require_POST
def session_close(request: MemberRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    created = ama.ama_close(session=session)
    messages.success(
        request,
        _("The session is closed; %(n)d open questions became follow-ups.") % {"n": len(created)},
    )
    return redirect("inside:ama_detail", session.pk)


# --- one session --------------------------------------------------------------------------------


def _closed_context(session: AmaSession) -> dict[str, Any]:
    left = (
        AmaQuestion.objects.filter(session=session, state=QuestionState.OPEN)
        .select_related("author__user", "follow_up__owner")
        .order_by("-votes", "pk")
    )
    return {"answered": list(selectors.answered(session=session)), "left_open": list(left)}


def _detail_context(request: MemberRequest, session: AmaSession) -> dict[str, Any]:
    viewer = _viewer(request, session)
    assert viewer.participant is not None
    context: dict[str, Any] = {
        "session": session, "viewer": viewer, "is_manager": _is_manager(request),
        "blocked": ama.is_blocked(session=session, participant=viewer.participant),
        "form": AskForm(anonymous_allowed=session.anonymous_allowed),
        "ask_url": reverse("inside:ama_ask", args=[session.pk]),
    }  # fmt: skip
    if session.is_closed:
        context.update(_closed_context(session))
        return context
    version = selectors.session_fresh(session=session)
    context["question_list"] = live.question_list(
        session=session, version=version, viewer=viewer, personal=True
    ) + live.viewer_state(session=session, viewer=viewer)
    if viewer.moderator:
        context["blocks"] = list(AmaBlock.objects.filter(session=session).order_by("created_at"))
    if context["is_manager"] and session.customers_invited:
        context["join_url"] = mails.join_url(session=session)
    return context


@capability_required(TAKE_PART)
def ama_detail(request: MemberRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    with timezone.override(request.workspace.zone):
        context = _detail_context(request, session)
        response = render(request, "inside/ama_detail.html", context)
    return _with_pass(response, request, session, context["viewer"])


@capability_required(TAKE_PART)
def ama_questions(request: MemberRequest, pk: int) -> HttpResponse:
    """The live list's poll: 204 when the caller's version is current, else the list."""
    session = _session(request, pk)
    version = session.version
    if request.GET.get("v", "")[:20] == str(version):
        return HttpResponse(status=204)
    viewer = _viewer(request, session, own=False)
    response = HttpResponse(live.question_list(session=session, version=version, viewer=viewer))
    return _with_pass(response, request, session, viewer)


@capability_required(TAKE_PART)
@require_POST
def ama_ask(request: MemberRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    participant = ama.participant_for_member(session=session, user=request.user)
    form = AskForm(request.POST, anonymous_allowed=session.anonymous_allowed)
    status = 422
    if form.is_valid() and form.ask(session=session, participant=participant):
        messages.success(request, _("Your question is in the list."))
        if not request.htmx:
            return redirect("inside:ama_detail", session.pk)
        form = AskForm(anonymous_allowed=session.anonymous_allowed)
        status = 200
    if not request.htmx:
        with timezone.override(request.workspace.zone):
            context = {**_detail_context(request, session), "form": form}
            return render(request, "inside/ama_detail.html", context, status=status)
    context = {
        "form": form, "session": session,
        "ask_url": reverse("inside:ama_ask", args=[session.pk]),
        "question_list": _current_list(request, session, oob=True) if status == 200 else "",
    }  # fmt: skip
    return render(request, "inside/partials/_ask.html", context, status=status)


@capability_required(TAKE_PART)
@require_POST
def question_vote(request: MemberRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    participant = ama.participant_for_member(session=question.session, user=request.user)
    try:
        ama.vote_toggle(question=question, participant=participant)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _list_response(request, question.session)


# --- moderating ---------------------------------------------------------------------------------


def _moderation(request: MemberRequest, question: AmaQuestion, done: Any) -> HttpResponse:
    """Run a moderation service; its refusal becomes a message beside the refreshed list."""
    try:
        done()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _list_response(request, question.session)


@capability_required(TAKE_PART)
@require_POST
def question_hide(request: MemberRequest, pk: int) -> HttpResponse:
    question = _moderated(request, pk)
    hidden = request.POST.get("hidden", "1") != "0"
    return _moderation(request, question, lambda: ama.question_hide(question=question,
                                                                    hidden=hidden))  # fmt: skip


@capability_required(TAKE_PART)
@require_POST
def question_pin(request: MemberRequest, pk: int) -> HttpResponse:
    question = _moderated(request, pk)
    pinned = request.POST.get("pinned", "1") != "0"
    return _moderation(request, question, lambda: ama.question_pin(question=question,
                                                                   pinned=pinned))  # fmt: skip


@capability_required(TAKE_PART)
@require_POST
def question_block(request: MemberRequest, pk: int) -> HttpResponse:
    question = _moderated(request, pk)
    reason = request.POST.get("reason", "")[:300]
    ama.author_block(question=question, by=request.user, reason=reason)
    messages.success(request, _("The asker is blocked from this session."))
    return _list_response(request, question.session)


@capability_required(TAKE_PART)
@require_POST
def block_remove(request: MemberRequest, pk: int) -> HttpResponse:
    block = owned_or_404(AmaBlock.objects.select_related("session"), pk,
                         workspace=request.workspace)  # fmt: skip
    if not selectors.can_moderate(session=block.session, membership=request.membership):
        raise PermissionDenied
    session = block.session
    ama.author_unblock(block=block)
    messages.success(request, _("The block is lifted."))
    return redirect("inside:ama_detail", session.pk)


def _merge_choices(question: AmaQuestion) -> QuerySet[AmaQuestion]:
    return (
        AmaQuestion.objects.filter(
            session_id=question.session_id, state__in=[QuestionState.OPEN, QuestionState.ANSWERED]
        )
        .exclude(pk=question.pk)
        .order_by("-votes", "pk")
    )


@capability_required(TAKE_PART)
@require_http_methods(["GET", "POST"])
def question_merge(request: MemberRequest, pk: int) -> HttpResponse:
    question = _moderated(request, pk)
    form = MergeForm(request.POST or None, choices=_merge_choices(question))
    if request.method == "POST" and form.is_valid():
        try:
            ama.question_merge(question=question, into=form.cleaned_data["into"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The questions are merged."))
            return redirect("inside:ama_detail", question.session_id)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "question": question, "session": question.session}
    return render(request, "inside/question_merge.html", context, status=status)


def _may_answer(request: MemberRequest, question: AmaQuestion) -> bool:
    session = question.session
    if selectors.can_moderate(session=session, membership=request.membership):
        return True
    return AmaFollowUp.objects.filter(question=question, owner=request.user).exists()


@capability_required(TAKE_PART)
@require_http_methods(["GET", "POST"])
def question_answer(request: MemberRequest, pk: int) -> HttpResponse:
    """Answer a question (the leader, moderators, or the owner of its follow-up)."""
    question = _question(request, pk)
    if not _may_answer(request, question):
        raise PermissionDenied
    back = request.POST.get("next") or request.GET.get("next") or ""
    form = AnswerForm(request.POST or None, initial={"answer": question.answer})
    if request.method == "POST" and form.is_valid():
        try:
            ama.question_answer(question=question, answer=form.cleaned_data["answer"],
                                by=request.user)  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The answer is saved."))
            if back == "follow-ups":
                return redirect("inside:follow_ups")
            return redirect("inside:ama_detail", question.session_id)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "question": question, "session": question.session, "next": back}
    return render(request, "inside/question_answer.html", context, status=status)


# --- customers ----------------------------------------------------------------------------------


@capability_required(MANAGE)
@require_http_methods(["GET", "POST"])
def customers_invite(request: MemberRequest, pk: int) -> HttpResponse:
    """Pick customers with an address; each gets a personal join link by mail (the worker)."""
    session = _session(request, pk)
    search = request.GET.get("q", "")[:100].strip()
    choices = Contact.objects.filter(workspace=request.workspace, erased_at=None).exclude(email="")
    if search:
        choices = choices.filter(last_name__icontains=search) | choices.filter(
            email__icontains=search
        )
    choices = choices.order_by("last_name", "first_name", "pk")
    shown = Contact.objects.filter(pk__in=list(choices.values_list("pk", flat=True)[:INVITE_MAX]))
    form = InviteForm(request.POST or None, choices=shown.order_by("last_name", "first_name"))
    if request.method == "POST" and form.is_valid():
        try:
            chosen = form.cleaned_data["contacts"]
            count = ama.ama_customers_invite(session=session, contacts=chosen)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("%(n)d customers are being invited.") % {"n": count})
            return redirect("inside:ama_detail", session.pk)
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "session": session, "search": search}
    return render(request, "inside/customers_invite.html", context, status=status)


@capability_required(MANAGE)
@require_POST
def join_links_withdraw(request: MemberRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    ama.join_links_withdraw(session=session)
    messages.success(request, _("All join links sent so far no longer work."))
    return redirect("inside:ama_detail", session.pk)


# --- follow-ups ---------------------------------------------------------------------------------


@capability_required(TAKE_PART)
def follow_ups(request: MemberRequest) -> HttpResponse:
    """Open follow-ups: mine; a manager sees everyone's and may filter by owner."""
    is_manager = _is_manager(request)
    owner_filter = request.GET.get("owner", "mine" if not is_manager else "")[:20]
    owner = request.user if owner_filter == "mine" or not is_manager else None
    found = selectors.follow_ups(workspace=request.workspace, owner=owner)
    if is_manager and owner_filter.isdigit():
        found = found.filter(owner_id=int(owner_filter))
    rows = list(found[:FOLLOW_UPS_MAX])
    context = {
        "follow_ups": rows, "is_manager": is_manager, "owner_filter": owner_filter,
        "members": members(request.workspace),
    }  # fmt: skip
    return render(request, "inside/follow_ups.html", context)


@capability_required(TAKE_PART)
@require_http_methods(["GET", "POST"])
def follow_up_edit(request: MemberRequest, pk: int) -> HttpResponse:
    follow_up = owned_or_404(
        AmaFollowUp.objects.select_related("question__session", "owner"), pk,
        workspace=request.workspace,
    )  # fmt: skip
    if follow_up.owner_id != request.user.pk and not _is_manager(request):
        raise PermissionDenied
    initial = {"owner": follow_up.owner_id, "due_on": follow_up.due_on}
    form = FollowUpForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        ama.follow_up_save(follow_up=follow_up, owner=form.cleaned_data["owner"],
                           due_on=form.cleaned_data["due_on"])  # fmt: skip
        messages.success(request, _("The follow-up is saved."))
        return redirect("inside:follow_ups")
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "follow_up": follow_up}
    return render(request, "inside/follow_up_form.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("inside/", home, name="home"),
    path("inside/ama/new/", session_new, name="ama_new"),
    path("inside/ama/<id:pk>/", ama_detail, name="ama_detail"),
    path("inside/ama/<id:pk>/edit/", session_edit, name="ama_edit"),
    path("inside/ama/<id:pk>/close/", session_close, name="ama_close"),
    path("inside/ama/<id:pk>/questions/", ama_questions, name="ama_questions"),
    path("inside/ama/<id:pk>/ask/", ama_ask, name="ama_ask"),
    path("inside/ama/<id:pk>/invite/", customers_invite, name="ama_invite"),
    path("inside/ama/<id:pk>/withdraw-links/", join_links_withdraw, name="ama_links_withdraw"),
    path("inside/ama/question/<id:pk>/vote/", question_vote, name="question_vote"),
    path("inside/ama/question/<id:pk>/hide/", question_hide, name="question_hide"),
    path("inside/ama/question/<id:pk>/pin/", question_pin, name="question_pin"),
    path("inside/ama/question/<id:pk>/merge/", question_merge, name="question_merge"),
    path("inside/ama/question/<id:pk>/answer/", question_answer, name="question_answer"),
    path("inside/ama/question/<id:pk>/block/", question_block, name="question_block"),
    path("inside/ama/blocks/<id:pk>/unblock/", block_remove, name="block_remove"),
    path("inside/follow-ups/", follow_ups, name="follow_ups"),
    path("inside/follow-ups/<id:pk>/", follow_up_edit, name="follow_up_edit"),
]
