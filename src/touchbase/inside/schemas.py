"""Schemas of the inside area's REST API.

Every name starts with Ama, Coffee or Inside: django-ninja keeps one schema per name in the
OpenAPI description, so a name another app uses too would silently replace that app's schema.

No schema carries who asked an anonymous question: not a name, not an id, not the pseudonym
(which would let a reader tie one person's anonymous questions together).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from touchbase.core.api.pagination import PageParams
from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.inside.choices import Audience, GroupState, QuestionState
from touchbase.inside.models import ANSWER_MAX, TITLE_MAX

# Bounds on what a request may carry; the services give the finer messages below these.
TEXT_IN_MAX = 2000
DESCRIPTION_MAX = 2000
INVITE_MAX = 200
SMALL_INT_MAX = 32767

SessionWhen = Literal["upcoming", "live", "past"]
SessionState = Literal["upcoming", "live", "closed"]


def _wall_clock(value: dt.time) -> dt.time:
    """The coffee's time is wall-clock time in the workspace's zone: no offset (SQLite cannot
    store one)."""
    if value.tzinfo is not None:
        raise ValueError("Give a time of day without a time zone.")
    return value


WallClock = Annotated[dt.time, AfterValidator(_wall_clock)]


# --- AMA sessions -----------------------------------------------------------------------------


class AmaSessionOut(Schema):
    id: int
    title: str
    description: str
    leader_id: int = Field(description="The leader's user id")
    leader_name: str
    moderator_ids: list[int] = Field(description="User ids of the session's moderators")
    starts_at: dt.datetime
    ends_at: dt.datetime
    audience: Audience
    anonymous_allowed: bool
    state: SessionState = Field(description="upcoming, live (started, not closed) or closed")
    closed_at: dt.datetime | None
    version: int = Field(description="Goes up with every change to the question list")
    can_moderate: bool = Field(description="Whether the caller may moderate this session")
    created_at: dt.datetime


class AmaSessionPage(Schema):
    items: list[AmaSessionOut]
    next_offset: int | None


class AmaSessionFilters(PageParams):
    when: SessionWhen | None = Field(
        None, description="upcoming (soonest first), live, or past (closed, latest first)"
    )


class AmaSessionIn(Schema):
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field("", max_length=DESCRIPTION_MAX)
    leader_id: int = Field(description="A member's user id")
    moderator_ids: list[int] = Field(
        default_factory=list, max_length=50, description="Members' user ids"
    )
    starts_at: Instant
    ends_at: Instant
    audience: Audience = Audience.MEMBERS
    anonymous_allowed: bool = True


class AmaSessionClosedOut(Schema):
    session: AmaSessionOut
    follow_ups: int = Field(description="Open questions that became follow-ups now")


class AmaInviteIn(Schema):
    contact_ids: list[Id] = Field(
        max_length=INVITE_MAX, description="Customers (contact ids) to invite"
    )


class AmaInvitedOut(Schema):
    invited: int = Field(description="Customers with an e-mail address who get a personal link")


class AmaJoinLinkOut(Schema):
    url: str = Field(description="The shared join link for guests; withdrawing makes it void")


# --- questions --------------------------------------------------------------------------------


class AmaQuestionOut(Schema):
    id: int
    session_id: int
    text: str
    anonymous: bool
    asker_name: str | None = Field(description="Who asked; always null for anonymous questions")
    state: QuestionState
    pinned: bool
    votes: int
    voted: bool = Field(description="Whether the caller voted for it")
    mine: bool = Field(description="Whether the caller asked it")
    merged_into_id: int | None
    answer: str
    answered_at: dt.datetime | None
    answered_by_name: str | None
    created_at: dt.datetime


class AmaQuestionPage(Schema):
    version: int = Field(description="The session's version when the list was read")
    items: list[AmaQuestionOut]
    next_offset: int | None


class AmaQuestionIn(Schema):
    text: str = Field(max_length=TEXT_IN_MAX)
    anonymous: bool = False
    notify: bool = Field(False, description="Mail me the answer (named questions only)")


class AmaVoteOut(Schema):
    question_id: int
    voted: bool = Field(description="Whether the caller now votes for the question")
    votes: int


class AmaMergeIn(Schema):
    into_id: int = Field(description="The question of the same session this one asks too")


class AmaAnswerIn(Schema):
    answer: str = Field(max_length=ANSWER_MAX)


class AmaBlockIn(Schema):
    reason: str = Field("", max_length=300)


class AmaBlockOut(Schema):
    """A blocked asker, by no name: the moderator never learns who it is."""

    id: int
    session_id: int
    reason: str
    blocked_by_name: str | None
    created_at: dt.datetime


# --- follow-ups -------------------------------------------------------------------------------


class AmaFollowUpOut(Schema):
    id: int
    question_id: int
    question_text: str
    anonymous: bool
    asker_name: str | None = Field(description="Always null for anonymous questions")
    votes: int
    session_id: int
    session_title: str
    owner_id: int = Field(description="The user id of who owes the answer")
    owner_name: str
    due_on: dt.date
    done_at: dt.datetime | None


class AmaFollowUpPage(Schema):
    items: list[AmaFollowUpOut]
    next_offset: int | None


class AmaFollowUpFilters(PageParams):
    everyone: bool = Field(False, description="All follow-ups (managers), not only mine")
    done: bool = Field(False, description="Include the answered ones")


class AmaFollowUpPatch(Schema):
    owner_id: int | None = Field(None, description="A member's user id")
    due_on: dt.date | None = None


# --- coffee -----------------------------------------------------------------------------------


class CoffeeHolidayOut(Schema):
    id: int
    starts_on: dt.date
    ends_on: dt.date


class CoffeeHolidayIn(Schema):
    starts_on: dt.date
    ends_on: dt.date


class CoffeeMeOut(Schema):
    taking_part: bool
    paused_until: dt.date | None
    holidays: list[CoffeeHolidayOut]
    joined_at: dt.datetime | None


class CoffeeActiveIn(Schema):
    taking_part: bool


class CoffeePauseIn(Schema):
    until: dt.date | None = Field(description="Paused up to and including this day; null ends it")


class CoffeeSeatOut(Schema):
    participant_id: int
    name: str
    customer: bool
    left_at: dt.datetime | None


class CoffeeGroupOut(Schema):
    id: int
    round_id: int
    round_number: int
    on: dt.date
    starts_at: dt.datetime
    state: GroupState
    shared_customers: bool
    people: list[CoffeeSeatOut]


class CoffeeMyGroupsOut(Schema):
    upcoming: list[CoffeeGroupOut]
    to_confirm: list[CoffeeGroupOut] = Field(description="Past coffees nobody confirmed yet")


class CoffeeConfirmIn(Schema):
    met: bool = Field(description="Whether the coffee took place")


class CoffeeParticipantOut(Schema):
    id: int
    customer: bool
    user_id: int | None
    contact_id: int | None
    name: str
    active: bool
    paused_until: dt.date | None
    invited_by_name: str | None
    joined_at: dt.datetime


class CoffeeParticipantPage(Schema):
    items: list[CoffeeParticipantOut]
    next_offset: int | None


class CoffeeRoundOut(Schema):
    id: int
    number: int
    on: dt.date
    created_at: dt.datetime
    groups: list[CoffeeGroupOut]


class CoffeeRoundPage(Schema):
    items: list[CoffeeRoundOut]
    next_offset: int | None


class CoffeeInviteIn(Schema):
    contact_id: int = Field(description="The customer (contact id) to invite")


class InsideSettingsOut(Schema):
    coffee_every: int = Field(description="1: every week, 2: every other week")
    coffee_weekday: int = Field(description="0 is Monday … 4 is Friday")
    coffee_time: dt.time = Field(description="Wall-clock time in the workspace's zone")
    coffee_minutes: int
    coffee_avoid_rounds: int = Field(description="Rounds before two people meet again")
    coffee_prefer_shared: bool
    follow_up_days: int = Field(description="Days to answer an AMA follow-up")


class InsideSettingsIn(Schema):
    coffee_every: int = Field(ge=0, le=SMALL_INT_MAX)
    coffee_weekday: int = Field(ge=0, le=SMALL_INT_MAX)
    coffee_time: WallClock
    coffee_minutes: int = Field(ge=0, le=SMALL_INT_MAX)
    coffee_avoid_rounds: int = Field(ge=0, le=SMALL_INT_MAX)
    coffee_prefer_shared: bool
    follow_up_days: int = Field(ge=0, le=SMALL_INT_MAX)
