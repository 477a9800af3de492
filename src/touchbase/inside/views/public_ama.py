"""Guests' AMA pages: a customer comes by a join link, gives a name, asks and votes.

Strangers use these pages, so: the slug's workspace is the scope and the signed token names the
session (forged → 404, expired or withdrawn → 410, never 500); a guest is known by a key kept in
an HttpOnly cookie for that session only; writes count toward rate limits; a filled-in honeypot
is dropped; inputs are bounded; a guest reaches only this session's questions.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from touchbase.core.forms import apply_errors
from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.signing import LinkExpired, LinkInvalid
from touchbase.core.tenancy import public_page
from touchbase.inside import ama, live, selectors
from touchbase.inside.choices import QuestionState
from touchbase.inside.forms import AskForm, GuestJoinForm
from touchbase.inside.models import AmaParticipant, AmaQuestion, AmaSession
from touchbase.relationships.models import Contact
from touchbase.visitors import services as visitors

TOKEN_LENGTH = 600
COOKIE_DAYS = 45
View = Callable[..., HttpResponse]


def cookie_name(session: AmaSession) -> str:
    return f"ama_guest_{session.pk}"


class Visit:
    """What a join link opened: the workspace, the session, the customer, the guest if known."""

    def __init__(
        self, request: WorkspaceRequest, workspace: Workspace, token: str,
        session: AmaSession, contact: Contact | None,
    ) -> None:  # fmt: skip
        self.workspace = workspace
        self.token = token
        self.session = session
        self.contact = contact
        key = request.COOKIES.get(cookie_name(session), "")
        self.guest: AmaParticipant | None = ama.guest_for_key(session=session, key=key)

    def url(self, name: str, *args: Any) -> str:
        return reverse(name, args=[self.workspace.slug, self.token, *args])

    def viewer(self) -> live.Viewer:
        return live.Viewer(
            participant=self.guest, moderator=False,
            actions=self.url("inside:public_ama") + "question/",
            poll=self.url("inside:public_ama_questions") + "?", own_addresses=True,
        )  # fmt: skip


def _page(request: WorkspaceRequest, template: str, context: dict[str, Any], *,
          status: int = 200, workspace: Workspace) -> HttpResponse:  # fmt: skip
    with timezone.override(workspace.zone):
        return render(request, template, {"workspace": workspace, **context}, status=status)


def link_page(view: View) -> View:
    """A guest's page: the token verified into a Visit, answers never cached, the address
    (which carries the token) never sent to another site; a guest reads in their language."""

    @public_page
    @wraps(view)
    def wrapper(request: WorkspaceRequest, token: str, *args: Any, **kwargs: Any) -> HttpResponse:
        workspace = request.workspace
        assert workspace is not None
        response = _visit_or_refusal(request, workspace, token[:TOKEN_LENGTH])
        if isinstance(response, Visit):
            visit = response
            language = visit.guest.language if visit.guest else None
            with translation.override(language or translation.get_language()):
                response = view(request, visit, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _visit_or_refusal(
    request: WorkspaceRequest, workspace: Workspace, token: str
) -> Visit | HttpResponse:
    try:
        session, contact = ama.join_verify(workspace=workspace, token=token)
    except LinkExpired as error:
        return _refused(request, workspace, str(error.message), 410)
    except LinkInvalid as error:
        return _refused(request, workspace, str(error.message), 404)
    except ValidationError as error:
        return _refused(request, workspace, " ".join(error.messages), 410)
    except (ValueError, TypeError):  # a genuine signature over a payload we never issue
        return _refused(request, workspace, _("This link is not valid."), 404)
    return Visit(request, workspace, token, session, contact)


def _refused(request: WorkspaceRequest, workspace: Workspace, reason: str,
             status: int) -> HttpResponse:  # fmt: skip
    context = {"reason": reason}
    return _page(request, "inside/public/link_invalid.html", context, status=status,
                 workspace=workspace)  # fmt: skip


def _throttled(request: WorkspaceRequest, visit: Visit) -> HttpResponse:
    return _page(request, "inside/public/throttled.html", {}, status=429,
                 workspace=visit.workspace)  # fmt: skip


def _allowed(request: WorkspaceRequest, visit: Visit, action: str, key: str = "") -> bool:
    return visitors.attempt_allowed(request, workspace=visit.workspace, action=action, email=key)


def _list(visit: Visit, *, oob: bool = False, personal: bool = False) -> str:
    """The list, and the guest's votes and questions beside it for the page's script to mark
    (out of band, but on the page itself)."""
    version = selectors.session_fresh(session=visit.session)
    session, viewer = visit.session, visit.viewer()
    found = live.question_list(session=session, version=version, viewer=viewer, oob=oob,
                               personal=personal)  # fmt: skip
    return found + live.viewer_state(session=session, viewer=viewer, oob=not personal)


def _session_context(visit: Visit, form: AskForm | None = None) -> dict[str, Any]:
    session = visit.session
    context: dict[str, Any] = {
        "session": session, "visit": visit, "ask_url": visit.url("inside:public_ama_ask"),
        "form": form or AskForm(anonymous_allowed=session.anonymous_allowed),
    }  # fmt: skip
    if session.is_closed:
        context["answered"] = list(selectors.answered(session=session))
        context["left_open"] = list(
            AmaQuestion.objects.filter(session=session, state=QuestionState.OPEN)
            .select_related("author__user", "follow_up")
            .order_by("-votes", "pk")
        )
        return context
    assert visit.guest is not None
    context["blocked"] = ama.is_blocked(session=session, participant=visit.guest)
    context["question_list"] = _list(visit, personal=True)
    return context


# --- the page -----------------------------------------------------------------------------------


@link_page
@require_http_methods(["GET", "POST"])
def public_ama(request: WorkspaceRequest, visit: Visit) -> HttpResponse:
    """The join link: the join form until the guest has joined, then the session."""
    workspace = visit.workspace
    if visit.guest is not None or (visit.session.is_closed and request.method == "GET"):
        return _page(request, "inside/public/session.html", _session_context(visit),
                     workspace=workspace)  # fmt: skip
    if visit.session.is_closed:
        return _refused(request, workspace, _("This session is closed."), 410)
    language = (getattr(request, "LANGUAGE_CODE", "") or "de")[:2]
    initial = {"language": language}
    if visit.contact is not None:
        initial.update(name=visit.contact.full_name[:80], email=visit.contact.email)
    form = GuestJoinForm(request.POST if request.method == "POST" else None, initial=initial)
    context = {"form": form, "session": visit.session}
    if request.method == "GET":
        return _page(request, "inside/public/join.html", context, workspace=workspace)
    if form.is_robot:
        return redirect(request.path)
    if not form.is_valid():
        return _page(request, "inside/public/join.html", context, status=422, workspace=workspace)
    if not _allowed(request, visit, "ama-join"):
        return _throttled(request, visit)
    fields = form.cleaned_data
    try:
        _guest, key = ama.guest_join(session=visit.session, name=fields["name"],
                                    email=fields["email"], language=fields["language"],
                                    contact=visit.contact)  # fmt: skip
    except ValidationError as error:
        apply_errors(form, error)
        return _page(request, "inside/public/join.html", context, status=422, workspace=workspace)
    response = redirect(request.path)
    response.set_cookie(
        cookie_name(visit.session), key, max_age=COOKIE_DAYS * 86400,
        path=f"/meet/{workspace.slug}/ama/", secure=request.is_secure(), httponly=True,
        samesite="Lax",
    )  # fmt: skip
    return response


# --- the live list, asking, voting ----------------------------------------------------------


@link_page
def public_ama_questions(request: WorkspaceRequest, visit: Visit) -> HttpResponse:
    """The guest's poll of the live list: 204 when nothing changed since their version."""
    version = selectors.session_fresh(session=visit.session)
    if request.GET.get("v", "")[:20] == str(version):
        return HttpResponse(status=204)
    if visit.guest is None:
        return HttpResponse(status=403)
    return HttpResponse(
        live.question_list(session=visit.session, version=version, viewer=visit.viewer())
    )


def _guest_or_join(request: WorkspaceRequest, visit: Visit) -> HttpResponse | None:
    if visit.guest is not None:
        return None
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = visit.url("inside:public_ama")
        return response
    return redirect(visit.url("inside:public_ama"))


@link_page
@require_POST
def public_ama_ask(request: WorkspaceRequest, visit: Visit) -> HttpResponse:
    refusal = _guest_or_join(request, visit)
    if refusal is not None:
        return refusal
    guest = visit.guest
    assert guest is not None
    session = visit.session
    form = AskForm(request.POST, anonymous_allowed=session.anonymous_allowed)
    status = 422
    if form.is_valid():
        if not _allowed(request, visit, "ama-ask", guest.key_hash):
            return _throttled(request, visit)
        if form.ask(session=session, participant=guest):
            messages.success(request, _("Your question is in the list."))
            if not request.htmx:
                return redirect(visit.url("inside:public_ama"))
            form = AskForm(anonymous_allowed=session.anonymous_allowed)
            status = 200
    if not request.htmx:
        return _page(request, "inside/public/session.html", _session_context(visit, form),
                     status=status, workspace=visit.workspace)  # fmt: skip
    context = {
        "form": form, "session": session, "ask_url": visit.url("inside:public_ama_ask"),
        "question_list": _list(visit, oob=True) if status == 200 else "",
    }  # fmt: skip
    return render(request, "inside/partials/_ask.html", context, status=status)


@link_page
@require_POST
def public_ama_vote(request: WorkspaceRequest, visit: Visit, pk: int) -> HttpResponse:
    refusal = _guest_or_join(request, visit)
    if refusal is not None:
        return refusal
    guest = visit.guest
    assert guest is not None
    question = AmaQuestion.objects.filter(pk=pk, session=visit.session).first()
    if question is None:
        raise Http404
    if not _allowed(request, visit, "ama-vote", guest.key_hash):
        return _throttled(request, visit)
    try:
        ama.vote_toggle(question=question, participant=guest)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if not request.htmx:
        return redirect(visit.url("inside:public_ama"))
    return HttpResponse(_list(visit))


urlpatterns: list[URLPattern] = [
    path("meet/<slug:slug>/ama/<str:token>/", public_ama, name="public_ama"),
    path("meet/<slug:slug>/ama/<str:token>/questions/", public_ama_questions,
         name="public_ama_questions"),
    path("meet/<slug:slug>/ama/<str:token>/ask/", public_ama_ask, name="public_ama_ask"),
    path("meet/<slug:slug>/ama/<str:token>/question/<id:pk>/vote/", public_ama_vote,
         name="public_ama_vote"),
]  # fmt: skip
