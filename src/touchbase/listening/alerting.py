"""Alerts out: each one stored, e-mailed to the workspace's alert addresses and sent as a webhook.

Any rule that finds something the team must know now calls

    alert_raise(workspace=w, kind=AlertKind.REMOVAL_PROPOSED,
                message_params={"product": "Aurora", "average": 1.8, "count": 12},
                link_path=reverse("listening:…", args=[product.pk]), product=product)

The message is the kind's text (choices.ALERT_MESSAGES) filled with the params, made in each
reader's language when it is read: a member gets it in their own language, another address
in the workspace's alert language. The webhook (event "listening.alert") carries the kind,
the params, the English message and the absolute link, signed and retried by core/webhooks.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import smtplib
from collections.abc import Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from touchbase.catalogue.models import Product
from touchbase.core.mail import mail_send
from touchbase.core.models import Membership, Workspace
from touchbase.core.signing import absolute_url
from touchbase.core.tenancy import scopes_disabled
from touchbase.core.webhooks import webhook_delivery_create
from touchbase.listening.choices import ALERT_MESSAGES, AlertKind, MentionSentiment
from touchbase.listening.models import Alert, ListeningSettings, Mention, new_webhook_secret
from touchbase.listening.services import listening_settings

logger = logging.getLogger(__name__)

WEBHOOK_EVENT = "listening.alert"
MAX_RECIPIENTS = 20
MAX_EMAIL_ATTEMPTS = 3
# Only news is alerted: a file of last year's reviews must not flood the team's inbox.
KEY_ACCOUNT_RECENT_DAYS = 7
EXCERPT_LENGTH = 160
ADDRESS_SEPARATORS = re.compile(r"[,;\s]+")
RETRY_AFTER = dt.timedelta(minutes=10)
GIVE_UP_AFTER = dt.timedelta(days=1)


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(a.casefold() for a in ADDRESS_SEPARATORS.split(text) if a))


def _recipients(text: str) -> list[str]:
    """The stored addresses that are valid (the settings form lets no other in)."""
    valid = []
    for address in _split(text)[:MAX_RECIPIENTS]:
        try:
            validate_email(address)
        except ValidationError:
            continue
        valid.append(address)
    return valid


def alert_addresses(text: str) -> list[str]:
    """The addresses in a comma-, semicolon- or line-separated list; ValidationError if bad."""
    addresses = _split(text)
    bad = []
    for address in addresses:
        try:
            validate_email(address)
        except ValidationError:
            bad.append(address)
    if bad:
        raise ValidationError(
            {"alert_emails": _("Not an e-mail address: %(list)s") % {"list": ", ".join(bad[:5])}}
        )
    if len(addresses) > MAX_RECIPIENTS:
        raise ValidationError(
            {"alert_emails": _("At most %(count)d addresses.") % {"count": MAX_RECIPIENTS}}
        )
    return addresses


def alert_settings_save(
    *,
    workspace: Workspace,
    alert_emails: str,
    alert_webhook_url: str,
    alert_language: str,
) -> ListeningSettings:
    """Where alerts go; the addresses are checked and stored one a line."""
    settings = listening_settings(workspace=workspace)
    addresses = alert_addresses(alert_emails)
    url = alert_webhook_url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise ValidationError({"alert_webhook_url": _("Enter an http or https address.")})
    settings.alert_emails = "\n".join(addresses)
    settings.alert_webhook_url = url
    settings.alert_language = alert_language
    settings.save(update_fields=["alert_emails", "alert_webhook_url", "alert_language"])
    return settings


def alert_secret_rotate(*, workspace: Workspace) -> str:
    """A new secret for the alert webhook; deliveries from now on are signed with it."""
    settings = listening_settings(workspace=workspace)
    settings.alert_webhook_secret = new_webhook_secret()
    settings.save(update_fields=["alert_webhook_secret"])
    return settings.alert_webhook_secret


def alert_raise(
    *,
    workspace: Workspace,
    kind: str,
    message_params: Mapping[str, Any],
    link_path: str,
    product: Product | None = None,
    mention: Mention | None = None,
    key: str = "",
) -> Alert | None:
    """Store an alert and send it: a signed webhook now, the e-mails by the worker after commit.

    Refuses (ValueError) a kind without a message, params its message cannot be made from,
    and a link that is not a path of this site. With a `key` (the occasion) the alert is
    raised once: None when one with that key exists.
    """
    alert_kind = AlertKind(kind)
    params = dict(message_params)
    with translation.override("en"):
        message = str(ALERT_MESSAGES[alert_kind]) % params  # KeyError names a missing value
    link = absolute_url(path=link_path)
    settings = listening_settings(workspace=workspace)
    recipients = _recipients(settings.alert_emails)
    if key and Alert.objects.filter(workspace=workspace, key=key).exists():
        return None
    try:
        with transaction.atomic():
            return _alert_store(
                workspace=workspace, settings=settings, recipients=recipients, message=message,
                link=link, alert=Alert(
                    workspace=workspace, kind=alert_kind, params=params, link_path=link_path,
                    product=product, mention=mention, email_recipients=len(recipients), key=key,
                ),
            )  # fmt: skip
    except IntegrityError:
        # Two workers found the same occasion at once: the unique key kept one alert.
        return None


def _alert_store(
    *,
    workspace: Workspace,
    settings: ListeningSettings,
    recipients: list[str],
    message: str,
    link: str,
    alert: Alert,
) -> Alert:
    alert.save()
    if settings.alert_webhook_url:
        alert.webhook_delivery = webhook_delivery_create(
            workspace=workspace, url=settings.alert_webhook_url,
            secret=settings.alert_webhook_secret, event=WEBHOOK_EVENT,
            payload=_payload(alert, message, link),
        )  # fmt: skip
        alert.save(update_fields=["webhook_delivery"])
    if recipients:
        _mail_later(alert)
    return alert


def _payload(alert: Alert, message: str, link: str) -> dict[str, Any]:
    return {
        "alert_id": alert.pk,
        "kind": alert.kind,
        "message": message,
        "params": alert.params,
        "link": link,
        "product": {"id": alert.product.pk, "name": alert.product.name} if alert.product else None,
        "mention_id": alert.mention_id,
        "raised_at": alert.created_at.isoformat(),
    }


def _mail_later(alert: Alert) -> None:
    from touchbase.listening.tasks import alert_mail_task

    workspace_id, alert_id = alert.workspace_id, alert.pk
    transaction.on_commit(
        lambda: alert_mail_task.enqueue(workspace_id=workspace_id, alert_id=alert_id)
    )


def _recipient_languages(workspace: Workspace, addresses: list[str]) -> dict[str, str]:
    """Each address's language: its member's own, else the workspace's alert language."""
    fallback = listening_settings(workspace=workspace).alert_language
    languages = dict.fromkeys(addresses, fallback)
    members = (
        Membership.objects.filter(workspace=workspace, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", "user__language")
    )
    for email, language in members:
        if email.casefold() in languages:
            languages[email.casefold()] = language
    return languages


def alert_mail(*, alert_id: int) -> Alert | None:
    """E-mail the alert to every alert address, one mail each; None if done or moot.

    An attempt is claimed by counting it in one UPDATE, so a duplicate task sends nothing.
    A failing mail server is recorded and retried by the scheduler (MAX_EMAIL_ATTEMPTS).
    """
    row = Alert.objects.filter(pk=alert_id, emailed_at=None)
    attempts = row.values_list("email_attempts", flat=True).first()
    if attempts is None or attempts >= MAX_EMAIL_ATTEMPTS:
        return None
    if not row.filter(email_attempts=attempts).update(email_attempts=F("email_attempts") + 1):
        return None
    alert = Alert.objects.select_related("workspace", "product").get(pk=alert_id)
    workspace = alert.workspace
    addresses = _recipients(listening_settings(workspace=workspace).alert_emails)
    context = {
        "alert": alert,
        "workspace": workspace,
        "link": absolute_url(path=alert.link_path),
        "alerts_link": absolute_url(path=reverse("listening:alert-list")),
    }
    try:
        for address, language in _recipient_languages(workspace, addresses).items():
            mail_send(
                to=[address], template="listening/email/alert", context=context,
                language=language, time_zone=workspace.zone,
            )  # fmt: skip
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Alert %s not e-mailed: %s", alert_id, error)
        Alert.objects.filter(pk=alert_id).update(
            email_error=f"{type(error).__name__}: {error}"[:300]
        )
    else:
        Alert.objects.filter(pk=alert_id).update(
            emailed_at=timezone.now(), email_error="", email_recipients=len(addresses)
        )
    return Alert.objects.get(pk=alert_id)


def alert_mails_retry() -> int:
    """Enqueue alerts whose e-mail failed or whose task was lost; returns how many."""
    from touchbase.listening.tasks import alert_mail_task

    now = timezone.now()
    with scopes_disabled():
        due = list(
            Alert.objects.filter(
                emailed_at=None, email_recipients__gt=0, email_attempts__lt=MAX_EMAIL_ATTEMPTS,
                created_at__lt=now - RETRY_AFTER, created_at__gte=now - GIVE_UP_AFTER,
            ).values_list("workspace_id", "pk")[:500]
        )  # fmt: skip
    for workspace_id, alert_id in due:
        transaction.on_commit(
            partial(alert_mail_task.enqueue, workspace_id=workspace_id, alert_id=alert_id)
        )
    return len(due)


def key_account_alerts(*, mention_ids: list[int]) -> int:
    """Alert the team to new negative mentions from key accounts' people; returns how many."""
    since = timezone.now() - dt.timedelta(days=KEY_ACCOUNT_RECENT_DAYS)
    mentions = Mention.objects.filter(
        pk__in=mention_ids, sentiment=MentionSentiment.NEGATIVE, answered_at=None,
        published_at__gte=since, contact__account__is_key_account=True,
    ).select_related("workspace", "contact__account")  # fmt: skip
    raised = 0
    for mention in mentions:
        account = mention.contact.account if mention.contact else None
        if account is None:
            continue
        excerpt = " ".join((mention.title + " " + mention.text).split())
        # Keyed by the mention: analysing it again (a new model) alerts nobody twice.
        alert = alert_raise(
            workspace=mention.workspace, kind=AlertKind.KEY_ACCOUNT_NEGATIVE,
            message_params={"account": account.name, "excerpt": excerpt[:EXCERPT_LENGTH]},
            link_path=reverse("listening:mention-detail", args=[mention.pk]), mention=mention,
            key=f"key-account:{mention.pk}",
        )  # fmt: skip
        raised += alert is not None
    return raised
