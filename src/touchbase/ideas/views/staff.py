"""Staff screens for ideas: the list, one idea with its people and evidence, moderation,
merging, turning what a customer said into an idea, the top ideas and the portal's settings.

They live under /ideas/manage/ so that they never meet the public portal's /ideas/<slug>/.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.ideas import exports, selectors, services
from touchbase.ideas.models import (
    MAX_TITLE_LENGTH,
    Comment,
    Evidence,
    Idea,
    Vote,
    new_webhook_secret,
)
from touchbase.ideas.selectors import IdeaFilter
from touchbase.ideas.staff_forms import (
    CONTACT_QUERY,
    STATE_AWAITING,
    STATE_HIDDEN,
    STATE_PUBLIC,
    BlockForm,
    CommentForm,
    IdeaFilterForm,
    IdeaForm,
    PortalSettingsForm,
    ProductPickForm,
    ProxyVoteForm,
    StatusForm,
    contact_suggestions,
)
from touchbase.listening.models import Mention
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

# Fewer letters match half the workspace; more suggestions than this nobody reads.
MIN_QUERY_LENGTH = 2
MAX_SUGGESTIONS = 10
MAX_CANDIDATES = 20
TOP_LIMIT = 20


def _idea_found(request: MemberRequest, pk: int) -> Idea:
    return owned_or_404(
        Idea.objects.select_related(
            "product", "author_visitor", "author_member", "author_contact", "merged_into"
        ),
        pk,
        workspace=request.workspace,
    )


def _back_to(idea: Idea) -> HttpResponse:
    return redirect("ideas:idea-detail", idea.pk)


def _errors(request: MemberRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


# --- the list ---------------------------------------------------------------------------------


@capability_required(Capability.IDEAS_VIEW)
def idea_list(request: MemberRequest) -> HttpResponse:
    """Every idea of the workspace but merged ones: public, awaiting confirmation, hidden."""
    filters = IdeaFilterForm(request.GET, workspace=request.workspace)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    product = criteria.get("product")
    wanted = IdeaFilter(
        sort=criteria.get("sort") or IdeaFilter.sort,
        product_id=product.pk if product else None,
        status=criteria.get("status") or "",
        q=criteria.get("q") or "",
    )
    rows = selectors.ideas_filtered(workspace=request.workspace, wanted=wanted, listed=False)
    state = criteria.get("state") or ""
    if state == STATE_PUBLIC:
        rows = rows.filter(listed=True)
    elif state == STATE_AWAITING:
        rows = rows.filter(published_at=None, hidden_at=None)
    elif state == STATE_HIDDEN:
        rows = rows.filter(hidden_at__isnull=False)
    page = criteria.get("page") or 1
    ideas, has_more = selectors.ideas_page(rows, page=page)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "ideas": ideas,
        "page": page,
        "has_more": has_more,
        "query": query.urlencode(),
        "filtered": any(criteria.get(name) for name in ("q", "product", "status", "state")),
    }
    return render(request, "ideas/staff/idea_list.html", context)


# --- one idea ---------------------------------------------------------------------------------


def _detail_context(request: MemberRequest, idea: Idea, **forms: Any) -> dict[str, Any]:
    behind = selectors.backing([idea.pk])[idea.pk]
    proxy_votes = {
        vote.contact_id: vote
        for vote in Vote.objects.filter(idea=idea, visitor=None, contact__isnull=False)
        .select_related("recorded_by")
        .order_by("created_at")
    }
    customers = sorted(behind.contacts.values(), key=lambda c: (c.last_name, c.first_name, c.pk))
    return {
        "idea": idea,
        "target": services.merged_target(idea) if idea.merged_into_id else None,
        "backing": behind,
        "customers": [(contact, proxy_votes.get(contact.pk)) for contact in customers],
        "visitor_votes": Vote.objects.filter(idea=idea, visitor__isnull=False).count(),
        "uncounted_votes": Vote.objects.filter(idea=idea, counted=False).count(),
        "evidence": Evidence.objects.filter(idea=idea)
        .select_related("mention", "mention__source", "touchpoint", "contact", "added_by")
        .order_by("-created_at"),
        "comments": Comment.objects.filter(idea=idea)
        .select_related("visitor", "member")
        .order_by("created_at"),
        "changes": idea.status_changes.select_related("by").order_by("-at", "-id"),
        "merged_ideas": idea.merged_ideas.order_by("-merged_at"),
        "can_moderate": has_capability(request, Capability.IDEAS_MODERATE),
        "can_manage": has_capability(request, Capability.IDEAS_MANAGE),
        "status_form": forms.get("status_form")
        or StatusForm(initial={"status": idea.status, "answer": idea.answer}),
        "comment_form": forms.get("comment_form") or CommentForm(),
        "vote_form": forms.get("vote_form") or ProxyVoteForm(workspace=request.workspace),
    }


def _detail_page(
    request: MemberRequest, idea: Idea, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _detail_context(request, idea, **forms)
    return render(request, "ideas/staff/idea_detail.html", context, status=status)


@capability_required(Capability.IDEAS_VIEW)
def idea_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _idea_found(request, pk))


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def idea_status(request: MemberRequest, pk: int) -> HttpResponse:
    """Set the status and the official answer; the people following it are told."""
    idea = _idea_found(request, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            change = services.status_set(
                idea=idea, status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"], by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if change is None:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Status and answer saved."))
            return _back_to(idea)
    return _detail_page(request, idea, status=422, status_form=form)


@capability_required(Capability.IDEAS_MODERATE)
def idea_edit(request: MemberRequest, pk: int) -> HttpResponse:
    """Correct the title, the text or the product (a typo, the right product)."""
    idea = _idea_found(request, pk)
    initial = {"title": idea.title, "text": idea.text, "product": idea.product_id}
    form = IdeaForm(request.POST or None, initial=initial, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_edit(idea=idea, changes=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Idea saved."))
            return _back_to(idea)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "ideas/staff/idea_edit.html", {"idea": idea, "form": form}, status=status
    )


def _switch(request: MemberRequest) -> bool:
    return request.POST.get("on") == "1"


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def idea_hide(request: MemberRequest, pk: int) -> HttpResponse:
    idea = _idea_found(request, pk)
    hidden = _switch(request)
    services.idea_hide(idea=idea, hidden=hidden)
    messages.success(request, _("The idea is hidden.") if hidden else _("The idea is shown again."))
    return _back_to(idea)


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def idea_lock(request: MemberRequest, pk: int) -> HttpResponse:
    idea = _idea_found(request, pk)
    locked = _switch(request)
    services.idea_lock(idea=idea, locked=locked)
    messages.success(
        request,
        _("The idea takes no more votes or comments.") if locked else _("The idea is open again."),
    )
    return _back_to(idea)


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def idea_comment(request: MemberRequest, pk: int) -> HttpResponse:
    """A comment by the team, public at once."""
    idea = _idea_found(request, pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_post(idea=idea, text=form.cleaned_data["text"], member=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Comment posted."))
            return _back_to(idea)
    return _detail_page(request, idea, status=422, comment_form=form)


def _comment_found(request: MemberRequest, pk: int) -> Comment:
    return owned_or_404(Comment, pk, workspace=request.workspace)


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def comment_hide(request: MemberRequest, pk: int) -> HttpResponse:
    comment = _comment_found(request, pk)
    hidden = _switch(request)
    services.comment_hide(comment=comment, hidden=hidden)
    messages.success(
        request, _("The comment is hidden.") if hidden else _("The comment is shown again.")
    )
    return redirect("ideas:idea-detail", comment.idea_id)


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def comment_delete(request: MemberRequest, pk: int) -> HttpResponse:
    comment = _comment_found(request, pk)
    services.comment_delete(comment=comment)
    messages.success(request, _("The comment is deleted."))
    return redirect("ideas:idea-detail", comment.idea_id)


# --- votes for customers ----------------------------------------------------------------------


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def idea_vote(request: MemberRequest, pk: int) -> HttpResponse:
    """A vote on behalf of a customer the member spoke to, recorded as such."""
    idea = _idea_found(request, pk)
    form = ProxyVoteForm(request.POST, workspace=request.workspace)
    if form.is_valid():
        contact = form.cleaned_data["contact"]
        try:
            services.vote_for_customer(
                idea=idea, contact=contact, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Vote recorded for %(name)s.") % {"name": str(contact)})
            return _back_to(idea)
    return _detail_page(request, idea, status=422, vote_form=form)


@capability_required(Capability.IDEAS_MODERATE)
@require_POST
def idea_vote_retract(request: MemberRequest, pk: int, contact: int) -> HttpResponse:
    idea = _idea_found(request, pk)
    customer = owned_or_404(Contact, contact, workspace=request.workspace)
    if services.vote_for_customer_retract(idea=idea, contact=customer):
        messages.success(request, _("Vote taken back."))
    return _back_to(idea)


@capability_required(Capability.IDEAS_MODERATE)
def contact_suggest(request: MemberRequest) -> HttpResponse:
    """Contacts of the workspace matching what was typed, as listbox options."""
    query = request.GET.get(CONTACT_QUERY, "").strip()[:100]
    contacts: list[Contact] = []
    if len(query) >= MIN_QUERY_LENGTH:
        contacts = contact_suggestions(
            workspace=request.workspace, query=query, limit=MAX_SUGGESTIONS + 1
        )
    context = {
        "contacts": contacts[:MAX_SUGGESTIONS],
        "has_more": len(contacts) > MAX_SUGGESTIONS,
        "query": query,
        "is_too_short": len(query) < MIN_QUERY_LENGTH,
    }
    return render(request, "ideas/staff/partials/_contact_suggestions.html", context)


# --- merging ----------------------------------------------------------------------------------


def _ideas_matching(request: MemberRequest, query: str, *, besides: Idea | None) -> QuerySet[Idea]:
    """Candidates for merging into (ideas on the portal, besides this one) or attaching to
    (any not merged), whose title or text match."""
    rows = Idea.objects.filter(workspace=request.workspace, merged_into=None)
    if besides is not None:
        rows = rows.exclude(pk=besides.pk).filter(listed=True)
    query = query.strip()[: selectors.MAX_QUERY_LENGTH]
    if query.isdigit():
        rows = rows.filter(Q(pk=int(query)) | Q(title__icontains=query))
    elif query:
        rows = rows.filter(Q(title__icontains=query) | Q(text__icontains=query))
    return rows.select_related("product").order_by("-vote_count", "-id")[:MAX_CANDIDATES]


@capability_required(Capability.IDEAS_MANAGE)
def idea_merge(request: MemberRequest, pk: int) -> HttpResponse:
    """Find the idea this one duplicates (by its title or number)."""
    idea = _idea_found(request, pk)
    query = request.GET.get("q", "")[:100]
    context = {
        "idea": idea,
        "query": query,
        "candidates": _ideas_matching(request, query, besides=idea) if query.strip() else [],
        "action": "merge",
    }
    return render_page(
        request, "ideas/staff/idea_merge.html", "ideas/staff/partials/_candidates.html", context
    )


@capability_required(Capability.IDEAS_MANAGE)
def idea_merge_confirm(request: MemberRequest, pk: int, target: int) -> HttpResponse:
    """Both ideas side by side; merging moves votes, comments, evidence and followers."""
    idea = _idea_found(request, pk)
    survivor = _idea_found(request, target)
    if request.method == "POST":
        try:
            services.idea_merge(source=idea, target=survivor, by=request.user)
        except ValidationError as error:
            _errors(request, error)
            return _back_to(idea)
        messages.success(
            request, _("“%(source)s” is merged into this idea.") % {"source": idea.title}
        )
        return _back_to(survivor)
    context = {"idea": idea, "survivor": survivor}
    return render(request, "ideas/staff/idea_merge_confirm.html", context)


# --- blocking visitors ------------------------------------------------------------------------


def _next(request: MemberRequest) -> str:
    return visitors.safe_next(request.POST.get("next", ""), fallback=reverse("ideas:settings"))


@capability_required(Capability.IDEAS_MANAGE)
@require_POST
def visitor_block(request: MemberRequest, pk: int) -> HttpResponse:
    """Block an author's or commenter's address from writing on the public pages."""
    visitor = owned_or_404(Visitor, pk, workspace=request.workspace)
    visitors.visitor_block(
        workspace=request.workspace, email=visitor.email, reason=request.POST.get("reason", "")
    )
    messages.success(request, _("%(email)s is blocked.") % {"email": visitor.email})
    return redirect(_next(request))


@capability_required(Capability.IDEAS_MANAGE)
@require_POST
def visitor_unblock(request: MemberRequest, pk: int) -> HttpResponse:
    visitor = owned_or_404(Visitor, pk, workspace=request.workspace)
    visitors.visitor_unblock(visitor=visitor)
    messages.success(request, _("%(email)s may write again.") % {"email": visitor.email})
    return redirect(_next(request))


# --- from what a customer said ----------------------------------------------------------------


def _title_from(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return Truncator(first_line).chars(MAX_TITLE_LENGTH - 1)


def _from_evidence(
    request: MemberRequest, *, mention: Mention | None = None, touchpoint: Touchpoint | None = None
) -> HttpResponse:
    """A new idea from a mention or a touchpoint, or the mention or touchpoint attached to
    an existing one."""
    source: Any = mention or touchpoint
    said = mention.text if mention is not None else touchpoint.summary if touchpoint else ""
    heading = mention.title if mention is not None else ""
    product = mention.products.order_by("name").first() if mention is not None else None
    initial = {
        "title": _title_from(heading or said),
        "text": said,
        "product": product.pk if product else None,
    }
    post = request.POST if request.method == "POST" else None
    form = IdeaForm(
        post if post is not None and post.get("do") == "create" else None,
        initial=initial, workspace=request.workspace,
    )  # fmt: skip
    if post is not None and post.get("do") == "attach":
        idea = owned_or_404(Idea, post.get("idea"), workspace=request.workspace)
        try:
            services.evidence_attach(
                idea=idea, by=request.user, mention=mention, touchpoint=touchpoint
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            target = services.merged_target(idea)
            messages.success(request, _("Attached to “%(title)s”.") % {"title": target.title})
            return _back_to(target)
    elif form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            idea = services.idea_from_evidence(
                workspace=request.workspace, by=request.user, title=data["title"],
                text=data["text"], product=data["product"], mention=mention,
                touchpoint=touchpoint,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Idea created."))
            return _back_to(idea)
    query = request.GET.get("q", "")[:100]
    context = {
        "form": form,
        "mention": mention,
        "touchpoint": touchpoint,
        "contact": source.contact,
        "said": said,
        "query": query,
        "candidates": _ideas_matching(request, query, besides=None),
        "attached": Evidence.objects.filter(
            Q(mention=mention) if mention is not None else Q(touchpoint=touchpoint)
        ).select_related("idea"),
        "action": "attach",
    }
    status = 422 if form.is_bound else 200
    return render_page(
        request, "ideas/staff/idea_from.html", "ideas/staff/partials/_candidates.html", context,
        status=status,
    )  # fmt: skip


@capability_required(Capability.IDEAS_MODERATE)
def idea_from_mention(request: MemberRequest, pk: int) -> HttpResponse:
    mention = owned_or_404(
        Mention.objects.select_related("contact"), pk, workspace=request.workspace
    )
    return _from_evidence(request, mention=mention)


@capability_required(Capability.IDEAS_MODERATE)
def idea_from_touchpoint(request: MemberRequest, pk: int) -> HttpResponse:
    touchpoint = owned_or_404(
        Touchpoint.objects.select_related("contact", "account"), pk, workspace=request.workspace
    )
    return _from_evidence(request, touchpoint=touchpoint)


# --- top ideas --------------------------------------------------------------------------------


@capability_required(Capability.IDEAS_VIEW)
def idea_top(request: MemberRequest) -> HttpResponse:
    """Per product: the top ideas by votes and by the value of the customers behind them."""
    form = ProductPickForm(request.GET, workspace=request.workspace)
    product = form.cleaned_data.get("product") if form.is_valid() else None
    product_id = product.pk if product else None
    file_format = request.GET.get("format", "")
    if file_format in exports.FORMATS:
        by = "value" if request.GET.get("by") == "value" else "votes"
        ranked = selectors.top_ideas(
            workspace=request.workspace, product_id=product_id, by=by, limit=TOP_LIMIT * 5
        )
        name = product.name if product else _("all products")
        return exports.top_ideas_response(ranked, file_format=file_format, name=name)
    context = {
        "form": form,
        "product": product,
        "by_votes": selectors.top_ideas(
            workspace=request.workspace, product_id=product_id, by="votes", limit=TOP_LIMIT
        ),
        "by_value": selectors.top_ideas(
            workspace=request.workspace, product_id=product_id, by="value", limit=TOP_LIMIT
        ),
        "product_query": f"product={product_id}&" if product_id else "",
    }
    return render(request, "ideas/staff/idea_top.html", context)


# --- the portal's settings --------------------------------------------------------------------


def _settings_page(
    request: MemberRequest, form: PortalSettingsForm, block_form: BlockForm, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "block_form": block_form,
        "settings": services.portal_settings(workspace=request.workspace),
        "blocked": Visitor.objects.filter(
            workspace=request.workspace, blocked_at__isnull=False
        ).order_by("-blocked_at", "-id"),
    }
    return render(request, "ideas/staff/settings.html", context, status=status)


@capability_required(Capability.IDEAS_MANAGE)
def portal_settings(request: MemberRequest) -> HttpResponse:
    """Open or close the portal, its welcome text, the webhook for a tracker."""
    row = services.portal_settings(workspace=request.workspace)
    form = PortalSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.portal_settings_save(row=row, changes=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("ideas:settings")
    status = 422 if request.method == "POST" else 200
    return _settings_page(request, form, BlockForm(), status=status)


@capability_required(Capability.IDEAS_MANAGE)
@require_POST
def portal_secret_rotate(request: MemberRequest) -> HttpResponse:
    row = services.portal_settings(workspace=request.workspace)
    services.portal_settings_save(row=row, changes={"webhook_secret": new_webhook_secret()})
    messages.success(request, _("New secret made; the old one no longer works."))
    return redirect("ideas:settings")


@capability_required(Capability.IDEAS_MANAGE)
@require_POST
def address_block(request: MemberRequest) -> HttpResponse:
    """Block an address typed in, known to the portal or not yet."""
    form = BlockForm(request.POST)
    if form.is_valid():
        visitor = visitors.visitor_block(
            workspace=request.workspace, email=form.cleaned_data["email"],
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
        messages.success(request, _("%(email)s is blocked.") % {"email": visitor.email})
        return redirect("ideas:settings")
    row = services.portal_settings(workspace=request.workspace)
    return _settings_page(request, PortalSettingsForm(instance=row), form, status=422)


urlpatterns: list[URLPattern] = [
    path("ideas/manage/", idea_list, name="idea-list"),
    path("ideas/manage/top/", idea_top, name="idea-top"),
    path("ideas/manage/settings/", portal_settings, name="settings"),
    path("ideas/manage/settings/secret/", portal_secret_rotate, name="settings-secret"),
    path("ideas/manage/settings/block/", address_block, name="address-block"),
    path("ideas/manage/contacts/", contact_suggest, name="contact-suggestions"),
    path("ideas/manage/<id:pk>/", idea_detail, name="idea-detail"),
    path("ideas/manage/<id:pk>/status/", idea_status, name="idea-status"),
    path("ideas/manage/<id:pk>/edit/", idea_edit, name="idea-edit"),
    path("ideas/manage/<id:pk>/hide/", idea_hide, name="idea-hide"),
    path("ideas/manage/<id:pk>/lock/", idea_lock, name="idea-lock"),
    path("ideas/manage/<id:pk>/comment/", idea_comment, name="idea-comment"),
    path("ideas/manage/<id:pk>/vote/", idea_vote, name="idea-vote"),
    path(
        "ideas/manage/<id:pk>/vote/<id:contact>/retract/",
        idea_vote_retract,
        name="idea-vote-retract",
    ),  # fmt: skip
    path("ideas/manage/<id:pk>/merge/", idea_merge, name="idea-merge"),
    path("ideas/manage/<id:pk>/merge/<id:target>/", idea_merge_confirm, name="idea-merge-confirm"),
    path("ideas/manage/comments/<id:pk>/hide/", comment_hide, name="comment-hide"),
    path("ideas/manage/comments/<id:pk>/delete/", comment_delete, name="comment-delete"),
    path("ideas/manage/visitors/<id:pk>/block/", visitor_block, name="visitor-block"),
    path("ideas/manage/visitors/<id:pk>/unblock/", visitor_unblock, name="visitor-unblock"),
    path("ideas/manage/from-mention/<id:pk>/", idea_from_mention, name="idea-from-mention"),
    path(
        "ideas/manage/from-touchpoint/<id:pk>/",
        idea_from_touchpoint,
        name="idea-from-touchpoint",
    ),  # fmt: skip
]
