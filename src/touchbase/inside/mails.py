"""Inside mails: each written in the recipient's language and the workspace's time zone.

Anonymous questions are never named in a mail: only named askers who asked to be told get
the answer, and follow-up mails show a question's author only when it has one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from touchbase.core.choices import CalendarMethod
from touchbase.core.ical import invite_attachment, invite_build
from touchbase.core.mail import mail_send
from touchbase.core.models import User
from touchbase.core.signing import absolute_url
from touchbase.inside import ama, coffee
from touchbase.inside.choices import GroupState
from touchbase.inside.models import (
    AmaFollowUp,
    AmaParticipant,
    AmaQuestion,
    AmaSession,
    CoffeeGroup,
    CoffeeParticipant,
    CoffeeRound,
    CoffeeSeat,
)
from touchbase.relationships.models import Contact


def _url(name: str, *args: Any) -> str:
    return absolute_url(path=reverse(name, args=list(args)))


def join_url(*, session: AmaSession, contact: Contact | None = None) -> str:
    token = ama.join_token(session=session, contact=contact)
    return _url("inside:public_ama", session.workspace.slug, token)


def customer_coffee_url(*, participant: CoffeeParticipant) -> str:
    token = coffee.customer_token(participant=participant)
    return _url("inside:public_coffee", participant.workspace.slug, token)


def _asker_address(participant: AmaParticipant) -> tuple[str, str]:
    if participant.user is not None:
        return participant.user.email, participant.user.language or "de"
    return participant.email, participant.language


def answer_mail_send(*, question_id: int) -> int:
    """Tell a named asker who wished it that their question has an answer."""
    question = (
        AmaQuestion.objects.select_related("session__workspace", "author__user", "author__contact")
        .filter(pk=question_id, anonymous=False, notify_asker=True)
        .first()
    )
    if question is None or question.author is None or not question.answer:
        return 0
    to, language = _asker_address(question.author)
    if not to:
        return 0
    session = question.session
    if question.author.user is not None:
        link = _url("inside:ama_detail", session.pk)
    else:
        link = join_url(session=session, contact=question.author.contact)
    return mail_send(
        to=[to],
        template="inside/email/answered",
        language=language,
        context={
            "question": question,
            "session": session,
            "link": link,
            "workspace": session.workspace,
        },
        time_zone=session.workspace.zone,
    )


def ama_invites_send(*, session_id: int, contact_ids: list[int]) -> int:
    """Invite customers to a session, each by a personal join link."""
    session = AmaSession.objects.select_related("workspace", "leader").get(pk=session_id)
    sent = 0
    contacts = Contact.objects.filter(workspace=session.workspace, pk__in=contact_ids).exclude(
        email=""
    )
    for contact in contacts:
        sent += mail_send(
            to=[contact.email],
            template="inside/email/ama_invite",
            language=contact.language or "de",
            context={
                "session": session,
                "contact": contact,
                "workspace": session.workspace,
                "link": join_url(session=session, contact=contact),
            },
            time_zone=session.workspace.zone,
        )
    return sent


def follow_ups_mail_send(*, session_id: int) -> int:
    """Tell each owner which questions of a closed session they now owe an answer to."""
    follow_ups = (
        AmaFollowUp.objects.filter(question__session_id=session_id, done_at=None)
        .select_related("owner", "question__session__workspace", "question__author__user")
        .order_by("due_on", "-question__votes")
    )
    by_owner: dict[User, list[AmaFollowUp]] = defaultdict(list)
    for follow_up in follow_ups:
        by_owner[follow_up.owner].append(follow_up)
    sent = 0
    for owner, owed in by_owner.items():
        if not owner.email:
            continue
        session = owed[0].question.session
        sent += mail_send(
            to=[owner.email],
            template="inside/email/follow_ups",
            language=owner.language or "de",
            context={
                "session": session,
                "follow_ups": owed,
                "owner": owner,
                "workspace": session.workspace,
                "link": _url("inside:follow_ups"),
            },
            time_zone=session.workspace.zone,
        )
    return sent


# --- coffee -----------------------------------------------------------------------------------


def _page_for(participant: CoffeeParticipant) -> str:
    if participant.is_customer:
        return customer_coffee_url(participant=participant)
    return _url("inside:coffee")


def _summary(me: CoffeeParticipant, others: list[CoffeeParticipant]) -> str:
    with translation.override(me.language):
        if not others:
            return gettext("Virtual coffee")
        names = ", ".join(p.display_name for p in others)
        return gettext("Virtual coffee with %(names)s") % {"names": names}


def _seat_calendar(
    seat: CoffeeSeat, template: str, seated: list[CoffeeParticipant], settings: Any
) -> bytes:
    """The group's event for this person's calendar: the proposal, its update when someone
    left (SEQUENCE 1, the attendees who remain), or its cancellation."""
    group = seat.group
    me = seat.participant
    cancelled = template == "inside/email/coffee_cancelled"
    return invite_build(
        uid=f"coffee-{group.pk}@{group.workspace.slug}.touchbase",
        start=group.starts_at,
        end=group.starts_at + dt.timedelta(minutes=settings.coffee_minutes),
        summary=_summary(me, [p for p in seated if p.pk != me.pk]),
        description=_page_for(me),
        location="",
        organizer_email=me.email,
        organizer_name=me.display_name,
        attendee_emails=[me.email] if cancelled else [p.email for p in seated],
        method=CalendarMethod.CANCEL if cancelled else CalendarMethod.REQUEST,
        sequence=0 if template == "inside/email/coffee_invite" else 1,
    )


def _seat_mail(seat: CoffeeSeat, template: str, extra: dict[str, Any] | None = None) -> int:
    group = seat.group
    workspace = group.workspace
    settings = ama.inside_settings(workspace=workspace)
    seated = [
        s.participant
        for s in group.seats.filter(left_at=None).select_related(
            "participant__user", "participant__contact"
        )
    ]
    me = seat.participant
    others = [p for p in seated if p.pk != me.pk]
    attachments = [invite_attachment(content=_seat_calendar(seat, template, seated, settings))]
    return mail_send(
        to=[me.email],
        template=template,
        language=me.language,
        context={
            "group": group,
            "me": me,
            "others": others,
            "workspace": workspace,
            "link": _page_for(me),
            "minutes": settings.coffee_minutes,
            **(extra or {}),
        },
        time_zone=workspace.zone,
        attachments=attachments,
    )


def coffee_invites_send(*, round_id: int) -> int:
    """Send each seat of the round its invitation once: a seat is claimed before its mail
    goes out, and freed again when sending fails (the periodic job tries again)."""
    round_ = CoffeeRound.objects.get(pk=round_id)
    seat_ids = list(
        CoffeeSeat.objects.filter(
            group__round=round_, left_at=None, invited_at=None, group__state=GroupState.PROPOSED
        ).values_list("pk", flat=True)
    )
    sent = 0
    for seat_id in seat_ids:
        if not CoffeeSeat.objects.filter(pk=seat_id, invited_at=None).update(
            invited_at=timezone.now()
        ):
            continue
        seat = CoffeeSeat.objects.select_related(
            "group__workspace", "participant__user", "participant__contact"
        ).get(pk=seat_id)
        try:
            sent += _seat_mail(seat, "inside/email/coffee_invite")
        except Exception:
            CoffeeSeat.objects.filter(pk=seat_id).update(invited_at=None)
            raise
    return sent


def coffee_invites_due() -> int:
    """Rounds ahead with invitations not sent (a failed send, a worker that stopped)."""
    from touchbase.core.tenancy import scopes_disabled
    from touchbase.inside.tasks import coffee_invites_task

    with scopes_disabled():
        rounds = list(
            CoffeeRound.objects.filter(on__gte=timezone.localdate())
            .filter(
                Q(groups__seats__invited_at=None)
                & Q(groups__seats__left_at=None)
                & Q(groups__state=GroupState.PROPOSED)
            )
            .values_list("pk", flat=True)
            .distinct()
        )
    for round_id in rounds:
        coffee_invites_task.enqueue(round_id=round_id)
    return len(rounds)


def coffee_change_send(*, kind: str, seat_ids: list[int]) -> int:
    """Tell people their group changed: someone left, they joined another pair, or it is off."""
    template = {
        "left": "inside/email/coffee_left",
        "moved": "inside/email/coffee_invite",
        "cancelled": "inside/email/coffee_cancelled",
    }[kind]
    sent = 0
    seats = CoffeeSeat.objects.filter(pk__in=seat_ids).select_related(
        "group__workspace", "participant__user", "participant__contact"
    )
    for seat in seats:
        if seat.participant.email:
            sent += _seat_mail(seat, template, {"changed": kind})
    return sent


def coffee_customer_invite_send(*, participant_id: int) -> int:
    participant = CoffeeParticipant.objects.select_related(
        "contact", "invited_by", "workspace"
    ).get(pk=participant_id)
    if participant.contact is None or not participant.contact.email:
        return 0
    return mail_send(
        to=[participant.contact.email],
        template="inside/email/coffee_customer_invite",
        language=participant.language,
        context={
            "participant": participant,
            "contact": participant.contact,
            "inviter": participant.invited_by,
            "workspace": participant.workspace,
            "link": customer_coffee_url(participant=participant),
        },
        time_zone=participant.workspace.zone,
    )


def groups_of(round_: CoffeeRound) -> list[CoffeeGroup]:
    return list(
        round_.groups.prefetch_related("seats__participant__user", "seats__participant__contact")
    )
