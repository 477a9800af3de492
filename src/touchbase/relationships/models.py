"""Accounts, contacts, their touchpoints and the cadence that keeps them in personal touch."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from touchbase.core.models import Workspace
from touchbase.core.phone import phone_display, phone_normalize
from touchbase.core.search import search_text as build_search_text
from touchbase.core.tenancy import WorkspaceOwned
from touchbase.relationships.choices import (
    CALL_SHEET_CONSENT_SOURCE,
    NON_PERSONAL_CHANNELS,
    ORDER_REFERENCE,
    UNREACHED_OUTCOMES,
    Channel,
    CheckinAnswer,
    CheckinQuestion,
    ConsentStatus,
    Country,
    DeletedKind,
    Direction,
    Outcome,
    PolicyScope,
    PreferredChannel,
    TouchpointSource,
    country_choices,
)


class Tag(WorkspaceOwned):
    """A label on accounts and contacts; cadence policies can target it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="unique_tag_name_per_workspace"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PostalAddress(models.Model):
    """Postal address with the date it was last confirmed by the customer."""

    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    # Empty when an imported file named a country that could not be recognised.
    country = models.CharField(
        _("country"), max_length=2, choices=country_choices, default=Country.GERMANY, blank=True
    )
    region = models.CharField(
        _("region"), max_length=80, blank=True, help_text=_("State, canton or province")
    )
    address_verified_at = models.DateTimeField(_("address verified"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def address_lines(self) -> list[str]:
        place = " ".join(part for part in (self.postal_code, self.city) if part)
        return [line for line in (self.street, place, self.get_country_display()) if line]


class CadenceState(models.Model):
    """When the customer was last personally contacted and when the next contact is due.

    cadence_due_on is last personal contact + cadence; next_due_on adds a snooze on top.
    The due list reads next_due_on through an index instead of scanning touchpoints.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    value = models.PositiveIntegerField(
        _("annual value (EUR)"), default=0, help_text=_("Used to rank the due list.")
    )
    cadence_days = models.PositiveIntegerField(_("cadence (days)"), default=365)
    last_personal_at = models.DateTimeField(_("last personal contact"), null=True, blank=True)
    # Attempts since the last personal contact (calls nobody answered), for the due list.
    attempts = models.PositiveIntegerField(_("attempts since the last contact"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    cadence_due_on = models.DateField(_("due by cadence"), null=True, blank=True)
    next_due_on = models.DateField(_("next contact due"), null=True, blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    snooze_reason = models.CharField(_("snooze reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Account(WorkspaceOwned, PostalAddress, CadenceState):
    """A customer company."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="accounts")
    name = models.CharField(_("name"), max_length=200)
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    is_key_account = models.BooleanField(_("key account"), default=False)
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_accounts",
        verbose_name=_("executive sponsor"),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True, default="de")
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="accounts", verbose_name=_("tags"), through="AccountTag"
    )
    # Name, e-mail, phone and city as a search finds them (core/search.py), written by save().
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        indexes = [
            models.Index(fields=["workspace", "next_due_on", "-value"], name="account_due"),
            models.Index(
                fields=["workspace", "owner", "next_due_on", "-value"], name="account_owner_due"
            ),
            models.Index(fields=["workspace", "name"], name="account_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _writes_search_text(kwargs, ACCOUNT_SEARCHED):
            self.search_text = account_search_text(
                name=self.name, email=self.email, phone=self.phone, city=self.city
            )
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.phone = _normalized_phone(self.phone, country=self.phone_country, field="phone")

    @property
    def phone_country(self) -> str:
        """Where a number without a country code is read: the address, else the home country."""
        return self.country or self.workspace.home_country

    @property
    def phone_display(self) -> str:
        """As it dials from the home country; lists load the workspace along (select_related)."""
        return phone_display(self.phone, home_country=self.workspace.home_country)


class Contact(WorkspaceOwned, PostalAddress, CadenceState):
    """A person at a customer, or a private customer without an account."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="contacts")
    account = models.ForeignKey(
        Account,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("account"),
    )
    salutation = models.CharField(
        _("salutation"), max_length=40, blank=True, help_text=_("E.g. Frau Dr., Herr, Ms")
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True, default="de")
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=PreferredChannel.choices, blank=True
    )
    works_from_home = models.BooleanField(_("works from home"), null=True, blank=True)
    wellbeing_note = models.CharField(_("how they are"), max_length=300, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified"), null=True, blank=True)
    newsletter_verified_at = models.DateTimeField(
        _("newsletter wish verified"), null=True, blank=True
    )
    works_from_home_verified_at = models.DateTimeField(
        _("home office verified"), null=True, blank=True
    )
    email_bounced_at = models.DateTimeField(_("e-mail bounced"), null=True, blank=True)
    # Free text: a private customer's notes from an import, and values an import could not
    # verify (a phone number valid nowhere), kept as written under their column's name.
    notes = models.TextField(_("notes"), blank=True)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="contacts", verbose_name=_("tags"), through="ContactTag"
    )
    # Names, e-mail, phones, city and the account's name as a search finds them, written by
    # save() and by whatever writes contacts in bulk (contact_search_text).
    search_text = models.TextField(default="", blank=True, editable=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["workspace", "next_due_on", "-value"], name="contact_due"),
            models.Index(
                fields=["workspace", "owner", "next_due_on", "-value"], name="contact_owner_due"
            ),
            models.Index(fields=["workspace", "last_name", "first_name"], name="contact_name"),
            models.Index(fields=["workspace", "email"], name="contact_email"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if _writes_search_text(kwargs, CONTACT_SEARCHED):
            erased = self.erased_at is not None
            account = self.account if self.account_id and not erased else None
            self.search_text = contact_search_text(
                first_name=self.first_name, last_name=self.last_name, email=self.email,
                phone=self.phone, mobile=self.mobile, city=self.city,
                account_name=account.name if account else "", is_erased=erased,
            )  # fmt: skip
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for field in ("phone", "mobile"):
            try:
                setattr(
                    self,
                    field,
                    _normalized_phone(
                        getattr(self, field), country=self.phone_country, field=field
                    ),
                )
            except ValidationError as error:
                errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    @property
    def full_name(self) -> str:
        # An erased person has no name left; the placeholder is shown in the reader's language.
        if self.is_erased and not (self.first_name or self.last_name):
            return gettext("[erased]")
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    @property
    def phone_country(self) -> str:
        """Where a number without a country code is read: the address, else the home country."""
        return self.country or self.workspace.home_country

    @property
    def phone_display(self) -> str:
        """As it dials from the home country; lists load the workspace along (select_related)."""
        return phone_display(self.phone, home_country=self.workspace.home_country)

    @property
    def mobile_display(self) -> str:
        return phone_display(self.mobile, home_country=self.workspace.home_country)


# The fields a search text is made of; a save of any of them writes the search text too.
ACCOUNT_SEARCHED = frozenset({"name", "email", "phone", "city"})
CONTACT_SEARCHED = frozenset(
    {"first_name", "last_name", "email", "phone", "mobile", "city", "account", "account_id",
     "erased_at"}
)  # fmt: skip


def account_search_text(*, name: str, email: str, phone: str, city: str) -> str:
    """What an account is found by: name, e-mail, phone and city."""
    return build_search_text(texts=[name, email, city], phones=[phone])


def contact_search_text(
    *, first_name: str, last_name: str, email: str, phone: str, mobile: str, city: str,
    account_name: str, is_erased: bool = False,
) -> str:  # fmt: skip
    """What a contact is found by: names, e-mail, phones, city, the account's name.

    An erased person is found by nothing: the search text would keep what was erased.
    """
    if is_erased:
        return ""
    return build_search_text(
        texts=[first_name, last_name, email, city, account_name], phones=[phone, mobile]
    )


def _writes_search_text(save_arguments: dict[str, Any], searched: frozenset[str]) -> bool:
    """Whether a save writes a searched field; then its update_fields take search_text along.

    A save of other fields only (a snooze) leaves the search text, and reads no account.
    """
    update_fields: Iterable[str] | None = save_arguments.get("update_fields")
    if update_fields is None:
        return True
    if not searched.intersection(update_fields):
        return False
    save_arguments["update_fields"] = {*update_fields, "search_text"}
    return True


def _normalized_phone(raw: str, *, country: str, field: str) -> str:
    try:
        return phone_normalize(raw, country=country)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


class NewsletterConsent(WorkspaceOwned):
    """One change of a contact's newsletter consent: the latest record is the current state."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="consents")
    status = models.CharField(_("status"), max_length=10, choices=ConsentStatus.choices)
    recorded_at = models.DateTimeField(_("when"))
    source = models.CharField(_("source"), max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("newsletter consent")
        verbose_name_plural = _("newsletter consents")
        indexes = [models.Index(fields=["contact", "-recorded_at"], name="consent_latest")]

    def __str__(self) -> str:
        return f"{self.contact}: {self.status} ({self.recorded_at:%Y-%m-%d})"

    @property
    def source_display(self) -> str:
        """The source as typed, or the call sheet's in the reader's language."""
        if self.source == CALL_SHEET_CONSENT_SOURCE:
            return gettext("check-in call")
        return self.source


class Touchpoint(WorkspaceOwned):
    """One contact moment with a customer, on the timelines of the contact and the account."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="touchpoints")
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="touchpoints"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="touchpoints"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.OUTBOUND
    )
    is_personal = models.BooleanField(_("personal"), default=True)
    occurred_at = models.DateTimeField(_("when"))
    summary = models.TextField(_("summary"), blank=True)
    # The call sheet's answers by question (CheckinQuestion), or the order a voucher was
    # redeemed against (ORDER_REFERENCE): stored as data, never as text, so each reader sees
    # them in their own language.
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="touchpoints",
        verbose_name=_("participants"),
        through="TouchpointParticipant",
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What produced it when not a person typing it into the log form: the call sheet
    # (TouchpointSource), or an app's kind and its row's id.
    source_kind = models.CharField(_("source"), max_length=40, blank=True, default="")
    source_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        indexes = [
            models.Index(fields=["account", "-occurred_at"], name="touchpoint_account_time"),
            models.Index(fields=["contact", "-occurred_at"], name="touchpoint_contact_time"),
            models.Index(fields=["workspace", "-occurred_at"], name="touchpoint_workspace_time"),
            models.Index(fields=["source_kind", "source_id"], name="touchpoint_source"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(account__isnull=False) | models.Q(contact__isnull=False),
                name="touchpoint_has_customer",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel__in=sorted(NON_PERSONAL_CHANNELS))
                | models.Q(is_personal=False),
                name="mass_touchpoint_is_not_personal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def is_attempt(self) -> bool:
        """A personal touchpoint in which the customer was not reached (no answer)."""
        return self.is_personal and self.outcome in UNREACHED_OUTCOMES

    def answer_lines(self) -> list[str]:
        """The stored call-sheet answers as lines in the active language ("Label: answer")."""
        words = {CheckinAnswer.YES: gettext("yes"), CheckinAnswer.NO: gettext("no")}
        lines = []
        for question in CheckinQuestion:
            answer = (self.answers or {}).get(question.value)
            if not answer:
                continue
            shown = str(answer) if question == CheckinQuestion.WELLBEING else words.get(answer)
            if shown:
                lines.append(f"{question.label}: {shown}")
        return lines

    @property
    def text(self) -> str:
        """What happened, for the timeline and exports: the summary, then the answers.

        A call-sheet call with nothing noted reads "Check-in call" in the reader's language.
        """
        lines = [self.summary] if self.summary else []
        if order := (self.answers or {}).get(ORDER_REFERENCE):
            lines.append(gettext("Order %(order)s") % {"order": order})
        lines += self.answer_lines()
        if not lines and self.source_kind == TouchpointSource.CALL_SHEET:
            return str(TouchpointSource.CALL_SHEET.label)
        return "\n".join(lines)


# The field a scope's rule names; the fields of other scopes stay empty.
SCOPE_TARGET_FIELDS = {
    PolicyScope.OWNER: "owner",
    PolicyScope.SEGMENT: "segment",
    PolicyScope.TAG: "tag",
}


class CadencePolicy(WorkspaceOwned):
    """A rule for how often customers in its scope must be contacted personally."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="cadence_policies"
    )
    name = models.CharField(_("name"), max_length=120)
    scope = models.CharField(_("applies to"), max_length=20, choices=PolicyScope.choices)
    interval_days = models.PositiveIntegerField(_("every (days)"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    tag = models.ForeignKey(
        Tag,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tag"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cadence policy")
        verbose_name_plural = _("cadence policies")
        ordering = ["name"]
        constraints = [
            # One rule per scope and target: a second interval for the same customers would
            # quietly override or be overridden by the first.
            # NULL never equals NULL in a unique index, so an absent owner or tag counts as 0.
            models.UniqueConstraint(
                "workspace", "scope",
                Coalesce("owner", models.Value(0), output_field=models.BigIntegerField()),
                Lower("segment"),
                Coalesce("tag", models.Value(0), output_field=models.BigIntegerField()),
                name="one_cadence_rule_per_target",
                violation_error_message=_("A rule for these customers exists already."),
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Only the chosen scope's target counts; a leftover segment on an owner rule is noise.
        if self.scope != PolicyScope.OWNER:
            self.owner = None
        # " Hotel" and "Hotel" are one segment: stored trimmed, compared without case.
        self.segment = self.segment.strip() if self.scope == PolicyScope.SEGMENT else ""
        if self.scope != PolicyScope.TAG:
            self.tag = None
        if not 1 <= (self.interval_days or 0) <= 3650:
            raise ValidationError({"interval_days": _("Choose between 1 and 3650 days.")})
        requirements: dict[str, tuple[str, str | int | None]] = {
            PolicyScope.OWNER: ("owner", self.owner_id),
            PolicyScope.SEGMENT: ("segment", self.segment),
            PolicyScope.TAG: ("tag", self.tag_id),
        }
        required = requirements.get(self.scope)
        if required and not required[1]:
            field = self._meta.get_field(required[0])
            assert isinstance(field, models.Field)  # the model's own field, not a reverse one
            raise ValidationError(
                {required[0]: _("This rule needs a %(field)s.") % {"field": field.verbose_name}}
            )


class DeletionRecord(WorkspaceOwned):
    """That an account, contact or touchpoint was deleted, by whom, with how much went along.

    Accounts are companies and keep their name here; people and touchpoints keep none, so a
    deleted person is not kept on file through their deletion's record.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=DeletedKind.choices)
    object_id = models.BigIntegerField(_("id"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    counts = models.JSONField(_("deleted along"), default=dict)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    deleted_at = models.DateTimeField(_("deleted"), auto_now_add=True)

    class Meta:
        verbose_name = _("deletion")
        verbose_name_plural = _("deletions")
        indexes = [models.Index(fields=["workspace", "-deleted_at"], name="deletion_latest")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} {self.deleted_at:%Y-%m-%d}"


# --- links that carry their workspace, so every business table has it ------------------------


class AccountTag(WorkspaceOwned):
    """A tag on an account."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        db_table = "relationships_account_tags"
        # The name Django gave the implicit table's constraint, so the table stays as it is.
        unique_together = [("account", "tag")]


class ContactTag(WorkspaceOwned):
    """A tag on a contact."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE)

    class Meta:
        db_table = "relationships_contact_tags"
        # The name Django gave the implicit table's constraint, so the table stays as it is.
        unique_together = [("contact", "tag")]


class TouchpointParticipant(WorkspaceOwned):
    """A person of the team who took part in a touchpoint."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        db_table = "relationships_touchpoint_participants"
        unique_together = [("touchpoint", "user")]


# Touchpoints in which the customer was reached: the ones that reset the cadence clock.
REACHED = models.Q(is_personal=True) & ~models.Q(outcome__in=sorted(UNREACHED_OUTCOMES))
