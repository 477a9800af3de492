"""API: an idea's votes and the customers behind it, and votes staff record for customers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status

from touchbase.core.api.errors import fields_named
from touchbase.core.api.pagination import PageParams
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404, owned_ref
from touchbase.ideas import selectors, services
from touchbase.ideas.api.base import idea_row, router
from touchbase.ideas.models import Vote
from touchbase.relationships.models import Contact

MAX_NOTE_LENGTH = 300


class IdeaBackerOut(Schema):
    contact_id: int
    name: str
    account_id: int | None
    account: str | None = Field(description="The account's name")
    value: int = Field(description="The account's annual value, or the customer's own (EUR)")
    voted: bool = Field(description="Counted vote, their own or recorded for them by staff")
    note: str = Field(description="What staff noted with a vote they recorded for the customer")


class IdeaVotesOut(Schema):
    votes: int = Field(description="Counted votes: confirmed visitors and customers")
    customers: int = Field(description="Customers behind the idea: an account counts once")
    value: int = Field(description="The annual value of the customers behind it (EUR)")
    backers: list[IdeaBackerOut] = Field(description="The customers behind it, most valuable first")
    next_offset: int | None = Field(description="Pass as `offset` for more backers")


class IdeaCustomerVoteIn(Schema):
    contact_id: int
    note: str = Field("", max_length=MAX_NOTE_LENGTH)


class IdeaCustomerVoteOut(Schema):
    id: int
    idea_id: int
    contact_id: int | None
    note: str
    recorded_by_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_recorded_by_id(vote: Vote) -> int | None:
        return vote.recorded_by_id


@router.get(
    "/ideas/{idea_id}/votes", response=IdeaVotesOut,
    summary="An idea's votes and the customers behind it (no visitors' addresses)",
)  # fmt: skip
@api_capability(Capability.IDEAS_VIEW)
def vote_summary(request: MemberRequest, idea_id: Id, page: Query[PageParams]) -> dict[str, Any]:
    idea = idea_row(request.workspace, idea_id)
    behind = selectors.backing([idea.pk])[idea.pk]
    voted: dict[int, str] = {}
    counted = Vote.objects.filter(idea=idea, counted=True, contact_id__in=list(behind.contacts))
    for contact_id, note in counted.values_list("contact_id", "note"):
        # A vote staff recorded carries a note; a visitor's own vote has none to lose it to.
        voted[contact_id] = voted.get(contact_id) or note
    backers = [
        IdeaBackerOut(
            contact_id=contact.pk,
            name=contact.full_name,
            account_id=contact.account_id,
            account=contact.account.name if contact.account else None,
            value=contact.account.value if contact.account else contact.value,
            voted=contact.pk in voted,
            note=voted.get(contact.pk) or "",
        )  # fmt: skip
        for contact in behind.contacts.values()
    ]
    backers.sort(key=lambda backer: (-backer.value, backer.name, backer.contact_id))
    end = page.offset + page.limit
    return {
        "votes": idea.vote_count, "customers": behind.accounts, "value": behind.value,
        "backers": backers[page.offset : end], "next_offset": end if len(backers) > end else None,
    }  # fmt: skip


@router.post(
    "/ideas/{idea_id}/customer-votes",
    response={200: IdeaCustomerVoteOut, 201: IdeaCustomerVoteOut},
    summary="Vote for a customer you spoke to (once per customer; 200 when already)",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def customer_vote(request: MemberRequest, idea_id: Id, payload: IdeaCustomerVoteIn) -> Status[Vote]:
    idea = idea_row(request.workspace, idea_id)
    contact = owned_ref(
        Contact, payload.contact_id, workspace=request.workspace, field="contact_id"
    )
    existed = Vote.objects.filter(idea=idea, contact=contact, visitor=None).exists()
    with fields_named(contact="contact_id"):
        vote = services.vote_for_customer(idea=idea, contact=contact, by=request.user,
                                          note=payload.note)  # fmt: skip
    return Status(200 if existed else 201, vote)


@router.delete(
    "/ideas/{idea_id}/customer-votes/{contact_id}", response={204: None},
    summary="Take back a vote recorded for a customer",
)  # fmt: skip
@api_capability(Capability.IDEAS_MODERATE)
def customer_vote_retract(request: MemberRequest, idea_id: Id, contact_id: Id) -> Status[None]:
    idea = idea_row(request.workspace, idea_id)
    contact = owned_or_404(Contact, contact_id, workspace=request.workspace)
    if not services.vote_for_customer_retract(idea=idea, contact=contact):
        raise Http404(_("Not found."))
    return Status(204, None)
