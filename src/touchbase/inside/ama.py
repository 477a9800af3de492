"""Ask-me-anything sessions: joining, asking, voting, moderating, answering, closing.

Every change to a session's question list raises the session's version in the same
transaction, so a participant's refresh asks "anything newer than n?" in one indexed read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from touchbase.core.models import User, Workspace
from touchbase.core.signing import link_sign, link_verify
from touchbase.inside.choices import ParticipantKind, QuestionState
from touchbase.inside.models import (
    QUESTION_MAX,
    AmaBlock,
    AmaFollowUp,
    AmaParticipant,
    AmaQuestion,
    AmaSession,
    AmaVote,
    InsideSettings,
)
from touchbase.relationships.models import Contact

JOIN_PURPOSE = "ama-join"
# A join link stays good for reading the answers a while after the session.
JOIN_AFTER_END = dt.timedelta(days=30)
# Bounds on what one participant can add to one session.
QUESTIONS_PER_PARTICIPANT = 20
SESSION_QUESTIONS_MAX = 2000
MAX_SESSION_LENGTH = dt.timedelta(hours=12)


def inside_settings(*, workspace: Workspace) -> InsideSettings:
    found, _created = InsideSettings.objects.get_or_create(workspace=workspace)
    return found


@transaction.atomic
def inside_settings_save(*, workspace: Workspace, fields: dict[str, Any]) -> InsideSettings:
    """Change how the workspace runs coffee rounds and AMA follow-ups; field errors as a
    ValidationError keyed by field."""
    found = inside_settings(workspace=workspace)
    for name, value in fields.items():
        setattr(found, name, value)
    found.full_clean(exclude=["workspace"])
    found.save()
    return found


def pseudonym(*, session: AmaSession, participant: AmaParticipant) -> str:
    """Who asked, as a keyed hash only the server can compute: the same for one participant
    throughout a session, unrelated across sessions, and no way back to the person."""
    value = f"{session.pk}:{participant.pk}"
    return salted_hmac("touchbase.inside.ama.pseudonym", value, algorithm="sha256").hexdigest()


def _bump(session: AmaSession) -> None:
    AmaSession.objects.filter(pk=session.pk).update(version=F("version") + 1)


# --- sessions ---------------------------------------------------------------------------------


@transaction.atomic
def ama_session_save(
    *,
    workspace: Workspace,
    by: User,
    title: str,
    leader: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    audience: str,
    description: str = "",
    anonymous_allowed: bool = True,
    moderators: Iterable[User] = (),
    session: AmaSession | None = None,
) -> AmaSession:
    """Schedule a session or change one that is not closed yet."""
    errors: dict[str, str] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = _("The session must end after it starts.")
    elif ends_at - starts_at > MAX_SESSION_LENGTH:
        errors["ends_at"] = _("A session lasts at most 12 hours.")
    if session is not None and session.is_closed:
        errors["title"] = _("This session is closed and can no longer be changed.")
    if errors:
        raise ValidationError(errors)
    if session is None:
        session = AmaSession(workspace=workspace, created_by=by)
    session.title = title.strip()
    session.description = description.strip()
    session.leader = leader
    session.starts_at = starts_at
    session.ends_at = ends_at
    session.audience = audience
    session.anonymous_allowed = anonymous_allowed
    session.full_clean(exclude=["workspace", "leader", "created_by"])
    session.save()
    session.moderators.set(list(moderators))
    _bump(session)
    return session


def join_token(*, session: AmaSession, contact: Contact | None = None) -> str:
    """The token of a join link: a shared one, or a customer's personal one."""
    payload: dict[str, Any] = {"s": session.pk, "n": session.join_nonce}
    if contact is not None:
        payload["c"] = contact.pk
    max_age = max(session.ends_at + JOIN_AFTER_END - timezone.now(), dt.timedelta(hours=1))
    return link_sign(purpose=JOIN_PURPOSE, payload=payload, max_age=max_age)


def join_verify(*, workspace: Workspace, token: str) -> tuple[AmaSession, Contact | None]:
    """The session (and customer) a join link is for; LinkInvalid or ValidationError else."""
    payload = link_verify(purpose=JOIN_PURPOSE, token=token)
    session = AmaSession.objects.filter(workspace=workspace, pk=int(payload.get("s") or 0)).first()
    if session is None or not secrets.compare_digest(session.join_nonce, str(payload.get("n"))):
        raise ValidationError(_("This link has been withdrawn."))
    if not session.customers_invited:
        raise ValidationError(_("This session is for members only."))
    contact_id = payload.get("c")
    contact = (
        Contact.objects.filter(workspace=workspace, pk=contact_id).first() if contact_id else None
    )
    return session, contact


@transaction.atomic
def join_links_withdraw(*, session: AmaSession) -> AmaSession:
    """A new nonce: every join link sent so far stops working (guests already in stay in)."""
    session.join_nonce = secrets.token_urlsafe(12)
    session.save(update_fields=["join_nonce"])
    return session


def ama_customers_invite(*, session: AmaSession, contacts: Iterable[Contact]) -> int:
    """Mail each customer with an address a personal join link; returns how many are invited."""
    if not session.customers_invited:
        raise ValidationError({"contacts": _("This session is for members only.")})
    if session.is_closed:
        raise ValidationError({"contacts": _("This session is closed.")})
    ids = [c.pk for c in contacts if c.workspace_id == session.workspace_id and c.email]
    if not ids:
        raise ValidationError({"contacts": _("None of these customers has an e-mail address.")})
    from touchbase.inside.tasks import ama_invites_task

    session_id = session.pk
    transaction.on_commit(lambda: ama_invites_task.enqueue(session_id=session_id, contact_ids=ids))
    return len(ids)


# --- participants -----------------------------------------------------------------------------


def participant_for_member(*, session: AmaSession, user: User) -> AmaParticipant:
    """The member's place in the session, made on their first visit."""
    found = AmaParticipant.objects.filter(session=session, user=user).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return AmaParticipant.objects.create(
                workspace_id=session.workspace_id,
                session=session,
                user=user,
                kind=ParticipantKind.MEMBER,
                language=user.language or "de",
            )
    except IntegrityError:  # the member's other tab got there first
        return AmaParticipant.objects.get(session=session, user=user)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def guest_join(
    *, session: AmaSession, name: str, email: str, language: str, contact: Contact | None
) -> tuple[AmaParticipant, str]:
    """A guest who came by a join link; returns them and the key their browser keeps."""
    key = secrets.token_urlsafe(24)
    if contact is not None:
        name = name or contact.full_name
        email = email or contact.email
    participant = AmaParticipant(
        workspace_id=session.workspace_id,
        session=session,
        kind=ParticipantKind.GUEST,
        contact=contact,
        name=name.strip(),
        email=email.strip(),
        language=language if language in ("de", "en") else "de",
        key_hash=_key_hash(key),
    )
    participant.full_clean(exclude=["workspace", "session", "user", "contact"])
    participant.save()
    return participant, key


def guest_for_key(*, session: AmaSession, key: str) -> AmaParticipant | None:
    if not key or len(key) > 100:
        return None
    return AmaParticipant.objects.filter(
        session=session, kind=ParticipantKind.GUEST, key_hash=_key_hash(key)
    ).first()


def is_blocked(*, session: AmaSession, participant: AmaParticipant) -> bool:
    return AmaBlock.objects.filter(
        session=session, pseudonym=pseudonym(session=session, participant=participant)
    ).exists()


# --- asking and voting ------------------------------------------------------------------------


def _may_take_part(session: AmaSession, participant: AmaParticipant) -> None:
    if session.is_closed:
        raise ValidationError(_("This session is closed."))
    if participant.session_id != session.pk:
        raise ValidationError(_("You are not part of this session."))
    if is_blocked(session=session, participant=participant):
        raise ValidationError(_("A moderator has blocked you from this session."))


@transaction.atomic
def question_ask(
    *,
    session: AmaSession,
    participant: AmaParticipant,
    text: str,
    anonymous: bool = False,
    notify: bool = False,
) -> AmaQuestion:
    """A new question. An anonymous one keeps no author, and so cannot be answered by mail."""
    text = " ".join(text.split()) if "\n" not in text else text.strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Please write your question.")
    elif len(text) > QUESTION_MAX:
        errors["text"] = _("A question has at most %(n)d characters.") % {"n": QUESTION_MAX}
    if anonymous and not session.anonymous_allowed:
        errors["anonymous"] = _("This session takes no anonymous questions.")
    if errors:
        raise ValidationError(errors)
    _may_take_part(session, participant)
    name = pseudonym(session=session, participant=participant)
    asked = AmaQuestion.objects.filter(session=session, pseudonym=name).count()
    if asked >= QUESTIONS_PER_PARTICIPANT:
        raise ValidationError(
            {
                "text": _("You have asked %(n)d questions in this session; that is the most.")
                % {"n": QUESTIONS_PER_PARTICIPANT}
            }
        )
    if AmaQuestion.objects.filter(session=session).count() >= SESSION_QUESTIONS_MAX:
        raise ValidationError({"text": _("This session takes no more questions.")})
    question = AmaQuestion.objects.create(
        workspace_id=session.workspace_id,
        session=session,
        text=text,
        anonymous=anonymous,
        author=None if anonymous else participant,
        pseudonym=name,
        notify_asker=bool(notify and not anonymous and _reachable(participant)),
    )
    _bump(session)
    return question


def _reachable(participant: AmaParticipant) -> bool:
    return bool(participant.email or (participant.user and participant.user.email))


def vote_toggle(*, question: AmaQuestion, participant: AmaParticipant) -> bool:
    """Vote for a question, or take the vote back; returns whether the participant now votes.

    The count moves by one in the database in the same transaction as the vote row, so votes
    cast at the same moment are all counted and a second vote of one participant is refused
    by the unique constraint.
    """
    session = question.session
    with transaction.atomic():
        _may_take_part(session, participant)
        if question.state != QuestionState.OPEN:
            raise ValidationError(_("Only open questions take votes."))
        removed, _kinds = AmaVote.objects.filter(
            question=question, participant=participant
        ).delete()
        if removed:
            AmaQuestion.objects.filter(pk=question.pk).update(votes=F("votes") - 1)
            _bump(session)
            return False
        try:
            with transaction.atomic():
                AmaVote.objects.create(
                    workspace_id=question.workspace_id, question=question, participant=participant
                )
        except IntegrityError:  # the same participant's other click won: that vote stands
            return True
        AmaQuestion.objects.filter(pk=question.pk).update(votes=F("votes") + 1)
        _bump(session)
        return True


# --- moderation -------------------------------------------------------------------------------


def _locked(question: AmaQuestion) -> AmaQuestion:
    return AmaQuestion.objects.select_for_update().get(pk=question.pk)


@transaction.atomic
def question_hide(*, question: AmaQuestion, hidden: bool = True) -> AmaQuestion:
    question = _locked(question)
    if hidden and question.state == QuestionState.OPEN:
        question.state = QuestionState.HIDDEN
    elif not hidden and question.state == QuestionState.HIDDEN:
        question.state = QuestionState.OPEN
    else:
        raise ValidationError(
            _("Only an open question can be hidden, and only a hidden one shown.")
        )
    question.save(update_fields=["state"])
    _bump(question.session)
    return question


@transaction.atomic
def question_pin(*, question: AmaQuestion, pinned: bool = True) -> AmaQuestion:
    question = _locked(question)
    question.pinned = pinned
    question.save(update_fields=["pinned"])
    _bump(question.session)
    return question


@transaction.atomic
def question_merge(*, question: AmaQuestion, into: AmaQuestion) -> AmaQuestion:
    """Fold a question into another of the session asking the same: its votes move along
    (a participant who voted for both keeps one), it disappears from the list."""
    if question.pk == into.pk or question.session_id != into.session_id:
        raise ValidationError({"into": _("Choose another question of this session.")})
    first, second = sorted([question.pk, into.pk])
    locked = {
        q.pk: q for q in AmaQuestion.objects.select_for_update().filter(pk__in=[first, second])
    }
    question, into = locked[question.pk], locked[into.pk]
    if question.state != QuestionState.OPEN:
        raise ValidationError({"question": _("Only an open question can be merged.")})
    if into.state not in (QuestionState.OPEN, QuestionState.ANSWERED):
        raise ValidationError({"into": _("Merge into an open or answered question.")})
    both = AmaVote.objects.filter(question=into).values("participant")
    AmaVote.objects.filter(question=question).exclude(participant__in=both).update(question=into)
    AmaVote.objects.filter(question=question).delete()
    question.state = QuestionState.MERGED
    question.merged_into = into
    question.votes = 0
    question.pinned = False
    question.save(update_fields=["state", "merged_into", "votes", "pinned"])
    into.votes = AmaVote.objects.filter(question=into).count()
    into.save(update_fields=["votes"])
    _bump(question.session)
    return into


@transaction.atomic
def author_block(*, question: AmaQuestion, by: User, reason: str = "") -> AmaBlock:
    """Block whoever wrote this question from the session, without anyone learning who: their
    open questions are hidden, and they can neither ask nor vote here any more."""
    block, _created = AmaBlock.objects.get_or_create(
        session_id=question.session_id,
        pseudonym=question.pseudonym,
        defaults={"workspace_id": question.workspace_id, "blocked_by": by, "reason": reason[:300]},
    )
    AmaQuestion.objects.filter(
        session_id=question.session_id, pseudonym=question.pseudonym, state=QuestionState.OPEN
    ).update(state=QuestionState.HIDDEN, pinned=False)
    _bump(question.session)
    return block


@transaction.atomic
def author_unblock(*, block: AmaBlock) -> None:
    session = block.session
    block.delete()
    _bump(session)


@transaction.atomic
def question_answer(*, question: AmaQuestion, answer: str, by: User) -> AmaQuestion:
    """Mark a question answered with a short written answer; its follow-up is done, and an
    asker who asked to be told gets a mail."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Please write the answer.")})
    question = _locked(question)
    if question.state not in (QuestionState.OPEN, QuestionState.ANSWERED):
        raise ValidationError({"answer": _("Only open or answered questions can be answered.")})
    first_answer = question.state == QuestionState.OPEN
    question.state = QuestionState.ANSWERED
    question.answer = answer
    question.answered_at = timezone.now()
    question.answered_by = by
    question.pinned = False
    question.full_clean(exclude=["workspace", "session", "author", "merged_into", "answered_by"])
    question.save(update_fields=["state", "answer", "answered_at", "answered_by", "pinned"])
    AmaFollowUp.objects.filter(question=question, done_at=None).update(done_at=timezone.now())
    _bump(question.session)
    if first_answer and question.notify_asker and question.author_id:
        from touchbase.inside.tasks import answer_mail_task

        question_id = question.pk
        transaction.on_commit(lambda: answer_mail_task.enqueue(question_id=question_id))
    return question


# --- closing and follow-ups -------------------------------------------------------------------


@transaction.atomic
def ama_close(*, session: AmaSession) -> list[AmaFollowUp]:
    """End the session: each question still open becomes a follow-up for the leader, due in the
    workspace's follow-up days. Closing twice does nothing more."""
    session = AmaSession.objects.select_for_update().get(pk=session.pk)
    if session.is_closed:
        return []
    session.closed_at = timezone.now()
    session.save(update_fields=["closed_at"])
    days = inside_settings(workspace=session.workspace).follow_up_days
    due_on = timezone.localdate(timezone.now(), session.workspace.zone) + dt.timedelta(days=days)
    open_questions = AmaQuestion.objects.filter(session=session, state=QuestionState.OPEN)
    created = AmaFollowUp.objects.bulk_create(
        [
            AmaFollowUp(
                workspace_id=session.workspace_id,
                question=question,
                owner_id=session.leader_id,
                due_on=due_on,
            )
            for question in open_questions.order_by("-votes", "pk")
        ]
    )
    _bump(session)
    if created:
        from touchbase.inside.tasks import follow_ups_mail_task

        session_id = session.pk
        transaction.on_commit(lambda: follow_ups_mail_task.enqueue(session_id=session_id))
    return created


def ama_sessions_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every session whose end has passed (the worker's periodic job)."""
    from touchbase.core.tenancy import scopes_disabled

    now = now or timezone.now()
    with scopes_disabled():
        due = list(AmaSession.objects.filter(closed_at=None, ends_at__lte=now))
    for session in due:
        ama_close(session=session)
    return len(due)


@transaction.atomic
def follow_up_save(*, follow_up: AmaFollowUp, owner: User, due_on: dt.date) -> AmaFollowUp:
    follow_up.owner = owner
    follow_up.due_on = due_on
    follow_up.save(update_fields=["owner", "due_on"])
    return follow_up
