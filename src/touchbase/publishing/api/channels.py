"""API: channels and their scores, the sensitive topics, and the reviewer rule as you type."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Schema, Status

from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.publishing import services
from touchbase.publishing.api.base import (
    MAX_REFS,
    ChannelOut,
    MemberRef,
    channel_refs,
    router,
)
from touchbase.publishing.choices import ChannelKind
from touchbase.publishing.models import (
    MAX_BODY_LENGTH,
    MAX_TITLE_LENGTH,
    Channel,
    Draft,
    SensitiveTopic,
)


class ChannelPage(Schema):
    items: list[ChannelOut]
    next_offset: int | None


class ChannelIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    kind: ChannelKind = ChannelKind.OTHER
    permanence: int = Field(ge=1, le=10, description="1–10: how long it stays retrievable")
    control: int = Field(ge=1, le=10, description="1–10: how far we can still change it")
    explanation: str = Field("", max_length=300)


class ChannelPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=80)
    kind: ChannelKind | None = None
    permanence: int | None = Field(None, ge=1, le=10)
    control: int | None = Field(None, ge=1, le=10)
    explanation: str | None = Field(None, max_length=300)


class TopicOut(Schema):
    id: int
    phrase: str


class TopicPage(Schema):
    items: list[TopicOut]
    next_offset: int | None


class TopicIn(Schema):
    phrase: str = Field(max_length=80, description="A word or phrase; inflected forms count too")


class RuleIn(Schema):
    channels: list[Id] = Field(default_factory=list, max_length=MAX_REFS)
    title: str = Field("", max_length=MAX_TITLE_LENGTH)
    body: str = Field("", max_length=MAX_BODY_LENGTH)


class RuleOut(Schema):
    required: int = Field(description="How many distinct reviewers must approve")
    reasons: list[str] = Field(description="Why, in words")
    topics: list[str] = Field(description="Sensitive topics the text touches")
    eligible_reviewers: list[MemberRef] = Field(
        description="Members who may review a draft of yours; fewer than required means "
        "it cannot be published as it stands"
    )


def _channel(request: MemberRequest, channel_id: int) -> Channel:
    return owned_or_404(Channel, channel_id, workspace=request.workspace)


# --- channels ----------------------------------------------------------------------------------


@router.get("/publishing/channels", response=ChannelPage,
            summary="Channels with their scores (defaults loaded on first use)")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def channel_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    services.channels_ensure(workspace=request.workspace)
    rows = Channel.objects.filter(workspace=request.workspace).order_by("position", "name", "id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/publishing/channels", response={201: ChannelOut}, summary="Add a channel")
@api_capability(Capability.PUBLISHING_MANAGE)
def channel_create(request: MemberRequest, payload: ChannelIn) -> Status[Channel]:
    channel = services.channel_save(
        workspace=request.workspace, name=payload.name, kind=payload.kind,
        permanence=payload.permanence, control=payload.control, explanation=payload.explanation,
    )  # fmt: skip
    return Status(201, channel)


@router.get("/publishing/channels/{channel_id}", response=ChannelOut, summary="One channel")
@api_capability(Capability.PUBLISHING_VIEW)
def channel_get(request: MemberRequest, channel_id: Id) -> Channel:
    return _channel(request, channel_id)


@router.put("/publishing/channels/{channel_id}", response=ChannelOut,
            summary="Replace a channel's name, kind, scores and explanation")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def channel_replace(request: MemberRequest, channel_id: Id, payload: ChannelIn) -> Channel:
    channel = _channel(request, channel_id)
    return services.channel_save(
        workspace=request.workspace, channel=channel, name=payload.name, kind=payload.kind,
        permanence=payload.permanence, control=payload.control, explanation=payload.explanation,
    )  # fmt: skip


@router.patch("/publishing/channels/{channel_id}", response=ChannelOut,
              summary="Change some of a channel's fields")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def channel_update(request: MemberRequest, channel_id: Id, payload: ChannelPatch) -> Channel:
    channel = _channel(request, channel_id)
    given = {k: v for k, v in payload.dict(exclude_unset=True).items() if v is not None}
    return services.channel_save(
        workspace=request.workspace, channel=channel,
        name=given.get("name", channel.name), kind=given.get("kind", channel.kind),
        permanence=given.get("permanence", channel.permanence),
        control=given.get("control", channel.control),
        explanation=given.get("explanation", channel.explanation),
    )  # fmt: skip


@router.delete("/publishing/channels/{channel_id}", response={204: None},
               summary="Remove a channel (drafts keep their history)")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def channel_delete(request: MemberRequest, channel_id: Id) -> Status[None]:
    services.channel_delete(channel=_channel(request, channel_id))
    return Status(204, None)


# --- sensitive topics --------------------------------------------------------------------------


@router.get("/publishing/topics", response=TopicPage,
            summary="Sensitive topics: a draft touching one needs one reviewer more")  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def topic_list(request: MemberRequest, page: Query[PageParams]) -> dict[str, Any]:
    rows = SensitiveTopic.objects.filter(workspace=request.workspace).order_by("phrase", "id")
    return page_of_rows(list(rows[page.offset : page.offset + page.limit + 1]), page)


@router.post("/publishing/topics", response={201: TopicOut}, summary="Add a sensitive topic")
@api_capability(Capability.PUBLISHING_MANAGE)
def topic_create(request: MemberRequest, payload: TopicIn) -> Status[SensitiveTopic]:
    return Status(201, services.topic_add(workspace=request.workspace, phrase=payload.phrase))


@router.delete("/publishing/topics/{topic_id}", response={204: None},
               summary="Remove a sensitive topic")  # fmt: skip
@api_capability(Capability.PUBLISHING_MANAGE)
def topic_delete(request: MemberRequest, topic_id: Id) -> Status[None]:
    topic = owned_or_404(SensitiveTopic, topic_id, workspace=request.workspace)
    services.topic_remove(topic=topic)
    return Status(204, None)


# --- the rule ----------------------------------------------------------------------------------


@router.post(
    "/publishing/rule", response=RuleOut,
    summary="How many reviewers a text on these channels needs, and why (nothing is saved)",
)  # fmt: skip
@api_capability(Capability.PUBLISHING_VIEW)
def rule(request: MemberRequest, payload: RuleIn) -> dict[str, Any]:
    channels = channel_refs(request.workspace, payload.channels)
    need = services.requirement_for(workspace=request.workspace, channels=channels,
                                    title=payload.title, body=payload.body)  # fmt: skip
    # An unsaved draft of the caller's: everyone who may review, except the author.
    yours = Draft(workspace=request.workspace, author=request.user)
    return {
        "required": need.required,
        "reasons": list(need.reasons),
        "topics": list(need.topics),
        "eligible_reviewers": list(services.eligible_reviewers(draft=yours)),
    }
