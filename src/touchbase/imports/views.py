"""Web views for customer data in and out: imports with dry run."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from touchbase.core.capabilities import Capability, capability_required
from touchbase.core.htmx import render_page
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.imports import error_rows, exports, services
from touchbase.imports.mapping import FIELDS
from touchbase.imports.models import ImportJob
from touchbase.relationships import selectors


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV, XLSX or vCard file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.vcf"}),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        try:
            services.upload_size_check(size=upload.size)
        except ValidationError as error:
            raise ValidationError(error.message_dict["file"]) from error
        return upload


@capability_required(Capability.IMPORT)
def import_start(request: MemberRequest) -> HttpResponse:
    """Upload a file; the next page follows its dry run in the worker."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_job_create(
            workspace=request.workspace, by=request.user, filename=upload.name,
            data=upload.read(),
        )  # fmt: skip
        return redirect("imports:import-detail", pk=job.pk)
    recent = ImportJob.objects.filter(workspace=request.workspace).defer("content", "error_rows")[
        :10
    ]
    return render(request, "imports/import_start.html", {"form": form, "recent": recent})


@capability_required(Capability.IMPORT)
def import_detail(request: MemberRequest, pk: int) -> HttpResponse:
    """The dry-run report: mapping, counts and every bad row; change the mapping here.

    While the worker has the file, the status fragment polls this URL every second.
    """
    job = owned_or_404(
        ImportJob.objects.defer("content", "error_rows"), pk, workspace=request.workspace
    )
    if request.method == "POST":
        mapping = {
            header: request.POST.get(f"map-{index}", "")
            for index, header in enumerate(job.report.get("headers", []))
        }
        try:
            services.import_job_remap(job=job, mapping={h: f for h, f in mapping.items() if f})
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Checking again with your column mapping."))
        return redirect("imports:import-detail", pk=job.pk)
    headers = [
        (index, header, job.mapping.get(header, ""))
        for index, header in enumerate(job.report.get("headers", []))
    ]
    context = {
        "job": job, "report": job.report, "headers": headers, "fields": FIELDS,
        # Still kept (they go after seven days, or when a person in them is erased)?
        "has_error_rows": ImportJob.objects.filter(pk=job.pk).exclude(error_rows=b"").exists(),
    }  # fmt: skip
    return render_page(
        request, "imports/import_detail.html", "imports/partials/_import_status.html", context
    )


@capability_required(Capability.IMPORT)
@require_POST
def import_confirm(request: MemberRequest, pk: int) -> HttpResponse:
    """Queue the import: all rows, or those without errors when the user chose so."""
    job = owned_or_404(
        ImportJob.objects.defer("content", "error_rows"), pk, workspace=request.workspace
    )
    try:
        services.import_job_confirm(
            job=job, by=request.user, skip_errors=request.POST.get("skip_errors") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("imports:import-detail", pk=job.pk)


@capability_required(Capability.IMPORT)
def import_error_rows(request: MemberRequest, pk: int) -> HttpResponse:
    """The rows with errors as the file has them, with their reasons: a CSV to fix them."""
    return error_rows.error_rows_response(
        owned_or_404(ImportJob.objects.defer("content"), pk, workspace=request.workspace)
    )


# --- exports --------------------------------------------------------------------------------


def _file_format(request: MemberRequest) -> str:
    value = request.GET.get("format", "csv")
    return value if value in exports.FORMATS else "csv"


@capability_required(Capability.EXPORT_ALL)
def contact_export(request: MemberRequest) -> StreamingHttpResponse:
    """The contacts the user sees in the list (same search and filters) as a file."""
    contacts = selectors.contact_list(
        workspace=request.workspace,
        search=request.GET.get("q", "").strip(),
        owner_id=id_or_none(request.GET.get("owner")),
        account_id=id_or_none(request.GET.get("account")),
    )
    export = exports.export_contacts(contacts=contacts, file_format=_file_format(request))
    return exports.export_response(export, workspace=request.workspace)


@capability_required(Capability.EXPORT_ALL)
def account_export(request: MemberRequest) -> StreamingHttpResponse:
    """The accounts the user sees in the list as a file."""
    accounts = selectors.account_list(
        workspace=request.workspace,
        search=request.GET.get("q", "").strip(),
        segment=request.GET.get("segment", ""),
        owner_id=id_or_none(request.GET.get("owner")),
        key_only=request.GET.get("key") == "1",
    )
    export = exports.export_accounts(accounts=accounts, file_format=_file_format(request))
    return exports.export_response(export, workspace=request.workspace)


@capability_required(Capability.EXPORT_ALL)
def touchpoint_export(request: MemberRequest) -> StreamingHttpResponse:
    """Touchpoints of the workspace, of one account or of one contact, as a file."""
    touchpoints = selectors.touchpoint_list(
        workspace=request.workspace,
        account_id=id_or_none(request.GET.get("account")),
        contact_id=id_or_none(request.GET.get("contact")),
    )
    export = exports.export_touchpoints(touchpoints=touchpoints, file_format=_file_format(request))
    return exports.export_response(export, workspace=request.workspace)
