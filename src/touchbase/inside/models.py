"""Inside the company: ask-me-anything sessions with leaders, and virtual coffee.

Anonymity of a question is kept by storing no author for it: an anonymous question carries
only a pseudonym, a keyed hash of the session and the participant, so the asker's own screen
can recognise it and a moderator can block whoever wrote it, while no page, answer, export,
e-mail or admin screen can name them. Named questions keep their author.

A coffee group has two people, or three when the number is odd; a customer is never grouped
with another customer.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import Workspace, WorkspaceOwned
from touchbase.inside.choices import (
    Audience,
    CoffeeEvery,
    GroupState,
    ParticipantKind,
    QuestionState,
)
from touchbase.relationships.models import Contact

QUESTION_MAX = 500
ANSWER_MAX = 4000
TITLE_MAX = 200
NAME_MAX = 80
LANGUAGE_CHOICES = [("de", _("German")), ("en", _("English"))]


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


class InsideSettings(WorkspaceOwned):
    """How the workspace runs virtual coffee and AMA follow-ups (one row, made on first use)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="inside_settings"
    )
    coffee_every = models.PositiveSmallIntegerField(
        _("coffee rounds"), choices=CoffeeEvery.choices, default=CoffeeEvery.WEEK
    )
    coffee_weekday = models.PositiveSmallIntegerField(
        _("weekday of the coffee"),
        default=1,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
        ],
    )
    coffee_time = models.TimeField(_("time of the coffee"), default=dt.time(10, 0))
    coffee_minutes = models.PositiveSmallIntegerField(
        _("length of a coffee in minutes"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(120)],
    )
    coffee_avoid_rounds = models.PositiveSmallIntegerField(
        _("rounds before two people meet again"),
        default=6,
        validators=[MinValueValidator(0), MaxValueValidator(52)],
    )
    coffee_prefer_shared = models.BooleanField(
        _("prefer colleagues who share customers but never met"), default=True
    )
    follow_up_days = models.PositiveSmallIntegerField(
        _("days to answer an AMA follow-up"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    def __str__(self) -> str:
        return str(self.workspace)


class AmaSession(WorkspaceOwned):
    """An ask-me-anything session with a leader."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader"),
    )
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("moderators")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.MEMBERS
    )
    anonymous_allowed = models.BooleanField(_("questions may be anonymous"), default=True)
    # Part of every join link: a new nonce withdraws all links sent so far.
    join_nonce = models.CharField(max_length=32, default=new_nonce)
    # Raised by every change to the question list, so a refresh can tell "nothing new" cheaply.
    version = models.PositiveBigIntegerField(default=1)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("AMA session")
        verbose_name_plural = _("AMA sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="ama_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return not self.is_closed and self.starts_at <= now < self.ends_at

    @property
    def is_upcoming(self) -> bool:
        return not self.is_closed and timezone.now() < self.starts_at

    @property
    def customers_invited(self) -> bool:
        return self.audience in (Audience.CUSTOMERS, Audience.BOTH)

    @property
    def members_invited(self) -> bool:
        return self.audience in (Audience.MEMBERS, Audience.BOTH)


class AmaParticipant(WorkspaceOwned):
    """Someone taking part in one session: a member, or a guest who came by a join link."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(AmaSession, on_delete=models.CASCADE, related_name="participants")
    kind = models.CharField(max_length=10, choices=ParticipantKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The customer a personal join link was sent to; a shared link leaves it empty.
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    language = models.CharField(max_length=5, choices=LANGUAGE_CHOICES, default="de")
    # A guest's browser holds the key; only its hash is kept.
    key_hash = models.CharField(max_length=64, blank=True, db_index=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("AMA participant")
        verbose_name_plural = _("AMA participants")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(user__isnull=False),
                name="ama_member_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.name or str(_("Guest"))


class AmaQuestion(WorkspaceOwned):
    """A question of a session; an anonymous one has a pseudonym and no author."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(AmaSession, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField(_("question"), max_length=QUESTION_MAX)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    author = models.ForeignKey(
        AmaParticipant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pseudonym = models.CharField(max_length=64, db_index=True)
    notify_asker = models.BooleanField(_("tell the asker when it is answered"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    votes = models.PositiveIntegerField(_("votes"), default=0)
    answer = models.TextField(_("answer"), max_length=ANSWER_MAX, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("AMA question")
        verbose_name_plural = _("AMA questions")
        indexes = [models.Index(fields=["session", "state", "-votes"], name="ama_question_rank")]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(author__isnull=True),
                name="ama_anonymous_has_no_author",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_open(self) -> bool:
        return self.state == QuestionState.OPEN

    @property
    def asker_name(self) -> str:
        """Who asked, as everyone sees it: never more than "Anonymous" for an anonymous one."""
        if self.anonymous:
            return str(_("Anonymous"))
        if self.author is None:
            return str(_("Former participant"))
        return self.author.display_name


class AmaVote(WorkspaceOwned):
    """One participant's vote for one question; retracting deletes it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(AmaQuestion, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(AmaParticipant, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["question", "participant"], name="ama_one_vote_each")
        ]


class AmaBlock(WorkspaceOwned):
    """A pseudonym that may no longer ask or vote in a session (the moderator never sees who)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(AmaSession, on_delete=models.CASCADE, related_name="blocks")
    pseudonym = models.CharField(max_length=64)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "pseudonym"], name="ama_block_once")
        ]


class AmaFollowUp(WorkspaceOwned):
    """A question left open when its session closed: someone owes an answer by a date."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    question = models.OneToOneField(AmaQuestion, on_delete=models.CASCADE, related_name="follow_up")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return str(self.question)


class CoffeeParticipant(WorkspaceOwned):
    """Someone who opted in to virtual coffee: a member, or a customer a member invited."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    active = models.BooleanField(_("takes part"), default=True)
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    # Part of a customer's links: a new nonce withdraws the links sent so far.
    nonce = models.CharField(max_length=32, default=new_nonce)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coffee participant")
        verbose_name_plural = _("coffee participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contact__isnull=True)
                | Q(user__isnull=True, contact__isnull=False),
                name="coffee_member_or_customer",
            ),
            models.UniqueConstraint(fields=["workspace", "user"], name="coffee_member_once"),
            models.UniqueConstraint(fields=["workspace", "contact"], name="coffee_customer_once"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_customer(self) -> bool:
        return self.contact_id is not None

    @property
    def display_name(self) -> str:
        if self.user is not None:
            return self.user.get_full_name() or self.user.get_username()
        assert self.contact is not None
        return self.contact.full_name

    @property
    def email(self) -> str:
        if self.user is not None:
            return self.user.email
        assert self.contact is not None
        return self.contact.email

    @property
    def language(self) -> str:
        if self.user is not None:
            return self.user.language or "de"
        assert self.contact is not None
        return getattr(self.contact, "language", "") or "de"


class CoffeeAbsence(WorkspaceOwned):
    """Days a participant is away (a holiday): no coffee in a round on those days."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    participant = models.ForeignKey(
        CoffeeParticipant, on_delete=models.CASCADE, related_name="absences"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="coffee_absence_ends_after_start",
            ),
        ]


class CoffeeRound(WorkspaceOwned):
    """One round of coffee: everyone taking part that day is grouped once."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField()
    on = models.DateField(_("day"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="coffee_round_number"),
            models.UniqueConstraint(fields=["workspace", "on"], name="coffee_round_day"),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.on:%Y-%m-%d}"


class CoffeeGroup(WorkspaceOwned):
    """Two (or three) people of a round who are to have a coffee together."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(CoffeeRound, on_delete=models.CASCADE, related_name="groups")
    starts_at = models.DateTimeField(_("proposed time"))
    shared_customers = models.BooleanField(default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=GroupState.choices, default=GroupState.PROPOSED
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["pk"]


class CoffeeSeat(WorkspaceOwned):
    """A participant's place in a group; left_at is set when they left the round."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(CoffeeGroup, on_delete=models.CASCADE, related_name="seats")
    participant = models.ForeignKey(
        CoffeeParticipant, on_delete=models.CASCADE, related_name="seats"
    )
    left_at = models.DateTimeField(null=True, blank=True)
    # When the invitation went out (claimed before sending, so it goes out once).
    invited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "participant"], name="coffee_seat_once")
        ]
