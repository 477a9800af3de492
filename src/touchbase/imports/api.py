"""API endpoints for imports (upload, dry run, mapping, confirmation) and exports."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.imports import error_rows, exports, services
from touchbase.imports.models import ImportJob
from touchbase.relationships import selectors

router = Router(tags=["imports"])


class ImportOut(Schema):
    id: int
    filename: str
    status: str
    progress_done: int
    progress_total: int
    note: str
    skip_errors: bool
    mapping: dict[str, str]
    report: dict[str, Any]
    result: dict[str, Any]


class MappingIn(Schema):
    mapping: dict[str, str]


class ConfirmIn(Schema):
    # Import the rows without errors and leave the others out (see /error-rows).
    skip_errors: bool = False


@router.post(
    "/imports",
    response={201: ImportOut},
    summary="Upload a CSV, XLSX or vCard file; the worker checks it (status queued → planned)",
)
@api_capability(Capability.IMPORT)
def import_create(request: MemberRequest, file: File[UploadedFile]) -> Status[ImportJob]:
    services.upload_size_check(size=file.size or 0)
    job = services.import_job_create(
        workspace=request.workspace, by=request.user, filename=file.name or "upload",
        data=file.read(),
    )  # fmt: skip
    return Status(201, job)


@router.get(
    "/imports/{import_id}", response=ImportOut, summary="An import: status, progress and report"
)
@api_capability(Capability.IMPORT)
def import_get(request: MemberRequest, import_id: Id) -> ImportJob:
    return owned_or_404(
        ImportJob.objects.defer("content", "error_rows"), import_id, workspace=request.workspace
    )


@router.put(
    "/imports/{import_id}/mapping",
    response={202: ImportOut},
    summary="Map columns; the worker checks the file again",
)
@api_capability(Capability.IMPORT)
def import_remap(request: MemberRequest, import_id: Id, payload: MappingIn) -> Status[ImportJob]:
    job = owned_or_404(
        ImportJob.objects.defer("content", "error_rows"), import_id, workspace=request.workspace
    )
    return Status(202, services.import_job_remap(job=job, mapping=payload.mapping))


@router.post(
    "/imports/{import_id}/confirm",
    response={202: ImportOut},
    summary="Queue the import: all rows, or with skip_errors those without errors (422 while "
    "rows have errors and skip_errors is not set); warnings never stop it",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": ConfirmIn.json_schema()}},
        }
    },
)
@api_capability(Capability.IMPORT)
def import_confirm(
    request: MemberRequest, import_id: Id, skip_errors: bool = False
) -> Status[ImportJob]:
    """skip_errors as a query parameter or in a JSON body; an empty body confirms all rows."""
    job = owned_or_404(
        ImportJob.objects.defer("content", "error_rows"), import_id, workspace=request.workspace
    )
    skip_errors = skip_errors or _json_flag(request, "skip_errors")
    return Status(
        202, services.import_job_confirm(job=job, by=request.user, skip_errors=skip_errors)
    )


def _json_flag(request: MemberRequest, name: str) -> bool:
    """A true flag in a JSON body; any other body (none, a form) leaves it false."""
    if request.content_type != "application/json" or not request.body:
        return False
    try:
        body = ConfirmIn.model_validate_json(request.body)
    except ValueError as error:
        raise ValidationError(
            {name: [_('Send a JSON object like {"skip_errors": true}.')]}
        ) from error
    return bool(getattr(body, name))


@router.get(
    "/imports/{import_id}/error-rows",
    summary="The rows with errors as the file has them, plus line and reason (CSV, UTF-8 "
    "with BOM); 404 when there are none",
)
@api_capability(Capability.IMPORT)
def import_error_rows(request: MemberRequest, import_id: Id) -> HttpResponse:
    job = owned_or_404(ImportJob.objects.defer("content"), import_id, workspace=request.workspace)
    return error_rows.error_rows_response(job)


@router.get("/exports/{kind}", summary="Export contacts, accounts or touchpoints as a file")
@api_capability(Capability.EXPORT_ALL)
def export(
    request: MemberRequest,
    kind: Literal["contacts", "accounts", "touchpoints"],
    file_format: Literal["csv", "xlsx", "vcf"] = Query("csv", alias="format"),  # type: ignore[type-arg]
    q: str = "",
) -> StreamingHttpResponse:
    workspace = request.workspace
    if kind == "contacts":
        result = exports.export_contacts(
            contacts=selectors.contact_list(workspace=workspace, search=q), file_format=file_format
        )
    elif kind == "accounts":
        result = exports.export_accounts(
            accounts=selectors.account_list(workspace=workspace, search=q), file_format=file_format
        )
    else:
        result = exports.export_touchpoints(
            touchpoints=selectors.touchpoint_list(workspace=workspace), file_format=file_format
        )
    return exports.export_response(result, workspace=workspace)
