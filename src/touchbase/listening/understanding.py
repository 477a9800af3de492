"""What the worker does with new mentions: read them, link them, and queue the negative ones.

For each batch of mentions not yet analysed: the analyser gives language, sentiment, score
and estimated stars; the products named in the text (or a file's product column) are linked;
an author whose e-mail is a contact's, or whose handle a member linked to one, makes the
mention that customer's, and it goes on their timeline; a negative mention nobody answered
gets an owner and a due time from the workspace's answer SLA.

A batch is claimed and written in one transaction (UPDATE … WHERE analysed_at IS NULL
RETURNING id), so two workers never analyse one mention twice, and a worker dying mid-batch
leaves it for the next one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from touchbase.core.models import Workspace
from touchbase.core.tenancy import scopes_disabled
from touchbase.listening.alerting import key_account_alerts
from touchbase.listening.analysis import Reading, get_analyser
from touchbase.listening.ingest import handle_normal
from touchbase.listening.matching import ProductMatcher, matcher_for
from touchbase.listening.models import AuthorLink, Mention, MentionProduct, Source
from touchbase.listening.rules import rules_request
from touchbase.relationships.models import Contact

BATCH_SIZE = 1000
FIELDS = ("id", "workspace_id", "source_id", "title", "text", "language", "stars",
          "author_email", "author_handle", "product_hint", "received_at", "published_at",
          "answered_at", "author", "url")  # fmt: skip


@dataclass
class Understood:
    """One mention's findings, before they are written."""

    row: dict[str, Any]
    reading: Reading
    products: set[int]
    contact: Contact | None


def mentions_analyse(*, workspace_id: int | None = None, limit: int | None = None) -> int:
    """Analyse pending mentions batch by batch (of one workspace, or all); returns how many."""
    done = 0
    while limit is None or done < limit:
        count = _analyse_batch(
            workspace_id, BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - done)
        )
        if count == 0:
            break
        done += count
    return done


def _pending(workspace_id: int | None, size: int) -> list[dict[str, Any]]:
    with scopes_disabled():
        queryset = Mention.objects.filter(analysed_at=None)
        if workspace_id is not None:
            queryset = queryset.filter(workspace_id=workspace_id)
        return list(queryset.order_by("id").values(*FIELDS)[:size])


def _analyse_batch(workspace_id: int | None, size: int) -> int:
    rows = _pending(workspace_id, size)
    if not rows:
        return 0
    readings = get_analyser().read([_text_of(row) for row in rows])
    by_workspace: dict[int, list[Understood]] = defaultdict(list)
    for row, reading in zip(rows, readings, strict=True):
        by_workspace[row["workspace_id"]].append(Understood(row, reading, set(), None))
    with scopes_disabled():
        for workspace_pk, items in by_workspace.items():
            _understand(workspace_pk, items)
    return len(rows)


def _text_of(row: dict[str, Any]) -> str:
    title, text = row["title"], row["text"]
    if title and text:
        return f"{title}. {text}"
    return str(title or text)


def _understand(workspace_pk: int, items: list[Understood]) -> None:
    workspace = Workspace.objects.get(pk=workspace_pk)
    matcher = matcher_for(workspace_pk)
    _link_products(matcher, items)
    _match_contacts(workspace_pk, items)
    with transaction.atomic():
        claimed = _claim([item.row["id"] for item in items])
        mine = [item for item in items if item.row["id"] in claimed]
        _write(workspace, mine)
    rules_request(workspace=workspace)


def _link_products(matcher: ProductMatcher, items: Sequence[Understood]) -> None:
    for item in items:
        row = item.row
        item.products = matcher.products_in(f"{row['title']} {row['text']}")
        if row["product_hint"]:
            item.products |= matcher.products_named(row["product_hint"])


def _match_contacts(workspace_pk: int, items: Sequence[Understood]) -> None:
    emails = {_email(item) for item in items} - {""}
    handles = {_handle(item) for item in items} - {""}
    by_email: dict[str, Contact] = {}
    if emails:
        contacts = (
            Contact.objects.filter(workspace_id=workspace_pk, erased_at=None)
            .annotate(email_key=Lower("email"))
            .filter(email_key__in=emails)
            .select_related("account")
            .order_by("id")
        )
        for contact in contacts:
            by_email.setdefault(contact.email.casefold(), contact)
    by_handle: dict[str, Contact] = {}
    if handles:
        links = AuthorLink.objects.filter(workspace_id=workspace_pk, handle__in=handles)
        for link in links.select_related("contact", "contact__account"):
            if link.contact.erased_at is None:
                by_handle[link.handle] = link.contact
    for item in items:
        item.contact = by_email.get(_email(item)) or by_handle.get(_handle(item))


def _email(item: Understood) -> str:
    return str(item.row["author_email"] or "").strip().casefold()


def _handle(item: Understood) -> str:
    return handle_normal(str(item.row["author_handle"] or ""))


def _claim(ids: list[int]) -> set[int]:
    table = connection.ops.quote_name(Mention._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET analysed_at = %s WHERE analysed_at IS NULL AND id IN ({marks}) "  # noqa: S608
            "RETURNING id",
            [now, *ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _write(workspace: Workspace, items: list[Understood]) -> None:
    if not items:
        return
    sla = _sla_hours(workspace)
    owners = _source_owners(items)
    adapt = connection.ops.adapt_datetimefield_value
    updates = []
    for item in items:
        due, owner = _queue_place(item, sla, owners)
        reading = item.reading
        updates.append((
            item.row["language"] or reading.language, reading.sentiment, reading.score,
            None if item.row["stars"] is not None else reading.stars,
            item.contact.pk if item.contact else None, adapt(due) if due else None, owner,
            item.row["id"],
        ))  # fmt: skip
    table = connection.ops.quote_name(Mention._meta.db_table)
    with connection.cursor() as cursor:
        # A customer named before the reading (a rating page's answer, a member's link) stays.
        cursor.executemany(
            f"UPDATE {table} SET language = %s, sentiment = %s, sentiment_score = %s, "  # noqa: S608
            "stars_estimated = %s, contact_id = COALESCE(contact_id, %s), due_at = %s, "
            "owner_id = %s WHERE id = %s",
            updates,
        )
    MentionProduct.objects.bulk_create(
        [
            MentionProduct(workspace=workspace, mention_id=item.row["id"], product_id=product)
            for item in items
            for product in sorted(item.products)
        ],
        ignore_conflicts=True,
    )
    for item in items:
        if item.contact is not None:
            _on_timeline(workspace, item)
    negative = [item.row["id"] for item in items if item.reading.sentiment == "negative"]
    if negative:
        key_account_alerts(mention_ids=negative)


def _sla_hours(workspace: Workspace) -> int:
    from touchbase.listening.services import listening_settings

    return listening_settings(workspace=workspace).response_sla_hours


def _source_owners(items: Sequence[Understood]) -> dict[int, int | None]:
    source_ids = {item.row["source_id"] for item in items}
    return dict(Source.objects.filter(pk__in=source_ids).values_list("pk", "owner_id"))


def _queue_place(
    item: Understood, sla_hours: int, owners: dict[int, int | None]
) -> tuple[dt.datetime | None, int | None]:
    """Due time and owner of a negative mention nobody answered; (None, None) otherwise."""
    if item.reading.sentiment != "negative" or item.row["answered_at"] is not None:
        return None, None
    contact = item.contact
    owner = None
    if contact is not None:
        owner = contact.owner_id or (contact.account.owner_id if contact.account else None)
    owner = owner or owners.get(item.row["source_id"])
    return item.row["received_at"] + dt.timedelta(hours=sla_hours), owner


def _on_timeline(workspace: Workspace, item: Understood) -> None:
    from touchbase.listening.services import mention_on_timeline

    mention = Mention.objects.get(pk=item.row["id"])
    mention_on_timeline(mention=mention, workspace=workspace)
