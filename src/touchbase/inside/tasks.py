"""Background tasks of the inside area: ids in, reload in the workspace's scope, call a service."""

from __future__ import annotations

from django.tasks import task

from touchbase.core.tenancy import scopes_disabled, workspace_scope


def _workspace_of(model: type, pk: int) -> int | None:
    with scopes_disabled():
        found: int | None = (
            model._default_manager.filter(pk=pk)  # type: ignore[attr-defined]
            .values_list("workspace_id", flat=True)
            .first()
        )
    return found


@task()
def answer_mail_task(*, question_id: int) -> int:
    from touchbase.inside.mails import answer_mail_send
    from touchbase.inside.models import AmaQuestion

    workspace_id = _workspace_of(AmaQuestion, question_id)
    if workspace_id is None:
        return 0
    with workspace_scope(workspace_id):
        return answer_mail_send(question_id=question_id)


@task()
def ama_invites_task(*, session_id: int, contact_ids: list[int]) -> int:
    from touchbase.inside.mails import ama_invites_send
    from touchbase.inside.models import AmaSession

    workspace_id = _workspace_of(AmaSession, session_id)
    if workspace_id is None:
        return 0
    with workspace_scope(workspace_id):
        return ama_invites_send(session_id=session_id, contact_ids=contact_ids)


@task()
def follow_ups_mail_task(*, session_id: int) -> int:
    from touchbase.inside.mails import follow_ups_mail_send
    from touchbase.inside.models import AmaSession

    workspace_id = _workspace_of(AmaSession, session_id)
    if workspace_id is None:
        return 0
    with workspace_scope(workspace_id):
        return follow_ups_mail_send(session_id=session_id)


@task()
def coffee_invites_task(*, round_id: int) -> int:
    from touchbase.inside.mails import coffee_invites_send
    from touchbase.inside.models import CoffeeRound

    workspace_id = _workspace_of(CoffeeRound, round_id)
    if workspace_id is None:
        return 0
    with workspace_scope(workspace_id):
        return coffee_invites_send(round_id=round_id)


@task()
def coffee_change_mail_task(*, kind: str, seat_ids: list[int]) -> int:
    from touchbase.inside.mails import coffee_change_send
    from touchbase.inside.models import CoffeeSeat

    if not seat_ids:
        return 0
    workspace_id = _workspace_of(CoffeeSeat, seat_ids[0])
    if workspace_id is None:
        return 0
    with workspace_scope(workspace_id):
        return coffee_change_send(kind=kind, seat_ids=seat_ids)


@task()
def coffee_customer_invite_task(*, participant_id: int) -> int:
    from touchbase.inside.mails import coffee_customer_invite_send
    from touchbase.inside.models import CoffeeParticipant

    workspace_id = _workspace_of(CoffeeParticipant, participant_id)
    if workspace_id is None:
        return 0
    with workspace_scope(workspace_id):
        return coffee_customer_invite_send(participant_id=participant_id)
