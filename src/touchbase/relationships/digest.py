"""The digest e-mail: one mail per member with their due list, sent by the worker."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from touchbase.core import registry
from touchbase.core.capabilities import Capability, role_has, roles_with
from touchbase.core.models import Membership
from touchbase.core.timeutil import local_today, next_digest_at
from touchbase.relationships import selectors

DIGEST_ITEMS = 25


def digest_send(*, membership: Membership) -> bool:
    """Send the member their due list and other apps' sections in their language.

    Nothing is sent when nothing is due and no section has anything to say.
    """
    user = membership.user
    if not user.email or not user.is_active or not role_has(membership.role, Capability.CRM_VIEW):
        return False
    workspace = membership.workspace
    today = local_today(workspace.zone)
    items = selectors.due_list(workspace=workspace, owner=user, limit=DIGEST_ITEMS + 1, today=today)
    with translation.override(user.language):
        sections = _sections(membership)
    if not items and not sections:
        return False
    counts = selectors.due_counts(workspace=workspace, owner=user, today=today)
    with translation.override(user.language):
        context: dict[str, Any] = {
            "sections": sections,
            "user": user,
            "workspace": workspace,
            "items": items[:DIGEST_ITEMS],
            "more": counts["accounts"] + counts["contacts"] - len(items[:DIGEST_ITEMS]),
            "total": counts["accounts"] + counts["contacts"],
            "base_url": settings.BASE_URL.rstrip("/"),
            "today": today,
        }
        subject = (
            ngettext(
                "%(count)s customer to contact — your touchbase digest",
                "%(count)s customers to contact — your touchbase digest",
                context["total"],
            )
            % {"count": context["total"]}
            if context["total"]
            else _("Your touchbase digest")
        )
        text = render_to_string("relationships/email/digest.txt", context)
        html = render_to_string("relationships/email/digest.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
    Membership.objects.filter(pk=membership.pk).update(digest_last_sent_at=timezone.now())
    return True


def _sections(membership: Membership) -> list[dict[str, Any]]:
    """What other apps add to this member's digest: template names and their context."""
    found = []
    for section in registry.digest_sections:
        context = section.context(membership)
        if context is not None:
            found.append({"html": section.html_template, "text": section.text_template, **context})
    return found


def digests_enqueue_due(now: dt.datetime | None = None) -> int:
    """Claim every digest that is due and enqueue one task each; returns how many.

    A digest is claimed by moving digest_next_at forward in a conditional UPDATE, so
    several workers ticking at once enqueue each digest exactly once.
    """
    from touchbase.relationships.tasks import digest_send_task

    now = now or timezone.now()
    due = Membership.objects.select_related("workspace").filter(
        Q(digest_next_at__lte=now), ~Q(digest_frequency="off"),
        role__in=roles_with(Capability.CRM_VIEW),
    )  # fmt: skip
    claimed = 0
    for membership in due:
        following = next_digest_at(
            frequency=membership.digest_frequency, zone=membership.workspace.zone, after=now
        )
        won = Membership.objects.filter(
            pk=membership.pk, digest_next_at=membership.digest_next_at
        ).update(digest_next_at=following)
        if won:
            claimed += 1
            transaction.on_commit(partial(digest_send_task.enqueue, membership_id=membership.pk))
    return claimed
