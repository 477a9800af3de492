"""What goes out under the company's name, who read it first, and where it went.

A draft keeps every version it had; reviews belong to one version, so a new version starts
the count again. When the draft is published its current version is copied into the public
columns (public_title, public_html, …), so the news page reads one table by an index and a
later edit changes nothing public until it is approved and published in its turn.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import Workspace, WorkspaceOwned
from touchbase.publishing.choices import (
    AuditAction,
    ChannelKind,
    CommentState,
    DraftState,
    Operation,
    Verdict,
)
from touchbase.visitors.models import Visitor

MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 50_000
MAX_COMMENT_LENGTH = 2000
MAX_NOTE_LENGTH = 2000
MAX_TAGS = 10
SCORE = [MinValueValidator(1), MaxValueValidator(10)]


class Channel(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    key = models.SlugField(max_length=40, blank=True)  # set on the shipped defaults only
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(
        _("kind"), max_length=20, choices=ChannelKind.choices, default=ChannelKind.OTHER
    )
    permanence = models.PositiveSmallIntegerField(
        _("permanence"), validators=SCORE,
        help_text=_("1–10: how long what goes out stays retrievable."),
    )  # fmt: skip
    control = models.PositiveSmallIntegerField(
        _("control"), validators=SCORE,
        help_text=_("1–10: how far we can still change or withdraw it afterwards."),
    )  # fmt: skip
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="unique_channel_name"),
            models.CheckConstraint(
                condition=Q(permanence__gte=1, permanence__lte=10, control__gte=1, control__lte=10),
                name="channel_scores_1_to_10",
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def risk(self) -> int:
        """How many reviewers this channel alone asks for."""
        return max(0, self.permanence - self.control)


class SensitiveTopic(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    phrase = models.CharField(_("word or phrase"), max_length=80)

    class Meta:
        ordering = ["phrase"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "phrase"], name="unique_sensitive_topic")
        ]

    def __str__(self) -> str:
        return self.phrase


class Tag(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=40)
    slug = models.SlugField(max_length=50, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="unique_tag")]

    def __str__(self) -> str:
        return self.name


class Draft(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    body = models.TextField(
        _("text"), max_length=MAX_BODY_LENGTH, blank=True, help_text=_("Markdown.")
    )
    image = models.ImageField(_("image"), upload_to="publishing/%Y/%m/", blank=True)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True)
    channels = models.ManyToManyField(Channel, blank=True, related_name="drafts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="drafts")
    planned_at = models.DateTimeField(_("planned for"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=DraftState.choices, default=DraftState.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What the news page shows: a copy of the version that was published.
    on_news = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    published_version = models.PositiveIntegerField(null=True, blank=True)
    public_title = models.CharField(max_length=MAX_TITLE_LENGTH, blank=True)
    public_html = models.TextField(blank=True)
    public_summary = models.CharField(max_length=400, blank=True)
    public_tags = models.JSONField(default=list, blank=True)  # [[slug, name], …]
    public_tag_set = models.ManyToManyField(Tag, blank=True, related_name="public_posts")
    # The image file as published: a later edit may upload another, unreviewed one.
    public_image = models.CharField(max_length=200, blank=True)
    public_image_alt = models.CharField(max_length=200, blank=True)
    public_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["workspace", "-published_at"],
                name="news_page_order",
                condition=Q(on_news=True),
            ),  # fmt: skip
            models.Index(fields=["state", "planned_at"], name="draft_due"),
        ]

    def __str__(self) -> str:
        return self.title


class DraftVersion(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=MAX_TITLE_LENGTH)
    body = models.TextField(blank=True)
    channel_names = models.JSONField(default=list)
    # Which channels this version was reviewed for: a channel added later never was.
    channel_ids = models.JSONField(default=list)
    tag_names = models.JSONField(default=list)
    planned_at = models.DateTimeField(null=True, blank=True)
    image = models.CharField(max_length=200, blank=True)
    image_alt = models.CharField(max_length=200, blank=True)
    required = models.PositiveSmallIntegerField(default=0)
    reasons = models.JSONField(default=list)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="unique_draft_version")
        ]


class ReviewRequest(WorkspaceOwned):
    """A member asked to read a draft: it is in their queue and they got a mail."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="requests")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["draft", "reviewer"], name="unique_review_request")
        ]


class Review(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="reviews")
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    comment = models.TextField(_("comment"), max_length=MAX_NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        # One verdict per person and version, kept by the database: two clicks at once
        # (or two reviewers at once) can never count one person twice.
        constraints = [
            models.UniqueConstraint(fields=["version", "reviewer"], name="one_review_per_version")
        ]


class AuditEntry(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="audit")
    version = models.PositiveIntegerField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=30, choices=AuditAction.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class ChannelPublication(WorkspaceOwned):
    """Where a published draft went by hand, and its address there."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="publications")
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    channel_name = models.CharField(max_length=80)
    url = models.URLField(_("address"), max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["channel_name"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "channel"], name="unique_channel_publication")
        ]


class NewsSettings(WorkspaceOwned):
    workspace = models.OneToOneField(Workspace, on_delete=models.CASCADE, related_name="news")
    enabled = models.BooleanField(
        _("news page is open"), default=True,
        help_text=_("When closed, the public news page and its feed answer “not found”."),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=100, blank=True)
    intro = models.TextField(_("welcome text"), max_length=1000, blank=True)
    comments_open = models.BooleanField(_("comments are open"), default=True)
    defaults_loaded = models.BooleanField(default=False)  # the default channels, once
    # Bumped on every change that shows on the public pages; part of their cache keys.
    cache_version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("news page settings")


class NewsComment(WorkspaceOwned):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="comments")
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, null=True, blank=True, related_name="news_comments"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author_name = models.CharField(max_length=80, blank=True)
    text = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    state = models.CharField(max_length=20, choices=CommentState.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["workspace", "state"], name="news_comment_state")]


class ReachabilityNotice(WorkspaceOwned):
    """How to reach the company right now: one text, shown wherever customers look."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="reachability_notice"
    )
    reach = models.TextField(
        _("how to reach us now"), max_length=1000, blank=True,
        help_text=_("Phone, e-mail, opening hours — what works today."),
    )  # fmt: skip
    measures = models.TextField(_("protective measures"), max_length=1000, blank=True)
    operation = models.CharField(
        _("operation"), max_length=20, choices=Operation.choices, default=Operation.REGULAR
    )
    operation_note = models.CharField(_("about operation"), max_length=300, blank=True)
    booking = models.TextField(_("how to book an appointment"), max_length=1000, blank=True)
    booking_url = models.URLField(_("booking address"), max_length=500, blank=True)
    show_banner = models.BooleanField(_("show as banner on the news page"), default=True)
    review_every_days = models.PositiveSmallIntegerField(
        _("review every (days)"), default=30, validators=[MinValueValidator(1),
                                                          MaxValueValidator(365)],
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("last reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reachability notice")

    @property
    def is_empty(self) -> bool:
        return not (self.reach or self.measures or self.booking or self.operation_note)


# Signatures, banners, partners and presences live in their own module; importing them here
# is how Django finds them in this app.
from touchbase.publishing.models_reach import (  # noqa: E402, F401
    Banner,
    BannerWeek,
    CompanyProfile,
    Partner,
    Presence,
    PresenceCheck,
    SignatureProfile,
)
