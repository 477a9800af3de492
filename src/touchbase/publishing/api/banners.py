"""API: banners for the website and e-mail signatures, their weekly views and clicks.

A banner is created with its image in one multipart request; its fields change by JSON
(PATCH) and its image by a multipart PUT. Images are PNG, JPEG or GIF of at most 500 kB and
2,000 pixels a side; anything else is a field error on "image".
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, cast

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Schema, Status, UploadedFile

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import banners, reach_services
from touchbase.publishing.api.base import router
from touchbase.publishing.choices import BannerTarget
from touchbase.publishing.files import image_response
from touchbase.publishing.models_reach import Banner

BannerLanguage = Literal["", "de", "en"]
MAX_WEEKS = 52


# --- schemas -----------------------------------------------------------------------------------


class BannerFields(Schema):
    name: str = Field(min_length=1, max_length=120)
    alt_text: str = Field(min_length=1, max_length=200, description="Said instead of the image")
    link_url: str = Field(min_length=1, max_length=500, description="Where a click leads")
    starts_on: dt.date = Field(description="Shown from this day")
    ends_on: dt.date | None = Field(None, description="Shown until this day; open when left out")
    weight: int = Field(1, ge=1, le=100, description="3 is shown three times as often as 1")
    target: BannerTarget = BannerTarget.EMAIL
    language: BannerLanguage = Field("", description="Empty: for readers of any language")
    for_partners: bool = Field(False, description="Offered to partners for download")


class BannerPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    alt_text: str | None = Field(None, min_length=1, max_length=200)
    link_url: str | None = Field(None, min_length=1, max_length=500)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = Field(None, description="null: shown with no end")
    weight: int | None = Field(None, ge=1, le=100)
    target: BannerTarget | None = None
    language: BannerLanguage | None = None
    for_partners: bool | None = None


class BannerOut(Schema):
    id: int
    name: str
    alt_text: str
    link_url: str
    starts_on: dt.date
    ends_on: dt.date | None
    weight: int
    target: BannerTarget
    language: BannerLanguage
    for_partners: bool
    width: int = Field(description="The image's size in pixels")
    height: int
    image_url: str = Field(description="The image through the API (send the token)")
    state: Literal["planned", "live", "ended"] = Field(description="Against today's date")
    created_at: dt.datetime


class BannerPage(Schema):
    items: list[BannerOut]
    next_offset: int | None


class BannerFilters(PageParams):
    target: BannerTarget | None = None


class BannerWeekOut(Schema):
    banner_id: int
    banner_name: str
    week: dt.date = Field(description="The week's Monday")
    views: int
    clicks: int


class StatsFilters(Schema):
    weeks: int = Field(12, ge=1, le=MAX_WEEKS, description="This week and the ones before")


# --- helpers -----------------------------------------------------------------------------------


def _banner(request: MemberRequest, banner_id: int) -> Banner:
    return owned_or_404(Banner, banner_id, workspace=request.workspace)


def _banner_out(request: HttpRequest, banner: Banner) -> dict[str, Any]:
    path = reverse("api:publishing_banner_image", args=[banner.pk])
    return {
        **{name: getattr(banner, name) for name in (
            "id", "name", "alt_text", "link_url", "starts_on", "ends_on", "weight", "target",
            "language", "for_partners", "width", "height", "created_at")},
        "image_url": request.build_absolute_uri(path),
        "state": reach_services.banner_state(banner),
    }  # fmt: skip


def _fields(values: dict[str, Any]) -> dict[str, Any]:
    """Text stripped; a null is refused except for the end date, where it means no end."""
    empty = [name for name, value in values.items() if value is None and name != "ends_on"]
    if empty:
        raise ValidationError({name: _("This field cannot be empty.") for name in empty})
    return {name: value.strip() if isinstance(value, str) else value
            for name, value in values.items()}  # fmt: skip


# --- literal paths first -----------------------------------------------------------------------


@router.get("/publishing/banner-stats", response=list[BannerWeekOut],
            summary="Views and clicks per banner and week, oldest week first")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def banner_stats(request: MemberRequest, filters: Query[StatsFilters]) -> list[dict[str, Any]]:
    rows = banners.banner_totals(workspace=request.workspace, weeks=filters.weeks)
    return [{**row, "banner_name": row["banner__name"]} for row in rows]


# --- banners -----------------------------------------------------------------------------------


@router.get("/publishing/banners", response=BannerPage,
            summary="Banners, latest start first; filter by target")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def banner_list(request: MemberRequest, filters: Query[BannerFilters]) -> dict[str, Any]:
    rows = Banner.objects.filter(workspace=request.workspace)
    if filters.target:
        rows = rows.filter(target=filters.target)
    rows = rows.order_by("-starts_on", "name", "id")
    found = page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)
    found["items"] = [_banner_out(request, banner) for banner in found["items"]]
    return found


@router.post("/publishing/banners", response={201: BannerOut},
             summary="Add a banner: its fields and the image, as multipart form data")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def banner_create(
    request: MemberRequest, fields: Form[BannerFields], image: File[UploadedFile]
) -> Status[dict[str, Any]]:
    banner = reach_services.banner_create(
        workspace=request.workspace, fields=_fields(fields.dict()), image=image
    )
    return Status(201, _banner_out(request, banner))


@router.get("/publishing/banners/{banner_id}", response=BannerOut, summary="One banner")
@api_capability(Capability.PUBLISHING_VIEW)
def banner_get(request: MemberRequest, banner_id: Id) -> dict[str, Any]:
    return _banner_out(request, _banner(request, banner_id))


@router.patch("/publishing/banners/{banner_id}", response=BannerOut,
              summary="Change some of a banner's fields (the image: PUT …/image)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def banner_update(request: MemberRequest, banner_id: Id, payload: BannerPatch) -> dict[str, Any]:
    banner = _banner(request, banner_id)
    fields = _fields(payload.dict(exclude_unset=True))
    return _banner_out(request, reach_services.banner_update(banner=banner, fields=fields))


@router.delete("/publishing/banners/{banner_id}", response={204: None},
               summary="Remove a banner (its counts go with it)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def banner_delete(request: MemberRequest, banner_id: Id) -> Status[None]:
    banners.banner_delete(banner=_banner(request, banner_id))
    return Status(204, None)


@router.get("/publishing/banners/{banner_id}/image", response={200: None},
            url_name="publishing_banner_image", summary="The banner's image")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def banner_image(request: MemberRequest, banner_id: Id) -> HttpResponse:
    banner = _banner(request, banner_id)
    response = image_response(banner.image.name or "", cache_control="private, max-age=3600")
    return cast(HttpResponse, response)


@router.put("/publishing/banners/{banner_id}/image", response=BannerOut,
            summary="Replace the banner's image (multipart, field image)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def banner_image_replace(
    request: MemberRequest, banner_id: Id, image: File[UploadedFile | None] = None
) -> dict[str, Any]:
    banner = _banner(request, banner_id)
    if image is None:
        raise ValidationError({"image": _("Choose an image.")})
    return _banner_out(request, reach_services.banner_update(banner=banner, fields={}, image=image))
