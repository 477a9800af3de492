"""Background tasks of the visitor identity."""

from __future__ import annotations

import logging
import smtplib

from django.tasks import task

from touchbase.core.mail import mail_send
from touchbase.core.tenancy import workspace_scope
from touchbase.visitors.models import Visitor

logger = logging.getLogger(__name__)


@task()
def confirmation_mail_task(*, workspace_id: int, visitor_id: int, link: str, what: str) -> int:
    """Send the confirmation link; returns how many mails went out."""
    with workspace_scope(workspace_id):
        visitor = Visitor.objects.select_related("workspace").filter(pk=visitor_id).first()
        if visitor is None:
            return 0
        context = {"visitor": visitor, "workspace": visitor.workspace, "link": link, "what": what}
        try:
            return mail_send(
                to=[visitor.email], template="visitors/email/confirm", context=context,
                language=visitor.language, time_zone=visitor.workspace.zone,
            )  # fmt: skip
        except (OSError, smtplib.SMTPException) as error:
            logger.warning("Confirmation for visitor %s not sent: %s", visitor_id, error)
            raise
