"""Input and output schemas of the relationship API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict, create_model, field_validator

from touchbase.core.api.refs import Id
from touchbase.core.api.types import Instant
from touchbase.core.locales import language_codes
from touchbase.relationships.choices import (
    Channel,
    CheckinAnswer,
    Direction,
    HumanFirstKind,
    Outcome,
    PolicyScope,
)
from touchbase.relationships.selectors import HumanFirstHint


class CadenceOut(BaseModel):
    # Plain pydantic models for the hot list outputs: ninja's Schema wraps every object in
    # a getter, which cost more than the query itself at 50 rows (see bench/RESULTS.md).
    model_config = ConfigDict(from_attributes=True)

    cadence_days: int
    last_personal_at: dt.datetime | None
    cadence_due_on: dt.date | None
    next_due_on: dt.date | None
    snoozed_until: dt.date | None
    snooze_reason: str


class AddressIn(Schema):
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""  # none: the workspace's home country
    region: str = ""


class AccountIn(AddressIn):
    name: str = Field(..., min_length=1, max_length=200)
    segment: str = ""
    is_key_account: bool = False
    owner_id: Id | None = None
    executive_sponsor_id: Id | None = None
    value: int = Field(0, ge=0)
    phone: str = ""
    email: str = ""
    website: str = ""
    language: str = "de"
    notes: str = ""
    tags: list[str] = []


class AccountPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    segment: str | None = None
    is_key_account: bool | None = None
    owner_id: Id | None = None
    executive_sponsor_id: Id | None = None
    value: int | None = Field(None, ge=0)
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    region: str | None = None
    language: str | None = None
    notes: str | None = None
    tags: list[str] | None = None


class AccountOut(CadenceOut):
    id: int
    name: str
    segment: str
    is_key_account: bool
    owner_id: Id | None
    executive_sponsor_id: Id | None
    value: int
    phone: str
    email: str
    website: str
    street: str
    postal_code: str
    city: str
    country: str
    region: str
    language: str
    notes: str
    tags: list[str]

    @field_validator("tags", mode="before")
    @classmethod
    def tag_names(cls, value: Any) -> Any:
        """Accounts arrive as model objects: their tags as a related manager."""
        return [tag.name for tag in value.all()] if hasattr(value, "all") else value


# Notes are free text kept with a contact (an import puts what it could not check there).
NOTES_LENGTH = 10_000


def _language_code(value: str | None) -> str | None:
    """A two-letter ISO 639-1 code, as the forms offer them ("DE" is read as "de")."""
    if value is None or value == "":
        return value
    code = value.strip().lower()
    if code not in language_codes():
        raise ValueError("not a language code: use two letters of ISO 639-1, like de or en")
    return code


class ContactIn(AddressIn):
    salutation: str = Field("", max_length=40)
    first_name: str = ""
    last_name: str = Field(..., min_length=1, max_length=100)
    account_id: Id | None = None
    job_title: str = ""
    owner_id: Id | None = None
    email: str = ""
    phone: str = ""
    mobile: str = ""
    language: str = "de"
    preferred_channel: str = ""
    notes: str = Field("", max_length=NOTES_LENGTH)
    tags: list[str] = []

    _language = field_validator("language")(_language_code)


class ContactPatch(Schema):
    salutation: str | None = Field(None, max_length=40)
    first_name: str | None = None
    last_name: str | None = Field(None, min_length=1, max_length=100)
    account_id: Id | None = None
    job_title: str | None = None
    owner_id: Id | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    language: str | None = None
    preferred_channel: str | None = None
    street: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    region: str | None = None
    notes: str | None = Field(None, max_length=NOTES_LENGTH)
    tags: list[str] | None = None

    _language = field_validator("language")(_language_code)


class ContactOut(CadenceOut):
    id: int
    salutation: str
    first_name: str
    last_name: str
    account_id: Id | None
    account_name: str | None = None
    job_title: str
    owner_id: Id | None
    email: str
    phone: str
    mobile: str
    language: str
    preferred_channel: str
    street: str
    postal_code: str
    city: str
    country: str
    region: str
    value: int
    works_from_home: bool | None
    address_verified_at: dt.datetime | None
    phone_verified_at: dt.datetime | None
    email_verified_at: dt.datetime | None
    newsletter_verified_at: dt.datetime | None
    works_from_home_verified_at: dt.datetime | None
    notes: str


class HumanFirstOut(BaseModel):
    kind: HumanFirstKind = Field(
        description="What the latest contacts all were: emails, mass (newsletters, mailings, "
        "webinars) or mixed (both)"
    )
    count: int = Field(description="How many contacts in a row (at most 20 are followed back)")
    since: dt.date = Field(description="The day of the first of them, in the workspace's zone")
    text: str = Field(description="The suggestion to call instead, in the requester's language")


def human_first_out(hint: HumanFirstHint | None, *, name: str) -> HumanFirstOut | None:
    if hint is None:
        return None
    return HumanFirstOut(kind=hint.kind, count=hint.count, since=hint.since, text=hint.text(name))


HUMAN_FIRST_DESCRIPTION = (
    "Set when the person's latest contacts (as many as the workspace's human_first_after "
    "or more) were all e-mails or mass mailings: a call or a coffee is suggested instead."
)


class ContactDetailOut(ContactOut):
    human_first: HumanFirstOut | None = Field(description=HUMAN_FIRST_DESCRIPTION)


class TouchpointIn(Schema):
    contact_id: Id | None = None
    account_id: Id | None = None
    channel: Channel
    direction: Direction = Direction.OUTBOUND
    is_personal: bool = True
    occurred_at: Instant
    summary: str = ""
    outcome: Outcome = Outcome.NONE
    participant_ids: list[int] = []
    follow_up_on: dt.date | None = Field(
        None, description="With outcome no_answer: snooze the customer until then."
    )


class TouchpointOut(Schema):
    id: int
    contact_id: Id | None
    account_id: Id | None
    channel: str
    direction: str
    is_personal: bool
    occurred_at: dt.datetime
    summary: str
    answers: dict[str, str] = Field(
        description="Call-sheet answers by question: wellbeing (text), address_current, "
        "newsletter_wanted, works_from_home (yes/no)"
    )
    text: str = Field(description="Summary and answers in the requester's language")
    outcome: str
    participant_ids: list[int]
    logged_by_id: Id | None

    @staticmethod
    def resolve_participant_ids(obj: Any) -> list[int]:
        return [person.id for person in obj.participants.all()]

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return str(obj.text)


class DueItemOut(Schema):
    kind: str
    id: int
    name: str
    account_name: str
    next_due_on: dt.date
    days_overdue: int
    value: int
    last_personal_at: dt.datetime | None
    snooze_reason: str
    owner_name: str
    human_first: HumanFirstOut | None = Field(
        description=HUMAN_FIRST_DESCRIPTION + " Always null for accounts."
    )

    @staticmethod
    def resolve_human_first(obj: Any) -> HumanFirstOut | None:
        return human_first_out(obj.human_first, name=obj.name)


class SnoozeIn(Schema):
    until: dt.date
    reason: str


class PolicyIn(Schema):
    name: str = Field(..., min_length=1, max_length=120)
    scope: PolicyScope
    interval_days: int = Field(..., ge=1, le=3650)
    owner_id: Id | None = None
    segment: str = ""
    tag: str = ""


class PolicyOut(Schema):
    id: int
    name: str
    scope: str
    interval_days: int
    owner_id: Id | None
    segment: str
    tag: str | None = Field(None, alias="tag.name")


class CallSheetIn(Schema):
    wellbeing: str = ""
    address_current: CheckinAnswer = CheckinAnswer.UNASKED
    street: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    region: str = ""
    newsletter_wanted: CheckinAnswer = CheckinAnswer.UNASKED
    works_from_home: CheckinAnswer = CheckinAnswer.UNASKED
    phone: str | None = None
    email: str | None = None
    summary: str = ""
    outcome: Outcome = Outcome.NONE
    follow_up_on: dt.date | None = None


class CoverageOut(Schema):
    label: str
    total: int
    covered: int
    overdue: int
    percent: int


class KeyAccountOut(Schema):
    account_id: Id
    account_name: str
    executive_sponsor_id: Id | None
    leader_name: str
    touched_at: dt.datetime | None


class TeamOut(Schema):
    accounts_by_owner: list[CoverageOut]
    accounts_by_segment: list[CoverageOut]
    contacts_by_owner: list[CoverageOut]
    key_accounts: list[KeyAccountOut]


def page_of(schema: type[BaseModel]) -> type[BaseModel]:
    """A page schema: the items and the offset of the next page, if any."""
    # The item schema is a value here, so mypy cannot take list[schema] for a type.
    return create_model(f"{schema.__name__}Page", items=(list[schema], ...),  # type: ignore[valid-type]
                        next_offset=(int | None, None))  # fmt: skip


AccountPage = page_of(AccountOut)
ContactPage = page_of(ContactOut)
TouchpointPage = page_of(TouchpointOut)
DuePage = page_of(DueItemOut)
PolicyPage = page_of(PolicyOut)
