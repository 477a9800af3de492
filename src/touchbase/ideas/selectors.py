"""Reads for ideas: the portal's lists, an idea's people, and the product people's rankings."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from touchbase.core.models import Workspace
from touchbase.ideas.choices import ROADMAP_STATUSES, IdeaSort
from touchbase.ideas.models import Comment, Evidence, Idea, Vote
from touchbase.relationships.models import Contact

PAGE_SIZE = 20
MAX_PAGE = 500
MAX_QUERY_LENGTH = 100
ORDERINGS: dict[str, tuple[str, str]] = {
    IdeaSort.TOP: ("-vote_count", "-id"),
    IdeaSort.NEW: ("-created_at", "-id"),
    IdeaSort.TRENDING: ("-trend_score", "-id"),
}


@dataclass(frozen=True)
class IdeaFilter:
    """What a list shows; every value bounded and checked by the form or schema before."""

    sort: str = IdeaSort.TOP
    product_id: int | None = None
    status: str = ""
    q: str = ""


def ideas_filtered(
    *, workspace: Workspace, wanted: IdeaFilter, listed: bool = True, search_text: bool = True
) -> QuerySet[Idea]:
    rows = Idea.objects.filter(workspace=workspace)
    rows = rows.filter(listed=True) if listed else rows.filter(merged_into=None)
    if wanted.product_id:
        rows = rows.filter(product_id=wanted.product_id)
    if wanted.status:
        rows = rows.filter(status=wanted.status)
    query = wanted.q.strip()[:MAX_QUERY_LENGTH]
    if query:
        found = Q(title__icontains=query)
        rows = rows.filter(found | Q(text__icontains=query) if search_text else found)
    sort = wanted.sort if wanted.sort in ORDERINGS else IdeaSort.TOP
    return rows.order_by(*ORDERINGS[sort])


def ideas_page(rows: QuerySet[Idea], *, page: int) -> tuple[list[Idea], bool]:
    """One page of a list and whether another follows (no COUNT over a large table)."""
    page = max(1, min(page, MAX_PAGE))
    start = (page - 1) * PAGE_SIZE
    chunk = list(rows.select_related("product")[start : start + PAGE_SIZE + 1])
    return chunk[:PAGE_SIZE], len(chunk) > PAGE_SIZE


# What a portal list shows (title, status, counts, product): no descriptions or answers read.
PORTAL_LIST_COLUMNS = (
    "id", "workspace_id", "title", "status", "vote_count", "comment_count", "created_at",
    "locked_at", "product_id", "product__id", "product__name",
)  # fmt: skip


def portal_page(*, workspace: Workspace, wanted: IdeaFilter, page: int) -> tuple[list[Idea], bool]:
    """One page of the public portal's list: listed ideas, titles searched, few columns."""
    rows = ideas_filtered(workspace=workspace, wanted=wanted, search_text=False)
    return ideas_page(rows.only(*PORTAL_LIST_COLUMNS), page=page)


def roadmap(*, workspace: Workspace, per_status: int = 50) -> dict[str, list[Idea]]:
    listed = Idea.objects.filter(workspace=workspace, listed=True).select_related("product")
    return {
        status: list(listed.filter(status=status).order_by("-vote_count", "-id")[:per_status])
        for status in ROADMAP_STATUSES
    }


def comments_public(idea: Idea) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(idea=idea, published_at__isnull=False, hidden_at=None)
        .select_related("visitor", "member")
        .order_by("created_at")
    )


def voted_ids(*, visitor_id: int | None, idea_ids: list[int]) -> set[int]:
    if visitor_id is None or not idea_ids:
        return set()
    return set(
        Vote.objects.filter(visitor_id=visitor_id, idea_id__in=idea_ids).values_list(
            "idea_id", flat=True
        )
    )


# --- the customers behind an idea --------------------------------------------------------------


@dataclass
class Backing:
    """The customers behind an idea and their value: an account counts once, however many
    of its people voted or were heard."""

    contacts: dict[int, Contact] = field(default_factory=dict)
    value: int = 0
    accounts: int = 0


def _customer_ids(idea_ids: list[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {idea_id: set() for idea_id in idea_ids}
    votes = Vote.objects.filter(idea_id__in=idea_ids, counted=True, contact__isnull=False)
    evidence = Evidence.objects.filter(idea_id__in=idea_ids, contact__isnull=False)
    authors = Idea.objects.filter(
        pk__in=idea_ids, author_contact__isnull=False, published_at__isnull=False
    )
    pairs = [
        *votes.values_list("idea_id", "contact_id"),
        *evidence.values_list("idea_id", "contact_id"),
        *authors.values_list("pk", "author_contact_id"),
    ]
    for idea_id, contact_id in pairs:
        found[idea_id].add(contact_id)
    return found


def backing(idea_ids: list[int]) -> dict[int, Backing]:
    """Per idea: the customers behind it, and the value of their accounts (or their own)."""
    ids = _customer_ids(idea_ids)
    contacts = (
        Contact.objects.filter(
            pk__in={pk for group in ids.values() for pk in group}, erased_at=None
        )
        .select_related("account")
        .in_bulk()
    )
    result = {}
    for idea_id, group in ids.items():
        row = Backing()
        seen: set[tuple[str, int]] = set()
        for contact_id in group:
            contact = contacts.get(contact_id)
            if contact is None:
                continue
            row.contacts[contact_id] = contact
            key = ("a", contact.account_id) if contact.account_id else ("c", contact.pk)
            if key in seen:
                continue
            seen.add(key)
            row.value += contact.account.value if contact.account else contact.value
            row.accounts += 1
        result[idea_id] = row
    return result


@dataclass(frozen=True)
class Ranked:
    idea: Idea
    customers: int
    value: int


def top_ideas(
    *, workspace: Workspace, product_id: int | None, by: str = "votes", limit: int = 20,
    candidates: int = 500,
) -> list[Ranked]:  # fmt: skip
    """Top ideas of a product (or all): by votes, or by the value of the customers behind them.

    By value looks at the product's most voted `candidates` ideas and those with evidence, so
    the cost stays bounded however many ideas a product has.
    """
    rows = Idea.objects.filter(
        workspace=workspace, merged_into=None, hidden_at=None, published_at__isnull=False
    )
    if product_id:
        rows = rows.filter(product_id=product_id)
    pool = list(rows.order_by("-vote_count", "-id").values_list("pk", flat=True)[:candidates])
    if by == "value":
        pool += list(
            rows.filter(evidence__isnull=False).values_list("pk", flat=True).distinct()[:candidates]
        )
    pool = list(dict.fromkeys(pool))
    behind = backing(pool)
    ideas = Idea.objects.select_related("product").in_bulk(pool)
    ranked = [
        Ranked(idea=ideas[pk], customers=behind[pk].accounts, value=behind[pk].value) for pk in pool
    ]
    if by == "value":
        ranked.sort(key=lambda r: (-r.value, -r.idea.vote_count, -r.idea.pk))
    return ranked[:limit]
