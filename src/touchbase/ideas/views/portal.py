"""The public idea portal: browse, search, post, vote, comment; a stranger's front door.

Who a visitor is comes from visitors.services: a browser remembered after a confirmation
link counts as proven; an address typed into a form does not, so what is written with it
waits unpublished (and a vote uncounted) until the link in the mail is followed. Every write
counts toward rate limits per client address and per e-mail address; a filled-in honeypot
field is thanked and dropped; a blocked address may read but not write; sizes are bounded
by the forms; text is shown escaped everywhere (Django's autoescape, no |safe on it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace
from touchbase.core.requests import WorkspaceRequest
from touchbase.core.signing import LinkInvalid
from touchbase.core.tenancy import public_page
from touchbase.ideas import mails, selectors, services
from touchbase.ideas.choices import IdeaSort, IdeaStatus
from touchbase.ideas.forms import CommentForm, IdeaForm, PortalFilterForm, SignInForm, VoteForm
from touchbase.ideas.models import Idea, Subscription
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

View = Callable[..., HttpResponse]


def portal_page(view: View) -> View:
    """A page of an open portal: the slug's workspace, its portal open, its visitor known."""

    @public_page
    @wraps(view)
    def wrapper(request: WorkspaceRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        workspace = request.workspace
        assert workspace is not None
        if not services.portal_settings(workspace=workspace).enabled:
            raise Http404(_("Not found."))
        return view(request, workspace, *args, **kwargs)

    return wrapper


def _visitor(request: WorkspaceRequest, workspace: Workspace) -> Visitor | None:
    return visitors.visitor_from_request(request, workspace=workspace)


def _products(workspace: Workspace) -> Any:
    return Product.objects.filter(workspace=workspace).exclude(status="removed").order_by("name")


def _context(request: WorkspaceRequest, workspace: Workspace, **extra: Any) -> dict[str, Any]:
    return {
        "workspace": workspace,
        "portal": services.portal_settings(workspace=workspace),
        "visitor": _visitor(request, workspace),
        **extra,
    }


def _idea_or_404(workspace: Workspace, pk: int, *, merged_too: bool = False) -> Idea:
    """A listed idea of the portal; a merged one only where its address redirects."""
    idea = Idea.objects.filter(workspace=workspace, pk=pk).first()
    if idea is None or not (idea.listed or (merged_too and idea.merged_into_id is not None)):
        raise Http404(_("Not found."))
    return idea


# --- reading -----------------------------------------------------------------------------------


@portal_page
@require_GET
def portal(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    form = PortalFilterForm(request.GET)
    wanted, page = form.wanted()
    # Titles only: a stranger's search must not scan every description of the workspace.
    ideas, more = selectors.portal_page(workspace=workspace, wanted=wanted, page=page)
    context = _context(request, workspace, ideas=ideas, more=more, page=page, wanted=wanted,
                       products=_products(workspace), sorts=IdeaSort.choices,
                       statuses=IdeaStatus.choices)  # fmt: skip
    visitor = context["visitor"]
    context["voted"] = selectors.voted_ids(
        visitor_id=visitor.pk if visitor else None, idea_ids=[idea.pk for idea in ideas]
    )
    template = "ideas/portal/_list.html" if request.htmx else "ideas/portal/list.html"
    return render(request, template, context)


@portal_page
@require_GET
def idea_detail(request: WorkspaceRequest, workspace: Workspace, pk: int) -> HttpResponse:
    idea = _idea_or_404(workspace, pk, merged_too=True)
    if idea.merged_into_id is not None:
        target = services.merged_target(idea)
        if not target.listed:
            raise Http404(_("Not found."))
        return HttpResponseRedirect(services.public_path(target), status=301)
    return _detail_page(request, workspace, idea, CommentForm(known=_known(request, workspace)))


def _known(request: WorkspaceRequest, workspace: Workspace) -> bool:
    return _visitor(request, workspace) is not None


def _detail_page(
    request: WorkspaceRequest, workspace: Workspace, idea: Idea, form: CommentForm,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    context = _context(request, workspace, idea=idea, form=form)
    visitor = context["visitor"]
    context["comments"] = selectors.comments_public(idea)
    context["voted"] = selectors.voted_ids(
        visitor_id=visitor.pk if visitor else None, idea_ids=[idea.pk]
    )
    context["subscribed"] = (
        visitor is not None and Subscription.objects.filter(idea=idea, visitor=visitor).exists()
    )
    context["vote_form"] = VoteForm(known=visitor is not None)
    return render(request, "ideas/portal/idea.html", context, status=status)


@portal_page
@require_GET
def roadmap(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    columns = selectors.roadmap(workspace=workspace)
    labels = dict(IdeaStatus.choices)
    context = _context(
        request,
        workspace,
        columns=[(status, labels[status], columns[status]) for status in columns],
    )
    return render(request, "ideas/portal/roadmap.html", context)


@portal_page
@require_GET
def similar(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    """Ideas like the title being typed (htmx, as the visitor types)."""
    title = request.GET.get("title", "")[:140]
    found: list[Idea] = []
    if len(title.strip()) >= services.MIN_SIMILAR_QUERY and visitors.attempt_allowed(
        request, workspace=workspace, action="similar"
    ):
        found = services.similar_ideas(workspace=workspace, title=title)
    return render(request, "ideas/portal/_similar.html", {"workspace": workspace, "similar": found})


# --- writing -----------------------------------------------------------------------------------


def _writer(request: WorkspaceRequest, workspace: Workspace, form: Any) -> tuple[Visitor, bool]:
    """The visitor writing and whether the address is proven (a remembered browser)."""
    known = _visitor(request, workspace)
    if known is not None:
        return known, True
    visitor = visitors.visitor_for_email(
        workspace=workspace, email=form.cleaned_data["email"], name=form.cleaned_data["name"],
        language=getattr(request, "LANGUAGE_CODE", ""),
    )  # fmt: skip
    return visitor, False


def _too_many(request: WorkspaceRequest, workspace: Workspace, action: str, email: str) -> bool:
    return not visitors.attempt_allowed(request, workspace=workspace, action=action, email=email)


def _check_mail(
    request: WorkspaceRequest, workspace: Workspace, visitor: Visitor, pending: Pending
) -> HttpResponse:
    """Send the confirmation link (within its own limits) and say so, or say it was not sent."""
    if _too_many(request, workspace, "confirm-mail", visitor.email):
        return _throttled(request, workspace)
    visitors.confirmation_send(
        visitor=visitor, next_path=pending.next_path, what=pending.what, items=pending.items,
        name=pending.name, language=getattr(request, "LANGUAGE_CODE", ""),
    )  # fmt: skip
    return render(
        request, "ideas/portal/check_mail.html", _context(request, workspace, email=visitor.email)
    )


@dataclass(frozen=True)
class Pending:
    """What an unproven writer left, for the confirmation link to publish (and only that)."""

    next_path: str
    what: str
    items: dict[str, int]
    name: str = ""


def _pending(form: Any, next_path: str, what: str, **items: int) -> Pending:
    if form.cleaned_data.get("subscribe"):
        items["sub"] = 1
    return Pending(next_path=next_path, what=what, items=items,
                   name=form.cleaned_data.get("name", ""))  # fmt: skip


def _blocked(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    return render(request, "ideas/portal/blocked.html", _context(request, workspace), status=403)


def _throttled(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    return render(request, "ideas/portal/throttled.html", _context(request, workspace), status=429)


def _thanks(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    """What a robot that filled in the honeypot sees: the same as a person, nothing kept."""
    return render(request, "ideas/portal/check_mail.html", _context(request, workspace))


def _gate(
    request: WorkspaceRequest, workspace: Workspace, form: Any, action: str
) -> HttpResponse | None:
    """The answer for a robot (thanks, nothing kept) or for too many writes; else None."""
    if form.is_robot:
        return _thanks(request, workspace)
    if _too_many(request, workspace, action, _email_of(request, workspace, form)):
        return _throttled(request, workspace)
    return None


def _email_of(request: WorkspaceRequest, workspace: Workspace, form: Any) -> str:
    known = _visitor(request, workspace)
    return known.email if known else form.cleaned_data.get("email", "")


@portal_page
@require_http_methods(["GET", "POST"])
def idea_new(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    known = _known(request, workspace)
    products = _products(workspace)
    if request.method != "POST":
        form = IdeaForm(known=known, products=products,
                        initial={"title": request.GET.get("title", "")[:140]})  # fmt: skip
        _suggest_similar(form, workspace)
        return render(request, "ideas/portal/new.html", _context(request, workspace, form=form))
    form = IdeaForm(request.POST, known=known, products=products)
    _suggest_similar(form, workspace)
    if not form.is_valid():
        return render(
            request, "ideas/portal/new.html", _context(request, workspace, form=form), status=422
        )
    if (refusal := _gate(request, workspace, form, "idea")) is not None:
        return refusal
    visitor, proven = _writer(request, workspace, form)
    try:
        idea = services.idea_post(
            workspace=workspace, visitor=visitor, title=form.cleaned_data["title"],
            text=form.cleaned_data["text"], product=form.cleaned_data["product"],
            subscribe=form.cleaned_data["subscribe"], verified=proven,
        )  # fmt: skip
    except visitors.VisitorBlocked:
        return _blocked(request, workspace)
    except ValidationError as error:
        form.add_error(None, error)
        return render(
            request, "ideas/portal/new.html", _context(request, workspace, form=form), status=422
        )
    if proven:
        return redirect(services.public_path(idea))
    pending = _pending(form, services.public_path(idea), _("your idea"), idea=idea.pk)
    return _check_mail(request, workspace, visitor, pending)


def _suggest_similar(form: IdeaForm, workspace: Workspace) -> None:
    """Typing a title asks for similar ideas (htmx), so people vote instead of repeating."""
    form.fields["title"].widget.attrs.update({
        "hx-get": reverse("ideas:portal-similar", args=[workspace.slug]),
        "hx-trigger": "input changed delay:400ms, load", "hx-target": "#similar-slot",
        "autocomplete": "off",
    })  # fmt: skip


@portal_page
@require_POST
def vote(request: WorkspaceRequest, workspace: Workspace, pk: int) -> HttpResponse:
    """Vote, or take the vote back (action=retract); a new visitor gives their address first."""
    idea = _idea_or_404(workspace, pk)
    known = _visitor(request, workspace)
    form = VoteForm(request.POST, known=known is not None)
    if request.POST.get("action") == "retract":
        if known is not None:
            services.vote_retract(idea=idea, visitor=known)
        return _vote_answer(request, workspace, idea)
    if not form.is_valid():
        # A new visitor pressed "vote": ask for the address first.
        return _vote_identity(request, workspace, idea, form)
    if (refusal := _gate(request, workspace, form, "vote")) is not None:
        return refusal
    visitor, proven = _writer(request, workspace, form)
    try:
        cast = services.vote_cast(idea=idea, visitor=visitor, verified=proven,
                                  subscribe=form.cleaned_data["subscribe"])  # fmt: skip
    except visitors.VisitorBlocked:
        return _blocked(request, workspace)
    except services.IdeaClosed:
        return _vote_answer(request, workspace, idea, closed=True)
    if not proven:
        pending = _pending(form, services.public_path(idea), _("your vote"), vote=cast.pk)
        return _check_mail(request, workspace, visitor, pending)
    return _vote_answer(request, workspace, idea)


def _vote_identity(
    request: WorkspaceRequest, workspace: Workspace, idea: Idea, form: VoteForm
) -> HttpResponse:
    status = 422 if request.POST.get("email") else 200
    if request.htmx:
        # The list's button cannot hold the address form: go to the page that asks for it.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse(
            "ideas:portal-vote-address", args=[workspace.slug, idea.pk]
        )
        return response
    context = _context(request, workspace, idea=idea, form=form)
    return render(request, "ideas/portal/vote_identity.html", context, status=status)


@portal_page
@require_GET
def vote_identity(request: WorkspaceRequest, workspace: Workspace, pk: int) -> HttpResponse:
    idea = _idea_or_404(workspace, pk)
    if _known(request, workspace):
        return redirect(services.public_path(idea))
    context = _context(request, workspace, idea=idea, form=VoteForm())
    return render(request, "ideas/portal/vote_identity.html", context)


def _vote_answer(
    request: WorkspaceRequest, workspace: Workspace, idea: Idea, closed: bool = False
) -> HttpResponse:
    if not request.htmx:
        target = visitors.safe_next(
            request.POST.get("next", ""), fallback=services.public_path(idea)
        )
        return redirect(target)
    idea.refresh_from_db(fields=["vote_count"])
    visitor = _visitor(request, workspace)
    voted = selectors.voted_ids(visitor_id=visitor.pk if visitor else None, idea_ids=[idea.pk])
    context = {"workspace": workspace, "idea": idea, "voted": voted, "closed": closed,
               "visitor": visitor}  # fmt: skip
    return render(request, "ideas/portal/_vote.html", context)


@portal_page
@require_POST
def comment(request: WorkspaceRequest, workspace: Workspace, pk: int) -> HttpResponse:
    idea = _idea_or_404(workspace, pk)
    known = _known(request, workspace)
    form = CommentForm(request.POST, known=known)
    if not form.is_valid():
        return _detail_page(request, workspace, idea, form, status=422)
    if (refusal := _gate(request, workspace, form, "comment")) is not None:
        return refusal
    visitor, proven = _writer(request, workspace, form)
    try:
        written = services.comment_post(
            idea=idea, visitor=visitor, text=form.cleaned_data["text"], verified=proven,
            subscribe=form.cleaned_data["subscribe"],
        )  # fmt: skip
    except visitors.VisitorBlocked:
        return _blocked(request, workspace)
    except ValidationError as error:
        form.add_error(None, error)
        return _detail_page(request, workspace, idea, form, status=422)
    if not proven:
        path = services.public_path(idea)
        pending = _pending(form, path, _("your comment"), comment=written.pk)
        return _check_mail(request, workspace, visitor, pending)
    return redirect(services.public_path(idea) + "#comments")


@portal_page
@require_POST
def subscription(request: WorkspaceRequest, workspace: Workspace, pk: int) -> HttpResponse:
    """Start or stop status e-mails about an idea (a remembered visitor only)."""
    idea = _idea_or_404(workspace, pk)
    visitor = _visitor(request, workspace)
    if visitor is None:
        return redirect(services.public_path(idea))
    if request.POST.get("action") == "stop":
        services.subscription_end(idea=idea, visitor=visitor)
    else:
        services.subscription_start(idea=idea, visitor=visitor)
    return redirect(services.public_path(idea))


# RFC 8058: mail programs POST the one-click link without cookies; the signed token is the
# authority, and all it can do is stop mails.
@csrf_exempt
@portal_page
@require_http_methods(["GET", "POST"])
def unsubscribe(request: WorkspaceRequest, workspace: Workspace, token: str) -> HttpResponse:
    """The mail's one-click unsubscribe: a page with a button, and RFC 8058's POST."""
    try:
        payload = mails.unsubscribe_payload(token)
    except LinkInvalid as error:
        context = _context(request, workspace, error=error.message)
        return render(request, "ideas/portal/unsubscribe.html", context, status=404)
    if payload["w"] != workspace.pk:
        raise Http404(_("Not found."))
    idea = Idea.objects.filter(workspace=workspace, pk=payload["i"]).first()
    if idea is None:
        raise Http404(_("Not found."))
    done = request.method == "POST"
    if done:
        # After a merge (or two) the subscription lives on the idea it went into.
        ideas = {idea.pk, services.merged_target(idea).pk}
        Subscription.objects.filter(idea_id__in=ideas, visitor_id=payload["v"]).delete()
    context = _context(request, workspace, idea=idea, done=done, token=token)
    return render(request, "ideas/portal/unsubscribe.html", context)


# --- the visitor's own page --------------------------------------------------------------------


@portal_page
@require_http_methods(["GET", "POST"])
def me(request: WorkspaceRequest, workspace: Workspace) -> HttpResponse:
    """Sign this browser in (by a link), out, download one's data, or delete it."""
    visitor = _visitor(request, workspace)
    portal_path = reverse("ideas:portal", args=[workspace.slug])
    if visitor is None:
        return _sign_in(request, workspace, portal_path)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "export":
        data = json.dumps(visitors.visitor_export(visitor), ensure_ascii=False, indent=2)
        response = HttpResponse(data, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response
    if action in {"sign-out", "erase"}:
        if action == "erase":
            visitors.visitor_erase(visitor)
        response = redirect(portal_path)
        visitors.device_forget(request, response, workspace=workspace)
        return response
    return render(request, "ideas/portal/me.html", _context(request, workspace))


def _sign_in(request: WorkspaceRequest, workspace: Workspace, portal_path: str) -> HttpResponse:
    if request.method != "POST":
        context = _context(request, workspace, form=SignInForm())
        return render(request, "ideas/portal/me.html", context)
    form = SignInForm(request.POST)
    if not form.is_valid():
        return render(
            request, "ideas/portal/me.html", _context(request, workspace, form=form), status=422
        )
    if form.is_robot:
        return _thanks(request, workspace)
    if _too_many(request, workspace, "sign-in", form.cleaned_data["email"]):
        return _throttled(request, workspace)
    visitor, _proven = _writer(request, workspace, form)
    pending = Pending(next_path=portal_path, what=_("your sign-in"), items={},
                      name=form.cleaned_data.get("name", ""))  # fmt: skip
    return _check_mail(request, workspace, visitor, pending)


urlpatterns: list[URLPattern] = [
    path("ideas/<slug:slug>/", portal, name="portal"),
    path("ideas/<slug:slug>/new/", idea_new, name="portal-new"),
    path("ideas/<slug:slug>/similar/", similar, name="portal-similar"),
    path("ideas/<slug:slug>/roadmap/", roadmap, name="portal-roadmap"),
    path("ideas/<slug:slug>/me/", me, name="portal-me"),
    path("ideas/<slug:slug>/unsubscribe/<str:token>/", unsubscribe, name="portal-unsubscribe"),
    path("ideas/<slug:slug>/<id:pk>/", idea_detail, name="portal-idea"),
    path("ideas/<slug:slug>/<id:pk>/vote/", vote, name="portal-vote"),
    path("ideas/<slug:slug>/<id:pk>/vote/address/", vote_identity, name="portal-vote-address"),
    path("ideas/<slug:slug>/<id:pk>/comment/", comment, name="portal-comment"),
    path("ideas/<slug:slug>/<id:pk>/subscription/", subscription, name="portal-subscription"),
]
