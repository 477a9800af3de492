"""Pagination for API lists: limit/offset in, items and next_offset out, never a COUNT."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

MAX_LIMIT = 200
# Far past any list's end, and small enough that offset + limit fits every integer column.
MAX_OFFSET = 10**9


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


def page_of_rows(rows: list[Any], page: PageParams) -> dict[str, Any]:
    """Rows fetched with one more than the limit tell whether a next page exists."""
    return {
        "items": rows[: page.limit],
        "next_offset": page.offset + page.limit if len(rows) > page.limit else None,
    }
