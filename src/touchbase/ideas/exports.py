"""Top ideas of a product as CSV or XLSX, for the product people's own spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from touchbase.core.signing import absolute_url
from touchbase.ideas.models import Idea
from touchbase.ideas.selectors import Ranked
from touchbase.ideas.services import public_path
from touchbase.imports.exports import XLSX_TYPE, csv_safe
from touchbase.imports.xlsx_stream import xlsx_stream

FORMATS = ("csv", "xlsx")


def public_url(idea: Idea) -> str:
    """The idea's address on the portal."""
    return absolute_url(path=public_path(idea))


def _columns() -> list[tuple[str, Callable[[Ranked], Any]]]:
    return [
        (_("ID"), lambda r: r.idea.pk),
        (_("Title"), lambda r: r.idea.title),
        (_("Product"), lambda r: r.idea.product.name if r.idea.product else ""),
        (_("Status"), lambda r: r.idea.get_status_display()),
        (_("Votes"), lambda r: r.idea.vote_count),
        (_("Customers"), lambda r: r.customers),
        (_("Customer value (EUR)"), lambda r: r.value),
        (_("Official answer"), lambda r: r.idea.answer),
        (_("Public URL"), lambda r: public_url(r.idea)),
    ]


def _rows(ranked: list[Ranked]) -> Iterator[list[Any]]:
    columns = _columns()
    for row in ranked:
        yield [getter(row) for _label, getter in columns]


def top_ideas_csv(ranked: list[Ranked]) -> bytes:
    """UTF-8 with BOM, ; for German readers; a cell a spreadsheet would run as a formula
    (= + - @ tab CR at its start) gets a leading ' as in every export of touchbase."""
    delimiter = ";" if (get_language() or "en").startswith("de") else ","
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([label for label, _getter in _columns()])
    for row in _rows(ranked):
        writer.writerow([csv_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def top_ideas_response(ranked: list[Ranked], *, file_format: str, name: str) -> HttpResponse:
    """The ranking as a download named after the product and the day."""
    stem = f"touchbase-{_('ideas')}-{name}-{timezone.localdate().isoformat()}"
    if file_format == "xlsx":
        # A ranking is a few rows: built at once, inside the request's workspace scope.
        workbook = xlsx_stream(
            title=_("Top ideas"),
            header=[label for label, _getter in _columns()],
            rows=list(_rows(ranked)),
        )
        response = HttpResponse(b"".join(workbook), content_type=XLSX_TYPE)
        filename = f"{stem}.xlsx"
    else:
        response = HttpResponse(top_ideas_csv(ranked), content_type="text/csv; charset=utf-8")
        filename = f"{stem}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
