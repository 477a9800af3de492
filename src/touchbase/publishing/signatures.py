"""E-mail signatures from master data: the company's legal details and each member's own.

The HTML is made for mail programs, not browsers: one table layout, inline styles only, no
script, no web font, every image with width, height and alt. The banner slot is an image on
touchbase (chosen when the mail is opened); the plain-text version says the same in words.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import phonenumbers
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

from touchbase.core.models import Membership, Workspace
from touchbase.core.phone import phone_normalize
from touchbase.core.signing import absolute_url
from touchbase.publishing import banners
from touchbase.publishing.choices import BannerTarget
from touchbase.publishing.models_reach import MAX_SOCIAL_LINKS, CompanyProfile, SignatureProfile

INSTALL_SALT = "touchbase.publishing.signature-install"
INSTALL_MAX_AGE = 14 * 24 * 3600
PHOTO_SIDE = 80
BANNER_WIDTH = 600


def company_profile(*, workspace: Workspace) -> CompanyProfile:
    found = CompanyProfile.objects.filter(workspace=workspace).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return CompanyProfile.objects.create(workspace=workspace, legal_name=workspace.name)
    except IntegrityError:
        return CompanyProfile.objects.get(workspace=workspace)


def international(raw: str, *, country: str) -> str:
    """A phone as E.164 for storing; an invalid one is a field error (raised by the caller)."""
    return phone_normalize(raw, country=country)


def phone_shown(e164: str) -> str:
    """International format ("+49 89 1234567"): a signature travels across borders."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


def social_links_clean(value: Any) -> list[dict[str, str]]:
    """[{network, url}], at most ten, web addresses only: they become links in every mail."""
    if not isinstance(value, list) or len(value) > MAX_SOCIAL_LINKS:
        raise ValidationError(_("At most %(max)s links.") % {"max": MAX_SOCIAL_LINKS})
    links = []
    for item in value:
        network = str(item.get("network", "")).strip()[:40] if isinstance(item, dict) else ""
        url = str(item.get("url", "")).strip() if isinstance(item, dict) else ""
        if not network or not url.startswith(("https://", "http://")):
            raise ValidationError(
                _("Each link needs a name and an address starting with https://.")
            )
        URLValidator(schemes=["http", "https"])(url)
        links.append({"network": network, "url": url[:300]})
    return links


@transaction.atomic
def company_profile_save(*, profile: CompanyProfile, changes: dict[str, Any]) -> CompanyProfile:
    country = profile.workspace.home_country
    errors = {}
    for name, value in changes.items():
        if name == "phone":
            try:
                value = international(value, country=country)
            except ValidationError as error:
                errors[name] = error.messages
        if name == "social_links":
            try:
                value = social_links_clean(value)
            except ValidationError as error:
                errors[name] = error.messages
        setattr(profile, name, value)
    if errors:
        raise ValidationError(errors)
    profile.full_clean(exclude=["workspace"])
    profile.save()
    return profile


def signature_profile(*, membership: Membership) -> SignatureProfile:
    """The member's signature data, started from their account the first time."""
    user = membership.user
    found = SignatureProfile.objects.filter(workspace=membership.workspace, user=user).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return SignatureProfile.objects.create(
                workspace=membership.workspace, user=user, name=user.get_full_name(),
                job_title=user.job_title, email=user.email, language=(user.language or "de")[:2],
            )  # fmt: skip
    except IntegrityError:
        return SignatureProfile.objects.get(workspace=membership.workspace, user=user)


@transaction.atomic
def signature_profile_save(
    *, profile: SignatureProfile, changes: dict[str, Any], photo: Any = None,
    remove_photo: bool = False,
) -> SignatureProfile:  # fmt: skip
    country = profile.workspace.home_country
    errors = {}
    for name, value in changes.items():
        if name in ("phone", "mobile"):
            try:
                value = international(value, country=country)
            except ValidationError as error:
                errors[name] = error.messages
        setattr(profile, name, value)
    if errors:
        raise ValidationError(errors)
    if remove_photo:
        profile.photo = ""
    elif photo is not None:
        profile.photo = _photo_square(photo, kind=banners.banner_image_check(photo)[2])
    profile.full_clean(exclude=["workspace", "user", "token"])
    profile.save()
    return profile


def _photo_square(upload: Any, *, kind: str) -> ContentFile[bytes]:
    """The photo cropped to a centred square, at most twice the side it is shown at: the
    signature shows it in a square, which would squeeze any other shape, and mail programs
    load every byte. A JPEG stays a JPEG; a PNG or GIF becomes a PNG (transparency kept)."""
    with Image.open(upload) as picture:
        upright = ImageOps.exif_transpose(picture)
        side = min(*upright.size, 2 * PHOTO_SIDE)
        is_jpeg = kind == "image/jpeg"
        square = ImageOps.fit(upright.convert("RGB" if is_jpeg else "RGBA"), (side, side))
    upload.seek(0)
    buffer = io.BytesIO()
    square.save(buffer, format="JPEG" if is_jpeg else "PNG", quality=90, optimize=True)
    stem = Path(getattr(upload, "name", "") or "photo").stem[:60] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{stem}.{'jpg' if is_jpeg else 'png'}")


def _banner_slot(profile: SignatureProfile) -> dict[str, Any] | None:
    if not profile.with_banner:
        return None
    live = banners.live_banners(workspace=profile.workspace, target=BannerTarget.EMAIL)
    if not live:
        return None
    # The slot's size is fixed in the HTML: the first live banner's proportions, 600 wide.
    first = live[0]
    height = round(BANNER_WIDTH * first.height / first.width) if first.width else 120
    return {
        "image": absolute_url(path=reverse("publishing:signature-banner", args=[profile.token])),
        "link": absolute_url(path=reverse("publishing:signature-click", args=[profile.token])),
        "width": BANNER_WIDTH, "height": height,
        "alt": _banner_alt(profile),
    }  # fmt: skip


def _banner_alt(profile: SignatureProfile) -> str:
    with translation.override(profile.language):
        return str(translation.gettext("Current news from %(company)s")
                   % {"company": profile.workspace.name})  # fmt: skip


def signature_context(profile: SignatureProfile) -> dict[str, Any]:
    company = company_profile(workspace=profile.workspace)
    photo = None
    if profile.photo:
        photo = {
            "url": absolute_url(path=reverse("publishing:signature-photo", args=[profile.token])),
            "side": PHOTO_SIDE, "alt": profile.name,
        }  # fmt: skip
    return {
        "profile": profile, "company": company, "photo": photo,
        "phone": phone_shown(profile.phone), "mobile": phone_shown(profile.mobile),
        "company_phone": phone_shown(company.phone), "banner": _banner_slot(profile),
        "register": _register_lines(company), "management": _management_lines(company),
        "social": [link for link in company.social_links if isinstance(link, dict)][:10],
    }  # fmt: skip


def _register_lines(company: CompanyProfile) -> list[str]:
    """Seat, register and VAT ID, each only when known: a line each in the text version and
    one row joined by dots in the HTML, from this one list, so both always say the same."""
    lines = []
    if company.seat:
        lines.append(_("Registered seat: %(seat)s") % {"seat": company.seat})
    register = " ".join(part for part in (company.register_court, company.register_number) if part)
    if register:
        lines.append(register)
    if company.vat_id:
        lines.append(_("VAT ID %(number)s") % {"number": company.vat_id})
    return lines


def _management_lines(company: CompanyProfile) -> list[str]:
    lines = []
    directors = company.directors
    if directors:
        names = ", ".join(directors)
        lines.append(ngettext("Managing director: %(names)s", "Managing directors: %(names)s",
                              len(directors)) % {"names": names})  # fmt: skip
    if company.supervisory_chair:
        lines.append(_("Chair of the supervisory board: %(name)s")
                     % {"name": company.supervisory_chair})  # fmt: skip
    return lines


def signature_html(profile: SignatureProfile) -> SafeString:
    with translation.override(profile.language):
        return render_to_string("publishing/signature/signature.html",
                                signature_context(profile))  # fmt: skip


def signature_text(profile: SignatureProfile) -> str:
    with translation.override(profile.language):
        text = render_to_string("publishing/signature/signature.txt", signature_context(profile))
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(line for index, line in enumerate(lines)
                     if line or (index and lines[index - 1])).strip()  # fmt: skip


def install_link(profile: SignatureProfile) -> str:
    """A signed link, valid for two weeks, to the page that installs this signature."""
    value = signing.dumps({"t": profile.token}, salt=INSTALL_SALT)
    return absolute_url(path=reverse("publishing:signature-install", args=[value]))


def install_open(value: str) -> SignatureProfile | None:
    try:
        data = signing.loads(value, salt=INSTALL_SALT, max_age=INSTALL_MAX_AGE)
    except signing.BadSignature:
        return None
    token = data.get("t") if isinstance(data, dict) else None
    if not isinstance(token, str):
        return None
    return SignatureProfile.objects.filter(token=token).select_related("workspace").first()
