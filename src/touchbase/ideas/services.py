"""Writes for ideas: posting, voting, comments, status and answer, merging, moderation, evidence.

Counts on an idea move only together with the rows they count, in one transaction, by
UPDATE … SET n = n ± 1 after the row's INSERT or DELETE succeeded. The database's unique
constraints decide a double vote: of two votes by one person at the same moment one insert
fails and counts nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process, utils

from touchbase.catalogue.models import Product
from touchbase.core.models import User, Workspace
from touchbase.core.webhooks import webhook_delivery_create
from touchbase.ideas.choices import IdeaStatus, MailKind
from touchbase.ideas.models import (
    Comment,
    Evidence,
    Idea,
    IdeaMail,
    PortalSettings,
    StatusChange,
    Subscription,
    Vote,
)
from touchbase.listening.models import Mention
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

# Votes fade with a half-life of a week in the trending order; EPOCH keeps exponents small
# (a double holds them for about thirty years after it).
TREND_HALF_LIFE = dt.timedelta(days=7)
TREND_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
_TREND_RATE = math.log(2) / TREND_HALF_LIFE.total_seconds()
SIMILAR_POOL = 2000
SIMILAR_MIN_SCORE = 55
MIN_SIMILAR_QUERY = 4
PENDING_KEPT = dt.timedelta(days=14)


class IdeaClosed(ValidationError):
    """The idea takes no votes or comments now (locked, hidden, merged or not public yet)."""


def vote_weight(at: dt.datetime) -> float:
    return math.exp((at - TREND_EPOCH).total_seconds() * _TREND_RATE)


def portal_settings(*, workspace: Workspace) -> PortalSettings:
    row = PortalSettings.objects.filter(workspace=workspace).first()
    if row is None:
        try:
            with transaction.atomic():
                row = PortalSettings.objects.create(workspace=workspace)
        except IntegrityError:
            row = PortalSettings.objects.get(workspace=workspace)
    return row


def portal_settings_save(*, row: PortalSettings, changes: dict[str, Any]) -> PortalSettings:
    for name, value in changes.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


def ideas_listed(*, workspace: Workspace) -> QuerySet[Idea]:
    return Idea.objects.filter(workspace=workspace, listed=True)


def public_path(idea: Idea) -> str:
    return reverse("ideas:portal-idea", args=[idea.workspace.slug, idea.pk])


def _listed_now(idea: Idea) -> bool:
    return idea.published_at is not None and idea.hidden_at is None and idea.merged_into_id is None


def _save_listing(idea: Idea, *fields: str) -> None:
    idea.listed = _listed_now(idea)
    idea.save(update_fields=[*fields, "listed"])


def contact_for_email(*, workspace: Workspace | int, email: str) -> Contact | None:
    """The customer with this address (the most recently changed one, when several share it)."""
    if not email:
        return None
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return (
        Contact.objects.filter(
            workspace_id=workspace_id, email__iexact=email.strip(), erased_at=None
        )
        .order_by("-updated_at")
        .first()
    )


def contact_id_for_email(*, workspace_id: int, email: str) -> int | None:
    """The id of contact_for_email's customer: one column, for the vote's hot path."""
    if not email:
        return None
    ids = Contact.objects.filter(
        workspace_id=workspace_id, email__iexact=email.strip(), erased_at=None
    ).order_by("-updated_at")
    return ids.values_list("pk", flat=True).first()


# --- posting -----------------------------------------------------------------------------------


def _product_of(workspace: Workspace, product: Product | None) -> Product | None:
    if product is not None and product.workspace_id != workspace.pk:
        raise ValidationError({"product": _("Choose one from this workspace.")})
    return product


def idea_post(
    *, workspace: Workspace, visitor: Visitor, title: str, text: str = "",
    product: Product | None = None, subscribe: bool = True, verified: bool | None = None,
) -> Idea:  # fmt: skip
    """A visitor's idea: public at once when `verified`, else once they confirm their address.

    `verified` says the writer proved the address (a remembered device); by default a
    confirmed visitor counts as proven, which only code that knows so may rely on — the
    portal passes it explicitly, since anyone can type a confirmed visitor's address.
    """
    visitors.writer_check(visitor)
    verified = visitor.is_confirmed if verified is None else verified
    now = timezone.now()
    # Only a proven writer speaks for the customer behind the address, or is mailed later.
    idea = Idea(
        workspace=workspace, product=_product_of(workspace, product), title=title.strip(),
        text=text.strip(), author_visitor=visitor,
        author_contact=contact_for_email(workspace=workspace, email=visitor.email)
        if verified else None,
        published_at=now if verified else None, created_at=now,
    )  # fmt: skip
    idea.listed = _listed_now(idea)
    idea.full_clean()
    with transaction.atomic():
        idea.save()
        if subscribe and verified:
            _subscribe(idea, visitor)
        if idea.listed:
            _idea_webhook(idea, "idea.created")
    return idea


def idea_create(
    *, workspace: Workspace, by: User, title: str, text: str = "",
    product: Product | None = None, contact: Contact | None = None,
) -> Idea:  # fmt: skip
    """An idea written down by a member (for a customer, when `contact` is given); public."""
    if contact is not None and contact.workspace_id != workspace.pk:
        raise ValidationError({"contact": _("Choose one from this workspace.")})
    now = timezone.now()
    idea = Idea(
        workspace=workspace, product=_product_of(workspace, product), title=title.strip(),
        text=text.strip(), author_member=by, author_contact=contact, published_at=now,
        created_at=now, listed=True,
    )  # fmt: skip
    idea.full_clean()
    with transaction.atomic():
        idea.save()
        _idea_webhook(idea, "idea.created")
    return idea


def _subscribe(idea: Idea, visitor: Visitor) -> None:
    Subscription.objects.bulk_create(
        [Subscription(workspace_id=idea.workspace_id, idea=idea, visitor=visitor)],
        ignore_conflicts=True,
    )


def subscription_start(*, idea: Idea, visitor: Visitor) -> None:
    """Status e-mails about this idea for the visitor (once, however often asked)."""
    _subscribe(idea, visitor)


def subscription_end(*, idea: Idea, visitor: Visitor) -> int:
    """Stop status e-mails about this idea for the visitor; returns how many rows went."""
    deleted, _rows = Subscription.objects.filter(idea=idea, visitor=visitor).delete()
    return deleted


def visitor_contributions_publish(*, visitor: Visitor, items: dict[str, Any]) -> None:
    """After a visitor followed a confirmation link: publish what that link names, only.

    items: {"idea": id} | {"vote": id} | {"comment": id}, with "sub": 1 when they asked for
    status e-mails. Other pending rows of the visitor stay pending (someone may have typed
    their address); a closed portal publishes nothing.
    """
    if not portal_settings(workspace=visitor.workspace).enabled:
        return
    idea_id = None
    if isinstance(items.get("idea"), int):
        idea_id = _idea_publish(visitor, items["idea"])
    elif isinstance(items.get("comment"), int):
        idea_id = _comment_publish(visitor, items["comment"])
    elif isinstance(items.get("vote"), int):
        vote = Vote.objects.filter(pk=items["vote"], visitor=visitor).first()
        if vote is not None:
            _pending_vote_count(vote)
            idea_id = vote.idea_id
    if idea_id is not None and items.get("sub"):
        _subscribe(Idea.objects.get(pk=idea_id), visitor)


def pending_describe(visitor: Visitor, items: dict[str, Any]) -> list[str]:
    """What a confirmation link with these items publishes, in words for its page."""
    if isinstance(items.get("idea"), int):
        idea = Idea.objects.filter(pk=items["idea"], author_visitor=visitor).first()
        return [_("Your idea: “%(title)s”") % {"title": idea.title}] if idea else []
    if isinstance(items.get("comment"), int):
        comment = (
            Comment.objects.filter(pk=items["comment"], visitor=visitor)
            .select_related("idea")
            .first()
        )
        if comment is None:
            return []
        return [_("Your comment on “%(title)s”: %(text)s") % {
            "title": comment.idea.title, "text": comment.text[:300]}]  # fmt: skip
    if isinstance(items.get("vote"), int):
        vote = Vote.objects.filter(pk=items["vote"], visitor=visitor).select_related("idea").first()
        return [_("Your vote for “%(title)s”") % {"title": vote.idea.title}] if vote else []
    return []


def _idea_publish(visitor: Visitor, idea_id: int) -> int | None:
    idea = Idea.objects.filter(pk=idea_id, author_visitor=visitor).first()
    if idea is None:
        return None
    if idea.published_at is None:
        idea.published_at = timezone.now()
        idea.author_contact = contact_for_email(workspace=idea.workspace_id, email=visitor.email)
        _save_listing(idea, "published_at", "author_contact")
        if idea.listed:
            _idea_webhook(idea, "idea.created")
    return idea.pk


def _comment_publish(visitor: Visitor, comment_id: int) -> int | None:
    comment = Comment.objects.filter(pk=comment_id, visitor=visitor).first()
    if comment is None:
        return None
    if (
        Comment.objects.filter(pk=comment.pk, published_at=None).update(published_at=timezone.now())
        and comment.hidden_at is None
    ):
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + 1)
    return comment.idea_id


def pending_purge(*, now: dt.datetime | None = None) -> int:
    """Forget what was left pending and never confirmed within PENDING_KEPT; returns how many."""
    from touchbase.core.tenancy import scopes_disabled

    before = (now or timezone.now()) - PENDING_KEPT
    with scopes_disabled():
        deleted = Vote.objects.filter(counted=False, created_at__lt=before).delete()[0]
        deleted += Comment.objects.filter(published_at=None, created_at__lt=before).delete()[0]
        # An unconfirmed idea that staff worked on (evidence, a customer's vote) stays.
        deleted += (
            Idea.objects.filter(
                published_at=None, author_visitor__isnull=False, created_at__lt=before
            )
            .exclude(evidence__isnull=False)
            .exclude(votes__visitor=None, votes__contact__isnull=False)
            .delete()[0]
        )
    return deleted


# --- votes -------------------------------------------------------------------------------------


def _count(idea_id: int, sign: int, at: dt.datetime) -> None:
    Idea.objects.filter(pk=idea_id).update(
        vote_count=F("vote_count") + sign, trend_score=F("trend_score") + sign * vote_weight(at)
    )


def _open_for(idea: Idea) -> None:
    """Raise IdeaClosed unless the idea (as loaded: within this request) takes votes."""
    if not idea.listed or idea.locked_at is not None:
        raise IdeaClosed(_("This idea takes no votes or comments at the moment."))


def vote_cast(
    *, idea: Idea, visitor: Visitor, subscribe: bool = True, verified: bool | None = None
) -> Vote:
    """The visitor's vote for the idea (the existing one when they voted before).

    Counted at once when `verified` (see idea_post), else when they confirm their address.
    """
    visitors.writer_check(visitor)
    _open_for(idea)
    now = timezone.now()
    vote = Vote(
        workspace_id=idea.workspace_id, idea=idea, visitor=visitor, created_at=now,
        contact_id=contact_id_for_email(workspace_id=idea.workspace_id, email=visitor.email),
        counted=visitor.is_confirmed if verified is None else verified,
    )  # fmt: skip
    try:
        with transaction.atomic():
            vote.save()
            if vote.counted:
                _count(idea.pk, +1, now)
                _proxies_superseded(idea.pk, vote.contact_id)
                if subscribe:
                    _subscribe(idea, visitor)
    except IntegrityError:
        existing = Vote.objects.get(idea=idea, visitor=visitor)
        if vote.counted and not existing.counted:
            _pending_vote_count(existing)
        return existing
    return vote


def _pending_vote_count(vote: Vote) -> None:
    """Count a vote left pending (typed address) now that its visitor proved the address."""
    with transaction.atomic():
        if Vote.objects.filter(pk=vote.pk, counted=False).update(counted=True):
            _count(vote.idea_id, +1, vote.created_at)
            _proxies_superseded(vote.idea_id, vote.contact_id)
            vote.counted = True


def _proxies_superseded(idea_id: int, contact_id: int | None) -> None:
    """A customer who now votes themselves replaces the vote staff gave on their behalf."""
    if contact_id is None:
        return
    for proxy in Vote.objects.filter(idea_id=idea_id, contact_id=contact_id, visitor=None):
        if Vote.objects.filter(pk=proxy.pk).delete()[0]:
            _count(idea_id, -1, proxy.created_at)
            # What staff noted when they spoke to the customer stays with the customer's vote.
            Vote.objects.filter(
                idea_id=idea_id, contact_id=contact_id, visitor__isnull=False, note=""
            ).update(note=proxy.note)


def vote_retract(*, idea: Idea, visitor: Visitor) -> bool:
    """Take the visitor's vote back; False when there was none."""
    with transaction.atomic():
        vote = Vote.objects.filter(idea=idea, visitor=visitor).first()
        if vote is None:
            return False
        deleted, _rows = Vote.objects.filter(pk=vote.pk).delete()
        if deleted and vote.counted:
            _count(idea.pk, -1, vote.created_at)
    return bool(deleted)


def vote_for_customer(*, idea: Idea, contact: Contact, by: User, note: str = "") -> Vote:
    """A member's vote on behalf of a customer they spoke to, recorded as such; once each."""
    if contact.workspace_id != idea.workspace_id:
        raise ValidationError({"contact": _("Choose one from this workspace.")})
    if idea.merged_into_id is not None:
        raise IdeaClosed(_("This idea was merged into another; vote there."))
    existing = (
        Vote.objects.filter(idea=idea, contact=contact)
        .filter(Q(visitor=None) | Q(counted=True))
        .first()
    )
    if existing is not None:
        return existing  # their own vote or an earlier one given for them: a customer is one
    now = timezone.now()
    vote = Vote(
        workspace_id=idea.workspace_id, idea=idea, contact=contact, recorded_by=by,
        note=note[:300], counted=True, created_at=now,
    )  # fmt: skip
    try:
        with transaction.atomic():
            vote.save()
            _count(idea.pk, +1, now)
    except IntegrityError:
        return Vote.objects.get(idea=idea, contact=contact, visitor=None)
    return vote


def vote_for_customer_retract(*, idea: Idea, contact: Contact) -> bool:
    with transaction.atomic():
        vote = Vote.objects.filter(idea=idea, contact=contact, visitor=None).first()
        if vote is None:
            return False
        deleted, _rows = Vote.objects.filter(pk=vote.pk).delete()
        if deleted:
            _count(idea.pk, -1, vote.created_at)
    return bool(deleted)


# --- comments and moderation -------------------------------------------------------------------


def comment_post(
    *, idea: Idea, text: str, visitor: Visitor | None = None, member: User | None = None,
    subscribe: bool = True, verified: bool | None = None,
) -> Comment:  # fmt: skip
    """A comment by a visitor (public when `verified`, see idea_post) or by a member."""
    if visitor is not None:
        visitors.writer_check(visitor)
    _open_for(idea)
    if verified is None:
        verified = visitor is not None and visitor.is_confirmed
    public = member is not None or verified
    now = timezone.now()
    comment = Comment(
        workspace_id=idea.workspace_id, idea=idea, visitor=visitor, member=member,
        text=text.strip(), published_at=now if public else None, created_at=now,
    )  # fmt: skip
    comment.full_clean(exclude=["idea", "visitor", "member"])
    with transaction.atomic():
        comment.save()
        if public:
            Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
        if visitor is not None and subscribe and verified:
            _subscribe(idea, visitor)
    return comment


def _uncount_comment(comment: Comment) -> None:
    if comment.is_public:
        Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") - 1)


def comment_hide(*, comment: Comment, hidden: bool) -> Comment:
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if hidden == (comment.hidden_at is not None):
            return comment
        if hidden:
            _uncount_comment(comment)
            comment.hidden_at = timezone.now()
        else:
            comment.hidden_at = None
            if comment.published_at is not None:
                Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") + 1)
        comment.save(update_fields=["hidden_at"])
    return comment


def comment_delete(*, comment: Comment) -> None:
    with transaction.atomic():
        row = Comment.objects.select_for_update().filter(pk=comment.pk).first()
        if row is not None:
            _uncount_comment(row)
            row.delete()


def idea_hide(*, idea: Idea, hidden: bool) -> Idea:
    idea.hidden_at = timezone.now() if hidden else None
    _save_listing(idea, "hidden_at")
    return idea


def idea_lock(*, idea: Idea, locked: bool) -> Idea:
    idea.locked_at = timezone.now() if locked else None
    idea.save(update_fields=["locked_at"])
    return idea


def idea_edit(*, idea: Idea, changes: dict[str, Any]) -> Idea:
    """Staff correct title, text or product (a typo, the right product)."""
    for name in ("title", "text"):
        if name in changes:
            setattr(idea, name, str(changes[name]).strip())
    if "product" in changes:
        idea.product = _product_of(idea.workspace, changes["product"])
    idea.full_clean()
    idea.save(update_fields=["title", "text", "product"])
    return idea


# --- status and answer -------------------------------------------------------------------------


def status_set(*, idea: Idea, status: str, answer: str, by: User) -> StatusChange | None:
    """Set the status and the official answer; subscribers are mailed when the status moved.

    Returns the recorded change, or None when neither status nor answer changed.
    """
    if status not in IdeaStatus.values:
        raise ValidationError({"status": _("Choose a valid status.")})
    answer = answer.strip()
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        if status == idea.status and answer == idea.answer:
            return None
        now = timezone.now()
        change = StatusChange.objects.create(
            workspace_id=idea.workspace_id, idea=idea, old_status=idea.status,
            new_status=status, answer=answer, by=by, at=now,
        )  # fmt: skip
        moved = status != idea.status
        idea.status, idea.answer = status, answer
        idea.answered_at, idea.answered_by = (now, by) if answer else (None, None)
        if moved:
            idea.status_changed_at = now
        idea.full_clean()
        idea.save(
            update_fields=["status", "answer", "answered_at", "answered_by", "status_changed_at"]
        )
        if moved:
            _mails_owe(idea, kind=MailKind.STATUS, change=change)
            _idea_webhook(idea, "idea.status_changed", old_status=change.old_status)
    return change


def _mails_owe(
    idea: Idea, *, kind: str, change: StatusChange | None = None, target: Idea | None = None
) -> int:
    from touchbase.ideas.mails import idea_mails_send_later

    visitor_ids = Subscription.objects.filter(
        idea=idea, visitor__blocked_at=None, visitor__confirmed_at__isnull=False
    ).values_list("visitor_id", flat=True)
    mails = IdeaMail.objects.bulk_create(
        IdeaMail(
            workspace_id=idea.workspace_id,
            idea=idea,
            visitor_id=visitor_id,
            kind=kind,
            change=change,
            target=target,
        )  # fmt: skip
        for visitor_id in visitor_ids
    )
    idea_mails_send_later(workspace_id=idea.workspace_id)
    return len(mails)


# --- merging -----------------------------------------------------------------------------------


def idea_merge(*, source: Idea, target: Idea, by: User) -> Idea:
    """Merge a duplicate into `target`: its votes, comments, evidence and subscribers move.

    A person who voted for both keeps one vote. The duplicate stays as a row that points to
    the target (its public address redirects there); its subscribers are told.
    """
    if source.pk == target.pk:
        raise ValidationError({"target": _("An idea cannot be merged into itself.")})
    if source.workspace_id != target.workspace_id:
        raise ValidationError({"target": _("Choose one from this workspace.")})
    with transaction.atomic():
        locked = {
            row.pk: row
            for row in Idea.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
        }
        source, target = locked[source.pk], locked[target.pk]
        if source.merged_into_id is not None or target.merged_into_id is not None:
            raise ValidationError({"target": _("Merged ideas cannot be merged again.")})
        if not target.listed:
            # A hidden or unconfirmed target would hide what moves (and an unconfirmed one
            # is purged after a while, with everything merged into it).
            raise ValidationError({"target": _("Merge into an idea that is on the portal.")})
        _mails_owe(source, kind=MailKind.MERGED, target=target)
        _votes_move(source, target)
        _comments_move(source, target)
        _unique_rows_move(Evidence.objects.filter(idea=source), target, ("mention", "touchpoint"))
        _unique_rows_move(Subscription.objects.filter(idea=source), target, ("visitor",))
        IdeaMail.objects.filter(target=source, sent_at=None).update(target=target)
        Idea.objects.filter(merged_into=source).update(merged_into=target)
        source.merged_into, source.merged_at = target, timezone.now()
        source.vote_count, source.comment_count, source.trend_score = 0, 0, 0.0
        _save_listing(
            source, "merged_into", "merged_at", "vote_count", "comment_count", "trend_score"
        )
        _recount(target)
    return target


def _votes_move(source: Idea, target: Idea) -> None:
    # A person with a counted vote on the duplicate and a pending one on the target keeps
    # the counted one.
    counted_there = Vote.objects.filter(idea=source, counted=True, visitor__isnull=False)
    Vote.objects.filter(
        idea=target, counted=False, visitor_id__in=counted_there.values("visitor_id")
    ).delete()
    by_visitor = Vote.objects.filter(idea=target, visitor__isnull=False).values("visitor_id")
    by_customer = Vote.objects.filter(
        idea=target, visitor__isnull=True, contact__isnull=False
    ).values("contact_id")
    Vote.objects.filter(idea=source).filter(
        Q(visitor_id__in=by_visitor) | Q(visitor__isnull=True, contact_id__in=by_customer)
    ).delete()
    Vote.objects.filter(idea=source).update(idea=target)
    own = Vote.objects.filter(idea=target, counted=True, visitor__isnull=False)
    Vote.objects.filter(idea=target, visitor=None, contact_id__in=own.values("contact_id")).delete()


def _comments_move(source: Idea, target: Idea) -> None:
    Comment.objects.filter(idea=source).update(idea=target)


def _unique_rows_move(rows: QuerySet[Any], target: Idea, keys: tuple[str, ...]) -> None:
    for row in rows:
        taken = Q()
        for key in keys:
            value = getattr(row, f"{key}_id")
            if value is not None:
                taken |= Q(**{f"{key}_id": value})
        if taken and type(row).objects.filter(taken, idea=target).exists():
            row.delete()
        else:
            type(row).objects.filter(pk=row.pk).update(idea=target)


def _recount(idea: Idea) -> None:
    """Counts from the rows themselves (after a merge moved many at once)."""
    counted = Vote.objects.filter(idea=idea, counted=True)
    trend = 0.0
    for at in counted.values_list("created_at", flat=True).iterator(chunk_size=5000):
        trend += vote_weight(at)
    Idea.objects.filter(pk=idea.pk).update(
        vote_count=counted.count(),
        trend_score=trend,
        comment_count=Comment.objects.filter(
            idea=idea, published_at__isnull=False, hidden_at=None
        ).count(),
    )


def merged_target(idea: Idea) -> Idea:
    """Where a merged idea lives on now (following merges of merges, a bounded number)."""
    seen = 0
    while idea.merged_into_id is not None and seen < 20:
        idea = Idea.objects.get(pk=idea.merged_into_id)
        seen += 1
    return idea


# --- evidence ----------------------------------------------------------------------------------


def evidence_attach(
    *, idea: Idea, by: User, mention: Mention | None = None,
    touchpoint: Touchpoint | None = None, quote: str = "",
) -> Evidence:  # fmt: skip
    """Attach what a customer said (a mention or a touchpoint's note) to the idea; once each."""
    if (mention is None) == (touchpoint is None):
        raise ValidationError(_("Attach either a mention or a touchpoint."))
    source: Any = mention or touchpoint
    if source.workspace_id != idea.workspace_id:
        raise ValidationError(_("Choose one from this workspace."))
    idea = merged_target(idea)
    if mention is not None:
        existing = Evidence.objects.filter(idea=idea, mention=mention).first()
        contact = mention.contact or contact_for_email(
            workspace=idea.workspace, email=mention.author_email
        )
        said = quote or mention.text
    else:
        assert touchpoint is not None
        existing = Evidence.objects.filter(idea=idea, touchpoint=touchpoint).first()
        contact, said = touchpoint.contact, quote or touchpoint.summary
    if existing is not None:
        return existing
    evidence = Evidence(
        workspace_id=idea.workspace_id, idea=idea, mention=mention, touchpoint=touchpoint,
        contact=contact, quote=said[:5000], added_by=by,
    )  # fmt: skip
    try:
        with transaction.atomic():
            evidence.save()
    except IntegrityError:
        return Evidence.objects.get(idea=idea, mention=mention, touchpoint=touchpoint)
    return evidence


def idea_from_evidence(
    *, workspace: Workspace, by: User, title: str, text: str = "",
    product: Product | None = None, mention: Mention | None = None,
    touchpoint: Touchpoint | None = None,
) -> Idea:  # fmt: skip
    """A new idea from a mention or a touchpoint's note, with it attached as evidence."""
    source: Any = mention or touchpoint
    contact = source.contact if source is not None else None
    if contact is None and mention is not None:
        contact = contact_for_email(workspace=workspace, email=mention.author_email)
    with transaction.atomic():
        idea = idea_create(
            workspace=workspace, by=by, title=title, text=text, product=product, contact=contact
        )
        evidence_attach(idea=idea, by=by, mention=mention, touchpoint=touchpoint)
    return idea


# --- similar ideas -----------------------------------------------------------------------------


def similar_ideas(*, workspace: Workspace, title: str, limit: int = 5) -> list[Idea]:
    """Listed ideas whose title resembles `title`, best first (among the most voted)."""
    query = title.strip()[:140]
    # What the matcher compares: punctuation gone, so "ab!!" is two letters, not four.
    if len(utils.default_process(query).replace(" ", "")) < MIN_SIMILAR_QUERY:
        return []
    pool = dict(
        ideas_listed(workspace=workspace)
        .order_by("-vote_count", "-id")
        .values_list("id", "title")[:SIMILAR_POOL]
    )
    found = process.extract(
        query, pool, scorer=fuzz.WRatio, processor=utils.default_process, limit=limit,
        score_cutoff=SIMILAR_MIN_SCORE,
    )  # fmt: skip
    order = [key for _title, _score, key in found]
    rows = Idea.objects.in_bulk(order)
    return [rows[key] for key in order if key in rows]


# --- webhook -----------------------------------------------------------------------------------


def idea_payload(idea: Idea) -> dict[str, Any]:
    from touchbase.core.signing import absolute_url

    return {
        "id": idea.pk,
        "title": idea.title,
        "text": idea.text,
        "status": idea.status,
        "answer": idea.answer,
        "product": idea.product.name if idea.product else None,
        "product_id": idea.product_id,
        "votes": Idea.objects.filter(pk=idea.pk).values_list("vote_count", flat=True).first(),
        "url": absolute_url(path=public_path(idea)),
        "created_at": idea.created_at.isoformat(),
    }


def _idea_webhook(idea: Idea, event: str, **extra: Any) -> None:
    settings = portal_settings(workspace=idea.workspace)
    if not settings.webhook_url:
        return
    webhook_delivery_create(
        workspace=idea.workspace, url=settings.webhook_url, secret=settings.webhook_secret,
        event=event, payload={**idea_payload(idea), **extra},
    )  # fmt: skip
