"""Data care: regional advice, consultation vouchers, and the records of merges and erasures."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from touchbase.care.choices import DuplicateKind, DuplicateReason, ScanStatus
from touchbase.core.models import Workspace
from touchbase.core.tenancy import WorkspaceOwned
from touchbase.relationships.choices import Country
from touchbase.relationships.models import Account, Contact


class RegionalAdvice(WorkspaceOwned):
    """A note for customers in one country or region, valid for a while (rules, funding)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="advice")
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    region = models.CharField(
        _("region"), max_length=80, blank=True, help_text=_("Empty: the whole country.")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("advice"), blank=True)
    link = models.URLField(_("link"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationships_regionaladvice"
        verbose_name = _("regional advice")
        verbose_name_plural = _("regional advice")
        ordering = ["country", "region", "-valid_from"]
        indexes = [models.Index(fields=["workspace", "country"], name="advice_country")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("The end lies before the start.")})


class Voucher(WorkspaceOwned):
    """A consultation voucher: personal advice is worth money, credited when the customer orders."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="vouchers")
    code = models.CharField(_("code"), max_length=20)
    value = models.DecimalField(_("value (EUR)"), max_digits=9, decimal_places=2)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="vouchers",
        verbose_name=_("contact"),
    )  # fmt: skip
    account = models.ForeignKey(
        Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="vouchers",
        verbose_name=_("account"),
    )  # fmt: skip
    note = models.CharField(_("consultation"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"))
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    redeemed_at = models.DateTimeField(_("redeemed"), null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order_reference = models.CharField(_("order"), max_length=100, blank=True)

    class Meta:
        db_table = "relationships_voucher"
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "code"], name="unique_voucher_code")
        ]

    def __str__(self) -> str:
        return self.code


class MergeRecord(WorkspaceOwned):
    """That two contacts were merged, by whom and what the merged one was called."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="merges")
    merged_contact_id = models.BigIntegerField()
    merged_name = models.CharField(max_length=220)
    merged_email = models.CharField(max_length=254, blank=True)
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationships_mergerecord"
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.survivor_id}"


class ErasureRecord(WorkspaceOwned):
    """That a person's data was erased (GDPR Art. 17): when and by whom, never what."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    contact_id_erased = models.BigIntegerField()
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    erased_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "relationships_erasurerecord"
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"#{self.contact_id_erased} {self.erased_at:%Y-%m-%d}"


class AccountMergeRecord(WorkspaceOwned):
    """That two accounts were merged, by whom and what the merged one was called."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    survivor = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="merges")
    merged_account_id = models.BigIntegerField()
    merged_name = models.CharField(max_length=200)
    moved = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account merge")
        verbose_name_plural = _("account merges")

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.survivor_id}"


class DuplicateCandidate(WorkspaceOwned):
    """Two contacts or two accounts that are likely the same, found by a scan in the worker.

    The smaller id comes first, so a pair is stored once. A pair someone marked as "not a
    duplicate" keeps its row (is_dismissed) and is never offered again by later scans.
    """

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="duplicate_candidates"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=DuplicateKind.choices)
    first_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    second_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    first_account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    second_account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    # {reason: score} of every signal that links the two, e.g. {"name": 92, "phone": 90}.
    reasons = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("found"))
    is_dismissed = models.BooleanField(_("not a duplicate"), default=False)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("duplicate")
        verbose_name_plural = _("duplicates")
        indexes = [
            models.Index(fields=["workspace", "is_dismissed", "kind", "-score"], name="dupe_list")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["first_contact", "second_contact"],
                condition=models.Q(kind=DuplicateKind.CONTACT),
                name="unique_contact_pair",
            ),
            models.UniqueConstraint(
                fields=["first_account", "second_account"],
                condition=models.Q(kind=DuplicateKind.ACCOUNT),
                name="unique_account_pair",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind=DuplicateKind.CONTACT, first_contact__isnull=False,
                    second_contact__isnull=False, first_account__isnull=True,
                    second_account__isnull=True,
                ) | models.Q(
                    kind=DuplicateKind.ACCOUNT, first_account__isnull=False,
                    second_account__isnull=False, first_contact__isnull=True,
                    second_contact__isnull=True,
                ),
                name="duplicate_pair_of_one_kind",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.first} ↔ {self.second}"

    @property
    def first(self) -> Contact | Account:
        row = self.first_contact if self.kind == DuplicateKind.CONTACT else self.first_account
        assert row is not None  # the check constraint guarantees it
        return row

    @property
    def second(self) -> Contact | Account:
        row = self.second_contact if self.kind == DuplicateKind.CONTACT else self.second_account
        assert row is not None
        return row

    @property
    def reason_labels(self) -> list[str]:
        """The reasons in the reader's language, strongest first."""
        ordered = sorted(self.reasons.items(), key=lambda item: -item[1])
        return [str(DuplicateReason(reason).label) for reason, _score in ordered]


class DuplicateScan(WorkspaceOwned):
    """One search for duplicates by the worker: asked for, running, done; with its figures."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Why it ran: "user", "api", "import" or "schedule"; the page says when and why.
    trigger = models.CharField(max_length=20, default="user")
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    contacts_checked = models.PositiveIntegerField(default=0)
    accounts_checked = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")
        indexes = [models.Index(fields=["workspace", "-requested_at"], name="dupe_scan_latest")]

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def is_running(self) -> bool:
        return self.status in (ScanStatus.QUEUED, ScanStatus.RUNNING)
