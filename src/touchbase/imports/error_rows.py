"""The rows of an import that have errors, as a CSV file the user can fix and upload again."""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from touchbase.imports.exports import csv_safe
from touchbase.imports.models import ImportJob
from touchbase.imports.planner import ImportPlan


def error_rows_csv(plan: ImportPlan) -> bytes:
    """The file's own columns of each row with errors, plus its line and the reasons.

    UTF-8 with BOM so that Excel shows umlauts; the file's delimiter, else ; for German users;
    cells that a spreadsheet would run as a formula get a leading ' (CSV injection).
    """
    if not plan.error_rows:
        return b""
    delimiter = plan.delimiter if plan.delimiter in (",", ";", "\t", "|") else (
        ";" if (get_language() or "en").startswith("de") else ",")  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([csv_safe(h) for h in [*plan.headers, _("Line"), _("Reason")]])
    for line, raw, reasons in plan.error_rows:
        cells = [raw.get(header, "") for header in plan.headers]
        writer.writerow([csv_safe(cell) for cell in [*cells, str(line), "; ".join(reasons)]])
    return ("\ufeff" + buffer.getvalue()).encode()


def error_rows_response(job: ImportJob) -> HttpResponse:
    """The stored CSV as a download; 404 when the import left no rows out (or they expired)."""
    data = bytes(job.error_rows)
    if not data:
        raise Http404
    stem = job.filename.rsplit(".", 1)[0] or "import"
    name = _("%(file)s - rows with errors.csv") % {"file": stem}
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
