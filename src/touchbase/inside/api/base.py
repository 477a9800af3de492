"""The inside router, and what its operations share: rows of the caller's workspace, the
moderation check, and the outputs built from rows."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from touchbase.core.models import User, Workspace
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import id_or_none, owned_or_404
from touchbase.inside import selectors
from touchbase.inside.models import (
    AmaFollowUp,
    AmaParticipant,
    AmaQuestion,
    AmaSession,
    CoffeeGroup,
)

router = Router(tags=["inside"])


def member_ref(workspace: Workspace, user_id: object, *, field: str) -> User:
    """A member of the workspace named by user id, or a field error (422)."""
    user = User.objects.filter(
        pk=id_or_none(user_id) or 0, memberships__workspace=workspace
    ).first()
    if user is None:
        raise ValidationError({field: _("Choose a member of this workspace.")})
    return user


def name_of(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


# --- sessions and moderation ------------------------------------------------------------------


def session_row(request: MemberRequest, session_id: int) -> AmaSession:
    rows = AmaSession.objects.select_related("leader", "workspace")
    return owned_or_404(rows, session_id, workspace=request.workspace)


def question_row(request: MemberRequest, question_id: int) -> AmaQuestion:
    rows = AmaQuestion.objects.select_related("session", "author__user", "answered_by")
    return owned_or_404(rows, question_id, workspace=request.workspace)


def may_moderate(request: MemberRequest, session: AmaSession) -> bool:
    return selectors.can_moderate(session=session, membership=request.membership)


def require_moderator(request: MemberRequest, session: AmaSession) -> None:
    """403 unless the caller leads or moderates the session, or runs AMAs in the workspace."""
    if not may_moderate(request, session):
        raise HttpError(403, _("Only the session's leader and moderators may do this."))


def my_place(session: AmaSession, user: User) -> AmaParticipant | None:
    """The caller's place in the session if they have been there; reading makes none."""
    return AmaParticipant.objects.filter(session=session, user=user).first()


def session_out(session: AmaSession, *, moderator: bool) -> dict[str, Any]:
    if session.is_closed:
        state = "closed"
    elif session.starts_at <= timezone.now():
        state = "live"
    else:
        state = "upcoming"
    return {
        "id": session.pk,
        "title": session.title,
        "description": session.description,
        "leader_id": session.leader_id,
        "leader_name": name_of(session.leader) or "",
        "moderator_ids": sorted(user.pk for user in session.moderators.all()),
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "audience": session.audience,
        "anonymous_allowed": session.anonymous_allowed,
        "state": state,
        "closed_at": session.closed_at,
        "version": session.version,
        "can_moderate": moderator,
        "created_at": session.created_at,
    }


def asker_name(question: AmaQuestion) -> str | None:
    """Who asked, for everyone alike: nothing at all for an anonymous question."""
    return None if question.anonymous else question.asker_name


def question_out(
    question: AmaQuestion, *, voted: set[int], pseudonym: str | None
) -> dict[str, Any]:
    return {
        "id": question.pk,
        "session_id": question.session_id,
        "text": question.text,
        "anonymous": question.anonymous,
        "asker_name": asker_name(question),
        "state": question.state,
        "pinned": question.pinned,
        "votes": question.votes,
        "voted": question.pk in voted,
        "mine": pseudonym is not None and question.pseudonym == pseudonym,
        "merged_into_id": question.merged_into_id,
        "answer": question.answer,
        "answered_at": question.answered_at,
        "answered_by_name": name_of(question.answered_by),
        "created_at": question.created_at,
    }


def follow_up_out(follow_up: AmaFollowUp) -> dict[str, Any]:
    question = follow_up.question
    return {
        "id": follow_up.pk,
        "question_id": question.pk,
        "question_text": question.text,
        "anonymous": question.anonymous,
        "asker_name": asker_name(question),
        "votes": question.votes,
        "session_id": question.session_id,
        "session_title": question.session.title,
        "owner_id": follow_up.owner_id,
        "owner_name": name_of(follow_up.owner) or "",
        "due_on": follow_up.due_on,
        "done_at": follow_up.done_at,
    }


# --- coffee -----------------------------------------------------------------------------------


def group_out(group: CoffeeGroup) -> dict[str, Any]:
    """A group with its people; seats and their participants should be prefetched."""
    seats = sorted(group.seats.all(), key=lambda seat: seat.pk)
    return {
        "id": group.pk,
        "round_id": group.round_id,
        "round_number": group.round.number,
        "on": group.round.on,
        "starts_at": group.starts_at,
        "state": group.state,
        "shared_customers": group.shared_customers,
        "people": [
            {
                "participant_id": seat.participant_id,
                "name": seat.participant.display_name,
                "customer": seat.participant.is_customer,
                "left_at": seat.left_at,
            }
            for seat in seats
        ],
    }
