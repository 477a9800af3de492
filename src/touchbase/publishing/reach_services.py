"""What the staff pages and the API do with signatures, banners, partners and presences.

The signature lint runs on what touchbase itself renders (so a member sees the problems of the
signature they would send) and on the workspace's template: the company part rendered for a
sample person, which every member's signature shares.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from touchbase.core.models import Membership, User, Workspace
from touchbase.core.signing import LinkInvalid, absolute_url, link_sign, link_verify
from touchbase.publishing import banners, signatures
from touchbase.publishing.choices import BannerTarget
from touchbase.publishing.models_reach import (
    Banner,
    CompanyProfile,
    Partner,
    Presence,
    SignatureProfile,
)
from touchbase.publishing.signature_lint import CompanyFacts, Finding, PersonFacts, signature_lint

PARTNER_LINK_PURPOSE = "partner-sign-in"
PARTNER_LINK_AGE = dt.timedelta(hours=24)
PRESENCE_FIELDS = ("kind", "name", "url", "owner", "check_every_days", "answer_within_days")
BANNER_FIELDS = ("name", "alt_text", "link_url", "starts_on", "ends_on", "weight", "target",
                 "language", "for_partners")  # fmt: skip
PARTNER_FIELDS = ("name", "company", "email", "active")


# --- signatures and their lint ------------------------------------------------------------------


def company_facts(company: CompanyProfile) -> CompanyFacts:
    return CompanyFacts(
        country=company.workspace.home_country or "DE", legal_form=company.legal_form,
        legal_name=company.legal_name, seat=company.seat,
        register_court=company.register_court, register_number=company.register_number,
        managing_directors=tuple(company.directors),
        phones=tuple(p for p in [company.phone] if p),
        emails=tuple(e for e in [company.email] if e),
    )  # fmt: skip


def _image_sizes(profile: SignatureProfile) -> dict[str, int]:
    """Bytes of the images a signature loads, by the address it loads them from."""
    sizes: dict[str, int] = {}
    if profile.photo:
        url = absolute_url(path=reverse("publishing:signature-photo", args=[profile.token]))
        with contextlib.suppress(OSError):
            sizes[url] = profile.photo.size
    live = banners.live_banners(workspace=profile.workspace, target=BannerTarget.EMAIL)
    if live and profile.with_banner:
        url = absolute_url(path=reverse("publishing:signature-banner", args=[profile.token]))
        sizes[url] = max(banner_size(item.image) for item in live)
    return sizes


def banner_size(name: str) -> int:
    try:
        return len(banners.banner_bytes(name))
    except OSError:
        return 0


def signature_findings(profile: SignatureProfile) -> list[Finding]:
    """The problems of the signature this member sends (HTML and plain text)."""
    company = signatures.company_profile(workspace=profile.workspace)
    person = PersonFacts(
        phones=tuple(p for p in (profile.phone, profile.mobile) if p),
        emails=tuple(e for e in (profile.email, profile.user.email) if e),
    )  # fmt: skip
    with translation.override(profile.language):
        html = signatures.signature_html(profile)
        text = signatures.signature_text(profile)
    return signature_lint(
        html=html, text=text, company=company_facts(company), person=person,
        max_image_bytes=_image_sizes(profile), region=company_facts(company).country,
    )  # fmt: skip


def template_profile(workspace: Workspace, language: str) -> SignatureProfile:
    """An unsaved sample person: what every signature of the workspace has in common."""
    company = signatures.company_profile(workspace=workspace)
    with translation.override(language):
        name = _("Sample Person")
    return SignatureProfile(
        workspace=workspace, user=User(email=company.email), name=name, email=company.email,
        phone=company.phone, language=language, with_banner=False, token="sample",
    )  # fmt: skip


def template_findings(workspace: Workspace, language: str = "de") -> list[Finding]:
    return signature_findings(template_profile(workspace, language))


def pasted_findings(*, workspace: Workspace, html: str, text: str) -> list[Finding]:
    """The lint of a signature a member pastes from their mail program."""
    facts = company_facts(signatures.company_profile(workspace=workspace))
    return signature_lint(html=html, text=text, company=facts, person=None, region=facts.country)


def signature_profiles(workspace: Workspace) -> list[SignatureProfile]:
    """Every current member's signature, started from their account where missing."""
    memberships = Membership.objects.filter(workspace=workspace).select_related("user")
    return [signatures.signature_profile(membership=m) for m in memberships.order_by("pk")]


def signature_of_member(*, workspace: Workspace, user_id: int) -> SignatureProfile | None:
    membership = (
        Membership.objects.filter(workspace=workspace, user_id=user_id).select_related("user")
    ).first()
    return signatures.signature_profile(membership=membership) if membership else None


def install_send(*, profile: SignatureProfile) -> SignatureProfile:
    """Mail the member the signed link to the page that installs their signature."""
    from touchbase.publishing.reach_mails import reach_mail_task

    profile.install_sent_at = timezone.now()
    profile.save(update_fields=["install_sent_at"])
    transaction.on_commit(
        lambda: reach_mail_task.enqueue(
            kind="signature_install", workspace_id=profile.workspace_id, object_id=profile.pk
        )
    )  # fmt: skip
    return profile


# --- banners -------------------------------------------------------------------------------------


def banner_create(*, workspace: Workspace, fields: dict[str, Any], image: Any) -> Banner:
    if image is None:
        raise ValidationError({"image": _("Choose an image.")})
    banner = Banner(workspace=workspace, **fields)
    banner_dates_check(banner)
    return banners.banner_save(banner=banner, image=image)


def banner_update(*, banner: Banner, fields: dict[str, Any], image: Any = None) -> Banner:
    for name, value in fields.items():
        setattr(banner, name, value)
    banner_dates_check(banner)
    return banners.banner_save(banner=banner, image=image)


def banner_dates_check(banner: Banner) -> None:
    """The end on or after the start, named as a field error (the constraint names none)."""
    if banner.starts_on and banner.ends_on and banner.ends_on < banner.starts_on:
        raise ValidationError({"ends_on": _("The end comes before the start.")})


def banner_state(banner: Banner, today: dt.date | None = None) -> str:
    """ "planned", "live" or "ended", for the list."""
    today = today or timezone.localdate()
    if banner.starts_on > today:
        return "planned"
    if banner.ends_on is not None and banner.ends_on < today:
        return "ended"
    return "live"


def partner_banners(workspace: Workspace) -> QuerySet[Banner]:
    """What partners may download: banners offered to them that have not ended."""
    today = timezone.localdate()
    return Banner.objects.filter(workspace=workspace, for_partners=True).exclude(ends_on__lt=today)


# --- partners ------------------------------------------------------------------------------------


def partner_save(
    *, workspace: Workspace, partner: Partner | None, fields: dict[str, Any]
) -> Partner:
    partner = partner or Partner(workspace=workspace)
    for name, value in fields.items():
        setattr(partner, name, value.strip().lower() if name == "email" else value)
    partner.full_clean(exclude=["workspace"], validate_unique=False)
    duplicate = Partner.objects.filter(workspace=workspace, email=partner.email)
    if duplicate.exclude(pk=partner.pk).exists():
        raise ValidationError({"email": _("A partner with this e-mail address exists already.")})
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError as error:
        raise ValidationError(
            {"email": _("A partner with this e-mail address exists already.")}
        ) from error
    return partner


def partner_delete(*, partner: Partner) -> None:
    """The partner can no longer sign in; a link already mailed opens nothing."""
    partner.delete()


def partner_link(partner: Partner) -> str:
    """A sign-in link for a day; signing in once spends it (last_seen_at moves)."""
    seen = partner.last_seen_at.isoformat() if partner.last_seen_at else ""
    token = link_sign(purpose=PARTNER_LINK_PURPOSE, max_age=PARTNER_LINK_AGE,
                      payload={"p": partner.pk, "s": seen})  # fmt: skip
    path = reverse("publishing:partner-enter", args=[partner.workspace.slug, token])
    return absolute_url(path=path)


def partner_link_send(*, partner: Partner, language: str) -> None:
    from touchbase.publishing.reach_mails import reach_mail_task

    transaction.on_commit(
        lambda: reach_mail_task.enqueue(
            kind="partner_link",
            workspace_id=partner.workspace_id,
            object_id=partner.pk,
            language=language,
        )  # fmt: skip
    )


def partner_link_open(*, workspace: Workspace, token: str) -> Partner:
    """The active partner a sign-in link stands for; LinkInvalid when spent, old or foreign."""
    payload = link_verify(purpose=PARTNER_LINK_PURPOSE, token=token)
    partner_id = payload.get("p")
    partner = (
        Partner.objects.filter(workspace=workspace, pk=partner_id, active=True).first()
        if isinstance(partner_id, int)
        else None
    )
    if partner is None:
        raise LinkInvalid()
    seen = partner.last_seen_at.isoformat() if partner.last_seen_at else ""
    if seen != payload.get("s"):
        raise LinkInvalid(_("This link has been used already. Ask for a new one."))
    partner.last_seen_at = timezone.now()
    partner.save(update_fields=["last_seen_at"])
    return partner


# --- presences -----------------------------------------------------------------------------------


def presence_owner_check(workspace: Workspace, owner: Any) -> None:
    if (
        owner is not None
        and not Membership.objects.filter(workspace=workspace, user=owner).exists()
    ):
        raise ValidationError({"owner": _("Choose a member of this workspace.")})


def presence_save(*, workspace: Workspace, presence: Presence | None,
                  fields: dict[str, Any]) -> Presence:  # fmt: skip
    """Create or change a presence; a new address is checked at the worker's next tick."""
    presence = presence or Presence(workspace=workspace)
    old_url = presence.url
    presence_owner_check(workspace, fields.get("owner", presence.owner))
    for name, value in fields.items():
        setattr(presence, name, value)
    presence.full_clean(exclude=["workspace"], validate_unique=False)
    if (
        Presence.objects.filter(workspace=workspace, url=presence.url)
        .exclude(pk=presence.pk)
        .exists()
    ):
        raise ValidationError({"url": _("This address is registered already.")})
    if presence.url != old_url:
        presence.next_check_at = timezone.now()
    try:
        with transaction.atomic():
            presence.save()
    except IntegrityError as error:
        raise ValidationError({"url": _("This address is registered already.")}) from error
    return presence


def presence_delete(*, presence: Presence) -> None:
    """The presence and its check history go; the audit stops visiting it."""
    presence.delete()


def presence_answered(*, presence: Presence, when: dt.datetime | None = None) -> Presence:
    """The owner confirms they answered the messages and reviews waiting there."""
    presence.answered_at = when or timezone.now()
    presence.save(update_fields=["answered_at"])
    return presence


def presence_check_soon(*, presence: Presence) -> Presence:
    """Make the presence due now: the worker's next tick checks it, with the usual limits."""
    presence.next_check_at = timezone.now()
    presence.save(update_fields=["next_check_at"])
    return presence
