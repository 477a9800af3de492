"""Serving an uploaded image: only a raster type we accept, never sniffed into anything else."""

from __future__ import annotations

import mimetypes

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from touchbase.publishing.forms import IMAGE_TYPES
from touchbase.publishing.models import Draft, DraftVersion


def image_response(name: str, *, cache_control: str) -> FileResponse:
    content_type = mimetypes.guess_type(name)[0] if name else None
    if content_type not in IMAGE_TYPES:
        raise Http404(_("Not found."))
    try:
        handle = default_storage.open(name, "rb")
    except OSError as missing:
        raise Http404(_("Not found.")) from missing
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = cache_control
    return response


def draft_image_url(request: HttpRequest, draft: Draft, *, version: int | None = None) -> str:
    """Where a member downloads the draft's image (or one version's): behind the login."""
    path = reverse("publishing:draft-image", args=[draft.pk])
    return request.build_absolute_uri(path + (f"?version={version}" if version else ""))


def version_image_name(draft: Draft, number: int | None) -> str:
    """The stored name of the draft's image now, or of one version's ("" when there is none)."""
    if number is None:
        return (draft.image.name or "") if draft.image else ""
    version = DraftVersion.objects.filter(draft=draft, number=number).first()
    return version.image if version else ""
