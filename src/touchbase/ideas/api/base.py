"""The ideas router, and what its operations share: output schemas and field names."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from touchbase.core.models import Workspace
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.ideas import selectors
from touchbase.ideas.models import Comment, Evidence, Idea
from touchbase.listening.models import Mention
from touchbase.relationships.models import Touchpoint

router = Router(tags=["ideas"])


class IdeaState(models.TextChoices):
    """Where an idea stands for the public portal (derived from its dates, never stored)."""

    PUBLIC = "public", _("Public")
    PENDING = "pending", _("Waiting for the author to confirm their address")
    HIDDEN = "hidden", _("Hidden by a moderator")
    MERGED = "merged", _("Merged into another idea")


class IdeaStateFilter(models.TextChoices):
    PUBLIC = IdeaState.PUBLIC.value, IdeaState.PUBLIC.label
    PENDING = IdeaState.PENDING.value, IdeaState.PENDING.label
    HIDDEN = IdeaState.HIDDEN.value, IdeaState.HIDDEN.label


def idea_state(idea: Idea) -> str:
    if idea.merged_into_id is not None:
        return IdeaState.MERGED
    if idea.hidden_at is not None:
        return IdeaState.HIDDEN
    if idea.published_at is None:
        return IdeaState.PENDING
    return IdeaState.PUBLIC


def author_kind(idea: Idea) -> str:
    if idea.author_visitor_id is not None:
        return "visitor"
    if idea.author_member_id is not None:
        return "member"
    return ""


class IdeaOut(Schema):
    id: int
    title: str
    text: str
    status: str
    answer: str
    answered_at: dt.datetime | None
    product_id: int | None
    product: str | None = Field(description="The product's name")
    author_kind: str = Field(description="visitor, member, or empty when the author was erased")
    author_name: str = Field(description="The public name; never a visitor's e-mail address")
    author_contact_id: int | None = Field(description="The customer it came from, if known")
    votes: int
    comments: int
    state: IdeaState
    locked: bool
    merged_into_id: int | None
    created_at: dt.datetime
    published_at: dt.datetime | None
    status_changed_at: dt.datetime | None

    @staticmethod
    def resolve_product(idea: Idea) -> str | None:
        return idea.product.name if idea.product else None

    @staticmethod
    def resolve_author_kind(idea: Idea) -> str:
        return author_kind(idea)

    @staticmethod
    def resolve_author_name(idea: Idea) -> str:
        if idea.author_visitor is not None:
            return idea.author_visitor.public_name
        if idea.author_member is not None:
            return idea.author_member.display_name
        return ""

    @staticmethod
    def resolve_votes(idea: Idea) -> int:
        return idea.vote_count

    @staticmethod
    def resolve_comments(idea: Idea) -> int:
        return idea.comment_count

    @staticmethod
    def resolve_state(idea: Idea) -> str:
        return idea_state(idea)

    @staticmethod
    def resolve_locked(idea: Idea) -> bool:
        return idea.is_locked


def _behind(idea: Idea) -> selectors.Backing:
    """The customers behind the idea, read once per answer however many fields show them."""
    found: selectors.Backing | None = idea.__dict__.get("_backing")
    if found is None:
        found = idea.__dict__["_backing"] = selectors.backing([idea.pk])[idea.pk]
    return found


class IdeaDetail(IdeaOut):
    customers: int = Field(description="Customers behind it: an account counts once")
    people: int = Field(description="Customers' people behind it (votes, evidence, authorship)")
    value: int = Field(description="The annual value of the customers behind it (EUR)")

    @staticmethod
    def resolve_customers(idea: Idea) -> int:
        return _behind(idea).accounts

    @staticmethod
    def resolve_people(idea: Idea) -> int:
        return len(_behind(idea).contacts)

    @staticmethod
    def resolve_value(idea: Idea) -> int:
        return _behind(idea).value


IDEA_RELATED = ("product", "author_visitor", "author_member")


def idea_row(workspace: Workspace, idea_id: int) -> Idea:
    """The workspace's idea with what its answer shows, or 404."""
    return owned_or_404(Idea.objects.select_related(*IDEA_RELATED), idea_id, workspace=workspace)


def idea_detail(idea: Idea) -> Idea:
    """The idea as stored now: counts move in the database, not on the instance."""
    return Idea.objects.select_related(*IDEA_RELATED).get(pk=idea.pk)


class IdeaCommentOut(Schema):
    id: int
    idea_id: int
    text: str
    author_kind: str = Field(description="visitor or member")
    author_name: str = Field(description="The public name; never a visitor's e-mail address")
    state: str = Field(description="public, pending (author not confirmed yet) or hidden")
    created_at: dt.datetime
    published_at: dt.datetime | None
    hidden_at: dt.datetime | None

    @staticmethod
    def resolve_author_kind(comment: Comment) -> str:
        if comment.visitor_id is not None:
            return "visitor"
        return "member" if comment.member_id is not None else ""

    @staticmethod
    def resolve_author_name(comment: Comment) -> str:
        if comment.visitor is not None:
            return comment.visitor.public_name
        return comment.member.display_name if comment.member is not None else ""

    @staticmethod
    def resolve_state(comment: Comment) -> str:
        if comment.hidden_at is not None:
            return "hidden"
        return "public" if comment.published_at is not None else "pending"


class IdeaEvidenceOut(Schema):
    id: int
    idea_id: int
    mention_id: int | None
    touchpoint_id: int | None
    contact_id: int | None
    quote: str
    added_by_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_added_by_id(evidence: Evidence) -> int | None:
        return evidence.added_by_id


def evidence_source(
    workspace: Workspace, mention_id: int | None, touchpoint_id: int | None
) -> tuple[Mention | None, Touchpoint | None]:
    """The mention or the touchpoint a body names (exactly one), of this workspace."""
    if (mention_id is None) == (touchpoint_id is None):
        message = gettext("Name either a mention or a touchpoint.")
        raise ValidationError({"mention_id": message, "touchpoint_id": message})
    if mention_id is not None:
        return owned_ref(Mention, mention_id, workspace=workspace, field="mention_id"), None
    return None, owned_ref(Touchpoint, touchpoint_id, workspace=workspace, field="touchpoint_id")
