"""API: the questions of an AMA session — reading, asking, voting, and moderating them.

Who asked an anonymous question is never part of an answer: not for the moderator who hides
or blocks it, not for the asker's colleagues. The caller's own questions are recognised by the
pseudonym, which never leaves the server.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Status

from touchbase.core.api.errors import fields_named
from touchbase.core.api.pagination import PageParams, page_of_rows
from touchbase.core.api.refs import Id
from touchbase.core.capabilities import Capability, api_capability
from touchbase.core.requests import MemberRequest
from touchbase.core.tenancy import owned_or_404
from touchbase.inside import ama, selectors
from touchbase.inside.api.base import (
    may_moderate,
    my_place,
    name_of,
    question_out,
    question_row,
    require_moderator,
    router,
    session_row,
)
from touchbase.inside.choices import QuestionState
from touchbase.inside.models import (
    AmaBlock,
    AmaParticipant,
    AmaQuestion,
    AmaSession,
    AmaVote,
)
from touchbase.inside.schemas import (
    AmaAnswerIn,
    AmaBlockIn,
    AmaBlockOut,
    AmaMergeIn,
    AmaQuestionIn,
    AmaQuestionOut,
    AmaQuestionPage,
    AmaVoteOut,
)


def _seen_by(request: MemberRequest, session: AmaSession) -> tuple[set[int], str | None]:
    """The questions the caller voted for, and their pseudonym (None before their first visit)."""
    place = my_place(session, request.user)
    if place is None:
        return set(), None
    return selectors.voted_ids(participant=place), ama.pseudonym(session=session, participant=place)


def _page(
    request: MemberRequest, session: AmaSession, rows: Any, page: PageParams
) -> dict[str, Any]:
    version = session.version
    found = list(rows[page.offset : page.offset + page.limit + 1])
    voted, pseudonym = _seen_by(request, session)
    listed = page_of_rows(found, page)
    listed["items"] = [question_out(q, voted=voted, pseudonym=pseudonym) for q in listed["items"]]
    return {"version": version, **listed}


def _one(request: MemberRequest, question: AmaQuestion) -> dict[str, Any]:
    voted, pseudonym = _seen_by(request, question.session)
    fresh = question_row(request, question.pk)
    return question_out(fresh, voted=voted, pseudonym=pseudonym)


def _visible(request: MemberRequest, question_id: int) -> AmaQuestion:
    """A question the caller may see: hidden ones only to moderators."""
    question = question_row(request, question_id)
    if question.state == QuestionState.HIDDEN and not may_moderate(request, question.session):
        raise Http404(_("Not found."))
    return question


def _moderated(request: MemberRequest, question_id: int) -> AmaQuestion:
    question = question_row(request, question_id)
    require_moderator(request, question.session)
    return question


# --- reading and asking -----------------------------------------------------------------------


@router.get(
    "/inside/ama/sessions/{session_id}/questions", response=AmaQuestionPage,
    summary="The session's questions as the page orders them: pinned, then by votes "
    "(moderators also see hidden ones)",
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def question_list(
    request: MemberRequest, session_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    session = session_row(request, session_id)
    rows = selectors.questions(session=session, moderator=may_moderate(request, session))
    return _page(request, session, rows.select_related("answered_by"), page)


@router.get("/inside/ama/sessions/{session_id}/answered", response=AmaQuestionPage,
            summary="The session's answered questions, most voted first")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def answered_list(
    request: MemberRequest, session_id: Id, page: Query[PageParams]
) -> dict[str, Any]:
    session = session_row(request, session_id)
    return _page(request, session, selectors.answered(session=session), page)


@router.post(
    "/inside/ama/sessions/{session_id}/questions", response={201: AmaQuestionOut},
    summary="Ask a question, by name or anonymously; `notify` mails a named asker the answer",
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def question_ask(
    request: MemberRequest, session_id: Id, payload: AmaQuestionIn
) -> Status[dict[str, Any]]:
    session = session_row(request, session_id)
    place = ama.participant_for_member(session=session, user=request.user)
    question = ama.question_ask(session=session, participant=place, text=payload.text,
                                anonymous=payload.anonymous, notify=payload.notify)  # fmt: skip
    return Status(201, _one(request, question))


@router.get("/inside/ama/questions/{question_id}", response=AmaQuestionOut,
            summary="One question (hidden ones only to moderators)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def question_get(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    return _one(request, _visible(request, question_id))


# --- voting -----------------------------------------------------------------------------------


def _vote_set(request: MemberRequest, question: AmaQuestion, *, wanted: bool) -> dict[str, Any]:
    """Vote or take the vote back, whatever the caller did before: the same call twice gives
    the same answer. The caller's place is locked, so their own two clicks cannot cross; other
    participants' votes go on at the same time."""
    session = question.session
    place = ama.participant_for_member(session=session, user=request.user)
    with transaction.atomic():
        AmaParticipant.objects.select_for_update().filter(pk=place.pk).first()
        voted = AmaVote.objects.filter(question=question, participant=place).exists()
        if voted != wanted:
            ama.vote_toggle(question=question, participant=place)
        else:
            _may_vote(session, place, question)
    votes = AmaQuestion.objects.filter(pk=question.pk).values_list("votes", flat=True).get()
    return {"question_id": question.pk, "voted": wanted, "votes": votes}


def _may_vote(session: AmaSession, place: AmaParticipant, question: AmaQuestion) -> None:
    """The checks vote_toggle makes, for a call that changes nothing: it answers as a vote
    would have."""
    if session.is_closed:
        raise ValidationError(_("This session is closed."))
    if ama.is_blocked(session=session, participant=place):
        raise ValidationError(_("A moderator has blocked you from this session."))
    if question.state != QuestionState.OPEN:
        raise ValidationError(_("Only open questions take votes."))


@router.put("/inside/ama/questions/{question_id}/vote", response=AmaVoteOut,
            summary="Vote for an open question (again: nothing changes)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def vote_put(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    return _vote_set(request, _visible(request, question_id), wanted=True)


@router.delete("/inside/ama/questions/{question_id}/vote", response=AmaVoteOut,
               summary="Take one's vote back (none given: nothing changes)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def vote_delete(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    return _vote_set(request, _visible(request, question_id), wanted=False)


# --- moderation -------------------------------------------------------------------------------


def _moderation(summary: str) -> dict[str, Any]:
    return {"response": AmaQuestionOut, "summary": summary}


@router.post("/inside/ama/questions/{question_id}/hide", **_moderation("Hide an open question"))
@api_capability(Capability.INSIDE_TAKE_PART)
def question_hide(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    question = _moderated(request, question_id)
    return _one(request, ama.question_hide(question=question, hidden=True))


@router.post("/inside/ama/questions/{question_id}/unhide",
             **_moderation("Show a hidden question again"))  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def question_unhide(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    question = _moderated(request, question_id)
    return _one(request, ama.question_hide(question=question, hidden=False))


@router.post("/inside/ama/questions/{question_id}/pin", **_moderation("Pin a question on top"))
@api_capability(Capability.INSIDE_TAKE_PART)
def question_pin(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    question = _moderated(request, question_id)
    return _one(request, ama.question_pin(question=question, pinned=True))


@router.post("/inside/ama/questions/{question_id}/unpin", **_moderation("Unpin a question"))
@api_capability(Capability.INSIDE_TAKE_PART)
def question_unpin(request: MemberRequest, question_id: Id) -> dict[str, Any]:
    question = _moderated(request, question_id)
    return _one(request, ama.question_pin(question=question, pinned=False))


@router.post(
    "/inside/ama/questions/{question_id}/merge",
    **_moderation("Merge a question into another of the session; answers with that one"),
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def question_merge(request: MemberRequest, question_id: Id, payload: AmaMergeIn) -> dict[str, Any]:
    question = _moderated(request, question_id)
    into = AmaQuestion.objects.filter(
        workspace=request.workspace, session_id=question.session_id, pk=payload.into_id
    ).first()
    if into is None:
        raise ValidationError({"into_id": _("Choose another question of this session.")})
    with fields_named(into="into_id", question="question_id"):
        return _one(request, ama.question_merge(question=question, into=into))


@router.post(
    "/inside/ama/questions/{question_id}/answer",
    **_moderation("Answer a question in writing (the asker is told if they asked to be)"),
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def question_answer(
    request: MemberRequest, question_id: Id, payload: AmaAnswerIn
) -> dict[str, Any]:
    question = _moderated(request, question_id)
    return _one(request, ama.question_answer(question=question, answer=payload.answer,
                                             by=request.user))  # fmt: skip


# --- blocking askers --------------------------------------------------------------------------


def _block_out(block: AmaBlock) -> dict[str, Any]:
    return {
        "id": block.pk,
        "session_id": block.session_id,
        "reason": block.reason,
        "blocked_by_name": name_of(block.blocked_by),
        "created_at": block.created_at,
    }


@router.post(
    "/inside/ama/questions/{question_id}/block", response={201: AmaBlockOut},
    summary="Block whoever asked this question from the session, without learning who; "
    "their open questions are hidden",
)  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def author_block(
    request: MemberRequest, question_id: Id, payload: AmaBlockIn
) -> Status[dict[str, Any]]:
    question = _moderated(request, question_id)
    block = ama.author_block(question=question, by=request.user, reason=payload.reason)
    return Status(201, _block_out(block))


@router.get("/inside/ama/sessions/{session_id}/blocks", response=list[AmaBlockOut],
            summary="The askers blocked from a session (by no name)")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def block_list(request: MemberRequest, session_id: Id) -> list[dict[str, Any]]:
    session = session_row(request, session_id)
    require_moderator(request, session)
    rows = AmaBlock.objects.filter(session=session).select_related("blocked_by")
    return [_block_out(block) for block in rows.order_by("-created_at", "-pk")]


@router.delete("/inside/ama/blocks/{block_id}", response={204: None},
               summary="Let a blocked asker ask and vote again")  # fmt: skip
@api_capability(Capability.INSIDE_TAKE_PART)
def block_delete(request: MemberRequest, block_id: Id) -> Status[None]:
    block = owned_or_404(AmaBlock.objects.select_related("session"), block_id,
                         workspace=request.workspace)  # fmt: skip
    require_moderator(request, block.session)
    ama.author_unblock(block=block)
    return Status(204, None)
