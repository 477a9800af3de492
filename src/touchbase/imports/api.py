"""API endpoints for imports (upload, dry run, mapping, confirmation) and exports."""

from __future__ import annotations

from typing import Any, Literal

from django.http import StreamingHttpResponse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.imports import exports, services
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
    mapping: dict[str, str]
    report: dict[str, Any]
    result: dict[str, Any]


class MappingIn(Schema):
    mapping: dict[str, str]


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
    return owned_or_404(ImportJob.objects.defer("content"), import_id, workspace=request.workspace)


@router.put(
    "/imports/{import_id}/mapping",
    response={202: ImportOut},
    summary="Map columns; the worker checks the file again",
)
@api_capability(Capability.IMPORT)
def import_remap(request: MemberRequest, import_id: Id, payload: MappingIn) -> Status[ImportJob]:
    job = owned_or_404(ImportJob.objects.defer("content"), import_id, workspace=request.workspace)
    return Status(202, services.import_job_remap(job=job, mapping=payload.mapping))


@router.post(
    "/imports/{import_id}/confirm",
    response={202: ImportOut},
    summary="Queue the import: all rows, or none when any row is bad (422 while the report "
    "has errors)",
)
@api_capability(Capability.IMPORT)
def import_confirm(request: MemberRequest, import_id: Id) -> Status[ImportJob]:
    job = owned_or_404(ImportJob.objects.defer("content"), import_id, workspace=request.workspace)
    return Status(202, services.import_job_confirm(job=job, by=request.user))


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
