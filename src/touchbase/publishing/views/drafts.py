"""Staff screens for drafts and reviews: the list, the review queue, writing a draft with its
live reviewer rule, one draft with its reviews and publication, the exports per channel, the
history of versions, and the uploaded image.

They live under /publishing/…; the public news page is /news/<slug>/… (views/news.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.publishing import outputs, selectors, services
from touchbase.publishing.choices import ChannelKind, DraftState, Verdict
from touchbase.publishing.files import draft_image_url, image_response, version_image_name
from touchbase.publishing.forms import (
    DraftForm,
    MarkPublishedForm,
    RequestForm,
    ReviewForm,
)
from touchbase.publishing.markup import markdown_html, markdown_preview
from touchbase.publishing.models import (
    AuditEntry,
    Channel,
    ChannelPublication,
    Draft,
    DraftVersion,
    Review,
    ReviewRequest,
)


def _draft_found(request: MemberRequest, pk: int) -> Draft:
    return owned_or_404(Draft.objects.select_related("author"), pk, workspace=request.workspace)


def _back_to(draft: Draft) -> HttpResponse:
    return redirect("publishing:draft", draft.pk)


def _news_url(request: MemberRequest, draft: Draft) -> str:
    """The public address of a published post; the news page may not be mounted (yet)."""
    try:
        return reverse("publishing:news-post", args=[request.workspace.slug, draft.pk])
    except NoReverseMatch:
        return ""


def _eligible_count(request: MemberRequest, draft: Draft | None) -> int:
    """How many members could review the draft once this member saved it: its writers and
    the one typing now are out (read helper for the live rule)."""
    writers = services.draft_writers(draft) if draft is not None else set()
    writers.add(request.user.pk)
    reviewers = services.reviewer_memberships(workspace=request.workspace)
    return reviewers.exclude(user_id__in=writers).count()


# --- the list and the queue -------------------------------------------------------------------


@capability_required(Capability.PUBLISHING_VIEW)
def draft_list(request: MemberRequest) -> HttpResponse:
    """Every draft of the workspace, newest change first, filtered by state."""
    state = request.GET.get("state", "")
    if state not in DraftState.values:
        state = ""
    rows = list(selectors.drafts(workspace=request.workspace, state=state))
    approvals = _approvals(rows)
    counts = selectors.state_counts(workspace=request.workspace)
    context = {
        "rows": [(draft, *approvals.get(draft.pk, (0, 0))) for draft in rows],
        "state": state,
        "states": [(value, label, counts[value]) for value, label in DraftState.choices],
        "total": sum(counts.values()),
        "queue_count": services.review_queue(user=request.user, workspace=request.workspace)
        .count(),
    }  # fmt: skip
    return render(request, "publishing/drafts/draft_list.html", context)


def _approvals(drafts: list[Draft]) -> dict[int, tuple[int, int]]:
    """(approvals, required) of each draft's current version (read helper: two queries)."""
    current = {(draft.pk, draft.version) for draft in drafts}
    found: dict[int, tuple[int, int]] = {}
    versions = DraftVersion.objects.filter(draft__in=[draft.pk for draft in drafts])
    for draft_id, number, required in versions.values_list("draft_id", "number", "required"):
        if (draft_id, number) in current:
            found[draft_id] = (0, required)
    reviews = Review.objects.filter(
        draft__in=[draft.pk for draft in drafts], verdict=Verdict.APPROVED
    ).values_list("draft_id", "version__number")
    for draft_id, number in reviews:
        if (draft_id, number) in current:
            approved, required = found[draft_id]
            found[draft_id] = (approved + 1, required)
    return found


@capability_required(Capability.PUBLISHING_VIEW)
def review_queue(request: MemberRequest) -> HttpResponse:
    """Drafts waiting for the signed-in member's review."""
    drafts = list(services.review_queue(user=request.user, workspace=request.workspace))
    versions = {
        (version.draft_id, version.number): version
        for version in DraftVersion.objects.filter(draft__in=drafts)
    }
    rows = [(draft, versions.get((draft.pk, draft.version))) for draft in drafts]
    return render(request, "publishing/drafts/review_queue.html", {"rows": rows})


# --- writing ----------------------------------------------------------------------------------


def _form_page(
    request: MemberRequest, form: DraftForm, draft: Draft | None, status: int = 200
) -> HttpResponse:
    context = {"form": form, "draft": draft, **_rule_context(request, form, draft)}
    return render(request, "publishing/drafts/draft_form.html", context, status=status)


def _rule_context(request: MemberRequest, form: DraftForm, draft: Draft | None) -> dict[str, Any]:
    """The rule and the preview for what the form holds now (bound) or the draft (unbound)."""
    if form.is_bound:
        title, body = request.POST.get("title", ""), request.POST.get("body", "")
        ids = [
            number
            for number in (id_or_none(value) for value in request.POST.getlist("channels"))
            if number is not None
        ]
        channels = list(Channel.objects.filter(workspace=request.workspace, pk__in=ids))
    elif draft is not None:
        title, body, channels = draft.title, draft.body, list(draft.channels.all())
    else:
        title, body, channels = "", "", []
    need = services.requirement_for(
        workspace=request.workspace, channels=channels, title=title, body=body
    )
    return {
        "need": need,
        "eligible": _eligible_count(request, draft),
        "chosen": channels,
        "preview": markdown_preview(body),
    }


def _save_draft(request: MemberRequest, form: DraftForm, draft: Draft | None) -> Draft:
    data = form.cleaned_data
    values = {
        "title": data["title"], "body": data["body"], "channels": list(data["channels"]),
        "tags": data["tags"], "planned_at": data["planned_at"], "image": data["image"] or None,
        "image_alt": data["image_alt"],
    }  # fmt: skip
    if draft is None:
        return services.draft_create(workspace=request.workspace, author=request.user, **values)
    return services.draft_update(
        draft=draft, actor=request.user, remove_image=bool(data.get("remove_image")), **values
    )


@capability_required(Capability.PUBLISHING_WRITE)
def draft_new(request: MemberRequest) -> HttpResponse:
    # A new workspace's first draft finds the default channels ready to choose.
    services.channels_ensure(workspace=request.workspace)
    form = DraftForm(request.POST or None, request.FILES or None, workspace=request.workspace)
    if request.method == "POST" and form.is_valid():
        try:
            draft = _save_draft(request, form, None)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Ask colleagues to review it."))
            return _back_to(draft)
    return _form_page(request, form, None, status=422 if form.is_bound else 200)


@capability_required(Capability.PUBLISHING_WRITE)
def draft_edit(request: MemberRequest, pk: int) -> HttpResponse:
    """Change a draft; a change is a new version and its approvals start again."""
    draft = _draft_found(request, pk)
    if draft.state == DraftState.WITHDRAWN:
        messages.error(request, _("A withdrawn draft cannot be changed."))
        return _back_to(draft)
    planned = timezone.localtime(draft.planned_at) if draft.planned_at else None
    initial = {
        "title": draft.title, "body": draft.body, "image_alt": draft.image_alt,
        "channels": list(draft.channels.values_list("pk", flat=True)),
        "tags": ", ".join(draft.tags.values_list("name", flat=True)), "planned_at": planned,
    }  # fmt: skip
    form = DraftForm(
        request.POST or None, request.FILES or None, initial=initial,
        workspace=request.workspace, has_image=bool(draft.image),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        before = draft.version
        try:
            draft = _save_draft(request, form, draft)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if draft.version == before:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(
                    request,
                    _("Saved as version %(version)s. Approvals start again: the reviewers "
                      "read this version anew.") % {"version": draft.version},
                )  # fmt: skip
            return _back_to(draft)
    return _form_page(request, form, draft, status=422 if form.is_bound else 200)


@capability_required(Capability.PUBLISHING_WRITE)
@require_POST
def draft_rule(request: MemberRequest) -> HttpResponse:
    """The live rule for what the author types (and the preview of the text, out of band)."""
    draft = None
    if request.POST.get("draft"):
        draft = _draft_found(request, request.POST["draft"])  # type: ignore[arg-type]
    form = DraftForm(request.POST, workspace=request.workspace)
    context = _rule_context(request, form, draft)
    html = render_to_string("publishing/partials/_draft_rule.html", context, request)
    html += render_to_string(
        "publishing/partials/_draft_preview.html", {**context, "oob": True}, request
    )
    return HttpResponse(html)


# --- one draft --------------------------------------------------------------------------------


def _detail_context(request: MemberRequest, draft: Draft, **forms: Any) -> dict[str, Any]:
    status = services.publish_check(draft=draft)
    requested = list(
        ReviewRequest.objects.filter(draft=draft).select_related("reviewer").order_by("pk")
    )
    asked = {request_.reviewer_id for request_ in requested}
    eligible = services.eligible_reviewers(draft=draft)
    reviews = list(
        Review.objects.filter(draft=draft).select_related("reviewer", "version")
        .order_by("-version__number", "created_at")
    )  # fmt: skip
    current_reviews = [review for review in reviews if review.version.number == draft.version]
    reviewed = {review.reviewer_id for review in current_reviews}
    may_review = (
        has_capability(request, Capability.PUBLISHING_REVIEW)
        and request.user.pk != draft.author_id
        and draft.state != DraftState.WITHDRAWN
        and eligible.filter(pk=request.user.pk).exists()
    )
    can_write = has_capability(request, Capability.PUBLISHING_WRITE)
    publications = list(
        ChannelPublication.objects.filter(draft=draft).select_related("channel", "published_by")
    )
    now = timezone.now()
    return {
        "draft": draft,
        "html": markdown_html(draft.body),
        "status": status,
        "requested": requested,
        "reviews": reviews,
        "current_reviews": current_reviews,
        "request_form": forms.get("request_form")
        or RequestForm(reviewers=eligible.exclude(pk__in=asked)),
        "has_unasked": eligible.exclude(pk__in=asked).exists(),
        "may_review": may_review,
        "has_reviewed": request.user.pk in reviewed,
        "is_author": request.user.pk == draft.author_id,
        "review_form": forms.get("review_form")
        or ReviewForm(initial={"version": draft.version}),
        "review_errors": forms.get("review_errors") or [],
        "can_write": can_write,
        "schedules": bool(draft.planned_at and draft.planned_at > now),
        "news_url": _news_url(request, draft) if draft.on_news else "",
        "publications": [
            (p, MarkPublishedForm(initial={"url": p.url}, auto_id=f"id_publication_{p.pk}_%s"))
            for p in publications
        ],
        "is_live": draft.state == DraftState.PUBLISHED and draft.published_version == draft.version,
        "channels": list(draft.channels.all()),
        "tags": list(draft.tags.all()),
        "is_open": draft.state != DraftState.WITHDRAWN,
    }  # fmt: skip


def _detail_page(
    request: MemberRequest, draft: Draft, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _detail_context(request, draft, **forms)
    return render(request, "publishing/drafts/draft_detail.html", context, status=status)


@capability_required(Capability.PUBLISHING_VIEW)
def draft_detail(request: MemberRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _draft_found(request, pk))


@capability_required(Capability.PUBLISHING_WRITE)
@require_POST
def draft_request(request: MemberRequest, pk: int) -> HttpResponse:
    """Ask colleagues to review: the draft enters their queue and they get an e-mail."""
    draft = _draft_found(request, pk)
    form = RequestForm(request.POST, reviewers=services.eligible_reviewers(draft=draft))
    if form.is_valid():
        try:
            added = services.review_request(
                draft=draft, actor=request.user, reviewers=list(form.cleaned_data["reviewers"])
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if added:
                messages.success(
                    request,
                    _("Asked %(names)s to review.")
                    % {"names": ", ".join(user.display_name for user in added)},
                )
            else:
                messages.info(request, _("They were asked already."))
            return _back_to(draft)
    return _detail_page(request, draft, status=422, request_form=form)


@capability_required(Capability.PUBLISHING_REVIEW)
@require_POST
def draft_review(request: MemberRequest, pk: int) -> HttpResponse:
    """Approve the version one read, or ask for changes; an outdated version is refused."""
    draft = _draft_found(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            review = services.review_submit(
                draft=draft, reviewer=request.user, version=form.cleaned_data["version"],
                verdict=form.cleaned_data["verdict"], comment=form.cleaned_data["comment"],
            )  # fmt: skip
        except services.PublishingError as error:
            # Refused as a whole (outdated version, the author): say why above a fresh form.
            draft.refresh_from_db()
            return _detail_page(request, draft, status=409, review_errors=error.messages)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if review.verdict == Verdict.APPROVED:
                messages.success(request, _("You approved version %(version)s.")
                                 % {"version": draft.version})  # fmt: skip
            else:
                messages.success(request, _("You asked for changes; the author was told."))
            return _back_to(draft)
    draft.refresh_from_db()
    return _detail_page(request, draft, status=422, review_form=form)


@capability_required(Capability.PUBLISHING_WRITE)
@require_POST
def draft_publish(request: MemberRequest, pk: int) -> HttpResponse:
    """Publish now, or schedule for the planned time; refused with the problems in words."""
    draft = _draft_found(request, pk)
    try:
        draft = services.draft_publish(draft=draft, actor=request.user)
    except ValidationError as error:
        # The page lists the problems as publish_check sees them now; the message says why
        # this click did nothing, in the words of the check made inside the transaction.
        messages.error(request, _("Not published: %(why)s") % {"why": " ".join(error.messages)})
        return _detail_page(request, draft, status=409)
    if draft.state == DraftState.SCHEDULED and draft.planned_at:
        messages.success(
            request,
            _("Scheduled: it goes out on %(when)s.")
            % {"when": timezone.localtime(draft.planned_at).strftime("%Y-%m-%d %H:%M")},
        )
    else:
        messages.success(request, _("Published."))
    return _back_to(draft)


@capability_required(Capability.PUBLISHING_WRITE)
def draft_withdraw(request: MemberRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then withdraw (POST): off the news page and out of review."""
    draft = _draft_found(request, pk)
    if request.method == "POST":
        services.draft_withdraw(draft=draft, actor=request.user)
        messages.success(request, _("The draft was withdrawn."))
        url = reverse("publishing:draft", args=[draft.pk])
        if request.htmx:
            response = HttpResponse("")
            response["HX-Redirect"] = url
            return response
        return redirect(url)
    consequences = [
        _("It leaves the review queues; reviewers are not asked any more."),
        _("Channels you posted it to by hand keep it: remove it there yourself."),
        _("Its versions and history stay."),
    ]
    if draft.on_news:
        consequences.insert(0, _("It disappears from the news page."))
    confirm = {
        "question": _("Withdraw “%(title)s”?") % {"title": draft.title},
        "consequences": consequences,
        "action": reverse("publishing:draft-withdraw", args=[draft.pk]),
        "cancel": reverse("publishing:draft", args=[draft.pk]),
        "label": _("Withdraw"),
    }
    return render_page(request, "confirm.html", "partials/_confirm.html", {"confirm": confirm})


# --- after publication ------------------------------------------------------------------------


@capability_required(Capability.PUBLISHING_VIEW)
def draft_export(request: MemberRequest, pk: int, channel_pk: int) -> HttpResponse:
    """The draft as someone posts it by hand on one of its channels."""
    draft = _draft_found(request, pk)
    channel = owned_or_404(draft.channels.all(), channel_pk, workspace=request.workspace)
    export = outputs.channel_export(
        draft=draft, channel=channel, image_url=lambda n: draft_image_url(request, draft, version=n)
    )
    context = {
        "draft": draft,
        "export": export,
        "is_social": channel.kind == ChannelKind.SOCIAL,
        "publication": ChannelPublication.objects.filter(draft=draft, channel=channel).first(),
    }
    return render(request, "publishing/drafts/draft_export.html", context)


@capability_required(Capability.PUBLISHING_WRITE)
@require_POST
def publication_mark(request: MemberRequest, pk: int) -> HttpResponse:
    """Record that a channel's post is out, with its address."""
    publication = owned_or_404(
        ChannelPublication.objects.select_related("draft"), pk, workspace=request.workspace
    )
    form = MarkPublishedForm(request.POST)
    if form.is_valid():
        try:
            services.channel_mark_published(
                publication=publication, actor=request.user, url=form.cleaned_data["url"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Marked as published on %(channel)s.")
                             % {"channel": publication.channel_name})  # fmt: skip
            return _back_to(publication.draft)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _detail_page(request, publication.draft, status=422)


# --- history and image ------------------------------------------------------------------------


@capability_required(Capability.PUBLISHING_VIEW)
def draft_history(request: MemberRequest, pk: int) -> HttpResponse:
    """Every step taken on the draft, and every version with what changed from the one before."""
    draft = _draft_found(request, pk)
    versions = list(
        DraftVersion.objects.filter(draft=draft).select_related("author").order_by("number")
    )
    diffs = [
        (version, selectors.version_diff(versions[index - 1] if index else None, version))
        for index, version in enumerate(versions)
    ]
    context = {
        "draft": draft,
        "entries": AuditEntry.objects.filter(draft=draft).order_by("at", "pk"),
        "diffs": list(reversed(diffs)),
    }
    return render(request, "publishing/drafts/draft_history.html", context)


@capability_required(Capability.PUBLISHING_VIEW)
def draft_image(request: MemberRequest, pk: int) -> FileResponse:
    """The draft's uploaded image, for members only; `?version=N` gives that version's image
    (the export of a published draft shows what was published, not what is edited now)."""
    draft = _draft_found(request, pk)
    raw = request.GET.get("version")
    number = id_or_none(raw) if raw is not None else None
    if raw is not None and number is None:
        raise Http404(_("Not found."))
    return image_response(version_image_name(draft, number), cache_control="private, max-age=3600")


urlpatterns: list[URLPattern] = [
    path("publishing/", draft_list, name="draft-list"),
    path("publishing/reviews/", review_queue, name="review-queue"),
    path("publishing/new/", draft_new, name="draft-new"),
    path("publishing/rule/", draft_rule, name="draft-rule"),
    path("publishing/<id:pk>/", draft_detail, name="draft"),
    path("publishing/<id:pk>/edit/", draft_edit, name="draft-edit"),
    path("publishing/<id:pk>/request/", draft_request, name="draft-request"),
    path("publishing/<id:pk>/review/", draft_review, name="draft-review"),
    path("publishing/<id:pk>/publish/", draft_publish, name="draft-publish"),
    path("publishing/<id:pk>/withdraw/", draft_withdraw, name="draft-withdraw"),
    path("publishing/<id:pk>/history/", draft_history, name="draft-history"),
    path("publishing/<id:pk>/image/", draft_image, name="draft-image"),
    path("publishing/<id:pk>/export/<id:channel_pk>/", draft_export, name="draft-export"),
    path("publishing/publications/<id:pk>/mark/", publication_mark, name="publication-mark"),
]
