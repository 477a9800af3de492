"""API: a request's candidates, and the batch proposal over all open requests (no offers made).

Helpers appear with id and name only: their contact details are shown to the customer once a
booking is confirmed, never in a list of candidates.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Query, Schema

from touchbase.community.api.base import router
from touchbase.community.assignment import Proposal, batch_propose
from touchbase.community.matching import Candidate, candidates
from touchbase.community.models import HelpRequest
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404


class ReasonOut(Schema):
    code: str = Field(description="distance, rating, experience, price or response")
    label: str = Field(description="The reason as a sentence, in the caller's language")
    points: float = Field(description="Points of the score this part gives (price may be < 0)")


class CandidateOut(Schema):
    helper_id: int
    helper_name: str
    score: float = Field(description="0 to 100; the sum of the reasons' points, clamped")
    distance_km: float
    starts_at: dt.datetime = Field(description="The earliest free slot in a wanted window (UTC)")
    ends_at: dt.datetime
    reasons: list[ReasonOut]


class CandidateFilters(Schema):
    limit: int = Field(20, ge=1, le=100, description="How many candidates, best first")


class ProposalPairOut(CandidateOut):
    request_id: int


class ProposalOut(Schema):
    pairs: list[ProposalPairOut]
    total_score: float
    unmatched: list[int] = Field(description="Ids of the open requests left without a helper")


def candidate_out(candidate: Candidate) -> dict[str, object]:
    return {
        "helper_id": candidate.helper.pk,
        "helper_name": candidate.helper.name,
        "score": candidate.score,
        "distance_km": candidate.distance_km,
        "starts_at": candidate.starts_at,
        "ends_at": candidate.ends_at,
        "reasons": [vars(reason) for reason in candidate.reasons],
    }


@router.get(
    "/community/requests/{request_id}/candidates", response=list[CandidateOut],
    summary="Helpers who could take a help request, best first, with the reasons",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def request_candidates(
    request: MemberRequest, request_id: Id, filters: Query[CandidateFilters]
) -> list[dict[str, object]]:
    help_request = owned_or_404(
        HelpRequest.objects.select_related("skill"), request_id, workspace=request.workspace
    )
    return [candidate_out(found) for found in candidates(help_request, limit=filters.limit)]


@router.post(
    "/community/batch/proposal", response=ProposalOut,
    summary="Propose a helper for every open request (highest total score); makes no offers",
)  # fmt: skip
@api_capability(Capability.COMMUNITY_MANAGE)
def batch_proposal(request: MemberRequest) -> dict[str, object]:
    proposal: Proposal = batch_propose(request.workspace)
    return {
        "pairs": [
            {"request_id": help_request.pk, **candidate_out(candidate)}
            for help_request, candidate in proposal.pairs
        ],  # fmt: skip
        "total_score": proposal.total_score,
        "unmatched": [help_request.pk for help_request in proposal.unmatched],
    }
