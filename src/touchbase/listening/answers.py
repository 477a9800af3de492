"""Answering mentions: replies (touchpoints when the author is a customer), owners, closing.

Silence is the metric: a negative mention leaves the response queue by an answer, or — when
it is spam or not about the company — by closing it with a reason, counted apart from answers.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.models import User, Workspace
from touchbase.listening.choices import CloseReason, ReplyChannel
from touchbase.listening.models import MAX_TEXT_LENGTH, Mention, Reply
from touchbase.listening.services import listening_settings
from touchbase.relationships.choices import Channel, Direction
from touchbase.relationships.models import Touchpoint
from touchbase.relationships.services import touchpoint_log

REPLY_KIND = "mention-reply"
MAX_NOTE_LENGTH = 500

# A call or an e-mail in answer is that channel's contact on the timeline; a public reply or a
# private message on the platform is a review reply.
TOUCHPOINT_CHANNELS = {
    ReplyChannel.SOURCE: Channel.REVIEW_REPLY,
    ReplyChannel.EMAIL: Channel.EMAIL,
    ReplyChannel.PHONE: Channel.PHONE,
    ReplyChannel.MESSAGE: Channel.REVIEW_REPLY,
}


def answerers(*, workspace: Workspace) -> QuerySet[User]:
    """Members who may answer mentions: the people a mention can be given to."""
    return User.objects.filter(
        memberships__workspace=workspace,
        memberships__role__in=roles_with(Capability.LISTENING_ANSWER),
        is_active=True,
    ).order_by("first_name", "last_name", "username")


def reply_record(*, mention: Mention, by: User, text: str, channel: str) -> Reply:
    """Record what was answered and where; the first reply marks the mention answered.

    Steps: check the text and channel; store the reply; when the author is a (not erased)
    customer, log it as an outbound personal touchpoint on their timeline; stamp answered_at
    with the first reply's time (in one UPDATE, so two first replies cannot both stamp); an
    answer after a closing reopens the mention, since it was worth answering after all.
    """
    text = text.strip()
    errors = {}
    if not text:
        errors["text"] = _("Write what was answered (for a call: what was said).")
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("At most %(count)d characters.") % {"count": MAX_TEXT_LENGTH}
    if channel not in ReplyChannel.values:
        errors["channel"] = _("Choose where it was answered.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reply = Reply.objects.create(
            workspace=mention.workspace, mention=mention, by=by, text=text, channel=channel
        )
        reply.touchpoint = _on_timeline(mention, reply)
        if reply.touchpoint is not None:
            reply.save(update_fields=["touchpoint"])
        Mention.objects.filter(pk=mention.pk, answered_at=None).update(answered_at=reply.created_at)
        Mention.objects.filter(pk=mention.pk).update(
            closed_at=None, close_reason="", close_note="", closed_by=None
        )
    mention.refresh_from_db()
    return reply


def replies_on_timeline(*, mention: Mention) -> int:
    """Log the replies given before the author was known as a customer; returns how many."""
    logged = 0
    for reply in mention.replies.filter(touchpoint=None).select_related("by"):
        reply.touchpoint = _on_timeline(mention, reply)
        if reply.touchpoint is not None:
            reply.save(update_fields=["touchpoint"])
            logged += 1
    return logged


def _on_timeline(mention: Mention, reply: Reply) -> Touchpoint | None:
    contact = mention.contact
    if contact is None or contact.is_erased:
        return None
    return touchpoint_log(
        workspace=mention.workspace, channel=TOUCHPOINT_CHANNELS[ReplyChannel(reply.channel)],
        occurred_at=reply.created_at, logged_by=reply.by, contact=contact,
        direction=Direction.OUTBOUND, is_personal=True, summary=reply.text,
        source_kind=REPLY_KIND, source_id=mention.pk,
    )  # fmt: skip


def mention_assign(*, mention: Mention, owner: User | None) -> Mention:
    """Give the mention to a member who may answer it (None: nobody in particular)."""
    may_answer = answerers(workspace=mention.workspace)
    if owner is not None and not may_answer.filter(pk=owner.pk).exists():
        raise ValidationError({"owner": _("Choose a member who may answer mentions.")})
    mention.owner = owner
    mention.save(update_fields=["owner"])
    return mention


def mention_queue(*, mention: Mention, by: User, now: dt.datetime | None = None) -> Mention:
    """Put a mention in the response queue by hand (one that was not read as negative).

    It gets the workspace's answer time from now, and stays with its owner, or the one who
    queued it.
    """
    if mention.answered_at is not None:
        raise ValidationError(_("This mention is answered already."))
    if mention.is_queued:
        return mention
    now = now or timezone.now()
    hours = listening_settings(workspace=mention.workspace).response_sla_hours
    mention.due_at = now + dt.timedelta(hours=hours)
    mention.owner = mention.owner or by
    mention.closed_at, mention.close_reason, mention.close_note, mention.closed_by = (
        None, "", "", None,
    )  # fmt: skip
    mention.save(
        update_fields=["due_at", "owner", "closed_at", "close_reason", "close_note", "closed_by"]
    )
    return mention


def mention_close(*, mention: Mention, by: User, reason: str, note: str = "") -> Mention:
    """Take an unanswered mention out of the queue as spam or not about us, with a reason."""
    errors = {}
    if reason not in CloseReason.values:
        errors["reason"] = _("Choose why it needs no answer.")
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = _("At most %(count)d characters.") % {"count": MAX_NOTE_LENGTH}
    if errors:
        raise ValidationError(errors)
    if mention.answered_at is not None:
        raise ValidationError(_("This mention is answered already."))
    mention.closed_at = timezone.now()
    mention.close_reason = reason
    mention.close_note = note.strip()
    mention.closed_by = by
    mention.save(update_fields=["closed_at", "close_reason", "close_note", "closed_by"])
    return mention


def mention_reopen(*, mention: Mention) -> Mention:
    """Undo a closing: the mention is back in the queue with its old due time."""
    mention.closed_at, mention.close_reason, mention.close_note, mention.closed_by = (
        None, "", "", None,
    )  # fmt: skip
    mention.save(update_fields=["closed_at", "close_reason", "close_note", "closed_by"])
    return mention
