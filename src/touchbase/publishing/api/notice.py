"""API: the reachability notice and its reusable outputs, and the news page's settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Query, Schema

from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.choices import Language
from touchbase.core.requests import MemberRequest
from touchbase.publishing import outputs, services
from touchbase.publishing.api.base import MemberRef, router
from touchbase.publishing.choices import Operation
from touchbase.publishing.models import NewsSettings, ReachabilityNotice

NOTICE_TEXT = 1000


class NoticeOut(Schema):
    reach: str = Field(description="How to reach us now")
    measures: str = Field(description="Protective measures")
    operation: Operation
    operation_note: str
    booking: str = Field(description="How to book an appointment")
    booking_url: str
    show_banner: bool = Field(description="Shown as a banner on the news page")
    review_every_days: int
    reviewed_at: dt.datetime | None
    reviewed_by: MemberRef | None
    is_old: bool = Field(description="Not reviewed within review_every_days")

    @staticmethod
    def resolve_is_old(notice: ReachabilityNotice) -> bool:
        return services.notice_is_old(notice)


class NoticeIn(Schema):
    """The whole notice; a field left out is emptied (or set to its default)."""

    reach: str = Field("", max_length=NOTICE_TEXT)
    measures: str = Field("", max_length=NOTICE_TEXT)
    operation: Operation = Operation.REGULAR
    operation_note: str = Field("", max_length=300)
    booking: str = Field("", max_length=NOTICE_TEXT)
    booking_url: str = Field("", max_length=500)
    show_banner: bool = True
    review_every_days: int = Field(30, ge=1, le=365)


class NoticeOutputOut(Schema):
    language: str
    html: str = Field(description="An embeddable HTML block (inline styles, no script)")
    signature_html: str = Field(description="A table block for e-mail signatures")
    text: str = Field(description="Plain text for social posts and plain signatures")


class NoticeOutputFilters(Schema):
    language: Language | None = Field(None, description="All languages when left out")


class NewsSettingsOut(Schema):
    enabled: bool = Field(description="When false, the news page and its feed answer 404")
    title: str
    intro: str
    comments_open: bool


class NewsSettingsIn(Schema):
    enabled: bool = True
    title: str = Field("", max_length=100)
    intro: str = Field("", max_length=1000)
    comments_open: bool = True


def _notice(request: MemberRequest) -> ReachabilityNotice:
    notice = services.notice_get(workspace=request.workspace)
    return ReachabilityNotice.objects.select_related("reviewed_by").get(pk=notice.pk)


@router.get("/publishing/notice", response=NoticeOut, summary="The reachability notice")
@api_capability(Capability.PUBLISHING_VIEW)
def notice_get(request: MemberRequest) -> ReachabilityNotice:
    return _notice(request)


@router.put("/publishing/notice", response=NoticeOut,
            summary="Replace the notice; saving counts as reviewing it")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def notice_update(request: MemberRequest, payload: NoticeIn) -> ReachabilityNotice:
    services.notice_update(workspace=request.workspace, actor=request.user, **payload.dict())
    return _notice(request)


@router.post("/publishing/notice/confirm", response=NoticeOut,
             summary="Confirm the notice is still true: the review date moves")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def notice_confirm(request: MemberRequest) -> ReachabilityNotice:
    services.notice_confirm(workspace=request.workspace, actor=request.user)
    return _notice(request)


@router.get("/publishing/notice/outputs", response=list[NoticeOutputOut],
            summary="The notice as HTML, signature block and text, per language")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def notice_outputs(
    request: MemberRequest, filters: Query[NoticeOutputFilters]
) -> list[dict[str, Any]]:
    notice = _notice(request)
    languages = [filters.language] if filters.language else list(Language.values)
    return [
        {
            "language": language,
            "html": outputs.notice_html(notice, language=language),
            "signature_html": outputs.notice_signature_html(notice, language=language),
            "text": outputs.notice_text(notice, language=language),
        }
        for language in languages
    ]


@router.get("/publishing/news-settings", response=NewsSettingsOut,
            summary="The public news page's settings")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def news_settings_get(request: MemberRequest) -> NewsSettings:
    return services.news_settings(workspace=request.workspace)


@router.put("/publishing/news-settings", response=NewsSettingsOut,
            summary="Open or close the news page; title, intro, comments")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def news_settings_update(request: MemberRequest, payload: NewsSettingsIn) -> NewsSettings:
    row = services.news_settings(workspace=request.workspace)
    changes = {name: value.strip() if isinstance(value, str) else value
               for name, value in payload.dict().items()}  # fmt: skip
    return services.news_settings_save(settings=row, changes=changes)
