"""What listening holds on one person, for the personal-data export and erasure in care.

A person's mentions are theirs when they were matched to the contact, or carry the contact's
e-mail. Erasure removes who wrote them and what they wrote, and what the team answered them
(an answer quotes and names its reader); the stars, the sentiment and when they were answered
stay, unattributed, so a product's ratings and the answer figures do not change because a
customer left.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from touchbase.listening.models import AuthorLink, Mention, Reply, ReviewInvitation
from touchbase.relationships.models import Contact


def _mentions_of(contact: Contact) -> QuerySet[Mention]:
    mine = Q(contact=contact)
    if contact.email:
        mine |= Q(author_email=contact.email.casefold())
    return Mention.objects.filter(mine, workspace_id=contact.workspace_id)


def mentions_export(contact: Contact) -> list[dict[str, Any]]:
    return [
        {
            "published_at": mention.published_at.isoformat(),
            "source": mention.source.name,
            "author": mention.author,
            "author_email": mention.author_email,
            "author_handle": mention.author_handle,
            "title": mention.title,
            "text": mention.text,
            "stars": mention.stars,
            "url": mention.url,
            "replies": [
                {"answered_at": reply.created_at.isoformat(), "channel": reply.channel,
                 "text": reply.text}
                for reply in mention.replies.all()
            ],
        }
        for mention in _mentions_of(contact)
        .select_related("source")
        .prefetch_related("replies")
        .order_by("published_at")
    ]  # fmt: skip


def mentions_erase(contact: Contact) -> None:
    Reply.objects.filter(mention__in=_mentions_of(contact)).update(text="")
    _mentions_of(contact).update(
        author="",
        author_email="",
        author_handle="",
        title="",
        text="",
        url="",
        reply_text="",
        contact=None,
    )
    AuthorLink.objects.filter(contact=contact).delete()


def invitations_export(contact: Contact) -> list[dict[str, Any]]:
    """The review invitations offered to the person: when, after what, and what came of it."""
    rows = ReviewInvitation.objects.filter(contact=contact, workspace_id=contact.workspace_id)
    return [
        {
            "offered_at": invitation.created_at.isoformat(),
            "after": invitation.trigger,
            "product": invitation.product.name if invitation.product else None,
            "status": invitation.status,
            "not_sent_because": invitation.skip_reason,
            "sent_at": invitation.sent_at.isoformat() if invitation.sent_at else None,
            "answered_at": invitation.answered_at.isoformat() if invitation.answered_at else None,
            "no_more_invitations_since": (
                invitation.opted_out_at.isoformat() if invitation.opted_out_at else None
            ),
        }
        for invitation in rows.select_related("product").order_by("created_at")
    ]


def invitations_erase(contact: Contact) -> None:
    """Nothing to remove: an invitation row holds no text about the person, and its answer is
    a mention, erased above; the rows keep the sent and answered figures true."""
