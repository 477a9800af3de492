"""Ideas from customers, their votes and comments, and what the team decided about them.

An idea is public ("listed") once its author confirmed their address, while not hidden by a
moderator and not merged into another. Counts on the idea (votes, comments, trend) are kept
by the services in the same transaction as the rows they count, so lists sort by an index.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.catalogue.models import Product
from touchbase.core.models import Workspace, WorkspaceOwned
from touchbase.ideas.choices import IdeaStatus, MailKind
from touchbase.listening.models import Mention
from touchbase.relationships.models import Contact, Touchpoint
from touchbase.visitors.models import Visitor

MAX_TITLE_LENGTH = 140
MAX_TEXT_LENGTH = 5000
MAX_COMMENT_LENGTH = 2000
MAX_ANSWER_LENGTH = 5000


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class PortalSettings(WorkspaceOwned):
    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="idea_portal"
    )
    enabled = models.BooleanField(
        _("portal is open"), default=True,
        help_text=_("When closed, the public portal answers “not found”."),
    )  # fmt: skip
    intro = models.TextField(
        _("welcome text"), max_length=1000, blank=True,
        help_text=_("Shown above the ideas; plain text."),
    )  # fmt: skip
    webhook_url = models.URLField(
        _("webhook address"), blank=True,
        help_text=_("Receives new ideas and status changes as signed JSON (for a tracker)."),
    )  # fmt: skip
    webhook_secret = models.CharField(max_length=80, default=new_webhook_secret)

    class Meta:
        verbose_name = _("idea portal settings")


class Idea(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("product"),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    text = models.TextField(_("description"), max_length=MAX_TEXT_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    answer = models.TextField(_("official answer"), max_length=MAX_ANSWER_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    author_visitor = models.ForeignKey(
        Visitor, on_delete=models.SET_NULL, null=True, blank=True, related_name="ideas"
    )
    author_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    # The customer it came from, when staff wrote it down for them.
    author_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_ideas"
    )
    merged_at = models.DateTimeField(null=True, blank=True)
    # published, not hidden and not merged: what the portal lists.
    listed = models.BooleanField(default=False)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    # Σ exp(λ·(t_vote − EPOCH)) over counted votes: ordering by it orders by votes that fade
    # with a half-life, without rewriting any row as time passes (see services.vote_weight).
    trend_score = models.FloatField(default=0.0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["workspace", "listed", "-vote_count", "-id"], name="idea_top"),
            models.Index(
                fields=["workspace", "listed", "-trend_score", "-id"], name="idea_trending"
            ),
            models.Index(fields=["workspace", "listed", "-created_at"], name="idea_new"),
            models.Index(
                fields=["workspace", "listed", "product", "-vote_count"], name="idea_product_top"
            ),
            models.Index(fields=["workspace", "status"], name="idea_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class Vote(WorkspaceOwned):
    """One person's vote: a confirmed visitor's, or a customer's given by staff on their behalf."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, null=True, blank=True, related_name="idea_votes"
    )
    # The customer behind the vote: by the visitor's address, or the one staff spoke to.
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=300, blank=True)
    # False until the visitor confirmed their address: such a vote is not counted yet.
    counted = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "visitor"], condition=Q(visitor__isnull=False),
                name="vote_one_per_visitor",
            ),
            models.UniqueConstraint(
                fields=["idea", "contact"],
                condition=Q(visitor__isnull=True, contact__isnull=False),
                name="vote_one_per_customer",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["visitor", "idea"], name="vote_visitor")]


class Comment(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, null=True, blank=True, related_name="idea_comments"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    text = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    published_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["idea", "created_at"], name="comment_idea")]

    @property
    def is_public(self) -> bool:
        return self.published_at is not None and self.hidden_at is None


class Subscription(WorkspaceOwned):
    """A visitor who wants an e-mail when the idea's status changes."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="subscriptions")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "visitor"], name="subscription_once")
        ]


class StatusChange(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    new_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    answer = models.TextField(max_length=MAX_ANSWER_LENGTH, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)


class IdeaMail(WorkspaceOwned):
    """One e-mail owed to one visitor; sent by the worker, claimed by an UPDATE so once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=MailKind.choices)
    change = models.ForeignKey(StatusChange, on_delete=models.CASCADE, null=True, related_name="+")
    # For a merge: the idea it went into.
    target = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Set by the UPDATE that claims an attempt: others leave the mail alone until it is past.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "attempts"], name="idea_mail_due")]


class Evidence(WorkspaceOwned):
    """What a customer said that supports the idea: a mention or a touchpoint's note."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="evidence")
    mention = models.ForeignKey(
        Mention, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quote = models.TextField(_("what they said"), max_length=MAX_TEXT_LENGTH, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idea", "mention"], condition=Q(mention__isnull=False),
                name="evidence_mention_once",
            ),
            models.UniqueConstraint(
                fields=["idea", "touchpoint"], condition=Q(touchpoint__isnull=False),
                name="evidence_touchpoint_once",
            ),
        ]  # fmt: skip
