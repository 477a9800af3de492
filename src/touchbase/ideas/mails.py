"""Status and merge e-mails to the people who asked for them, one row per mail owed.

A mail is claimed by counting an attempt in one UPDATE, so a task enqueued twice sends once;
a failed one is retried by the scheduler a few times. Every mail carries a one-click
unsubscribe link (RFC 8058: List-Unsubscribe with List-Unsubscribe-Post).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from touchbase.core.mail import mail_send
from touchbase.core.signing import absolute_url, link_sign, link_verify
from touchbase.core.tenancy import scopes_disabled
from touchbase.ideas.models import Idea, IdeaMail
from touchbase.ideas.services import merged_target, public_path

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=10)
# Longer than any SMTP conversation with its timeouts; a crashed attempt is retried after it.
CLAIM_LEASE = dt.timedelta(minutes=5)
UNSUBSCRIBE_PURPOSE = "idea-unsubscribe"
UNSUBSCRIBE_LIFETIME = dt.timedelta(days=730)


def unsubscribe_token(*, idea: Idea, visitor_id: int) -> str:
    payload = {"w": idea.workspace_id, "i": idea.pk, "v": visitor_id}
    return link_sign(purpose=UNSUBSCRIBE_PURPOSE, payload=payload, max_age=UNSUBSCRIBE_LIFETIME)


def unsubscribe_payload(token: str) -> dict[str, int]:
    """The idea and visitor an unsubscribe token names; raises LinkInvalid."""
    payload = link_verify(purpose=UNSUBSCRIBE_PURPOSE, token=token)
    return {key: int(payload[key]) for key in ("w", "i", "v")}


def idea_mails_send_later(*, workspace_id: int) -> None:
    from touchbase.ideas.tasks import idea_mails_task

    transaction.on_commit(lambda: idea_mails_task.enqueue(workspace_id=workspace_id))


def idea_mails_send(*, workspace_id: int, limit: int = 500) -> int:
    """Send the workspace's mails owed; returns how many went out."""
    sent = 0
    due = _unclaimed(
        IdeaMail.objects.filter(workspace_id=workspace_id, sent_at=None, attempts__lt=MAX_ATTEMPTS)
    ).values_list("pk", "attempts")[:limit]
    for mail_id, attempts in list(due):
        sent += _send_one(mail_id, attempts)
    return sent


def _unclaimed(mails: QuerySet[IdeaMail]) -> QuerySet[IdeaMail]:
    return mails.filter(Q(claimed_until=None) | Q(claimed_until__lt=timezone.now()))


def _send_one(mail_id: int, attempts: int) -> int:
    """Send one mail if this worker wins its claim: one UPDATE counts the attempt and leases
    the row, so a second worker that listed it too finds it taken (no mail twice)."""
    row = _unclaimed(IdeaMail.objects.filter(pk=mail_id, sent_at=None, attempts=attempts))
    claimed = row.update(attempts=F("attempts") + 1, claimed_until=timezone.now() + CLAIM_LEASE)
    if not claimed:
        return 0
    mail = IdeaMail.objects.select_related("idea", "visitor", "change", "target").get(pk=mail_id)
    idea, visitor = mail.idea, mail.visitor
    workspace = idea.workspace
    token = unsubscribe_token(idea=merged_target(idea), visitor_id=visitor.pk)
    unsubscribe = absolute_url(
        path=reverse("ideas:portal-unsubscribe", args=[workspace.slug, token])
    )
    shown = mail.target or idea
    context = {
        "mail": mail, "idea": idea, "target": mail.target, "change": mail.change,
        "workspace": workspace, "visitor": visitor,
        "link": absolute_url(path=public_path(shown)), "unsubscribe": unsubscribe,
    }  # fmt: skip
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    try:
        count = mail_send(
            to=[visitor.email], template=f"ideas/email/{mail.kind}", context=context,
            language=visitor.language, time_zone=workspace.zone, headers=headers,
        )  # fmt: skip
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Idea mail %s not sent: %s", mail_id, error)
        IdeaMail.objects.filter(pk=mail_id).update(
            error=f"{type(error).__name__}: {error}"[:300], claimed_until=None
        )
        return 0
    IdeaMail.objects.filter(pk=mail_id).update(sent_at=timezone.now(), error="", claimed_until=None)
    return count


def idea_mails_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Enqueue a send for each workspace with mails failed a while ago or never picked up."""
    from touchbase.ideas.tasks import idea_mails_task

    before = (now or timezone.now()) - RETRY_AFTER
    with scopes_disabled():
        workspace_ids = set(
            IdeaMail.objects.filter(
                sent_at=None, attempts__lt=MAX_ATTEMPTS, created_at__lt=before
            ).values_list("workspace_id", flat=True)[:1000]
        )
    for workspace_id in workspace_ids:
        idea_mails_task.enqueue(workspace_id=workspace_id)
    return len(workspace_ids)
