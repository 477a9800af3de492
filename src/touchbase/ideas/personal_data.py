"""What ideas hold on one visitor, for the visitor's own export and erasure (and a contact's).

Erasure removes the visitor's votes, comments, subscriptions and unpublished ideas; their
published ideas stay for the others who voted on them, without an author.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F

from touchbase.ideas.models import Comment, Evidence, Idea, IdeaMail, Subscription, Vote
from touchbase.relationships.models import Contact
from touchbase.visitors.models import Visitor


def visitor_ideas_export(visitor: Visitor) -> dict[str, Any]:
    return {
        "ideas": [
            {"title": idea.title, "text": idea.text, "created_at": idea.created_at.isoformat(),
             "status": idea.status}
            for idea in Idea.objects.filter(author_visitor=visitor).order_by("created_at")
        ],
        "votes": [
            {"idea": title, "at": at.isoformat()}
            for title, at in Vote.objects.filter(visitor=visitor)
            .order_by("created_at").values_list("idea__title", "created_at")
        ],
        "comments": [
            {"idea": title, "text": text, "at": at.isoformat()}
            for title, text, at in Comment.objects.filter(visitor=visitor)
            .order_by("created_at").values_list("idea__title", "text", "created_at")
        ],
        "subscriptions": list(
            Subscription.objects.filter(visitor=visitor).values_list("idea__title", flat=True)
        ),
    }  # fmt: skip


def visitor_ideas_erase(visitor: Visitor) -> None:
    from touchbase.ideas.services import vote_retract

    for vote in Vote.objects.filter(visitor=visitor).select_related("idea"):
        vote_retract(idea=vote.idea, visitor=visitor)
    for comment in Comment.objects.filter(visitor=visitor):
        if comment.is_public:
            Idea.objects.filter(pk=comment.idea_id).update(comment_count=F("comment_count") - 1)
        comment.delete()
    Subscription.objects.filter(visitor=visitor).delete()
    IdeaMail.objects.filter(visitor=visitor).delete()
    # Never published, so nobody else voted on it: it goes with its writer.
    Idea.objects.filter(author_visitor=visitor, published_at=None).delete()
    Idea.objects.filter(author_visitor=visitor).update(author_visitor=None)


# --- a customer (contact), for the care app's export and erasure ------------------------------


def contact_ideas_export(contact: Contact) -> dict[str, Any]:
    """What ideas hold on a customer: what staff heard from them, votes given for them, ideas
    written down for them."""
    return {
        "evidence": [
            {"idea": title, "quote": quote, "at": at.isoformat()}
            for title, quote, at in Evidence.objects.filter(contact=contact)
            .order_by("created_at").values_list("idea__title", "quote", "created_at")
        ],
        "votes_given_for_them": [
            {"idea": title, "note": note, "at": at.isoformat()}
            for title, note, at in Vote.objects.filter(contact=contact, visitor=None)
            .order_by("created_at").values_list("idea__title", "note", "created_at")
        ],
        "ideas_written_for_them": list(
            Idea.objects.filter(author_contact=contact).values_list("title", flat=True)
        ),
    }  # fmt: skip


def contact_ideas_erase(contact: Contact) -> None:
    """Blank what they said (quotes of their mentions and call notes, notes on their votes).

    The votes and the links stay, so counts do not change; an erased contact no longer counts
    toward an idea's customer value (selectors.backing skips erased contacts).
    """
    Evidence.objects.filter(contact=contact).update(quote="")
    Vote.objects.filter(contact=contact).update(note="")
