"""Mentions, their sources and what the team does about them."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from touchbase.catalogue.models import Product
from touchbase.core.choices import Language
from touchbase.core.models import WebhookDelivery, Workspace, WorkspaceOwned
from touchbase.listening.choices import (
    ALERT_MESSAGES,
    AlertKind,
    CloseReason,
    IngestStatus,
    InvitationSkip,
    InvitationStatus,
    InvitationTrigger,
    MentionSentiment,
    RemovalStep,
    ReplyChannel,
    SourceKind,
)
from touchbase.relationships.models import Contact, Touchpoint

MAX_TEXT_LENGTH = 20_000


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Source(WorkspaceOwned):
    """Where mentions come from: a feed the worker polls, a webhook, files or hand entry."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sources")
    name = models.CharField(_("name"), max_length=120)
    name_key = models.CharField(max_length=400, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=10, choices=SourceKind.choices)
    # Shown with each mention ("Google", "Trustpilot", "Shop reviews").
    channel = models.CharField(_("channel"), max_length=60, blank=True)
    # The webhook's address names the source by this, never by its guessable id.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook_secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    feed_url = models.URLField(_("feed URL"), max_length=2000, blank=True)
    poll_minutes = models.PositiveIntegerField(_("poll every (minutes)"), default=60)
    feed_etag = models.CharField(max_length=500, blank=True, editable=False)
    feed_last_modified = models.CharField(max_length=100, blank=True, editable=False)
    next_poll_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    # Who answers its negative mentions when they come from nobody's customer.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "name_key"], name="unique_source_name_per_workspace"
            ),
        ]
        indexes = [models.Index(fields=["kind", "next_poll_at"], name="source_poll_due")]

    def __str__(self) -> str:
        return self.name


class Mention(WorkspaceOwned):
    """One review, post or comment about the company, as it arrived and as it was understood."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="mentions")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="mentions")
    # The same item by any path has the same key (services.mention_key), stored once.
    key = models.CharField(max_length=64, editable=False)
    external_id = models.CharField(_("ID at the source"), max_length=200, blank=True)
    channel = models.CharField(_("channel"), max_length=60, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_email = models.CharField(_("author's e-mail"), max_length=254, blank=True)
    author_handle = models.CharField(_("author's handle"), max_length=200, blank=True)
    url = models.CharField(_("URL"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("published"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    language = models.CharField(_("language"), max_length=8, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    stars = models.FloatField(_("stars"), null=True, blank=True)
    # A file's product column (name or SKU): linked besides what the text names.
    product_hint = models.CharField(max_length=200, blank=True, editable=False)
    # What the author's existing answer said, when a file brings one along.
    reply_text = models.TextField(_("reply"), blank=True)
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=MentionSentiment.choices, blank=True
    )
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)
    stars_estimated = models.FloatField(_("estimated stars"), null=True, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The customer it comes from, when the author could be matched; a contact's deletion
    # keeps the mention (it is about the company, not the person).
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Out of the queue without an answer (spam, not about us): shown and counted apart, so
    # closing can never pass for answering.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Database defaults: ingest.drafts_store inserts mentions with plain SQL, naming its columns.
    close_reason = models.CharField(
        _("reason"), max_length=20, choices=CloseReason.choices, blank=True, db_default=""
    )
    close_note = models.CharField(_("note"), max_length=500, blank=True, db_default="")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        Product, through="MentionProduct", related_name="mentions", blank=True
    )

    class Meta:
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="unique_mention_key"),
        ]
        indexes = [
            models.Index(fields=["workspace", "-published_at"], name="mention_workspace_time"),
            models.Index(fields=["source", "-published_at"], name="mention_source_time"),
            models.Index(
                fields=["id"], name="mention_to_analyse", condition=models.Q(analysed_at=None)
            ),
            # The response queue: what has a due time and neither an answer nor a closing.
            models.Index(
                fields=["workspace", "due_at"],
                name="mention_queue",
                condition=models.Q(answered_at=None, closed_at=None, due_at__isnull=False),
            ),
            models.Index(fields=["contact", "-published_at"], name="mention_contact_time"),
        ]

    def __str__(self) -> str:
        return f"{self.author or '?'}: {self.text[:40]}"

    @property
    def effective_stars(self) -> float | None:
        return self.stars if self.stars is not None else self.stars_estimated

    @property
    def is_queued(self) -> bool:
        """Waiting in the response queue: due, and neither answered nor closed."""
        return self.due_at is not None and self.answered_at is None and self.closed_at is None


class Reply(WorkspaceOwned):
    """What the team answered to a mention, where; on the customer's timeline when known."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE, related_name="replies")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    text = models.TextField(_("what was answered"))
    channel = models.CharField(_("where"), max_length=20, choices=ReplyChannel.choices)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)
    # None when the author is nobody's customer: the reply counts, but no timeline shows it.
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["mention", "created_at"], name="reply_mention_time")]

    def __str__(self) -> str:
        return self.text[:40]


class MentionProduct(WorkspaceOwned):
    """A product a mention names (by name, alias or SKU) or a file row named in its column."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    mention = models.ForeignKey(Mention, on_delete=models.CASCADE)
    product = models.ForeignKey(Product, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mention", "product"], name="unique_mention_product")
        ]
        indexes = [models.Index(fields=["product", "mention"], name="mention_product_by_product")]


class AuthorLink(WorkspaceOwned):
    """A handle someone told us belongs to a customer: their next mentions are theirs too."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    handle = models.CharField(_("handle"), max_length=200)
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "handle"], name="unique_author_handle")
        ]


class IngestJob(WorkspaceOwned):
    """A file on its way into a source: checked (dry run) first, then stored in batches.

    `lines_done` moves forward only after a batch is committed, so a job the worker picks up
    again after a crash goes on after the last acknowledged line.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="ingest_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filename = models.CharField(_("file"), max_length=255)
    # The upload itself; empty for a file the command line read from disk.
    content = models.BinaryField(default=b"")
    size = models.PositiveBigIntegerField(default=0)
    # SHA-256 of the file's first 64 KiB and its size: how a re-run finds the job to resume.
    fingerprint = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=IngestStatus.choices, default=IngestStatus.CHECKING
    )
    # The dry run's findings: layout, columns, counts and the first errors by line.
    report = models.JSONField(default=dict)
    lines_total = models.PositiveIntegerField(default=0)
    lines_done = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Moves with every batch: a running job that stopped moving lost its worker.
    updated_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class ListeningSettings(WorkspaceOwned):
    """A workspace's rules for listening: when to propose removal, how fast to answer."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="listening_settings"
    )
    removal_min_ratings = models.PositiveIntegerField(
        _("ratings needed before a product is proposed for removal"), default=10
    )
    response_sla_hours = models.PositiveIntegerField(
        _("answer negative mentions within (hours)"), default=24
    )
    invitation_gap_days = models.PositiveIntegerField(
        _("at most one review invitation per customer every (days)"), default=90
    )
    invitations_enabled = models.BooleanField(
        _("invite customers to rate after a personal contact or a delivery"), default=True
    )
    alert_emails = models.TextField(_("send alerts to (e-mail addresses)"), blank=True)
    alert_webhook_url = models.URLField(_("send alerts to (webhook URL)"), blank=True)
    alert_webhook_secret = models.CharField(max_length=100, default=new_webhook_secret)
    # Members get alerts in their own language; other addresses in this one.
    alert_language = models.CharField(
        _("language of alerts to addresses outside the team"), max_length=8,
        choices=Language.choices, default=Language.GERMAN,
    )  # fmt: skip
    # The worker applies the ratings and launch rules when asked after an analysis batch
    # (one request waits at a time) and at least hourly (rules.rules_schedule).
    rules_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    rules_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("listening settings")
        verbose_name_plural = _("listening settings")


class RemovalDecision(WorkspaceOwned):
    """A step on a product's way out: the rule's proposal, a leader's confirmation or override.

    An override keeps the product on sale until as many new ratings as the rule needs have
    arrived since (`ratings` counts them at the time of the step); then the rule judges again.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    step = models.CharField(_("step"), max_length=12, choices=RemovalStep.choices)
    ratings = models.PositiveIntegerField(_("ratings"))
    average = models.FloatField(_("average stars"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # Empty for the rule's own proposals.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["product", "-decided_at"], name="removal_by_product")]


def new_invitation_nonce() -> str:
    return secrets.token_urlsafe(12)


class ReviewInvitation(WorkspaceOwned):
    """An invitation to rate us or a product, offered after a personal contact or a delivery.

    Offered alike to every customer: a row is written for each offer, and one that was not
    sent says why (consent, bounce, the frequency cap) — never the customer's expected mood.
    The signed link names the row and carries its nonce, so a link stops working when the
    row is gone.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="+", verbose_name=_("contact")
    )
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("product"),
    )  # fmt: skip
    touchpoint = models.ForeignKey(
        Touchpoint, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("after"), max_length=10, choices=InvitationTrigger.choices)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # Who recorded the delivery (nobody for the scheduler's offers after a touchpoint).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )  # fmt: skip
    skip_reason = models.CharField(
        _("why not sent"), max_length=20, choices=InvitationSkip.choices, blank=True
    )
    language = models.CharField(_("language"), max_length=8, blank=True)
    nonce = models.CharField(max_length=32, default=new_invitation_nonce, editable=False)
    created_at = models.DateTimeField(_("offered"), default=timezone.now, editable=False)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(_("sending error"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    mention = models.ForeignKey(
        Mention, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The customer followed the link and asked for no more invitations.
    opted_out_at = models.DateTimeField(_("no more invitations since"), null=True, blank=True)

    class Meta:
        verbose_name = _("review invitation")
        verbose_name_plural = _("review invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A personal contact is offered once, however often the scheduler looks at it.
            models.UniqueConstraint(
                fields=["touchpoint"], condition=models.Q(touchpoint__isnull=False),
                name="unique_invitation_per_touchpoint",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["contact", "-created_at"], name="invitation_contact_time"),
            models.Index(fields=["workspace", "-created_at"], name="invitation_workspace_time"),
            models.Index(
                fields=["created_at"], name="invitation_unsent",
                condition=models.Q(status="pending"),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.contact_id} {self.get_status_display()} {self.created_at:%Y-%m-%d}"


class RatingAttempt(WorkspaceOwned):
    """A form sent to the public rating page: what its rate limit counts, per address and link."""

    WINDOW = dt.timedelta(hours=1)
    LIMIT_PER_INVITATION = 10
    LIMIT_PER_ADDRESS = 30

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    invitation = models.ForeignKey(ReviewInvitation, on_delete=models.CASCADE, related_name="+")
    address = models.GenericIPAddressField()
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["address", "at"], name="rating_attempt_address"),
            models.Index(fields=["invitation", "at"], name="rating_attempt_invitation"),
        ]


class Alert(WorkspaceOwned):
    """Something the team must know now, sent by e-mail and webhook; links to what raised it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    # The message's values (product name, average, share …): the text is made in each
    # reader's language from the kind's message and these.
    params = models.JSONField(default=dict)
    link_path = models.CharField(max_length=500)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mention = models.ForeignKey(
        Mention, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("raised"), default=timezone.now, editable=False)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    email_recipients = models.PositiveSmallIntegerField(default=0)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(_("e-mail error"), max_length=300, blank=True)
    webhook_delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The occasion (a removal proposal, an unrated product, a launch's 3-hour window): a rule
    # that finds it again raises nothing. Empty for alerts that may repeat.
    key = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "key"], condition=~models.Q(key=""),
                name="unique_alert_occasion",
            ),
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["workspace", "-created_at"], name="alert_workspace_time"),
            models.Index(
                fields=["created_at"], name="alert_unmailed",
                condition=models.Q(emailed_at=None, email_recipients__gt=0),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def message(self) -> str:
        """The alert's message in the active language, numbers written as its readers write them."""
        values = {
            name: formats.localize(value) if isinstance(value, float) else value
            for name, value in self.params.items()
        }
        try:
            return str(ALERT_MESSAGES[AlertKind(self.kind)]) % values
        except (KeyError, ValueError, TypeError):
            # A kind or its values from a newer or older version: say at least what it is.
            return str(self.get_kind_display())


class LaunchFigures(WorkspaceOwned):
    """Figures of a launch that barely move, counted at most once an hour.

    The usual negative share (90 days of the workspace's mentions before the launch) and, once
    its 72 hours are over, the launch's own hourly series, which later launches are compared
    with. Counted afresh on every refresh of the monitor (every 30 seconds) they would cost
    seconds in a big workspace.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="+")
    # The launch they were counted for: a product given a new launch time is counted again.
    launched_at = models.DateTimeField()
    usual_total = models.PositiveIntegerField(default=0)
    usual_negative = models.PositiveIntegerField(default=0)
    usual_counted_at = models.DateTimeField(null=True, blank=True)
    # {"hour": {"sentiment": count}} for the 72 hours.
    hours = models.JSONField(default=dict)
    hours_counted_at = models.DateTimeField(null=True, blank=True)
