"""Review invitations: offered after a personal contact or a delivery, answered on a public page.

Every customer is offered an invitation alike — a bad rating beats none — so nothing here
looks at sentiment, stars, outcomes or past answers. Only these keep one from going out:

1. the contact was erased, has no e-mail address, or their address bounced;
2. they objected to e-mail from us: their latest newsletter consent record is a withdrawal
   (asking for a review by e-mail is advertising in the sense of German law, so an objection
   to our advertising mail covers it), or they followed an invitation's "no more invitations"
   link;
3. the frequency cap: they were offered one within the workspace's `invitation_gap_days`.

Each offer is a row, sent or not, with the reason when not: leaders see that the rule is the
same for everyone. The answer is stored through the ingest path like any mention, with its
stars, linked to the customer, the product and the customer's timeline.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hmac
import logging
import smtplib
from dataclasses import dataclass
from functools import partial

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from touchbase.catalogue.models import Product
from touchbase.core.mail import mail_send
from touchbase.core.models import User, Workspace
from touchbase.core.signing import LinkInvalid, absolute_url, link_sign, link_verify
from touchbase.core.tenancy import scopes_disabled
from touchbase.listening.choices import (
    InvitationSkip,
    InvitationStatus,
    InvitationTrigger,
    SourceKind,
)
from touchbase.listening.ingest import Draft, drafts_store
from touchbase.listening.models import (
    ListeningSettings,
    Mention,
    MentionProduct,
    RatingAttempt,
    ReviewInvitation,
    Source,
)
from touchbase.listening.services import (
    analysis_request,
    listening_settings,
    listening_settings_save,
    mention_on_timeline,
    name_key,
    source_save,
)
from touchbase.relationships.choices import SOURCE_CHANNELS, Channel, ConsentStatus
from touchbase.relationships.models import REACHED, Contact, NewsletterConsent, Touchpoint

logger = logging.getLogger(__name__)

LINK_PURPOSE = "review-invitation"
LINK_LIFETIME = dt.timedelta(days=30)
# Touchpoints logged this recently are looked at by the scheduler; older ones were seen.
SCAN_WINDOW = dt.timedelta(days=2)
# A call logged a few days late is an occasion to ask; one from last year (an import) is not.
MAX_OCCASION_AGE = dt.timedelta(days=14)
SCAN_BATCH = 500
MAX_SEND_ATTEMPTS = 3
RETRY_AFTER = dt.timedelta(minutes=10)
MAX_ANSWER_LENGTH = 2000
ATTEMPTS_KEPT = dt.timedelta(days=1)
# Not every personal moment is an occasion: answering their review was about their review.
NO_OCCASION_CHANNELS = sorted({*SOURCE_CHANNELS, Channel.REVIEW_REPLY})
LIVE_STATUSES = [InvitationStatus.PENDING, InvitationStatus.SENT, InvitationStatus.ANSWERED]


# --- who is invited ----------------------------------------------------------------------------


def invitation_skip_reason(
    *, contact: Contact, settings: ListeningSettings, now: dt.datetime
) -> str:
    """Why this customer gets no invitation now, or "" when they get one (see the module)."""
    if contact.is_erased:
        return InvitationSkip.ERASED
    if not contact.email:
        return InvitationSkip.NO_EMAIL
    if contact.email_bounced_at is not None:
        return InvitationSkip.BOUNCED
    latest = NewsletterConsent.objects.filter(contact=contact).order_by("-recorded_at", "-id")
    if latest.values_list("status", flat=True).first() == ConsentStatus.WITHDRAWN:
        return InvitationSkip.OBJECTED
    invitations = ReviewInvitation.objects.filter(contact=contact)
    if invitations.filter(opted_out_at__isnull=False).exists():
        return InvitationSkip.OPTED_OUT
    since = now - dt.timedelta(days=settings.invitation_gap_days)
    if invitations.filter(status__in=LIVE_STATUSES, created_at__gt=since).exists():
        return InvitationSkip.RECENTLY_INVITED
    return ""


def invitation_offer(
    *,
    workspace: Workspace,
    contact: Contact,
    trigger: str,
    product: Product | None = None,
    touchpoint: Touchpoint | None = None,
    delivered_at: dt.datetime | None = None,
    by: User | None = None,
    now: dt.datetime | None = None,
) -> ReviewInvitation:
    """Offer the customer an invitation: a row that is sent after commit, or says why not.

    The contact's row is locked while deciding, so two offers at once (a call and a delivery)
    cannot both pass the frequency cap.
    """
    now = now or timezone.now()
    settings = listening_settings(workspace=workspace)
    with transaction.atomic():
        locked = Contact.objects.select_for_update().get(pk=contact.pk, workspace=workspace)
        reason = invitation_skip_reason(contact=locked, settings=settings, now=now)
        invitation = ReviewInvitation(
            workspace=workspace, contact=locked, product=product, touchpoint=touchpoint,
            trigger=trigger, delivered_at=delivered_at, recorded_by=by, created_at=now,
            status=InvitationStatus.SKIPPED if reason else InvitationStatus.PENDING,
            skip_reason=reason, language=_language_of(locked),
        )  # fmt: skip
        invitation.save()
        if not reason:
            _send_later(invitation)
    return invitation


def _language_of(contact: Contact) -> str:
    return "en" if (contact.language or "").casefold().startswith("en") else "de"


def _send_later(invitation: ReviewInvitation) -> None:
    from touchbase.listening.tasks import invitation_send_task

    workspace_id, invitation_id = invitation.workspace_id, invitation.pk
    transaction.on_commit(
        lambda: invitation_send_task.enqueue(workspace_id=workspace_id, invitation_id=invitation_id)
    )


def delivery_record(
    *,
    workspace: Workspace,
    contact: Contact,
    product: Product | None,
    delivered_at: dt.datetime | None = None,
    by: User | None = None,
) -> ReviewInvitation:
    """A product reached the customer: offer them an invitation to rate it."""
    now = timezone.now()
    delivered_at = delivered_at or now
    errors = {}
    if delivered_at > now + dt.timedelta(minutes=5):
        errors["delivered_at"] = _("A delivery cannot lie in the future.")
    elif delivered_at < now - MAX_OCCASION_AGE:
        errors["delivered_at"] = _("Only deliveries of the last 14 days lead to an invitation.")
    if contact.is_erased:
        errors["contact_id"] = _("This contact was erased.")
    if not listening_settings(workspace=workspace).invitations_enabled:
        errors["__all__"] = _("Review invitations are switched off in the listening settings.")
    if errors:
        raise ValidationError(errors)
    return invitation_offer(
        workspace=workspace, contact=contact, trigger=InvitationTrigger.DELIVERY,
        product=product, delivered_at=delivered_at, by=by, now=now,
    )  # fmt: skip


def invitations_for_touchpoints(*, now: dt.datetime | None = None) -> int:
    """The scheduler's look at recent personal contacts: offer an invitation after each.

    A touchpoint counts when the customer was reached in person (REACHED), a contact took
    part, and it was logged within SCAN_WINDOW about a moment at most MAX_OCCASION_AGE ago.
    Each is offered once (a unique constraint per touchpoint); returns how many were offered.
    Workspaces are read one by one, so each query runs along the (workspace, time) index.
    """
    now = now or timezone.now()
    offered = 0
    with scopes_disabled():
        workspaces = Workspace.objects.exclude(listening_settings__invitations_enabled=False)
        for workspace in workspaces.order_by("pk"):
            for touchpoint in _occasions(workspace, now):
                offered += _offer_after(touchpoint, now)
    return offered


def _occasions(workspace: Workspace, now: dt.datetime) -> list[Touchpoint]:
    offered = ReviewInvitation.objects.filter(workspace=workspace, touchpoint__isnull=False)
    return list(
        Touchpoint.objects.filter(
            REACHED, workspace=workspace, contact__isnull=False,
            occurred_at__gte=now - MAX_OCCASION_AGE, occurred_at__lte=now,
            created_at__gte=now - SCAN_WINDOW,
        )
        .exclude(channel__in=NO_OCCASION_CHANNELS)
        .exclude(pk__in=offered.values("touchpoint"))
        .select_related("workspace", "contact")
        .order_by("occurred_at", "pk")[:SCAN_BATCH]
    )  # fmt: skip


def _offer_after(touchpoint: Touchpoint, now: dt.datetime) -> int:
    assert touchpoint.contact is not None
    try:
        with transaction.atomic():
            invitation_offer(
                workspace=touchpoint.workspace, contact=touchpoint.contact,
                trigger=InvitationTrigger.TOUCHPOINT, touchpoint=touchpoint, now=now,
            )  # fmt: skip
    except IntegrityError:
        return 0  # another scheduler offered it a moment ago
    return 1


# --- sending -----------------------------------------------------------------------------------


def invitation_link(*, invitation: ReviewInvitation) -> str:
    """The signed link to the rating page, valid for LINK_LIFETIME."""
    token = link_sign(
        purpose=LINK_PURPOSE, payload={"i": invitation.pk, "n": invitation.nonce},
        max_age=LINK_LIFETIME,
    )  # fmt: skip
    path = reverse("listening:rating", args=[invitation.workspace.slug, token])
    return absolute_url(path=path)


def invitation_send(*, invitation_id: int) -> ReviewInvitation | None:
    """Send a pending invitation by e-mail, in the customer's language; None if not pending.

    The attempt is claimed first (one UPDATE on the attempt count), so a duplicate task
    sends nothing. A failing mail server is recorded and retried by the scheduler, up to
    MAX_SEND_ATTEMPTS; then the invitation is marked failed.
    """
    row = ReviewInvitation.objects.filter(pk=invitation_id, status=InvitationStatus.PENDING)
    current = row.values_list("send_attempts", flat=True).first()
    if current is None:
        return None
    now = timezone.now()
    claimed = row.filter(send_attempts=current).update(
        send_attempts=F("send_attempts") + 1, last_attempt_at=now
    )
    if not claimed:
        return None
    invitation = ReviewInvitation.objects.select_related("workspace", "contact", "product").get(
        pk=invitation_id
    )
    contact = invitation.contact
    if contact.is_erased or not contact.email or contact.email_bounced_at:
        # Something changed since the offer: the rule is checked again at the last moment.
        ReviewInvitation.objects.filter(pk=invitation_id).update(
            status=InvitationStatus.SKIPPED,
            skip_reason=InvitationSkip.ERASED if contact.is_erased else InvitationSkip.BOUNCED
            if contact.email_bounced_at else InvitationSkip.NO_EMAIL,
        )  # fmt: skip
        return ReviewInvitation.objects.get(pk=invitation_id)
    try:
        _mail(invitation)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("Review invitation %s not sent: %s", invitation_id, error)
        final = current + 1 >= MAX_SEND_ATTEMPTS
        ReviewInvitation.objects.filter(pk=invitation_id).update(
            send_error=f"{type(error).__name__}: {error}"[:300],
            status=InvitationStatus.FAILED if final else InvitationStatus.PENDING,
        )
    else:
        ReviewInvitation.objects.filter(pk=invitation_id).update(
            status=InvitationStatus.SENT, sent_at=timezone.now(), send_error=""
        )
    return ReviewInvitation.objects.get(pk=invitation_id)


def _mail(invitation: ReviewInvitation) -> None:
    workspace = invitation.workspace
    link = invitation_link(invitation=invitation)
    context = {
        "workspace": workspace,
        "contact": invitation.contact,
        "product": invitation.product,
        "link": link,
        "stop_link": link.rstrip("/") + "/stop/",
        "valid_until": invitation.created_at + LINK_LIFETIME,
    }
    mail_send(
        to=[invitation.contact.email], template="listening/email/review_invitation",
        context=context, language=invitation.language, time_zone=workspace.zone,
        from_email=_from_address(workspace), reply_to=_reply_to(invitation.contact),
    )  # fmt: skip


def _reply_to(contact: Contact) -> list[str] | None:
    """A reply reaches the person who looks after the customer, not a robot's mailbox."""
    owner = contact.owner or (contact.account.owner if contact.account else None)
    return [owner.email] if owner and owner.email else None


def _from_address(workspace: Workspace) -> str:
    """Our sender address, under the company's name: the customer knows who asks."""
    _name, address = email.utils.parseaddr(django_settings.DEFAULT_FROM_EMAIL)
    return email.utils.formataddr((workspace.name, address))


def invitations_retry(*, now: dt.datetime | None = None) -> int:
    """Enqueue pending invitations whose send task was lost or whose mail server failed."""
    from touchbase.listening.tasks import invitation_send_task

    now = now or timezone.now()
    with scopes_disabled():
        due = list(
            ReviewInvitation.objects.filter(
                status=InvitationStatus.PENDING, created_at__gte=now - SCAN_WINDOW,
                send_attempts__lt=MAX_SEND_ATTEMPTS,
            )
            .filter(Q(last_attempt_at__lt=now - RETRY_AFTER)
                    | Q(last_attempt_at=None, created_at__lt=now - RETRY_AFTER))
            .values_list("workspace_id", "pk")[:SCAN_BATCH]
        )  # fmt: skip
    for workspace_id, invitation_id in due:
        transaction.on_commit(
            partial(invitation_send_task.enqueue, workspace_id=workspace_id,
                    invitation_id=invitation_id)
        )  # fmt: skip
    return len(due)


# --- the public page ---------------------------------------------------------------------------


class InvitationRefused(Exception):
    """A rating link that leads nowhere; `message` is fit to show the person who followed it."""

    def __init__(self, message: str, *, status: int = 404) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def invitation_for_token(*, workspace: Workspace, token: str) -> ReviewInvitation:
    """The invitation a link of this workspace names, or InvitationRefused saying why not."""
    try:
        payload = link_verify(purpose=LINK_PURPOSE, token=token)
    except LinkInvalid as error:
        raise InvitationRefused(str(error.message)) from error
    invitation_id, nonce = payload.get("i"), payload.get("n")
    invitation = (
        ReviewInvitation.objects.filter(pk=invitation_id, workspace=workspace)
        .select_related("workspace", "product", "contact")
        .first()
        if isinstance(invitation_id, int) and isinstance(nonce, str)
        else None
    )
    if invitation is None or not hmac.compare_digest(invitation.nonce, nonce or ""):
        raise InvitationRefused(_("This link is not valid."))
    if invitation.status in {InvitationStatus.SKIPPED, InvitationStatus.FAILED}:
        raise InvitationRefused(_("This link is not valid."))
    return invitation


def rating_is_throttled(*, invitation: ReviewInvitation, address: str) -> bool:
    """Whether this link or this address sent the form too often within the hour."""
    since = timezone.now() - RatingAttempt.WINDOW
    attempts = RatingAttempt.objects.filter(at__gt=since)
    return (
        attempts.filter(invitation=invitation).count() >= RatingAttempt.LIMIT_PER_INVITATION
        or attempts.filter(address=address).count() >= RatingAttempt.LIMIT_PER_ADDRESS
    )


def rating_attempt_record(*, invitation: ReviewInvitation, address: str) -> None:
    RatingAttempt.objects.create(
        workspace=invitation.workspace, invitation=invitation, address=address
    )


def rating_attempts_purge(*, now: dt.datetime | None = None) -> int:
    """Forget attempts older than any rate limit looks back; returns how many."""
    with scopes_disabled():
        deleted, _per_model = RatingAttempt.objects.filter(
            at__lt=(now or timezone.now()) - ATTEMPTS_KEPT
        ).delete()
    return deleted


@dataclass(frozen=True)
class Answer:
    """What the customer gave on the rating page, checked and bounded by the form."""

    stars: int
    text: str = ""


def invitation_answer(*, invitation: ReviewInvitation, answer: Answer) -> Mention:
    """Store the customer's rating as a mention of the invitation source, once per invitation.

    Steps: lock the invitation (a second answer is refused); store the draft through the
    ingest path (dedupe applies); link the customer and the product; put it on the
    customer's timeline; ask the worker to read it.
    """
    if not 1 <= answer.stars <= 5:
        raise ValidationError({"stars": _("Choose from 1 to 5 stars.")})
    if len(answer.text) > MAX_ANSWER_LENGTH:
        raise ValidationError(
            {"text": _("At most %(count)d characters.") % {"count": MAX_ANSWER_LENGTH}}
        )
    workspace = invitation.workspace
    with transaction.atomic():
        locked = ReviewInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_at is not None:
            raise ValidationError(_("This invitation was answered already. Thank you!"))
        contact = invitation.contact
        source = invitation_source(workspace=workspace)
        now = timezone.now()
        draft = Draft(
            published_at=now, text=answer.text.strip(), stars=float(answer.stars),
            author=contact.full_name[:200], author_email=contact.email.casefold()[:254],
            external_id=f"invitation-{invitation.pk}", language=invitation.language,
            channel=source.channel,
        )  # fmt: skip
        drafts_store(source=source, drafts=[draft])
        mention = Mention.objects.get(workspace=workspace, key=draft.key)
        Mention.objects.filter(pk=mention.pk, contact=None).update(contact=contact)
        if invitation.product_id:
            MentionProduct.objects.get_or_create(
                workspace=workspace, mention=mention, product_id=invitation.product_id
            )
        ReviewInvitation.objects.filter(pk=invitation.pk).update(
            answered_at=now, mention=mention, status=InvitationStatus.ANSWERED
        )
        mention.refresh_from_db()
        mention_on_timeline(mention=mention, workspace=workspace)
        analysis_request(workspace=workspace)
    invitation.refresh_from_db()
    return mention


def invitation_opt_out(*, invitation: ReviewInvitation) -> None:
    """The customer wants no more invitations: every later offer is skipped for them."""
    ReviewInvitation.objects.filter(pk=invitation.pk, opted_out_at=None).update(
        opted_out_at=timezone.now()
    )


def invitation_source(*, workspace: Workspace) -> Source:
    """The workspace's source of invitation answers, made on first use."""
    found = Source.objects.filter(workspace=workspace, kind=SourceKind.INVITATION).first()
    if found:
        return found
    # Named in the workspace's language, whichever customer answered first.
    with translation.override(listening_settings(workspace=workspace).alert_language):
        name = _("Review invitations")
    taken = Source.objects.filter(workspace=workspace, name_key=name_key(name)).exists()
    try:
        with transaction.atomic():
            return source_save(
                workspace=workspace, name=f"{name} (touchbase)" if taken else name,
                kind=SourceKind.INVITATION, channel="touchbase",
            )  # fmt: skip
    except ValidationError:
        # Made by a simultaneous answer a moment ago.
        return Source.objects.get(workspace=workspace, kind=SourceKind.INVITATION)


def invitation_settings_save(
    *, workspace: Workspace, invitations_enabled: bool, invitation_gap_days: int
) -> ListeningSettings:
    """Switch invitations on or off and set the frequency cap (services.SETTINGS_BOUNDS)."""
    return listening_settings_save(
        workspace=workspace, invitations_enabled=invitations_enabled,
        invitation_gap_days=invitation_gap_days,
    )  # fmt: skip
