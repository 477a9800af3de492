"""Helpers: applying, confirming the address, verification, blocks, availability and sign-in.

A helper applies on a public page and confirms the e-mail address by a signed link; a
community manager sees their identity and checks at least one skill, which verifies them.
Helpers sign in by a single-use link mailed to them (as publishing's partners do): the link
carries the helper's last sign-in time, and signing in moves it, so a used link opens nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from touchbase.community import geo
from touchbase.community.choices import BookingState, OfferState, Side
from touchbase.community.mails import MailKind, mail_queue, page_url
from touchbase.community.models import (
    Availability,
    CommunityMail,
    CommunitySettings,
    Helper,
    HelperSkill,
    Holiday,
    Rating,
    Skill,
)
from touchbase.core.models import Membership, User, Workspace
from touchbase.core.phone import phone_normalize
from touchbase.core.signing import LinkInvalid, link_sign, link_verify

CONFIRM_PURPOSE = "community-helper-confirm"
CONFIRM_AGE = dt.timedelta(days=7)
SIGN_IN_PURPOSE = "community-helper-sign-in"
SIGN_IN_AGE = dt.timedelta(hours=24)
MAX_WINDOWS = 21
MAX_HOLIDAYS = 50
MAX_HOLIDAY_DAYS = 366
SKILL_FIELDS = ("name_de", "name_en", "description", "hours", "technician_price", "active")


def settings_for(workspace: Workspace) -> CommunitySettings:
    """The workspace's community settings, made with the defaults on first use."""
    found, _created = CommunitySettings.objects.get_or_create(workspace=workspace)
    return found


SETTINGS_FIELDS = ("signup_open", "requests_open", "offer_hours", "terms", "support_owner")


@transaction.atomic
def settings_save(*, workspace: Workspace, changes: dict[str, Any]) -> CommunitySettings:
    """Change how community help runs. Changed terms get a new version: helpers who accepted
    the old terms are told apart by their terms_version. The support contact is a member."""
    row = CommunitySettings.objects.select_for_update().get(pk=settings_for(workspace).pk)
    owner = changes.get("support_owner", row.support_owner)
    if owner is not None and not Membership.objects.filter(workspace=workspace,
                                                            user=owner).exists():  # fmt: skip
        raise ValidationError({"support_owner": _("Choose a member of this workspace.")})
    terms_before = row.terms.strip()
    for field in SETTINGS_FIELDS:
        if field in changes:
            setattr(row, field, changes[field])
    row.terms = (row.terms or "").strip()
    row.full_clean(exclude=["workspace", "support_owner"])
    row.save()
    if row.terms != terms_before:
        CommunitySettings.objects.filter(pk=row.pk).update(terms_version=F("terms_version") + 1)
        row.refresh_from_db(fields=["terms_version"])
    return row


# --- skills ----------------------------------------------------------------------------------


@transaction.atomic
def skill_save(
    *, workspace: Workspace, fields: dict[str, Any], skill: Skill | None = None
) -> Skill:
    """Create or change a skill of the workspace; a name taken already is a field error."""
    skill = skill or Skill(workspace=workspace)
    if skill.workspace_id != workspace.pk:
        raise ValidationError(_("This skill belongs to another workspace."))
    for name, value in fields.items():
        if name not in SKILL_FIELDS:
            raise ValueError(f"A skill has no field {name!r}.")
        setattr(skill, name, value.strip() if isinstance(value, str) else value)
    errors = _names_taken(skill)
    try:
        skill.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            skill.save()
    except IntegrityError as error:  # the same name saved at the same moment
        raise ValidationError({"name_de": _("A skill with this name exists already.")}) from error
    return skill


def _names_taken(skill: Skill) -> dict[str, list[str]]:
    """Each name (German, English) another skill of the workspace has already."""
    others = Skill.objects.filter(workspace_id=skill.workspace_id).exclude(pk=skill.pk)
    taken = {}
    for name in ("name_de", "name_en"):
        if getattr(skill, name) and others.filter(**{name: getattr(skill, name)}).exists():
            taken[name] = [_("A skill with this name exists already.")]
    return taken


# --- applying ---------------------------------------------------------------------------------


def _windows_checked(
    windows: Sequence[tuple[int, dt.time, dt.time]], errors: dict[str, list[str]]
) -> list[tuple[int, dt.time, dt.time]]:
    checked: list[tuple[int, dt.time, dt.time]] = []
    if len(windows) > MAX_WINDOWS:
        errors.setdefault("availability", []).append(
            _("Give at most %(count)s weekly windows.") % {"count": MAX_WINDOWS}
        )
        return checked
    for weekday, starts, ends in windows:
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault("availability", []).append(_("Choose a weekday."))
        elif not isinstance(starts, dt.time) or not isinstance(ends, dt.time):
            errors.setdefault("availability", []).append(_("Give a start and an end time."))
        elif starts == ends:
            errors.setdefault("availability", []).append(
                _("A window must end at another time than it starts.")
            )
        else:
            checked.append((weekday, starts, ends))
    return checked


def _coordinates(
    *, country: str, postal_code: str, town: str, latitude: float | None,
    longitude: float | None, errors: dict[str, list[str]],
) -> tuple[float, float]:  # fmt: skip
    if latitude is not None and longitude is not None:
        return float(latitude), float(longitude)
    found = geo.locate(country, postal_code, town) if postal_code or town else None
    if found is None:
        errors.setdefault("latitude", []).append(
            _("We could not find this place; enter the coordinates.")
        )
        return 0.0, 0.0
    return float(found[0]), float(found[1])


@transaction.atomic
def helper_apply(
    *,
    workspace: Workspace,
    name: str,
    email: str,
    phone: str,
    language: str,
    country: str,
    postal_code: str,
    town: str,
    latitude: float | None = None,
    longitude: float | None = None,
    radius_km: int,
    time_zone: str,
    hourly_price: Decimal,
    skill_ids: Iterable[int],
    availability: Sequence[tuple[int, dt.time, dt.time]],
    terms_accepted: bool,
    about: str = "",
) -> Helper | None:
    """A new helper awaiting e-mail confirmation and verification; mails the confirmation link.

    Returns None when the address has applied already: that helper is left as it was and is
    mailed again (the confirmation, or a sign-in link once confirmed), so the caller must
    answer exactly as for a new application — nobody learns whether an address is known.
    """
    community = settings_for(workspace)
    errors: dict[str, list[str]] = {}
    if not community.signup_open:
        raise ValidationError(_("Applications are closed at the moment."))
    if not terms_accepted:
        errors["terms_accepted"] = [_("Please accept the terms to apply.")]
    try:
        wanted = {int(pk) for pk in skill_ids}
    except (TypeError, ValueError):
        wanted = {-1}
    skills = list(Skill.objects.filter(workspace=workspace, active=True, pk__in=wanted))
    if not wanted:
        errors["skill_ids"] = [_("Choose at least one skill.")]
    elif len(skills) != len(wanted):
        errors["skill_ids"] = [_("Choose skills from the list.")]
    try:
        phone = phone_normalize(phone, country=country)
    except ValidationError as error:
        errors["phone"] = list(error.messages)
    windows = _windows_checked(availability, errors)
    lat, lon = _coordinates(
        country=country, postal_code=postal_code.strip(), town=town.strip(), latitude=latitude,
        longitude=longitude, errors=errors,
    )  # fmt: skip
    email = email.strip().lower()
    helper = Helper(
        workspace=workspace, name=name.strip(), email=email, phone=phone, language=language,
        about=about.strip(), country=country, postal_code=postal_code.strip(), town=town.strip(),
        latitude=lat, longitude=lon, radius_km=radius_km, time_zone=time_zone,
        hourly_price=hourly_price, terms_version=community.terms_version,
        terms_accepted_at=timezone.now(),
    )  # fmt: skip
    try:
        helper.full_clean(exclude=["workspace"], validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field == "latitude" and "latitude" in errors:
                continue
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    existing = Helper.objects.filter(workspace=workspace, email__iexact=email).first()
    if existing is not None:
        _mail_again(existing)
        return None
    try:
        with transaction.atomic():
            helper.save()
    except IntegrityError:
        # Applied twice at the same moment: the first one stands.
        return None
    HelperSkill.objects.bulk_create(
        HelperSkill(workspace=workspace, helper=helper, skill=skill) for skill in skills
    )
    Availability.objects.bulk_create(
        Availability(workspace=workspace, helper=helper, weekday=day, starts=starts, ends=ends)
        for day, starts, ends in windows
    )
    _mail_confirmation(helper)
    return helper


def _hour_stamp() -> str:
    return timezone.now().strftime("%Y%m%d%H")


def _mail_confirmation(helper: Helper) -> None:
    # One confirmation mail an hour at most, however often somebody types the address in.
    mail_queue(
        workspace=helper.workspace, kind=MailKind.HELPER_CONFIRM, to=helper.email,
        language=helper.language, key=f"helper_confirm:{helper.pk}:{_hour_stamp()}",
        helper=helper,
    )  # fmt: skip


def _mail_again(helper: Helper) -> None:
    if helper.email_confirmed_at is None:
        _mail_confirmation(helper)
    elif helper.blocked_at is None:
        _mail_sign_in(helper)


def helper_confirm_token(helper: Helper) -> str:
    return link_sign(
        purpose=CONFIRM_PURPOSE, max_age=CONFIRM_AGE,
        payload={"w": helper.workspace_id, "h": helper.pk, "e": helper.email},
    )  # fmt: skip


def helper_confirm_url(helper: Helper) -> str:
    """The link in the confirmation mail."""
    slug = helper.workspace.slug
    token = helper_confirm_token(helper)
    return page_url(
        "community:helper-confirm", [slug, token], f"/help/{slug}/helper/confirm/{token}/"
    )


@transaction.atomic
def helper_email_confirm(*, workspace: Workspace, token: str) -> Helper:
    """The helper a confirmation link names, now with a confirmed address (again: no change).

    Raises LinkInvalid for a forged, expired or foreign link, or one for an address the helper
    no longer has.
    """
    payload = link_verify(purpose=CONFIRM_PURPOSE, token=token)
    helper_id = payload.get("h")
    helper = (
        Helper.objects.filter(workspace=workspace, pk=helper_id, email=payload.get("e")).first()
        if isinstance(helper_id, int) and payload.get("w") == workspace.pk
        else None
    )
    if helper is None:
        raise LinkInvalid()
    if helper.email_confirmed_at is None:
        helper.email_confirmed_at = timezone.now()
        helper.save(update_fields=["email_confirmed_at"])
    return helper


# --- verification and blocks ----------------------------------------------------------------


def verification_missing(helper: Helper) -> list[str]:
    """What keeps the helper from being verified, in words for the community manager."""
    missing = []
    if helper.identity_checked_at is None:
        missing.append(_("Their identity has not been seen."))
    if not helper.helper_skills.exclude(checked_at=None).exists():
        missing.append(_("None of their skills has been checked."))
    return missing


@transaction.atomic
def helper_verify(*, helper: Helper, by: User | None, identity_note: str) -> Helper:
    """Record that the helper's identity was seen and verify them; at least one skill must be
    checked first (the error says what is missing, and nothing is saved)."""
    helper = Helper.objects.select_for_update().get(pk=helper.pk)
    errors: dict[str, list[str]] = {}
    note = identity_note.strip()
    if not note:
        errors["identity_note"] = [_("Say which identity document you saw.")]
    elif len(note) > 200:
        errors["identity_note"] = [_("Keep the note under 200 characters.")]
    if not helper.helper_skills.exclude(checked_at=None).exists():
        errors["skills"] = [_("Check at least one of the helper's skills first.")]
    if helper.blocked_at is not None:
        errors["helper"] = [_("This helper is blocked; unblock them first.")]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    helper.identity_checked_at = now
    helper.identity_note = note
    helper.verified_at = helper.verified_at or now
    helper.verified_by = helper.verified_by or by
    helper.save(
        update_fields=["identity_checked_at", "identity_note", "verified_at", "verified_by"]
    )
    return helper


@transaction.atomic
def skill_check(*, helper_skill: HelperSkill, by: User | None, note: str) -> HelperSkill:
    """Record the community manager's short check of one skill; then it counts for matching."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say how you checked the skill.")})
    if len(note) > 300:
        raise ValidationError({"note": _("Keep the note under 300 characters.")})
    helper_skill.checked_at = timezone.now()
    helper_skill.checked_by = by
    helper_skill.check_note = note
    helper_skill.save(update_fields=["checked_at", "checked_by", "check_note"])
    return helper_skill


def _jobs_end(helper: Helper) -> None:
    """The helper's waiting offers pass on and their future bookings are cancelled (and the
    customers told), as when they leave or are blocked."""
    from touchbase.community import bookings

    for offer in helper.offers.filter(state=OfferState.PENDING).select_related("request"):
        bookings.offer_withdraw(offer=offer)
    for booking in helper.bookings.filter(
        state=BookingState.CONFIRMED, starts_at__gt=timezone.now()
    ).select_related("request", "helper"):
        bookings.booking_cancel(
            booking=booking, side=Side.HELPER,
            reason=_("The helper can no longer take this job. We are looking for another one."),
        )  # fmt: skip


@transaction.atomic
def helper_block(*, helper: Helper, by: User | None, reason: str) -> Helper:
    """Block a helper: no more offers or bookings. Their waiting offers are withdrawn (the next
    helper is offered), their future bookings cancelled and the customers told."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so colleagues understand.")})
    helper = Helper.objects.select_for_update().get(pk=helper.pk)
    if helper.blocked_at is None:
        helper.blocked_at = timezone.now()
    helper.block_reason = reason[:500]
    helper.save(update_fields=["blocked_at", "block_reason"])
    _jobs_end(helper)
    return helper


@transaction.atomic
def helper_unblock(*, helper: Helper, by: User | None) -> Helper:
    """Lift a block; the helper can be offered jobs again (if verified)."""
    helper.blocked_at = None
    helper.block_reason = ""
    helper.save(update_fields=["blocked_at", "block_reason"])
    return helper


# --- availability and holidays ---------------------------------------------------------------


@transaction.atomic
def availability_replace(
    *, helper: Helper, windows: Sequence[tuple[int, dt.time, dt.time]]
) -> list[Availability]:
    """The helper's weekly windows become these (wall-clock time in the helper's zone)."""
    errors: dict[str, list[str]] = {}
    checked = _windows_checked(windows, errors)
    if errors:
        raise ValidationError(errors)
    Availability.objects.filter(helper=helper).delete()
    return Availability.objects.bulk_create(
        Availability(
            workspace_id=helper.workspace_id, helper=helper, weekday=day, starts=starts, ends=ends
        )
        for day, starts, ends in checked
    )


@transaction.atomic
def holidays_replace(
    *, helper: Helper, holidays: Sequence[tuple[dt.date, dt.date]]
) -> list[Holiday]:
    """The helper's days off become these (first and last day included)."""
    if len(holidays) > MAX_HOLIDAYS:
        raise ValidationError(
            {"holidays": _("Give at most %(count)s holidays.") % {"count": MAX_HOLIDAYS}}
        )
    for first, last in holidays:
        if not isinstance(first, dt.date) or not isinstance(last, dt.date):
            raise ValidationError({"holidays": _("Give a first and a last day.")})
        if last < first:
            raise ValidationError(
                {"holidays": _("A holiday's last day cannot lie before its first.")}
            )
        if (last - first).days >= MAX_HOLIDAY_DAYS:
            raise ValidationError({"holidays": _("A holiday lasts at most a year.")})
    Holiday.objects.filter(helper=helper).delete()
    return Holiday.objects.bulk_create(
        Holiday(workspace_id=helper.workspace_id, helper=helper, first_day=first, last_day=last)
        for first, last in holidays
    )


# --- sign-in by link -------------------------------------------------------------------------


def helper_link(helper: Helper) -> str:
    """A sign-in link for a day; signing in once spends it (last_seen_at moves)."""
    seen = helper.last_seen_at.isoformat() if helper.last_seen_at else ""
    token = link_sign(
        purpose=SIGN_IN_PURPOSE, max_age=SIGN_IN_AGE,
        payload={"w": helper.workspace_id, "h": helper.pk, "s": seen},
    )  # fmt: skip
    slug = helper.workspace.slug
    return page_url("community:helper-enter", [slug, token], f"/help/{slug}/helper/enter/{token}/")


def _mail_sign_in(helper: Helper) -> None:
    seen = helper.last_seen_at.isoformat() if helper.last_seen_at else "never"
    # Asked again within the hour while the last link is unused: that link still works.
    mail_queue(
        workspace=helper.workspace, kind=MailKind.HELPER_LINK, to=helper.email,
        language=helper.language, key=f"helper_link:{helper.pk}:{_hour_stamp()}:{seen}",
        helper=helper,
    )  # fmt: skip


@transaction.atomic
def helper_link_send(*, workspace: Workspace, email: str) -> None:
    """Mail a sign-in link to the helper with this address, if there is one (not blocked).

    Answers the same either way, so the form tells nobody whether an address is known.
    """
    helper = Helper.objects.filter(
        workspace=workspace, email__iexact=(email or "").strip(), blocked_at=None
    ).first()
    if helper is not None:
        _mail_sign_in(helper)


@transaction.atomic
def helper_link_open(*, workspace: Workspace, token: str) -> Helper:
    """The helper a sign-in link stands for; LinkInvalid when spent, old, forged or foreign.

    Following it proves the address, so an unconfirmed one counts as confirmed.
    """
    payload = link_verify(purpose=SIGN_IN_PURPOSE, token=token)
    helper_id = payload.get("h")
    helper = (
        Helper.objects.select_for_update()
        .filter(workspace=workspace, pk=helper_id, blocked_at=None)
        .first()
        if isinstance(helper_id, int) and payload.get("w") == workspace.pk
        else None
    )
    if helper is None:
        raise LinkInvalid()
    seen = helper.last_seen_at.isoformat() if helper.last_seen_at else ""
    if seen != payload.get("s"):
        raise LinkInvalid(_("This link has been used already. Ask for a new one."))
    now = timezone.now()
    helper.last_seen_at = now
    helper.email_confirmed_at = helper.email_confirmed_at or now
    helper.save(update_fields=["last_seen_at", "email_confirmed_at"])
    return helper


# --- personal data ---------------------------------------------------------------------------


def helper_export(helper: Helper) -> dict[str, Any]:
    """Everything community help holds on one helper, JSON-safe, for their own copy."""

    def when(value: dt.datetime | dt.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "name": helper.name, "email": helper.email, "phone": helper.phone,
        "language": helper.language, "about": helper.about, "country": helper.country,
        "postal_code": helper.postal_code, "town": helper.town,
        "latitude": helper.latitude, "longitude": helper.longitude,
        "radius_km": helper.radius_km, "time_zone": helper.time_zone,
        "hourly_price": str(helper.hourly_price), "applied_at": when(helper.created_at),
        "terms_accepted_at": when(helper.terms_accepted_at),
        "email_confirmed_at": when(helper.email_confirmed_at),
        "verified_at": when(helper.verified_at), "blocked_at": when(helper.blocked_at),
        "skills": [
            {"skill": hs.skill.name_en, "checked_at": when(hs.checked_at)}
            for hs in helper.helper_skills.select_related("skill")
        ],
        "availability": [
            {"weekday": a.weekday, "from": a.starts.isoformat(), "until": a.ends.isoformat()}
            for a in helper.availability.all()
        ],
        "holidays": [
            {"first_day": when(h.first_day), "last_day": when(h.last_day)}
            for h in helper.holidays.all()
        ],
        "offers": [
            {"topic": o.request.skill.name_en, "starts_at": when(o.starts_at),
             "state": o.state, "answered_at": when(o.answered_at)}
            for o in helper.offers.select_related("request__skill").order_by("created_at")
        ],
        "bookings": [
            {"topic": b.request.skill.name_en, "starts_at": when(b.starts_at),
             "ends_at": when(b.ends_at), "state": b.state, "notes": b.notes,
             "price_paid": str(b.price_paid) if b.price_paid is not None else None}
            for b in helper.bookings.select_related("request__skill")
        ],
        "ratings_received": [
            {"stars": r.stars, "comment": r.comment, "at": when(r.created_at)}
            for r in Rating.objects.filter(booking__helper=helper, by=Side.CUSTOMER)
        ],
    }  # fmt: skip


@transaction.atomic
def helper_erase(helper: Helper) -> Helper:
    """Erase a helper's personal data: waiting offers and future bookings end as with a block,
    then name, address, phone, location and texts are blanked; the customers' past bookings
    and ratings stay without them."""

    helper = Helper.objects.select_for_update().get(pk=helper.pk)
    _jobs_end(helper)
    CommunityMail.objects.filter(helper=helper, sent_at=None).delete()
    CommunityMail.objects.filter(helper=helper).update(to=f"erased-{helper.pk}@invalid.invalid")
    helper.availability.all().delete()
    helper.holidays.all().delete()
    Rating.objects.filter(booking__helper=helper, by=Side.HELPER).update(comment="")
    helper.bookings.update(notes="")
    helper.name = _("[erased]")
    helper.email = f"erased-{helper.pk}@invalid.invalid"
    helper.phone = helper.about = helper.identity_note = helper.block_reason = ""
    helper.postal_code = helper.town = ""
    helper.latitude = helper.longitude = 0.0
    helper.blocked_at = helper.blocked_at or timezone.now()
    helper.verified_at = None
    helper.save()
    return helper


# What the community manager may correct in a helper's profile; the rest is the helper's own.
PROFILE_FIELDS = ("radius_km", "hourly_price", "paused_until", "latitude", "longitude")


@transaction.atomic
def helper_profile_save(*, helper: Helper, fields: dict[str, Any]) -> Helper:
    """The manager's corrections of radius, price, pause and place, checked by the model."""
    helper = Helper.objects.select_for_update().get(pk=helper.pk)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"The manager does not change {name!r}.")
        setattr(helper, name, value)
    # Only the changed fields are checked: an erased helper's blanked address must not stop
    # the manager from pausing them.
    others = [field.name for field in Helper._meta.fields if field.name not in fields]
    helper.full_clean(exclude=others, validate_unique=False)
    helper.save(update_fields=list(fields))
    return helper
