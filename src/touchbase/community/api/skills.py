"""API: the skills helpers offer, and what the company's own technician charges for each job."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, ProtectedError, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.community.api.base import ConflictOut, router
from touchbase.community.helpers import skill_save
from touchbase.community.models import Skill
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404

MAX_PRICE = Decimal("999999.99")


class SkillOut(Schema):
    id: int
    name_de: str
    name_en: str
    description: str
    hours: Decimal = Field(description="Usual duration of the job in hours (0.5 to 8)")
    technician_price: Decimal = Field(description="What a regular technician charges for the job")
    active: bool = Field(description="Offered on the public pages; inactive ones stay on record")
    helper_count: int = Field(description="Helpers who named this skill")
    request_count: int = Field(description="Help requests on this topic")


class SkillPage(Schema):
    items: list[SkillOut]
    next_offset: int | None


# Lengths and ranges are checked by the model (the service runs full_clean), so a value out
# of range is a 422 naming the field; the schema only bounds what no column could hold.
class SkillIn(Schema):
    name_de: str = Field(max_length=1000)
    name_en: str = Field(max_length=1000)
    description: str = Field("", max_length=10000)
    hours: Decimal = Field(Decimal("1.0"), max_digits=6, decimal_places=2)
    technician_price: Decimal = Field(Decimal("0"), ge=0, le=MAX_PRICE, decimal_places=2)
    active: bool = True


class SkillPatch(Schema):
    name_de: str | None = Field(None, max_length=1000)
    name_en: str | None = Field(None, max_length=1000)
    description: str | None = Field(None, max_length=10000)
    hours: Decimal | None = Field(None, max_digits=6, decimal_places=2)
    technician_price: Decimal | None = Field(None, ge=0, le=MAX_PRICE, decimal_places=2)
    active: bool | None = None


class SkillFilters(PageParams):
    active: bool | None = Field(None, description="Only offered (true) or retired (false) skills")


def _counted() -> QuerySet[Skill]:
    return Skill.objects.annotate(
        helper_count=Count("helpers", distinct=True),
        request_count=Count("requests", distinct=True),
    )


def _names_free(request: MemberRequest, fields: dict[str, Any], skill: Skill | None) -> None:
    """A name another skill has is an error on that name's field (the model would say it
    about the whole skill)."""
    taken = {}
    others = Skill.objects.filter(workspace=request.workspace).exclude(pk=skill.pk if skill else 0)
    for name in ("name_de", "name_en"):
        value = fields.get(name)
        if isinstance(value, str) and others.filter(**{name: value.strip()}).exists():
            taken[name] = [_("A skill with this name exists already.")]
    if taken:
        raise ValidationError(taken)


def _skill(request: MemberRequest, skill_id: int) -> Skill:
    return owned_or_404(_counted(), skill_id, workspace=request.workspace)


@router.get("/community/skills", response=SkillPage,
            summary="Skills helpers can offer, by German name")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def skill_list(request: MemberRequest, filters: Query[SkillFilters]) -> dict[str, Any]:
    rows = _counted().filter(workspace=request.workspace).order_by("name_de", "pk")
    if filters.active is not None:
        rows = rows.filter(active=filters.active)
    return page_of_rows(list(rows[filters.offset : filters.offset + filters.limit + 1]), filters)


@router.post("/community/skills", response={201: SkillOut}, summary="Add a skill")
@api_capability(Capability.COMMUNITY_MANAGE)
def skill_create(request: MemberRequest, payload: SkillIn) -> Status[Skill]:
    _names_free(request, payload.dict(), None)
    skill = skill_save(workspace=request.workspace, fields=payload.dict())
    return Status(201, _skill(request, skill.pk))


@router.get("/community/skills/{skill_id}", response=SkillOut, summary="One skill")
@api_capability(Capability.COMMUNITY_MANAGE)
def skill_get(request: MemberRequest, skill_id: Id) -> Skill:
    return _skill(request, skill_id)


@router.put("/community/skills/{skill_id}", response=SkillOut,
            summary="Replace a skill's names, description, duration, price and state")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def skill_replace(request: MemberRequest, skill_id: Id, payload: SkillIn) -> Skill:
    skill = _skill(request, skill_id)
    _names_free(request, payload.dict(), skill)
    skill_save(workspace=request.workspace, skill=skill, fields=payload.dict())
    return _skill(request, skill_id)


@router.patch("/community/skills/{skill_id}", response=SkillOut,
              summary="Change some of a skill's fields (active=false retires it)")  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def skill_update(request: MemberRequest, skill_id: Id, payload: SkillPatch) -> Skill:
    skill = _skill(request, skill_id)
    fields = {name: value for name, value in payload.dict(exclude_unset=True).items()
              if value is not None}  # fmt: skip
    _names_free(request, fields, skill)
    skill_save(workspace=request.workspace, skill=skill, fields=fields)
    return _skill(request, skill_id)


@router.delete(
    "/community/skills/{skill_id}", response={204: None, 409: ConflictOut},
    summary="Delete a skill no request uses (409 otherwise: retire it with active=false); "
    "the helpers lose it",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def skill_delete(request: MemberRequest, skill_id: Id) -> Status[Any]:
    skill = _skill(request, skill_id)
    try:
        with transaction.atomic():
            skill.delete()
    except ProtectedError:
        return Status(409, {"detail": _(
            "Help requests are about this skill, so it stays on record. Set it inactive "
            "to stop offering it."
        )})  # fmt: skip
    return Status(204, None)
