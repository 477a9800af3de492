"""Every write of publishing: channels, drafts and their versions, reviews, publication.

The reviewer rule lives in rules.py; here it is applied. A draft is published only when
`publish_check` says so, and that is asked again inside the publishing transaction with the
draft locked, so an edit, a withdrawn approval or a removed member between the click and
the write can never let an unreviewed version out.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.sanitize import TextTooLong
from touchbase.core.tenancy import scopes_disabled
from touchbase.publishing import rules
from touchbase.publishing.choices import (
    AuditAction,
    ChannelKind,
    CommentState,
    DraftState,
    Verdict,
)
from touchbase.publishing.markup import markdown_html, markdown_summary
from touchbase.publishing.models import (
    MAX_TAGS,
    AuditEntry,
    Channel,
    ChannelPublication,
    Draft,
    DraftVersion,
    NewsComment,
    NewsSettings,
    ReachabilityNotice,
    Review,
    ReviewRequest,
    SensitiveTopic,
    Tag,
)
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

logger = logging.getLogger(__name__)

PENDING_KEPT = dt.timedelta(days=14)


class PublishingError(ValidationError):
    """A step the rule does not allow; the message is fit to show."""


# --- channels and topics -----------------------------------------------------------------------

DEFAULT_CHANNELS: list[tuple[str, Any, int, int, str, Any]] = [
    ("website", gettext_lazy("Website"), 4, 9, ChannelKind.OTHER,
     gettext_lazy("Our own pages: we change or remove them at any time; archives keep copies.")),
    ("blog", gettext_lazy("Blog (news page)"), 5, 8, ChannelKind.NEWS_PAGE,
     gettext_lazy("Our news page: ours to correct, but feed readers keep what they fetched.")),
    ("banner", gettext_lazy("Banner"), 2, 7, ChannelKind.OTHER,
     gettext_lazy("Seasonal and exchanged quickly; partners may keep showing an old one.")),
    ("social", gettext_lazy("Social post"), 6, 3, ChannelKind.SOCIAL,
     gettext_lazy("Shared and screenshotted within minutes; deleting it does not undo that.")),
    ("newsletter", gettext_lazy("Newsletter"), 7, 2, ChannelKind.OTHER,
     gettext_lazy("Sits in thousands of inboxes for years; once sent it cannot be changed.")),
    ("email", gettext_lazy("Personal e-mail"), 6, 2, ChannelKind.OTHER,
     gettext_lazy("Stays in the reader's inbox and may be forwarded; it cannot be recalled.")),
    ("press", gettext_lazy("Press release"), 8, 2, ChannelKind.OTHER,
     gettext_lazy("Quoted, archived and searchable for years by people we do not know.")),
    ("mailing", gettext_lazy("Mailing (post)"), 8, 1, ChannelKind.OTHER,
     gettext_lazy("Printed and delivered: nothing can be changed after it is posted.")),
    ("print", gettext_lazy("Print brochure"), 9, 1, ChannelKind.OTHER,
     gettext_lazy("Lies on counters for years; a mistake stays until the last copy is gone.")),
]  # fmt: skip


def news_settings(*, workspace: Workspace) -> NewsSettings:
    found = NewsSettings.objects.filter(workspace=workspace).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return NewsSettings.objects.create(workspace=workspace, title=workspace.name)
    except IntegrityError:
        return NewsSettings.objects.get(workspace=workspace)


NEWS_SETTINGS_FIELDS = ("enabled", "title", "intro", "comments_open")


@transaction.atomic
def news_settings_save(*, settings: NewsSettings, changes: dict[str, Any]) -> NewsSettings:
    """Change the news page's settings; its cached public pages go stale at once."""
    unknown = set(changes) - set(NEWS_SETTINGS_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown setting.") for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(settings, name, value)
    settings.full_clean(exclude=["workspace"])
    settings.save(update_fields=list(changes))
    news_cache_bump(workspace_id=settings.workspace_id)
    return settings


def channels_ensure(*, workspace: Workspace) -> None:
    """Give a workspace the default channels, once (a later removal is respected)."""
    with transaction.atomic():
        claimed = NewsSettings.objects.filter(
            workspace=news_settings(workspace=workspace).workspace, defaults_loaded=False
        ).update(defaults_loaded=True)
        if not claimed:
            return
        for position, (key, name, permanence, control, kind, explanation) in enumerate(
            DEFAULT_CHANNELS
        ):
            Channel.objects.get_or_create(
                workspace=workspace, name=str(name),
                defaults={"key": key, "permanence": permanence, "control": control,
                          "kind": kind, "explanation": str(explanation), "position": position},
            )  # fmt: skip


def channel_save(
    *, workspace: Workspace, channel: Channel | None = None, name: str, kind: str,
    permanence: int, control: int, explanation: str = "",
) -> Channel:  # fmt: skip
    """Create a channel or change one; a name taken by another channel is a field error."""
    bad = [name for name, score in (("permanence", permanence), ("control", control))
           if not 1 <= score <= 10]  # fmt: skip
    if bad:
        raise ValidationError({name: _("Scores run from 1 to 10.") for name in bad})
    clash = Channel.objects.filter(workspace=workspace, name__iexact=name.strip())
    if channel is not None:
        clash = clash.exclude(pk=channel.pk)
    if clash.exists():
        raise ValidationError({"name": _("There is already a channel with this name.")})
    channel = channel or Channel(workspace=workspace)
    channel.name, channel.kind, channel.explanation = name.strip(), kind, explanation
    channel.permanence, channel.control = permanence, control
    channel.full_clean(exclude=["workspace"])
    channel.save()
    return channel


def channel_delete(*, channel: Channel) -> None:
    """Remove a channel; drafts that went there keep their versions and publication records."""
    channel.delete()


def topic_add(*, workspace: Workspace, phrase: str) -> SensitiveTopic:
    phrase = " ".join(phrase.split())
    if not rules._words(phrase):
        raise ValidationError({"phrase": _("Enter a word or a phrase.")})
    if SensitiveTopic.objects.filter(workspace=workspace, phrase__iexact=phrase).exists():
        raise ValidationError({"phrase": _("This topic is on the list already.")})
    return SensitiveTopic.objects.create(workspace=workspace, phrase=phrase)


def topic_remove(*, topic: SensitiveTopic) -> None:
    topic.delete()


# --- the rule ----------------------------------------------------------------------------------


def requirement_for(
    *, workspace: Workspace, channels: Iterable[Channel], title: str, body: str
) -> rules.Requirement:
    topics = SensitiveTopic.objects.filter(workspace=workspace).values_list("phrase", flat=True)
    return rules.requirement(
        channels=[rules.ChannelScore(c.name, c.permanence, c.control) for c in channels],
        text=f"{title}\n{body}", topics=list(topics),
    )  # fmt: skip


def reviewer_memberships(*, workspace: Workspace | int) -> QuerySet[Membership]:
    return Membership.objects.filter(
        workspace=workspace, role__in=roles_with(Capability.PUBLISHING_REVIEW), user__is_active=True
    )


def draft_writers(draft: Draft) -> set[int]:
    """Who wrote what is to go out: the author and everyone who saved a version since the
    last publication. A writer's own words need other eyes, so writers never review."""
    if draft.pk is None:  # the rule asked about a draft not written yet
        return {draft.author_id} if draft.author_id else set()
    since = draft.published_version or 0
    ids = set(
        DraftVersion.objects.filter(draft=draft, number__gt=since, author__isnull=False)
        .values_list("author_id", flat=True)
    )  # fmt: skip
    if draft.author_id:
        ids.add(draft.author_id)
    return ids


def eligible_reviewers(*, draft: Draft) -> QuerySet[User]:
    """Members who may review this draft: everyone with the capability but its writers."""
    ids = reviewer_memberships(workspace=draft.workspace_id).values("user_id")
    return User.objects.filter(pk__in=ids).exclude(pk__in=draft_writers(draft)).order_by("username")


@dataclass
class PublishStatus:
    """Whether the current version may go out, and if not, what is missing — in words."""

    required: int
    reasons: list[str]
    approved_by: list[User] = field(default_factory=list)
    changes_by: list[User] = field(default_factory=list)
    eligible: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return max(0, self.required - len(self.approved_by))

    @property
    def can_publish(self) -> bool:
        return not self.problems


def publish_check(*, draft: Draft) -> PublishStatus:
    version = _current_version(draft)
    eligible = set(eligible_reviewers(draft=draft).values_list("pk", flat=True))
    reviews = Review.objects.filter(version=version).select_related("reviewer")
    # Only reviewers who are still members with the right count: someone removed mid-review
    # takes their approval with them.
    approved = [r.reviewer for r in reviews if r.verdict == Verdict.APPROVED
                and r.reviewer_id in eligible]  # fmt: skip
    changes = [r.reviewer for r in reviews if r.verdict == Verdict.CHANGES
               and r.reviewer_id in eligible]  # fmt: skip
    status = PublishStatus(
        required=version.required, reasons=list(version.reasons), approved_by=approved,
        changes_by=changes, eligible=len(eligible),
    )  # fmt: skip
    status.problems = _problems(draft, status)
    return status


def _problems(draft: Draft, status: PublishStatus) -> list[str]:
    problems = []
    if draft.state == DraftState.WITHDRAWN:
        problems.append(_("The draft was withdrawn."))
    if draft.state != DraftState.WITHDRAWN and draft.published_version == draft.version:
        problems.append(_("This version is published already."))
    if not draft.channels.exists():
        problems.append(_("Choose at least one channel."))
    if status.changes_by:
        problems.append(
            _("%(names)s asked for changes to this version.")
            % {"names": ", ".join(u.display_name for u in status.changes_by)}
        )
    if status.required > status.eligible:
        problems.append(
            ngettext(
                "This draft needs %(required)s reviewers, but only %(eligible)s other member may "
                "review. Invite members who can review, or choose channels that need fewer.",
                "This draft needs %(required)s reviewers, but only %(eligible)s other members may "
                "review. Invite members who can review, or choose channels that need fewer.",
                status.eligible,
            )
            % {"required": status.required, "eligible": status.eligible}
        )
    elif status.missing:
        problems.append(
            ngettext(
                "%(missing)s more approval of version %(version)s needed.",
                "%(missing)s more approvals of version %(version)s needed.",
                status.missing,
            )
            % {"missing": status.missing, "version": draft.version}
        )
    return problems


# --- drafts ------------------------------------------------------------------------------------


def _current_version(draft: Draft) -> DraftVersion:
    return DraftVersion.objects.get(draft=draft, number=draft.version)


def _audit(draft: Draft, actor: User | None, action: str, note: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        workspace_id=draft.workspace_id, draft=draft, version=draft.version, actor=actor,
        actor_name=actor.display_name if actor else "touchbase", action=action, note=note,
    )  # fmt: skip


def _tags(workspace: Workspace, names: Sequence[str]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for raw in names:
        name = " ".join(raw.split())[:40]
        slug = slugify(name, allow_unicode=True)[:50]
        if not slug or slug in tags:
            continue
        tags[slug] = Tag.objects.get_or_create(
            workspace=workspace, slug=slug, defaults={"name": name}
        )[0]
    if len(tags) > MAX_TAGS:
        raise ValidationError({"tags": _("At most %(max)s tags.") % {"max": MAX_TAGS}})
    return list(tags.values())


def _snapshot(draft: Draft, actor: User | None) -> DraftVersion:
    channels = list(draft.channels.all())
    need = requirement_for(workspace=draft.workspace, channels=channels, title=draft.title,
                           body=draft.body)  # fmt: skip
    return DraftVersion.objects.create(
        workspace_id=draft.workspace_id, draft=draft, number=draft.version, title=draft.title,
        body=draft.body, channel_names=[c.name for c in channels],
        channel_ids=[c.pk for c in channels], image_alt=draft.image_alt,
        tag_names=[t.name for t in draft.tags.all()], planned_at=draft.planned_at,
        image=(draft.image.name or "") if draft.image else "", required=need.required,
        reasons=need.reasons, author=actor,
    )  # fmt: skip


def _check_rendered(draft: Draft) -> None:
    """Markdown can grow when rendered (one reference link used ten thousand times): the
    page's HTML is bounded by the sanitiser, so the text is refused here, at the field."""
    try:
        markdown_html(draft.body)
    except TextTooLong as too_long:
        message = _("This text becomes too long on the page; shorten it or use fewer links.")
        raise ValidationError({"body": message}) from too_long


def _check_channels(workspace: Workspace, channels: Sequence[Channel]) -> None:
    if any(c.workspace_id != workspace.pk for c in channels):
        raise ValidationError({"channels": _("Unknown channel.")})


@transaction.atomic
def draft_create(
    *, workspace: Workspace, author: User, title: str, body: str = "",
    channels: Sequence[Channel] = (), tags: Sequence[str] = (),
    planned_at: dt.datetime | None = None, image: Any = None, image_alt: str = "",
) -> Draft:  # fmt: skip
    _check_channels(workspace, channels)
    draft = Draft(workspace=workspace, author=author, title=title.strip(), body=body,
                  planned_at=planned_at, image_alt=image_alt)  # fmt: skip
    if image:
        draft.image = image
    draft.full_clean(exclude=["workspace", "author", "channels", "tags"])
    _check_rendered(draft)
    draft.save()
    draft.channels.set(channels)
    draft.tags.set(_tags(workspace, tags))
    _snapshot(draft, author)
    _audit(draft, author, AuditAction.CREATED)
    return draft


@transaction.atomic
def draft_update(
    *, draft: Draft, actor: User, title: str, body: str, channels: Sequence[Channel],
    tags: Sequence[str] = (), planned_at: dt.datetime | None = None, image: Any = None,
    image_alt: str | None = None, remove_image: bool = False,
) -> Draft:  # fmt: skip
    """Save changes as a new version, which starts the count of approvals again.

    Nothing changed, nothing new: saving the same text twice keeps the approvals it has.
    """
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.state == DraftState.WITHDRAWN:
        raise PublishingError(_("A withdrawn draft cannot be changed."))
    _check_channels(draft.workspace, channels)
    before = _fingerprint(draft)
    draft.title, draft.body, draft.planned_at = title.strip(), body, planned_at
    if image_alt is not None:
        draft.image_alt = image_alt
    if remove_image:
        draft.image = ""
    elif image:
        draft.image = image
    draft.full_clean(exclude=["workspace", "author", "channels", "tags"])
    _check_rendered(draft)
    draft.save()
    draft.channels.set(channels)
    draft.tags.set(_tags(draft.workspace, tags))
    if _fingerprint(draft) == before:
        return draft
    Draft.objects.filter(pk=draft.pk).update(version=F("version") + 1)
    draft.refresh_from_db()
    if draft.state == DraftState.SCHEDULED or draft.state == DraftState.PUBLISHED:
        draft.state = DraftState.IN_REVIEW if draft.requests.exists() else DraftState.DRAFT
        draft.save(update_fields=["state"])
    _snapshot(draft, actor)
    _audit(draft, actor, AuditAction.EDITED)
    _mail_requested(draft, exclude=actor)
    return draft


def _fingerprint(draft: Draft) -> tuple[Any, ...]:
    return (
        draft.title, draft.body, draft.planned_at, draft.image.name if draft.image else "",
        draft.image_alt, sorted(draft.channels.values_list("pk", flat=True)),
        sorted(draft.tags.values_list("slug", flat=True)),
    )  # fmt: skip


@transaction.atomic
def review_request(*, draft: Draft, actor: User, reviewers: Sequence[User]) -> list[User]:
    """Ask members to read the draft: it enters their queue and they get an e-mail."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if draft.state in (DraftState.WITHDRAWN,):
        raise PublishingError(_("A withdrawn draft cannot be reviewed."))
    eligible = set(eligible_reviewers(draft=draft).values_list("pk", flat=True))
    refused = [u for u in reviewers if u.pk not in eligible]
    if refused:
        raise ValidationError({"reviewers": _(
            "%(names)s cannot review this draft (the author, or not a member who may review)."
        ) % {"names": ", ".join(u.display_name for u in refused)}})  # fmt: skip
    added = []
    for reviewer in reviewers:
        created = ReviewRequest.objects.get_or_create(
            workspace_id=draft.workspace_id, draft=draft, reviewer=reviewer
        )[1]
        if created:
            added.append(reviewer)
    if draft.state == DraftState.DRAFT:
        draft.state = DraftState.IN_REVIEW
        draft.save(update_fields=["state"])
    if added:
        _audit(draft, actor, AuditAction.REVIEW_REQUESTED,
               ", ".join(u.display_name for u in added))  # fmt: skip
        _mail_later("review_requested", draft=draft, user_ids=[u.pk for u in added])
    return added


@transaction.atomic
def review_submit(
    *, draft: Draft, reviewer: User, version: int, verdict: str, comment: str = ""
) -> Review:
    """One reviewer's verdict on one version; the author and outdated versions are refused."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    if reviewer.pk == draft.author_id:
        raise PublishingError(_("The author cannot review their own draft."))
    if reviewer.pk in draft_writers(draft):
        raise PublishingError(_("You changed this draft, so others must review it."))
    if version != draft.version:
        raise PublishingError(
            _("Version %(old)s is outdated: the draft is at version %(new)s now. Read it again.")
            % {"old": version, "new": draft.version}
        )
    if draft.state == DraftState.WITHDRAWN:
        raise PublishingError(_("A withdrawn draft cannot be reviewed."))
    if not eligible_reviewers(draft=draft).filter(pk=reviewer.pk).exists():
        raise PublishingError(_("Only members who may review can approve drafts."))
    if verdict == Verdict.CHANGES and not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    current = _current_version(draft)
    review = Review.objects.filter(version=current, reviewer=reviewer).first()
    if review is not None and review.verdict == verdict:
        raise PublishingError(_("You have reviewed this version already."))
    if review is None:
        review = Review(workspace_id=draft.workspace_id, draft=draft, version=current,
                        reviewer=reviewer)  # fmt: skip
    # A reviewer may change their mind on the same version; their verdict still counts once.
    review.verdict, review.comment = verdict, comment.strip()
    review.save()
    action = AuditAction.APPROVED if verdict == Verdict.APPROVED else AuditAction.CHANGES
    _audit(draft, reviewer, action, comment.strip())
    if draft.state == DraftState.DRAFT or (
        draft.state == DraftState.SCHEDULED and verdict == Verdict.CHANGES
    ):
        # A request for changes takes a scheduled post off the schedule at once.
        draft.state = DraftState.IN_REVIEW
        draft.save(update_fields=["state"])
    if draft.author_id:
        _mail_later("review_given", draft=draft, user_ids=[draft.author_id], review_id=review.pk)
    return review


def review_queue(*, user: User, workspace: Workspace) -> QuerySet[Draft]:
    """Drafts waiting for this member: asked for, in review, and this version not yet read."""
    read = Review.objects.filter(reviewer=user, version__number=F("draft__version")).values(
        "draft_id"
    )
    # A member who changed the text since it was last published may not review it (writers).
    wrote = DraftVersion.objects.filter(
        draft=OuterRef("pk"), author=user, number__gt=Coalesce(OuterRef("published_version"), 0)
    )
    return (
        Draft.objects.filter(workspace=workspace, requests__reviewer=user,
                             state=DraftState.IN_REVIEW)
        .exclude(pk__in=read)
        .exclude(author=user)
        .exclude(Exists(wrote))
        .select_related("author")
        .order_by("planned_at", "updated_at")
    )  # fmt: skip


# --- publication -------------------------------------------------------------------------------


@transaction.atomic
def draft_publish(*, draft: Draft, actor: User | None, now: dt.datetime | None = None) -> Draft:
    """Publish now, or schedule for the planned time; refused unless the rule is met."""
    now = now or timezone.now()
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    status = publish_check(draft=draft)
    if not status.can_publish:
        raise PublishingError(" ".join(status.problems))
    if draft.planned_at and draft.planned_at > now:
        draft.state = DraftState.SCHEDULED
        draft.save(update_fields=["state"])
        _audit(draft, actor, AuditAction.SCHEDULED, draft.planned_at.isoformat())
        return draft
    return _publish_now(draft, actor, now)


def _publish_now(draft: Draft, actor: User | None, now: dt.datetime) -> Draft:
    channels = list(draft.channels.all())
    if any(c.kind == ChannelKind.NEWS_PAGE for c in channels):
        draft.on_news = True
        draft.public_title = draft.title
        draft.public_html = markdown_html(draft.body)
        draft.public_summary = markdown_summary(draft.body, limit=300)
        tags = list(draft.tags.all())
        draft.public_tags = [[t.slug, t.name] for t in tags]
        draft.public_tag_set.set(tags)
        draft.public_image = (draft.image.name or "") if draft.image else ""
        draft.public_image_alt = draft.image_alt
        draft.public_updated_at = now
    elif draft.on_news:
        # The news page was taken off the channels: the post leaves the page.
        draft.on_news = False
        draft.public_tag_set.clear()
    draft.published_at = draft.published_at or now
    draft.state = DraftState.PUBLISHED
    draft.published_version = draft.version
    draft.save()
    for channel in channels:
        if channel.kind != ChannelKind.NEWS_PAGE:
            ChannelPublication.objects.get_or_create(
                workspace_id=draft.workspace_id, draft=draft, channel=channel,
                defaults={"channel_name": channel.name},
            )  # fmt: skip
    _audit(draft, actor, AuditAction.PUBLISHED,
           ", ".join(c.name for c in channels))  # fmt: skip
    news_cache_bump(workspace_id=draft.workspace_id)
    return draft


def scheduled_publish_due(*, now: dt.datetime | None = None) -> int:
    """Publish every scheduled draft whose time has come (worker); returns how many went out.

    Each draft is checked again first: an approval lost since scheduling (a reviewer removed
    from the team) holds it back, and its author is told.
    """
    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            Draft.objects.filter(state=DraftState.SCHEDULED, planned_at__lte=now).values_list(
                "pk", flat=True
            )[:200]
        )
    published = 0
    for pk in due:
        try:
            published += _publish_scheduled(pk, now)
        except Exception:
            # One draft that cannot go out must not hold back the others behind it.
            logger.exception("scheduled publication of draft %s failed", pk)
            try:
                _hold_failed(pk)
            except Exception:
                logger.exception("draft %s could not be held either; tried again next run", pk)
    return published


def _hold_failed(pk: int) -> None:
    with scopes_disabled(), transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=pk, state=DraftState.SCHEDULED).first()
        if draft is None:
            return
        draft.state = DraftState.IN_REVIEW
        draft.save(update_fields=["state"])
        _audit(draft, None, AuditAction.HELD, _("The publication failed; please try again."))
        if draft.author_id:
            _mail_later("held", draft=draft, user_ids=[draft.author_id])


def _publish_scheduled(pk: int, now: dt.datetime) -> int:
    with scopes_disabled(), transaction.atomic():
        draft = (
            Draft.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=DraftState.SCHEDULED)
            .first()
        )
        if draft is None:
            return 0
        status = publish_check(draft=draft)
        if status.can_publish:
            _publish_now(draft, None, now)
            return 1
        draft.state = DraftState.IN_REVIEW
        draft.save(update_fields=["state"])
        _audit(draft, None, AuditAction.HELD, " ".join(status.problems))
        if draft.author_id:
            _mail_later("held", draft=draft, user_ids=[draft.author_id])
        return 0


@transaction.atomic
def channel_mark_published(
    *, publication: ChannelPublication, actor: User, url: str = ""
) -> ChannelPublication:
    publication.url = url
    publication.published_at = publication.published_at or timezone.now()
    publication.published_by = actor
    publication.full_clean(exclude=["workspace", "draft", "channel", "published_by"])
    publication.save()
    _audit(publication.draft, actor, AuditAction.CHANNEL_PUBLISHED,
           f"{publication.channel_name} {url}".strip())  # fmt: skip
    return publication


@transaction.atomic
def draft_withdraw(*, draft: Draft, actor: User) -> Draft:
    """Take the draft off the news page and out of review; its history stays."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    was_public = draft.on_news
    draft.state, draft.on_news = DraftState.WITHDRAWN, False
    draft.save(update_fields=["state", "on_news"])
    _audit(draft, actor, AuditAction.WITHDRAWN)
    if was_public:
        news_cache_bump(workspace_id=draft.workspace_id)
    return draft


def news_cache_bump(*, workspace_id: int) -> None:
    """Make every cached public page of the workspace stale (publish, comment shown, notice)."""
    NewsSettings.objects.filter(workspace_id=workspace_id).update(
        cache_version=F("cache_version") + 1
    )


# --- comments on the news page -----------------------------------------------------------------


@transaction.atomic
def comment_post(
    *, draft: Draft, visitor: Visitor, text: str, verified: bool, name: str = ""
) -> NewsComment:
    """A visitor's comment: waits for its address to be confirmed, then for a moderator."""
    visitors.writer_check(visitor)
    if not draft.on_news:
        raise PublishingError(_("This post takes no comments."))
    if not news_settings(workspace=draft.workspace).comments_open:
        raise PublishingError(_("Comments are closed."))
    state = CommentState.WAITING if verified else CommentState.UNCONFIRMED
    return NewsComment.objects.create(
        workspace_id=draft.workspace_id, draft=draft, visitor=visitor, text=text.strip(),
        state=state, author_name=(visitor.name if verified else "")[:80],
    )  # fmt: skip


def visitor_contributions_publish(*, visitor: Visitor, items: dict[str, Any]) -> None:
    """A confirmation link was followed: the comment it names goes to the moderators."""
    comment_id = items.get("news_comment")
    if not isinstance(comment_id, int):
        return
    NewsComment.objects.filter(
        pk=comment_id, visitor=visitor, state=CommentState.UNCONFIRMED
    ).update(state=CommentState.WAITING, author_name=visitor.name[:80])


def pending_describe(visitor: Visitor, items: dict[str, Any]) -> list[str]:
    comment_id = items.get("news_comment")
    if not isinstance(comment_id, int):
        return []
    comment = NewsComment.objects.filter(pk=comment_id, visitor=visitor).select_related("draft")
    found = comment.first()
    if found is None:
        return []
    return [_("Your comment on “%(title)s”: %(text)s (shown once a moderator has read it)")
            % {"title": found.draft.public_title, "text": found.text[:300]}]  # fmt: skip


@transaction.atomic
def comment_moderate(*, comment: NewsComment, actor: User, show: bool) -> NewsComment:
    if comment.state == CommentState.UNCONFIRMED:
        raise PublishingError(_("The writer has not confirmed their address yet."))
    comment.state = CommentState.SHOWN if show else CommentState.REJECTED
    comment.moderated_by, comment.moderated_at = actor, timezone.now()
    comment.save(update_fields=["state", "moderated_by", "moderated_at"])
    news_cache_bump(workspace_id=comment.workspace_id)
    return comment


@transaction.atomic
def comment_reply(
    *, draft: Draft, member: User, text: str, reply_to: NewsComment | None = None
) -> NewsComment:
    """A member answers in public, under their own name, at once."""
    if reply_to is not None:
        # Read again under a lock: a moderator rejecting it this moment wins.
        reply_to = NewsComment.objects.select_for_update().get(pk=reply_to.pk)
    if reply_to is not None and reply_to.draft_id != draft.pk:
        raise ValidationError({"reply_to": _("That comment belongs to another post.")})
    if not draft.on_news:
        raise PublishingError(_("This post is not on the news page."))
    if reply_to is not None and reply_to.state in (CommentState.UNCONFIRMED, CommentState.REJECTED):
        # An answer would put an unconfirmed or rejected comment on the page.
        raise ValidationError({"reply_to": _("Only shown or waiting comments can be answered.")})
    if reply_to is not None and reply_to.state == CommentState.WAITING:
        comment_moderate(comment=reply_to, actor=member, show=True)
    comment = NewsComment.objects.create(
        workspace_id=draft.workspace_id, draft=draft, member=member, reply_to=reply_to,
        text=text.strip(), state=CommentState.SHOWN, author_name=member.get_full_name()[:80],
        moderated_by=member, moderated_at=timezone.now(),
    )  # fmt: skip
    news_cache_bump(workspace_id=draft.workspace_id)
    return comment


def comment_delete(*, comment: NewsComment) -> None:
    comment.delete()
    news_cache_bump(workspace_id=comment.workspace_id)


def pending_purge(*, now: dt.datetime | None = None) -> int:
    """Forget comments whose address was never confirmed within PENDING_KEPT."""
    before = (now or timezone.now()) - PENDING_KEPT
    with scopes_disabled():
        return NewsComment.objects.filter(
            state=CommentState.UNCONFIRMED, created_at__lt=before
        ).delete()[0]


# --- the reachability notice -------------------------------------------------------------------


def notice_get(*, workspace: Workspace) -> ReachabilityNotice:
    found = ReachabilityNotice.objects.filter(workspace=workspace).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return ReachabilityNotice.objects.create(workspace=workspace)
    except IntegrityError:
        return ReachabilityNotice.objects.get(workspace=workspace)


NOTICE_FIELDS = ("reach", "measures", "operation", "operation_note", "booking", "booking_url",
                 "show_banner", "review_every_days")  # fmt: skip


@transaction.atomic
def notice_update(*, workspace: Workspace, actor: User, **values: Any) -> ReachabilityNotice:
    """Save the notice; saving it counts as reviewing it."""
    notice = notice_get(workspace=workspace)
    for name in NOTICE_FIELDS:
        if name in values:
            setattr(notice, name, values[name])
    notice.full_clean(exclude=["workspace", "reviewed_by"])
    notice.reviewed_at, notice.reviewed_by, notice.reminded_at = timezone.now(), actor, None
    notice.save()
    news_cache_bump(workspace_id=workspace.pk)
    return notice


@transaction.atomic
def notice_confirm(*, workspace: Workspace, actor: User) -> ReachabilityNotice:
    """Still true as it stands: the review date moves, the text does not."""
    notice = notice_get(workspace=workspace)
    notice.reviewed_at, notice.reviewed_by, notice.reminded_at = timezone.now(), actor, None
    notice.save(update_fields=["reviewed_at", "reviewed_by", "reminded_at"])
    news_cache_bump(workspace_id=workspace.pk)
    return notice


def notice_is_old(notice: ReachabilityNotice, *, now: dt.datetime | None = None) -> bool:
    if notice.is_empty:
        return False
    if notice.reviewed_at is None:
        return True
    return (now or timezone.now()) - notice.reviewed_at > dt.timedelta(
        days=notice.review_every_days
    )


def notice_reminders_due(*, now: dt.datetime | None = None) -> int:
    """Remind the leaders of each workspace whose notice got old, once per review period."""
    now = now or timezone.now()
    sent = 0
    with scopes_disabled():
        for notice in ReachabilityNotice.objects.filter(reminded_at=None).select_related(
            "workspace"
        ):
            if not notice_is_old(notice, now=now):
                continue
            claimed = ReachabilityNotice.objects.filter(pk=notice.pk, reminded_at=None).update(
                reminded_at=now
            )
            if claimed:
                users = reviewer_memberships(workspace=notice.workspace_id).filter(
                    role__in=roles_with(Capability.PUBLISHING_MANAGE)
                )
                _mail_later("notice_old", workspace_id=notice.workspace_id,
                            user_ids=list(users.values_list("user_id", flat=True)))  # fmt: skip
                sent += 1
    return sent


# --- mails -------------------------------------------------------------------------------------


def _mail_requested(draft: Draft, *, exclude: User) -> None:
    """A new version awaits the members asked to review."""
    asked = draft.requests.exclude(reviewer=exclude).values("reviewer_id")
    # Only who may still review it: a member who left, or who changed the text, is not asked.
    users = list(eligible_reviewers(draft=draft).filter(pk__in=asked).values_list("pk", flat=True))
    if users:
        _mail_later("new_version", draft=draft, user_ids=users)


_QUIET = contextvars.ContextVar("publishing_quiet", default=False)


@contextmanager
def mails_held() -> Iterator[None]:
    """No mails about drafts inside this block (the demo's invented history owes none)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def _mail_later(
    kind: str, *, user_ids: list[int], draft: Draft | None = None,
    workspace_id: int | None = None, review_id: int | None = None,
) -> None:  # fmt: skip
    from touchbase.publishing.tasks import publishing_mail_task

    if _QUIET.get():
        return
    workspace_id = draft.workspace_id if draft is not None else workspace_id
    assert workspace_id is not None
    draft_id = draft.pk if draft is not None else None
    transaction.on_commit(
        lambda: publishing_mail_task.enqueue(
            kind=kind,
            workspace_id=workspace_id,
            draft_id=draft_id,
            user_ids=user_ids,
            review_id=review_id,
        )  # fmt: skip
    )
