"""Sources: list, create and change, the webhook's address and secret, file uploads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required, has_capability
from touchbase.core.forms import apply_errors
from touchbase.core.requests import MemberRequest
from touchbase.core.signing import absolute_url
from touchbase.core.tenancy import owned_or_404
from touchbase.listening import jobs, selectors, services
from touchbase.listening.choices import IngestStatus, SourceKind
from touchbase.listening.forms import SourceForm, UploadForm
from touchbase.listening.models import IngestJob, Source

SECRET_SESSION_KEY = "listening-secret-once"


@capability_required(Capability.LISTENING_VIEW)
def source_list(request: MemberRequest) -> HttpResponse:
    context = {
        "sources": selectors.source_list(workspace=request.workspace),
        "can_manage": has_capability(request, Capability.LISTENING_MANAGE),
    }
    return render(request, "listening/source_list.html", context)


@capability_required(Capability.LISTENING_MANAGE)
def source_edit(request: MemberRequest, pk: int | None = None) -> HttpResponse:
    """Create or change a source; a new webhook source shows its secret once."""
    source = owned_or_404(Source, pk, workspace=request.workspace) if pk else None
    initial = SourceForm.initial_for(source) if source else {}
    form = SourceForm(request.POST or None, initial=initial, workspace=request.workspace)
    if source:
        form.fields["kind"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.source_save(
                workspace=request.workspace, name=data["name"],
                kind=source.kind if source else data["kind"], channel=data["channel"],
                feed_url=data["feed_url"] or "", poll_minutes=data["poll_minutes"],
                owner=data["owner"], by=request.user, source=source,
            )  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if source is None and saved.kind == SourceKind.WEBHOOK:
                request.session[SECRET_SESSION_KEY] = [saved.pk, saved.webhook_secret]
            messages.success(request, _("Source saved."))
            return redirect("listening:source-detail", saved.pk)
    return render(request, "listening/source_form.html", {"form": form, "source": source})


@capability_required(Capability.LISTENING_VIEW)
def source_detail(request: MemberRequest, pk: int) -> HttpResponse:
    source = owned_or_404(Source, pk, workspace=request.workspace)
    can_manage = has_capability(request, Capability.LISTENING_MANAGE)
    context = {
        "source": source,
        "can_manage": can_manage,
        "secret": _secret_once(request, source) if can_manage else None,
        "webhook_url": absolute_url(path=f"/hooks/mentions/{source.token}/"),
        "upload": UploadForm(),
        "jobs": IngestJob.objects.filter(source=source).defer("content")[:10],
        "figures": selectors.source_figures(source=source),
    }
    return render(request, "listening/source_detail.html", context)


def _secret_once(request: MemberRequest, source: Source) -> str | None:
    """The webhook secret, if it was just made: shown on this one page, never again."""
    kept = request.session.get(SECRET_SESSION_KEY)
    if kept and kept[0] == source.pk:
        del request.session[SECRET_SESSION_KEY]
        return str(kept[1])
    return None


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def source_secret_rotate(request: MemberRequest, pk: int) -> HttpResponse:
    source = owned_or_404(Source, pk, workspace=request.workspace)
    secret = services.source_secret_rotate(source=source)
    request.session[SECRET_SESSION_KEY] = [source.pk, secret]
    messages.success(request, _("New secret made; the old one no longer works."))
    return redirect("listening:source-detail", source.pk)


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def source_upload(request: MemberRequest, pk: int) -> HttpResponse:
    """Keep the file and let the worker check it; the job's page shows the dry run."""
    source = owned_or_404(Source, pk, workspace=request.workspace)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            jobs.upload_size_check(size=upload.size)
            job = jobs.ingest_job_create(
                source=source, by=request.user, filename=upload.name, data=upload.read()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("listening:job-detail", job.pk)
    context = {
        "source": source, "can_manage": True, "upload": form, "secret": None,
        "webhook_url": absolute_url(path=f"/hooks/mentions/{source.token}/"),
        "jobs": IngestJob.objects.filter(source=source).defer("content")[:10],
        "figures": selectors.source_figures(source=source),
    }  # fmt: skip
    return render(request, "listening/source_detail.html", context, status=422)


@capability_required(Capability.LISTENING_VIEW)
def job_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """A file's dry run, then its progress; the page polls while the worker is busy."""
    job = owned_or_404(IngestJob.objects.defer("content"), pk, workspace=request.workspace)
    busy = job.status in {IngestStatus.CHECKING, IngestStatus.QUEUED, IngestStatus.RUNNING}
    context = {
        "job": job,
        "busy": busy,
        "percent": _percent(job),
        "can_manage": has_capability(request, Capability.LISTENING_MANAGE),
    }
    template = "listening/partials/_job.html" if request.htmx else "listening/job_detail.html"
    return render(request, template, context)


def _percent(job: IngestJob) -> int:
    if job.status == IngestStatus.DONE:
        return 100
    if not job.lines_total:
        return 0
    return min(100, round(100 * job.lines_done / job.lines_total))


@capability_required(Capability.LISTENING_MANAGE)
@require_POST
def job_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    job = owned_or_404(IngestJob.objects.defer("content"), pk, workspace=request.workspace)
    try:
        jobs.ingest_job_confirm(job=job)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("listening:job-detail", job.pk)


urlpatterns = [
    path("listening/sources/", source_list, name="source-list"),
    path("listening/sources/new/", source_edit, name="source-create"),
    path("listening/sources/<id:pk>/", source_detail, name="source-detail"),
    path("listening/sources/<id:pk>/edit/", source_edit, name="source-edit"),
    path("listening/sources/<id:pk>/secret/", source_secret_rotate, name="source-secret"),
    path("listening/sources/<id:pk>/upload/", source_upload, name="source-upload"),
    path("listening/files/<id:pk>/", job_detail, name="job-detail"),
    path("listening/files/<id:pk>/store/", job_confirm, name="job-confirm"),
]
