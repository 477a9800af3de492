"""Mails about signatures and partners: the install link to a member, the sign-in link to a
partner. Each is sent by the worker, in the recipient's language."""

from __future__ import annotations

from django.tasks import task

from touchbase.core.mail import mail_send
from touchbase.core.models import Workspace
from touchbase.core.tenancy import workspace_scope
from touchbase.publishing import reach_services, signatures
from touchbase.publishing.models_reach import Partner, SignatureProfile


def _signature_install(workspace: Workspace, object_id: int, language: str) -> int:
    profile = SignatureProfile.objects.filter(workspace=workspace, pk=object_id).first()
    if profile is None or not (profile.email or profile.user.email):
        return 0
    context = {"workspace": workspace, "profile": profile,
               "link": signatures.install_link(profile)}  # fmt: skip
    return mail_send(to=[profile.email or profile.user.email],
                     template="publishing/email/signature_install", context=context,
                     language=profile.user.language or profile.language)  # fmt: skip


def _partner_link(workspace: Workspace, object_id: int, language: str) -> int:
    partner = Partner.objects.filter(workspace=workspace, pk=object_id, active=True).first()
    if partner is None:
        return 0
    context = {"workspace": workspace, "partner": partner,
               "link": reach_services.partner_link(partner)}  # fmt: skip
    return mail_send(to=[partner.email], template="publishing/email/partner_link",
                     context=context, language=language)  # fmt: skip


SENDERS = {"signature_install": _signature_install, "partner_link": _partner_link}


@task()
def reach_mail_task(*, kind: str, workspace_id: int, object_id: int, language: str = "") -> int:
    """Send one install or sign-in mail; returns how many went out (0 when gone meanwhile)."""
    with workspace_scope(workspace_id):
        workspace = Workspace.objects.get(pk=workspace_id)
        return SENDERS[kind](workspace, object_id, language)
