"""API: sources (list, get, create, change, new webhook secret) and file uploads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Field, File, Query, Schema, Status
from ninja.files import UploadedFile

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import jobs, selectors, services
from touchbase.listening.api.base import router
from touchbase.listening.choices import IngestStatus, SourceKind
from touchbase.listening.models import IngestJob, Source
from touchbase.relationships import selectors as crm_selectors


class SourceOut(Schema):
    id: int
    name: str
    kind: SourceKind
    channel: str
    feed_url: str
    poll_minutes: int
    owner_id: int | None
    webhook_path: str
    last_polled_at: dt.datetime | None
    next_poll_at: dt.datetime | None
    failures: int
    last_error: str
    last_error_at: dt.datetime | None
    created_at: dt.datetime

    @staticmethod
    def resolve_webhook_path(source: Source) -> str:
        return f"/hooks/mentions/{source.token}/"


class SourceCreated(SourceOut):
    webhook_secret: str = Field(description="Shown once, now: keep it to sign webhook calls")


class SecretOut(Schema):
    webhook_secret: str


class SourcePage(Schema):
    items: list[SourceOut]
    next_offset: int | None


class SourceIn(Schema):
    name: str = Field(max_length=120)
    kind: SourceKind
    channel: str = Field("", max_length=60)
    feed_url: str = Field("", max_length=2000)
    poll_minutes: int = Field(60, ge=1, le=100_000)
    owner_id: int | None = None


class SourcePatch(Schema):
    name: str | None = Field(None, max_length=120)
    channel: str | None = Field(None, max_length=60)
    feed_url: str | None = Field(None, max_length=2000)
    poll_minutes: int | None = Field(None, ge=1, le=100_000)
    owner_id: int | None = None


def _owner(request: MemberRequest, owner_id: int | None) -> Any:
    if owner_id is None:
        return None
    owner = crm_selectors.members(workspace=request.workspace).filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner_id": "Choose a member of this workspace."})
    return owner


@router.get("/listening/sources", response=SourcePage, summary="Sources, by name")
@api_capability(Capability.LISTENING_VIEW)
def source_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = selectors.source_list(workspace=request.workspace)
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.get("/listening/sources/{source_id}", response=SourceOut, summary="One source")
@api_capability(Capability.LISTENING_VIEW)
def source_get(request: MemberRequest, source_id: Id) -> Source:
    return owned_or_404(Source, source_id, workspace=request.workspace)


@router.post(
    "/listening/sources", response={201: SourceCreated},
    summary="Add a source (a webhook source's secret is in this answer only)",
)  # fmt: skip
@api_capability(Capability.LISTENING_MANAGE)
def source_create(request: MemberRequest, payload: SourceIn) -> Status[Source]:
    if payload.kind == SourceKind.INVITATION:
        raise ValidationError({"kind": "Review invitations make their own source."})
    source = services.source_save(
        workspace=request.workspace, name=payload.name, kind=payload.kind,
        channel=payload.channel, feed_url=payload.feed_url, poll_minutes=payload.poll_minutes,
        owner=_owner(request, payload.owner_id), by=request.user,
    )  # fmt: skip
    return Status(201, source)


@router.patch("/listening/sources/{source_id}", response=SourceOut, summary="Change a source")
@api_capability(Capability.LISTENING_MANAGE)
def source_update(request: MemberRequest, source_id: Id, payload: SourcePatch) -> Source:
    source = owned_or_404(Source, source_id, workspace=request.workspace)
    changes = payload.dict(exclude_unset=True)
    owner = _owner(request, changes["owner_id"]) if "owner_id" in changes else source.owner
    return services.source_save(
        workspace=request.workspace, name=changes.get("name") or source.name, kind=source.kind,
        channel=_given(changes, "channel", source.channel),
        feed_url=_given(changes, "feed_url", source.feed_url),
        poll_minutes=changes.get("poll_minutes") or source.poll_minutes, owner=owner,
        source=source,
    )  # fmt: skip


def _given(changes: dict[str, Any], name: str, current: str) -> str:
    value = changes.get(name, current)
    return current if value is None else str(value)


@router.post(
    "/listening/sources/{source_id}/secret", response=SecretOut,
    summary="Make a new webhook secret (the old one stops working)",
)  # fmt: skip
@api_capability(Capability.LISTENING_MANAGE)
def source_secret(request: MemberRequest, source_id: Id) -> dict[str, str]:
    source = owned_or_404(Source, source_id, workspace=request.workspace)
    return {"webhook_secret": services.source_secret_rotate(source=source)}


class JobOut(Schema):
    id: int
    source_id: int
    filename: str
    status: IngestStatus
    report: dict[str, Any]
    lines_total: int
    lines_done: int
    stored: int
    duplicates: int
    error_count: int
    errors: list[dict[str, Any]]
    note: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


@router.post(
    "/listening/sources/{source_id}/files", response={202: JobOut},
    summary="Upload a file: the worker checks it (a dry run); store it with …/files/{id}/store",
)  # fmt: skip
@api_capability(Capability.LISTENING_MANAGE)
def file_upload(
    request: MemberRequest, source_id: Id, file: File[UploadedFile | None] = None
) -> Status[IngestJob]:
    # The source first: another workspace's id is 404 even without a file.
    source = owned_or_404(Source, source_id, workspace=request.workspace)
    if file is None:
        raise ValidationError({"file": "Upload a file (multipart field `file`)."})
    jobs.upload_size_check(size=file.size or 0)
    job = jobs.ingest_job_create(
        source=source, by=request.user, filename=file.name or "upload", data=file.read()
    )
    return Status(202, job)


@router.get("/listening/files/{job_id}", response=JobOut, summary="A file's check or progress")
@api_capability(Capability.LISTENING_VIEW)
def file_get(request: MemberRequest, job_id: Id) -> IngestJob:
    return owned_or_404(IngestJob.objects.defer("content"), job_id, workspace=request.workspace)


@router.post(
    "/listening/files/{job_id}/store", response={202: JobOut},
    summary="Store a checked file's new mentions",
)  # fmt: skip
@api_capability(Capability.LISTENING_MANAGE)
def file_store(request: MemberRequest, job_id: Id) -> Status[IngestJob]:
    job = owned_or_404(IngestJob.objects.defer("content"), job_id, workspace=request.workspace)
    return Status(202, jobs.ingest_job_confirm(job=job))
