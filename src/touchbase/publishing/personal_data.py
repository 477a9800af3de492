"""What publishing holds on a person: a visitor's comments on the news page, a customer's
partner row (found by e-mail address), a member's signature data."""

from __future__ import annotations

from typing import Any

from touchbase.publishing.models import NewsComment
from touchbase.publishing.models_reach import Partner, SignatureProfile
from touchbase.publishing.services import news_cache_bump
from touchbase.visitors.models import Visitor


def visitor_comments_export(visitor: Visitor) -> dict[str, Any]:
    return {
        "news_comments": [
            {"post": title, "text": text, "state": state, "at": at.isoformat()}
            for title, text, state, at in NewsComment.objects.filter(visitor=visitor)
            .order_by("created_at")
            .values_list("draft__public_title", "text", "state", "created_at")
        ]
    }  # fmt: skip


def visitor_comments_erase(visitor: Visitor) -> None:
    """A visitor's comments go with them, and with them the staff replies to them."""
    if NewsComment.objects.filter(visitor=visitor).delete()[0]:
        news_cache_bump(workspace_id=visitor.workspace_id)


def contact_partner_export(contact: Any) -> dict[str, Any]:
    """A customer who is also a partner: the partner row kept under their e-mail address."""
    if not contact.email:
        return {"partners": []}
    rows = Partner.objects.filter(workspace=contact.workspace, email__iexact=contact.email)
    return {
        "partners": [
            {"name": p.name, "company": p.company, "email": p.email, "active": p.active,
             "last_signed_in": p.last_seen_at.isoformat() if p.last_seen_at else None}
            for p in rows
        ]
    }  # fmt: skip


def contact_partner_erase(contact: Any) -> None:
    if contact.email:
        Partner.objects.filter(workspace=contact.workspace, email__iexact=contact.email).delete()


def member_signature_forget(*, membership: Any, removed: bool) -> None:
    """A removed member's name, phones and photo leave with them; old mails show no banner."""
    if removed:
        SignatureProfile.objects.filter(
            workspace=membership.workspace, user=membership.user
        ).delete()
