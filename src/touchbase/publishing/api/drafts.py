"""API: drafts, their versions and audit trail, reviews, publication, withdrawal and exports.

Publishing refused by the rule answers 409 Conflict with the problems in words (the body was
valid; the draft's state does not allow it yet). Reviews refused by the rule (the author, an
outdated version) are field errors (422), like every other invalid input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.models import User
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import outputs, selectors, services
from touchbase.publishing.api.base import (
    MAX_REFS,
    ChannelRef,
    MemberRef,
    channel_refs,
    draft_row,
    router,
)
from touchbase.publishing.choices import DraftState, Verdict
from touchbase.publishing.files import image_response, version_image_name
from touchbase.publishing.models import (
    MAX_BODY_LENGTH,
    MAX_NOTE_LENGTH,
    MAX_TAGS,
    MAX_TITLE_LENGTH,
    AuditEntry,
    Channel,
    ChannelPublication,
    Draft,
    DraftVersion,
    Review,
)

MAX_TAG_LENGTH = 40


# --- schemas -----------------------------------------------------------------------------------


class DraftIn(Schema):
    title: str = Field(min_length=1, max_length=MAX_TITLE_LENGTH)
    body: str = Field("", max_length=MAX_BODY_LENGTH, description="Markdown")
    channels: list[Id] = Field(default_factory=list, max_length=MAX_REFS,
                               description="Ids of the workspace's channels")  # fmt: skip
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS,
                            description="Tag names; new ones are created")  # fmt: skip
    planned_at: Instant | None = Field(None, description="Published at this time when approved")
    image_alt: str = Field("", max_length=200, description="The image's description")


class DraftPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=MAX_TITLE_LENGTH)
    body: str | None = Field(None, max_length=MAX_BODY_LENGTH)
    channels: list[Id] | None = Field(None, max_length=MAX_REFS)
    tags: list[str] | None = Field(None, max_length=MAX_TAGS)
    planned_at: Instant | None = Field(None, description="null takes the planned time away")
    image_alt: str | None = Field(None, max_length=200)


class DraftOut(Schema):
    id: int
    title: str
    state: DraftState
    version: int
    author: MemberRef | None
    planned_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None = Field(description="When it went onto the news page")
    published_version: int | None


class DraftPage(Schema):
    items: list[DraftOut]
    next_offset: int | None


class PublishStatusOut(Schema):
    required: int = Field(description="Distinct approvals this version needs")
    reasons: list[str]
    approved_by: list[MemberRef] = Field(description="Who approved this very version")
    changes_by: list[MemberRef] = Field(description="Who asked for changes to this version")
    eligible: int = Field(description="Members who may review this draft")
    missing: int = Field(description="Approvals still missing")
    problems: list[str] = Field(description="Why it cannot be published now, in words")
    can_publish: bool


class DraftDetail(DraftOut):
    body: str
    image_url: str = Field(description="Empty without an image (upload it in the web UI)")
    image_alt: str
    channels: list[ChannelRef]
    tags: list[str]
    reviewers: list[MemberRef] = Field(description="Members asked to review")
    on_news: bool = Field(description="Shown on the public news page now")
    public_title: str
    public_html: str = Field(description="The published version, sanitised HTML")
    status: PublishStatusOut


class DiffLineOut(Schema):
    op: str = Field(description="+ added, - removed, space unchanged")
    text: str


class DiffOut(Schema):
    title_before: str
    title_after: str
    title_changed: bool
    channels_added: list[str]
    channels_removed: list[str]
    tags_before: list[str]
    tags_after: list[str]
    planned_before: dt.datetime | None
    planned_after: dt.datetime | None
    lines: list[DiffLineOut]
    changed: bool = Field(description="Whether the text changed")


class ReviewOut(Schema):
    id: int
    version: int
    reviewer: MemberRef
    verdict: Verdict
    comment: str
    created_at: dt.datetime

    @staticmethod
    def resolve_version(review: Review) -> int:
        return review.version.number


class VersionOut(Schema):
    number: int
    title: str
    body: str
    channels: list[str]
    tags: list[str]
    planned_at: dt.datetime | None
    required: int
    reasons: list[str]
    author_name: str
    created_at: dt.datetime
    reviews: list[ReviewOut]
    diff: DiffOut = Field(description="What changed from the version before")


class VersionPage(Schema):
    items: list[VersionOut]
    next_offset: int | None


class AuditOut(Schema):
    id: int
    version: int
    actor_id: int | None
    actor_name: str
    action: str
    note: str
    at: dt.datetime


class AuditPage(Schema):
    items: list[AuditOut]
    next_offset: int | None


class DraftFilters(PageParams):
    state: DraftState | None = None


class ReviewersIn(Schema):
    reviewers: list[Id] = Field(max_length=MAX_REFS, description="User ids of members")


class ReviewIn(Schema):
    version: int = Field(ge=1, le=2**31 - 1, description="The version you read")
    verdict: Verdict
    comment: str = Field("", max_length=MAX_NOTE_LENGTH,
                         description="Required when asking for changes")  # fmt: skip


class PublishRefusedOut(Schema):
    detail: str
    problems: list[str]


class PublicationOut(Schema):
    id: int
    channel_id: int | None
    channel_name: str
    url: str
    published_at: dt.datetime | None
    published_by: MemberRef | None


class PublicationPage(Schema):
    items: list[PublicationOut]
    next_offset: int | None


class PublicationIn(Schema):
    url: str = Field("", max_length=500, description="Where it went out")


class LengthCheckOut(Schema):
    network: str
    limit: int
    length: int
    fits: bool
    over: int


class ExportOut(Schema):
    channel: ChannelRef
    kind: str
    title: str
    text: str
    image_url: str
    image_alt: str
    planned_at: dt.datetime | None
    checks: list[LengthCheckOut] = Field(description="Social channels: the length per network")
    version: int = Field(description="The version exported: the published one, if any")
    preview: bool = Field(description="True when this is not to be posted: see state")
    state: str = Field(
        description="ready | not_published | withdrawn | channel_added (the "
        "channel was added after publication, so the version was not reviewed "
        "for it)"
    )


class QueuePage(Schema):
    items: list[DraftOut]
    next_offset: int | None


# --- helpers -----------------------------------------------------------------------------------


def _image_url(request: HttpRequest, draft: Draft, *, version: int | None = None) -> str:
    """The image through the API itself, so a client with a token can fetch it."""
    path = reverse("api:publishing_draft_image", args=[draft.pk])
    return request.build_absolute_uri(path + (f"?version={version}" if version else ""))


def _detail(request: HttpRequest, draft: Draft) -> dict[str, Any]:
    """The draft as stored now, with whether and why it may be published."""
    draft = Draft.objects.select_related("author").get(pk=draft.pk)
    status = services.publish_check(draft=draft)
    reviewers = User.objects.filter(pk__in=draft.requests.values("reviewer_id"))
    return {
        **{name: getattr(draft, name) for name in (
            "id", "title", "state", "version", "author", "planned_at", "created_at",
            "updated_at", "published_at", "published_version", "body", "image_alt", "on_news",
            "public_title", "public_html")},
        "image_url": _image_url(request, draft) if draft.image else "",
        "channels": list(draft.channels.order_by("position", "name")),
        "tags": [tag.name for tag in draft.tags.order_by("name")],
        "reviewers": list(reviewers.order_by("username")),
        "status": {
            "required": status.required, "reasons": status.reasons,
            "approved_by": status.approved_by, "changes_by": status.changes_by,
            "eligible": status.eligible, "missing": status.missing,
            "problems": status.problems, "can_publish": status.can_publish,
        },
    }  # fmt: skip


def _tags(names: list[str]) -> list[str]:
    return [" ".join(name.split())[:MAX_TAG_LENGTH] for name in names]


def _version_out(version: DraftVersion, before: DraftVersion | None) -> dict[str, Any]:
    diff = selectors.version_diff(before, version)
    return {
        "number": version.number, "title": version.title, "body": version.body,
        "channels": version.channel_names, "tags": version.tag_names,
        "planned_at": version.planned_at, "required": version.required,
        "reasons": version.reasons,
        "author_name": version.author.display_name if version.author else "",
        "created_at": version.created_at,
        "reviews": list(version.reviews.select_related("reviewer", "version")),
        "diff": {
            "title_before": diff["title"][0], "title_after": diff["title"][1],
            "title_changed": diff["title_changed"],
            "channels_added": diff["channels_added"], "channels_removed": diff["channels_removed"],
            "tags_before": diff["tags"][0], "tags_after": diff["tags"][1],
            "planned_before": diff["planned"][0], "planned_after": diff["planned"][1],
            "lines": [{"op": line.op, "text": line.text} for line in diff["lines"]],
            "changed": diff["changed"],
        },
    }  # fmt: skip


# --- literal paths first -----------------------------------------------------------------------


@router.get("/publishing/review-queue", response=QueuePage,
            summary="Drafts waiting for the caller's review")  # fmt: skip
@api_capability(Capability.PUBLISHING_REVIEW)
def review_queue(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = services.review_queue(user=request.user, workspace=request.workspace)
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


# --- drafts ------------------------------------------------------------------------------------


@router.get("/publishing/drafts", response=DraftPage,
            summary="Drafts, last changed first; filter by state")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def draft_list(request: MemberRequest, filters: Query[DraftFilters]) -> dict[str, Any]:
    rows: QuerySet[Draft] = selectors.drafts(
        workspace=request.workspace, state=filters.state or ""
    ).order_by("-updated_at", "-id")
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post("/publishing/drafts", response={201: DraftDetail},
             summary="Write a draft (version 1); images are uploaded in the web UI")  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def draft_create(request: MemberRequest, payload: DraftIn) -> Status[dict[str, Any]]:
    services.channels_ensure(workspace=request.workspace)
    channels = channel_refs(request.workspace, payload.channels)
    draft = services.draft_create(
        workspace=request.workspace, author=request.user, title=payload.title,
        body=payload.body, channels=channels, tags=_tags(payload.tags),
        planned_at=payload.planned_at, image_alt=payload.image_alt,
    )  # fmt: skip
    return Status(201, _detail(request, draft))


@router.get("/publishing/drafts/{draft_id}", response=DraftDetail,
            summary="One draft: its version, state and whether it may go out")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def draft_get(request: MemberRequest, draft_id: Id) -> dict[str, Any]:
    return _detail(request, draft_row(request.workspace, draft_id))


def _update(request: MemberRequest, draft: Draft, given: dict[str, Any]) -> dict[str, Any]:
    channels = (
        channel_refs(request.workspace, given["channels"])
        if given.get("channels") is not None
        else list(draft.channels.all())
    )
    tags = (
        _tags(given["tags"])
        if given.get("tags") is not None
        else [tag.name for tag in draft.tags.all()]
    )
    services.draft_update(
        draft=draft, actor=request.user,
        title=given["title"] if given.get("title") is not None else draft.title,
        body=given["body"] if given.get("body") is not None else draft.body,
        channels=channels, tags=tags,
        planned_at=given.get("planned_at", draft.planned_at),
        image_alt=given.get("image_alt"),
    )  # fmt: skip
    return _detail(request, draft)


@router.put("/publishing/drafts/{draft_id}", response=DraftDetail,
            summary="Save as a new version (approvals start again)")  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def draft_replace(request: MemberRequest, draft_id: Id, payload: DraftIn) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    return _update(request, draft, payload.dict())


@router.patch("/publishing/drafts/{draft_id}", response=DraftDetail,
              summary="Change some fields: a new version if anything changed")  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def draft_update(request: MemberRequest, draft_id: Id, payload: DraftPatch) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    return _update(request, draft, payload.dict(exclude_unset=True))


@router.get("/publishing/drafts/{draft_id}/versions", response=VersionPage,
            summary="Every version, oldest first, each with its reviews and the diff")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def version_list(request: MemberRequest, draft_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    rows = DraftVersion.objects.filter(draft=draft).select_related("author").order_by("number")
    # One row before the page, for the first diff.
    start = max(0, page.offset - 1)
    fetched = list(rows[start : page.offset + page.limit + 1])
    before = fetched.pop(0) if page.offset > 0 and fetched else None
    items = []
    for version in fetched:
        items.append(_version_out(version, before))
        before = version
    return page_of_rows(items, page)


@router.get("/publishing/drafts/{draft_id}/audit", response=AuditPage,
            summary="The audit trail: every step, oldest first")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def audit_list(request: MemberRequest, draft_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    rows = AuditEntry.objects.filter(draft=draft).order_by("at", "pk")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/publishing/drafts/{draft_id}/reviewers", response=DraftDetail,
             summary="Ask members to review (queue and e-mail)")  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def reviewers_request(request: MemberRequest, draft_id: Id, payload: ReviewersIn) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    wanted = list(dict.fromkeys(payload.reviewers))
    found = {
        user.pk: user for user in services.eligible_reviewers(draft=draft).filter(pk__in=wanted)
    }
    if not wanted or len(found) != len(wanted):
        raise ValidationError({"reviewers": _(
            "Choose members of this workspace who may review, other than the author."
        )})  # fmt: skip
    services.review_request(draft=draft, actor=request.user, reviewers=[found[pk] for pk in wanted])
    return _detail(request, draft)


@router.post("/publishing/drafts/{draft_id}/reviews", response={201: ReviewOut},
             summary="Approve the version you read, or ask for changes with a comment")  # fmt: skip
@api_capability(Capability.PUBLISHING_REVIEW)
def review_submit(request: MemberRequest, draft_id: Id, payload: ReviewIn) -> Status[Review]:
    draft = draft_row(request.workspace, draft_id)
    try:
        review = services.review_submit(
            draft=draft, reviewer=request.user, version=payload.version,
            verdict=payload.verdict, comment=payload.comment,
        )  # fmt: skip
    except services.PublishingError as error:
        draft.refresh_from_db(fields=["version"])
        field = "version" if payload.version != draft.version else "__all__"
        raise ValidationError({field: error.messages}) from error
    return Status(201, Review.objects.select_related("reviewer", "version").get(pk=review.pk))


@router.get("/publishing/drafts/{draft_id}/reviews", response=list[ReviewOut],
            summary="The reviews of the current version")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def review_list(request: MemberRequest, draft_id: Id) -> list[Review]:
    draft = draft_row(request.workspace, draft_id)
    rows = Review.objects.filter(draft=draft, version__number=draft.version)
    return list(rows.select_related("reviewer", "version").order_by("created_at", "id"))


@router.post(
    "/publishing/drafts/{draft_id}/publish",
    response={200: DraftDetail, 409: PublishRefusedOut},
    summary="Publish now, or schedule for the planned time; 409 with the problems when the "
    "rule does not allow it yet",
)  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def draft_publish(request: MemberRequest, draft_id: Id) -> Status[dict[str, Any]]:
    draft = draft_row(request.workspace, draft_id)
    status = services.publish_check(draft=draft)
    if not status.can_publish:
        return Status(409, {"detail": " ".join(status.problems), "problems": status.problems})
    try:
        services.draft_publish(draft=draft, actor=request.user)
    except services.PublishingError as error:
        # Something changed between the check and the locked write.
        return Status(409, {"detail": " ".join(error.messages), "problems": error.messages})
    return Status(200, _detail(request, draft))


@router.post("/publishing/drafts/{draft_id}/withdraw", response=DraftDetail,
             summary="Take the draft off the news page and out of review")  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def draft_withdraw(request: MemberRequest, draft_id: Id) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    services.draft_withdraw(draft=draft, actor=request.user)
    return _detail(request, draft)


# --- other channels: publications and exports --------------------------------------------------


@router.get("/publishing/drafts/{draft_id}/publications", response=PublicationPage,
            summary="Channels the published draft goes to by hand, and their links")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def publication_list(
    request: MemberRequest, draft_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    rows = ChannelPublication.objects.filter(draft=draft).select_related("published_by")
    rows = rows.order_by("channel_name", "id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/publishing/drafts/{draft_id}/publications/{publication_id}",
             response=PublicationOut,
             summary="Mark the draft published on this channel, with its link")  # fmt: skip
@api_capability(Capability.PUBLISHING_WRITE)
def publication_mark(
    request: MemberRequest, draft_id: Id, publication_id: Id, payload: PublicationIn
) -> ChannelPublication:
    draft = draft_row(request.workspace, draft_id)
    rows = ChannelPublication.objects.filter(draft=draft).select_related("draft")
    publication = owned_or_404(rows, publication_id, workspace=request.workspace)
    services.channel_mark_published(publication=publication, actor=request.user,
                                    url=payload.url.strip())  # fmt: skip
    return ChannelPublication.objects.select_related("published_by").get(pk=publication.pk)


@router.get("/publishing/drafts/{draft_id}/export/{channel_id}", response=ExportOut,
            summary="The draft as posted by hand on one of its channels (social: length per "
            "network)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def draft_export(request: MemberRequest, draft_id: Id, channel_id: Id) -> dict[str, Any]:
    draft = draft_row(request.workspace, draft_id)
    channel: Channel = owned_or_404(draft.channels.all(), channel_id, workspace=request.workspace)
    export = outputs.channel_export(
        draft=draft, channel=channel, image_url=lambda n: _image_url(request, draft, version=n)
    )
    return {
        "channel": channel, "kind": channel.kind, "title": export.title, "text": export.text,
        "image_url": export.image_url, "image_alt": export.image_alt,
        "planned_at": export.planned_at, "checks": export.checks, "version": export.version,
        "preview": export.preview, "state": export.state,
    }  # fmt: skip


@router.get("/publishing/drafts/{draft_id}/image", response={200: None},
            url_name="publishing_draft_image",
            summary="The draft's image (or, with ?version=N, that version's)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def draft_image(request: MemberRequest, draft_id: Id, version: Id | None = None) -> HttpResponse:
    draft = draft_row(request.workspace, draft_id)
    name = version_image_name(draft, version)
    return cast(HttpResponse, image_response(name, cache_control="private, max-age=3600"))
