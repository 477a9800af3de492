"""Reads for the due list, lists, timelines and the team view; all scoped by workspace."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, TypedDict

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Manager,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, ngettext
from django_stubs_ext import WithAnnotations

from touchbase.core.capabilities import Capability, roles_with
from touchbase.core.choices import LEADER_ROLES
from touchbase.core.locales import day_month
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.search import search_filter, search_page, uses_index
from touchbase.core.timeutil import local_today, quarter_start, start_of_day
from touchbase.relationships.choices import (
    HUMAN_FIRST_STREAK_CHANNELS,
    MASS_CHANNELS,
    SOURCE_CHANNELS,
    Channel,
    ConsentStatus,
    DueKind,
    HumanFirstKind,
)
from touchbase.relationships.models import (
    REACHED,
    Account,
    CadencePolicy,
    Contact,
    NewsletterConsent,
    Tag,
    Touchpoint,
)

ACCOUNT_SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "due": ("next_due_on", "-value", "id"),
    "-due": ("-next_due_on", "value", "-id"),
    "value": ("value", "id"),
    "-value": ("-value", "id"),
    "last": ("last_personal_at", "id"),
    "-last": ("-last_personal_at", "-id"),
}
CONTACT_SORTS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "due": ("next_due_on", "-value", "id"),
    "-due": ("-next_due_on", "value", "-id"),
    "value": ("value", "id"),
    "-value": ("-value", "id"),
    "last": ("last_personal_at", "id"),
    "-last": ("-last_personal_at", "-id"),
}


@dataclass(frozen=True)
class HumanFirstHint:
    """That a person's latest contacts were all e-mails or mass mailings: call them instead."""

    kind: HumanFirstKind
    count: int
    since: dt.date

    def text(self, name: str) -> str:
        """The hint as a sentence in the reader's language, naming the person."""
        values = {
            "count": self.count,
            "name": name,
            "since": day_month(self.since, today=timezone.localdate()),
        }
        if self.kind == HumanFirstKind.EMAILS:
            streak = ngettext(
                "The last contact with %(name)s was an e-mail (since %(since)s).",
                "The last %(count)d contacts with %(name)s were all e-mails (since %(since)s).",
                self.count,
            )
        elif self.kind == HumanFirstKind.MASS:
            streak = ngettext(
                "The last contact with %(name)s was a mass mailing (since %(since)s).",
                "The last %(count)d contacts with %(name)s were all mass mailings "
                "(since %(since)s).",
                self.count,
            )
        else:
            streak = ngettext(
                "The last contact with %(name)s was an e-mail or a mass mailing (since %(since)s).",
                "The last %(count)d contacts with %(name)s were all e-mails or mass mailings "
                "(since %(since)s).",
                self.count,
            )
        return f"{streak % values} {gettext('Call instead, or invite them to a coffee.')}"


@dataclass(frozen=True)
class DueItem:
    """One customer on the due list: an account or a contact."""

    kind: DueKind
    id: int
    name: str
    account_name: str
    next_due_on: dt.date
    value: int
    last_personal_at: dt.datetime | None
    snooze_reason: str
    owner_name: str
    days_overdue: int
    phone: str = ""
    attempts: int = 0
    last_attempt_at: dt.datetime | None = None
    human_first: HumanFirstHint | None = None

    @property
    def human_first_text(self) -> str:
        return self.human_first.text(self.name) if self.human_first else ""


def due_list(
    *,
    workspace: Workspace,
    owner: User | None = None,
    limit: int = 50,
    offset: int = 0,
    today: dt.date | None = None,
    kind: DueKind | None = None,
) -> list[DueItem]:
    """Customers due on or before today, most overdue first, then most valuable.

    One UNION ALL of two index scans — (workspace, [owner,] next_due_on, -value) on accounts
    and on contacts — each cut at offset + limit, then ordered and cut once more. Written in
    SQL because Django cannot put ORDER BY/LIMIT inside a UNION on SQLite: the ORM version
    (two querysets merged in Python) measured 3.2 / 4.0 ms p50/p95 against 1.0 / 1.4 ms for
    this, on 100,000 contacts (bench/RESULTS.md).
    """
    today = today or local_today(workspace.zone)
    window = offset + limit
    sides, params = [], []
    for side_kind in (DueKind.ACCOUNT, DueKind.CONTACT):
        if kind in (None, side_kind):
            sql, side_params = _due_side(side_kind, workspace, owner, today, window)
            sides.append(f"SELECT * FROM ({sql}) {side_kind.value}_due")
            params += side_params
    query = " UNION ALL ".join(sides) + " ORDER BY 5, 6 DESC, 1, 2 LIMIT %s OFFSET %s"
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, limit, offset])
        rows = cursor.fetchall()
    return [_due_item(row, today) for row in rows]


def due_with_hints(*, workspace: Workspace, items: list[DueItem]) -> list[DueItem]:
    """The due items, each person with their human-first hint (one query for all of them)."""
    hints = human_first_hints(
        workspace=workspace,
        contact_ids=[item.id for item in items if item.kind == DueKind.CONTACT],
    )
    return [
        replace(item, human_first=hints[item.id])
        if item.kind == DueKind.CONTACT and item.id in hints
        else item
        for item in items
    ]


def _due_side(
    kind: DueKind, workspace: Workspace, owner: User | None, today: dt.date, window: int
) -> tuple[str, list[Any]]:
    """One side of the due-list union; every value is a parameter, every name our own."""
    quote = connection.ops.quote_name
    account_table = quote(Account._meta.db_table)
    if kind == DueKind.ACCOUNT:
        table, name, account_name, joins = account_table, "t.name", "''", ""
    else:
        table = quote(Contact._meta.db_table)
        name = "t.first_name || ' ' || t.last_name"
        account_name = "a.name"
        joins = f" LEFT JOIN {account_table} a ON a.id = t.account_id"
    owner_columns = "'', '', ''"
    where = "t.workspace_id = %s AND t.next_due_on <= %s"
    params: list[Any] = [workspace.pk, today]
    if owner is None:
        # Only the team list shows owners: my own list saves the join.
        joins += f" LEFT JOIN {quote(User._meta.db_table)} u ON u.id = t.owner_id"
        owner_columns = "u.first_name, u.last_name, u.username"
    else:
        where += " AND t.owner_id = %s"
        params.append(owner.pk)
    sql = (
        f"SELECT '{kind.value}' AS kind, t.id, {name} AS name, {account_name} AS account_name, "
        f"t.next_due_on, t.value, t.last_personal_at, t.snooze_reason, {owner_columns}, "
        "t.phone, t.attempts, t.last_attempt_at "
        f"FROM {table} t{joins} WHERE {where} ORDER BY t.next_due_on, t.value DESC, t.id "
        "LIMIT %s"
    )
    return sql, [*params, window]


def _due_item(row: tuple[Any, ...], today: dt.date) -> DueItem:
    kind, pk, name, account_name, due, value, last, reason, first, last_name, username = row[:11]
    phone, attempts, last_attempt = row[11:]
    due = due if isinstance(due, dt.date) else dt.date.fromisoformat(due)
    owner_name = f"{first or ''} {last_name or ''}".strip() or username or ""
    return DueItem(
        kind=DueKind(kind), id=pk, name=(name or "").strip(), account_name=account_name or "",
        next_due_on=due, value=value, last_personal_at=_aware(last), snooze_reason=reason,
        owner_name=owner_name, days_overdue=(today - due).days, phone=phone or "",
        attempts=attempts or 0, last_attempt_at=_aware(last_attempt),
    )  # fmt: skip


def _aware(value: dt.datetime | str | None) -> dt.datetime | None:
    """A timestamp from raw SQL with its zone: SQLite hands back naive UTC, or text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value


def _due_filter[M: Account | Contact](
    manager: Manager[M], workspace: Workspace, owner: User | None, today: dt.date
) -> QuerySet[M]:
    queryset = manager.filter(workspace=workspace, next_due_on__lte=today)
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    return queryset


OWNER_COLUMNS = ("owner__first_name", "owner__last_name", "owner__username")


def _owner_name(row: dict[str, Any]) -> str:
    if "owner__username" not in row:
        return ""
    full = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    return full or (row["owner__username"] or "")


def due_counts(*, workspace: Workspace, owner: User | None, today: dt.date) -> dict[str, int]:
    """How many accounts and contacts are due now."""
    return {
        "accounts": _due_filter(Account.objects, workspace, owner, today).count(),
        "contacts": _due_filter(Contact.objects, workspace, owner, today).count(),
    }


# --- lists ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """Which rows of a list to load: the API's offset and limit, a page of the browser's list."""

    offset: int
    limit: int


def account_list(
    *,
    workspace: Workspace,
    search: str = "",
    segment: str = "",
    owner_id: int | None = None,
    key_only: bool = False,
    sort: str = "name",
    page: Page | None = None,
) -> QuerySet[Account]:
    """Accounts of the workspace, filtered and sorted like the list the user sees.

    The search finds name, e-mail, phone and city, however umlauts and numbers are written.
    Given a page, only its rows (searches load a page much faster this way, see search_page).
    """
    # The workspace comes along: its home country decides how phone numbers are shown.
    queryset = Account.objects.filter(workspace=workspace).select_related("owner", "workspace")
    if segment:
        queryset = queryset.filter(segment=segment)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if key_only:
        queryset = queryset.filter(is_key_account=True)
    ordered = queryset.order_by(*ACCOUNT_SORTS.get(sort, ACCOUNT_SORTS["name"]))
    return _searched(ordered, workspace=workspace, search=search, page=page)


def contact_list(
    *,
    workspace: Workspace,
    search: str = "",
    account_id: int | None = None,
    owner_id: int | None = None,
    sort: str = "name",
    newsletter_only: bool = False,
    page: Page | None = None,
) -> QuerySet[Contact]:
    """Contacts of the workspace as the list shows them; erased people are not listed.

    The search finds names, e-mail, phone, mobile, city and the account's name (every word of
    the query must match), however umlauts and numbers are written. Given a page, only its
    rows (searches load a page much faster this way, see search_page).
    """
    # The workspace comes along: its home country decides how phone numbers are shown.
    queryset = Contact.objects.filter(workspace=workspace, erased_at__isnull=True).select_related(
        "account", "owner", "workspace"
    )
    if newsletter_only:
        queryset = queryset.filter(pk__in=newsletter_recipients(workspace=workspace).values("pk"))
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    ordered = queryset.order_by(*CONTACT_SORTS.get(sort, CONTACT_SORTS["name"]))
    return _searched(ordered, workspace=workspace, search=search, page=page)


def _searched[M: (Account, Contact)](
    rows: QuerySet[M], *, workspace: Workspace, search: str, page: Page | None
) -> QuerySet[M]:
    home = workspace.home_country
    matches = search_filter(rows, search, home_country=home) if search else rows
    if page is None:
        return matches
    if search and uses_index(search, home_country=home):
        return search_page(matches, rows=rows, offset=page.offset, limit=page.limit)
    return matches[page.offset : page.offset + page.limit]


CONTACT_ROW_FIELDS = (
    "id", "salutation", "first_name", "last_name", "account_id", "job_title", "owner_id",
    "email", "phone", "mobile", "language", "preferred_channel", "street", "postal_code",
    "city", "country", "region", "value", "works_from_home", "address_verified_at",
    "phone_verified_at", "email_verified_at", "newsletter_verified_at",
    "works_from_home_verified_at", "cadence_days", "last_personal_at", "cadence_due_on",
    "next_due_on", "snoozed_until", "snooze_reason", "notes",
)  # fmt: skip


def contact_rows(contacts: QuerySet[Contact]) -> QuerySet[Contact, dict[str, Any]]:
    """Contacts as plain rows with their account's name: one query, no model objects."""
    rows: QuerySet[Contact, dict[str, Any]] = contacts.select_related(None).values(
        *CONTACT_ROW_FIELDS, account_name=F("account__name")
    )
    return rows


def segments(*, workspace: Workspace) -> list[str]:
    """The segments in use, for filters and policy forms."""
    return list(
        Account.objects.filter(workspace=workspace)
        .exclude(segment="")
        .order_by("segment")
        .values_list("segment", flat=True)
        .distinct()
    )


def members(*, workspace: Workspace) -> QuerySet[User]:
    """People of the workspace who work with customers (no helpers), by name."""
    crm_roles = roles_with(Capability.CRM_VIEW)
    return User.objects.filter(
        memberships__workspace=workspace, memberships__role__in=crm_roles
    ).order_by("first_name", "last_name", "username")


def tags(*, workspace: Workspace) -> QuerySet[Tag]:
    return Tag.objects.filter(workspace=workspace).order_by("name")


def policies(*, workspace: Workspace) -> QuerySet[CadencePolicy]:
    return CadencePolicy.objects.filter(workspace=workspace).select_related("owner", "tag")


def policy_same_target(*, policy: CadencePolicy) -> CadencePolicy | None:
    """Another rule of the workspace for the same customers, whatever its interval."""
    return (
        CadencePolicy.objects.filter(
            workspace=policy.workspace,
            scope=policy.scope,
            owner=policy.owner_id,
            tag=policy.tag_id,
            segment__iexact=policy.segment.strip(),
        )  # fmt: skip
        .exclude(pk=policy.pk)
        .order_by("id")
        .first()
    )


def segment_in_use(*, workspace: Workspace, segment: str) -> bool:
    """Whether any account has this segment (compared without case), as policies match it."""
    return Account.objects.filter(workspace=workspace, segment__iexact=segment.strip()).exists()


# --- pickers and the account page -----------------------------------------------------------

# German letters and how people type them without a German keyboard.
UMLAUT_SPELLINGS = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"))


def spellings(text: str) -> list[str]:
    """The text as typed and with umlauts written out or in: Mueller ↔ Müller, Strasse ↔ Straße.

    Each kind of letter is swapped on its own, so "Duesseldorf" also yields "Düsseldorf"
    (not only "Düßeldorf"); at most 16 spellings. SQLite compares only ASCII letters without
    case, so each spelling comes lower case and capitalised too.
    """
    found = {text.lower()}
    for umlaut, plain in UMLAUT_SPELLINGS:
        for spelling in list(found):
            if umlaut in spelling:
                found.add(spelling.replace(umlaut, plain))
            if plain in spelling:
                found.add(spelling.replace(plain, umlaut))
    return sorted(found | {spelling.capitalize() for spelling in found})


def account_suggestions(*, workspace: Workspace, query: str, limit: int) -> list[Account]:
    """Accounts the search finds for the query, names starting with it first; at most limit."""
    starts = Q()
    for variant in spellings(query.strip()):
        starts |= Q(name__istartswith=variant)
    matches = search_filter(
        Account.objects.filter(workspace=workspace), query, home_country=workspace.home_country
    )
    rows = (
        matches.annotate(rank=Case(When(starts, then=Value(0)), default=Value(1)))
        .order_by("rank", "name", "id")
        .only("id", "name", "city", "postal_code")
    )
    return list(rows[:limit])


def overdue_contact_count(*, account: Account, today: dt.date) -> int:
    """How many people at the account were due before today (erased ones are due to nobody)."""
    return account.contacts.filter(erased_at__isnull=True, next_due_on__lt=today).count()


# --- consent ----------------------------------------------------------------------------------


class ConsentAnnotation(TypedDict):
    """What with_consent adds to each contact: the status of its latest consent record."""

    consent_status: str | None


def with_consent(
    contacts: QuerySet[Contact],
) -> QuerySet[WithAnnotations[Contact, ConsentAnnotation]]:
    """Annotate each contact with the status of its latest consent record."""
    latest = NewsletterConsent.objects.filter(contact=OuterRef("pk")).order_by(
        "-recorded_at", "-id"
    )
    return contacts.annotate(consent_status=Subquery(latest.values("status")[:1]))


def newsletter_recipients(*, workspace: Workspace) -> QuerySet[Contact]:
    """Who may receive the newsletter now: consent given last, a working e-mail, not erased."""
    return (
        with_consent(Contact.objects.filter(workspace=workspace))
        .filter(consent_status=ConsentStatus.GIVEN, email_bounced_at__isnull=True)
        .exclude(email="")
    )


# --- timelines ------------------------------------------------------------------------------


def timeline(
    *,
    workspace: Workspace,
    account: Account | None = None,
    contact: Contact | None = None,
    limit: int = 25,
    offset: int = 0,
    personal_only: bool = False,
) -> list[Touchpoint]:
    """Newest touchpoints of an account or contact, with who took part."""
    queryset = Touchpoint.objects.filter(workspace=workspace)
    if personal_only:
        queryset = queryset.filter(is_personal=True)
    if account is not None:
        queryset = queryset.filter(account=account)
    if contact is not None:
        queryset = queryset.filter(contact=contact)
    return list(
        queryset.select_related("contact", "logged_by")
        .prefetch_related("participants")
        .order_by("-occurred_at", "-id")[offset : offset + limit]
    )


def touchpoint_list(
    *, workspace: Workspace, account_id: int | None = None, contact_id: int | None = None
) -> QuerySet[Touchpoint]:
    """Touchpoints of the workspace, optionally of one account or contact, newest first."""
    queryset = Touchpoint.objects.filter(workspace=workspace)
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if contact_id:
        queryset = queryset.filter(contact_id=contact_id)
    return queryset.order_by("-occurred_at", "-id")


# --- team view ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoverageRow:
    """Share of customers contacted within their cadence, for one owner or segment."""

    label: str
    total: int
    covered: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.covered / self.total) if self.total else 0


def coverage(
    *, workspace: Workspace, by: str, model: type[Account] | type[Contact], today: dt.date
) -> list[CoverageRow]:
    """Coverage grouped by "owner" or "segment" for accounts or contacts."""
    if by == "owner":
        group = list(OWNER_COLUMNS)
    elif model is Account:
        group = ["segment"]
    else:
        group = ["account__segment"]
    rows = (
        model.objects.filter(workspace=workspace)
        .values(*group)
        .annotate(
            total=Count("id"),
            covered=Count(
                "id", filter=Q(last_personal_at__isnull=False, cadence_due_on__gte=today)
            ),
            overdue=Count("id", filter=Q(next_due_on__lt=today)),
        )
        .order_by(*group)
    )
    return [
        CoverageRow(
            label=_group_label(row, by), total=row["total"], covered=row["covered"],
            overdue=row["overdue"],
        )
        for row in rows
    ]  # fmt: skip


def _group_label(row: dict[str, Any], by: str) -> str:
    if by == "owner":
        return _owner_name(row)
    return row.get("segment") or row.get("account__segment") or ""


@dataclass(frozen=True)
class KeyAccountTouch:
    """A key account and the last time a leader personally touched it this quarter."""

    account: Account
    leader_name: str
    touched_at: dt.datetime | None


def key_account_leader_touches(
    *, workspace: Workspace, today: dt.date | None = None
) -> list[KeyAccountTouch]:
    """Key accounts with the latest personal touchpoint a leader took part in this quarter."""
    today = today or local_today(workspace.zone)
    since = start_of_day(quarter_start(today), workspace.zone)
    leader_ids = list(
        Membership.objects.filter(workspace=workspace, role__in=LEADER_ROLES).values_list(
            "user_id", flat=True
        )
    )
    touches = (
        Touchpoint.objects.filter(
            REACHED,
            workspace=workspace,
            occurred_at__gte=since,
            account__is_key_account=True,
            participants__in=leader_ids,
        )
        .values("account_id", "participants__first_name", "participants__last_name")
        .annotate(last=Max("occurred_at"))
    )
    latest: dict[int, tuple[dt.datetime, str]] = {}
    for row in touches:
        name = f"{row['participants__first_name']} {row['participants__last_name']}".strip()
        if row["account_id"] not in latest or row["last"] > latest[row["account_id"]][0]:
            latest[row["account_id"]] = (row["last"], name)
    accounts = Account.objects.filter(workspace=workspace, is_key_account=True).select_related(
        "executive_sponsor", "owner"
    )
    result = [
        KeyAccountTouch(
            account=account,
            leader_name=latest.get(account.id, (None, ""))[1],
            touched_at=latest.get(account.id, (None, ""))[0],
        )
        for account in accounts.order_by("-value", "name")
    ]
    return sorted(result, key=lambda item: item.touched_at is not None)


# --- human first ----------------------------------------------------------------------------

# How far back a streak is followed, so its length can be told: the most the setting allows.
STREAK_LOOKBACK = 20


def human_first_hints(
    *, workspace: Workspace, contact_ids: Iterable[int]
) -> dict[int, HumanFirstHint]:
    """The people among these whose latest contacts were all e-mails or mass mailings.

    A hint needs at least workspace.human_first_after such contacts in a row, newest first;
    any other contact (a call, a meeting, a coffee, even a call nobody answered) ends the
    streak. What an app recorded and the last contact an import names were no contact by the
    team: they neither count nor end a streak. An erased person gets no hint. One query for
    any number of people:
    1. number each person's touchpoints newest first (ROW_NUMBER per contact),
    2. keep the newest STREAK_LOOKBACK of each,
    3. follow each person's from the newest while they are e-mails or mass mailings.
    """
    ids = sorted(set(contact_ids))
    if not ids:
        return {}
    minimum = workspace.human_first_after
    newest_first = [F("occurred_at").desc(), F("id").desc()]
    rows = (
        Touchpoint.objects.filter(
            workspace=workspace, contact_id__in=ids, contact__erased_at__isnull=True
        )
        .exclude(channel__in=sorted(SOURCE_CHANNELS))
        .annotate(position=Window(RowNumber(), partition_by=F("contact_id"), order_by=newest_first))
        .filter(position__lte=max(minimum, STREAK_LOOKBACK))
        .order_by("contact_id", "position")
        .values_list("contact_id", "channel", "occurred_at")
    )
    streaks: dict[int, list[tuple[str, dt.datetime]]] = {}
    ended: set[int] = set()
    for contact_id, channel, occurred_at in rows:
        if contact_id in ended:
            continue
        if channel in HUMAN_FIRST_STREAK_CHANNELS:
            streaks.setdefault(contact_id, []).append((channel, occurred_at))
        else:
            ended.add(contact_id)
    return {
        contact_id: _human_first_hint(streak, zone=workspace.zone)
        for contact_id, streak in streaks.items()
        if len(streak) >= minimum
    }


def _human_first_hint(
    streak: list[tuple[str, dt.datetime]], *, zone: zoneinfo.ZoneInfo
) -> HumanFirstHint:
    channels = {channel for channel, _occurred_at in streak}
    if channels == {Channel.EMAIL}:
        kind = HumanFirstKind.EMAILS
    elif channels <= MASS_CHANNELS:
        kind = HumanFirstKind.MASS
    else:
        kind = HumanFirstKind.MIXED
    since = timezone.localtime(streak[-1][1], zone).date()
    return HumanFirstHint(kind=kind, count=len(streak), since=since)


def human_first_hint(*, workspace: Workspace, contact: Contact) -> HumanFirstHint | None:
    """One person's human-first hint, or None."""
    return human_first_hints(workspace=workspace, contact_ids=[contact.pk]).get(contact.pk)
