"""Demo data of signatures, banners, partners and presences.

Pollux's company data is complete, but the text under every signature still carries an old
confidentiality disclaimer, so the lint has something to say. Every member has a signature;
two e-mail banners (German and English) and a website banner run, the autumn banner is offered
to the two partners, and eight weeks of views and clicks are on the chart. Six presences are
registered; the audit has visited each three times: the Google listing still shows the old
phone number, the directory entry could not be loaded, and nobody has answered on Facebook
for five weeks.

The images are drawn here with Pillow: no file travels with the code.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from touchbase.core.models import Membership, Workspace
from touchbase.publishing import audit, banners, reach_services, signatures
from touchbase.publishing.choices import BannerTarget, CheckOutcome, LegalForm, PresenceKind
from touchbase.publishing.models_reach import Banner, BannerWeek, Presence, PresenceCheck

COMPANY = {
    "legal_name": "Pollux Haushaltsgeräte GmbH", "legal_form": LegalForm.DE_GMBH,
    "street": "Sendlinger Straße 27", "postal_code": "80331", "city": "München",
    "seat": "München", "register_court": "Amtsgericht München", "register_number": "HRB 214567",
    "managing_directors": "Helena Pollux\nMarkus Weber", "vat_id": "DE 298 765 432",
    "phone": "+49 89 2154330", "email": "service@pollux.example",
    "website": "https://www.pollux.example",
    "social_links": [
        {"network": "LinkedIn", "url": "https://www.linkedin.com/company/pollux-example"},
        {"network": "Instagram", "url": "https://www.instagram.com/pollux.example"},
    ],
    "closing": "Der Inhalt dieser E-Mail ist vertraulich und ausschließlich für den "
               "bezeichneten Adressaten bestimmt. Wenn Sie nicht der vorgesehene Adressat "
               "sind, informieren Sie bitte den Absender und löschen Sie diese Nachricht.",
}  # fmt: skip
COMPANY_PHONE = "+49892154330"
OLD_PHONE = "+49892154300"
PHONES = {  # username: (direct line, mobile)
    "helena": ("+49 89 2154330-10", "+49 171 4455667"),
    "markus": ("+49 89 2154330-20", ""),
    "joseph": ("+49 89 2154330-30", "+49 151 22334455"),
    "anna": ("+43 1 2345670", ""),
    "luca": ("+39 0471 123456", "+39 347 1234567"),
    "sophie": ("+41 44 1234567", ""),
}
BANNERS = [
    # name, headline, colour, target, language, for partners, days since start
    ("Herbstaktion", "Herbstaktion: 10 % auf Kaffeemühlen", (158, 74, 20), BannerTarget.EMAIL,
     "de", True, 40),
    ("Autumn offer", "Autumn offer: 10 % off coffee grinders", (158, 74, 20), BannerTarget.EMAIL,
     "en", False, 40),
    ("Reparaturservice", "Reparieren statt wegwerfen", (31, 111, 76), BannerTarget.WEBSITE,
     "", True, 20),
]  # fmt: skip
PARTNERS = [
    ("Franz Huber", "Elektro Huber KG", "f.huber@elektro-huber.example"),
    ("Sabine Leitner", "Küchenstudio Alpen GmbH", "leitner@kuechenstudio-alpen.example"),
]
PRESENCES = [
    # kind, name, url, owner, answered days ago
    (PresenceKind.IMPRINT, "Impressum", "https://www.pollux.example/impressum", "helena", None),
    (PresenceKind.CONTACT, "Kontaktseite", "https://www.pollux.example/kontakt", "anna", 2),
    (PresenceKind.GOOGLE, "Google Unternehmensprofil", "https://g.page/pollux-example",
     "anna", 3),
    (PresenceKind.FACEBOOK, "Facebook", "https://www.facebook.com/pollux.example", "luca", 35),
    (PresenceKind.INSTAGRAM, "Instagram", "https://www.instagram.com/pollux.example", "sophie", 4),
    (PresenceKind.DIRECTORY, "Gelbe Seiten", "https://www.gelbeseiten.example/pollux", "markus",
     10),
]  # fmt: skip


def demo_reach(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random,
               **_: Any) -> None:  # fmt: skip
    """Signatures, banners, partners and presences in the demo workspace; once per workspace."""
    if Banner.objects.filter(workspace=workspace).exists():
        return
    now = timezone.now()
    with transaction.atomic():
        profile = signatures.company_profile(workspace=workspace)
        signatures.company_profile_save(profile=profile, changes=dict(COMPANY))
        _signatures(team)
        _banners(workspace, rng, now)
        for name, company, email in PARTNERS:
            fields = {"name": name, "company": company, "email": email}
            reach_services.partner_save(workspace=workspace, partner=None, fields=fields)
        _presences(workspace, team, now)


def _signatures(team: dict[str, Membership]) -> None:
    for username, membership in team.items():
        profile = signatures.signature_profile(membership=membership)
        phone, mobile = PHONES.get(username, ("", ""))
        changes = {"phone": phone, "mobile": mobile}
        signatures.signature_profile_save(profile=profile, changes=changes)


def banner_picture(text: str, colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    """A 600 × 120 banner: a coloured field with the headline in white."""
    picture = Image.new("RGB", (600, 120), colour)
    draw = ImageDraw.Draw(picture)
    draw.rectangle((8, 8, 591, 111), outline=(255, 255, 255), width=2)
    draw.text((28, 44), text, fill=(255, 255, 255), font_size=26)
    buffer = io.BytesIO()
    picture.save(buffer, "PNG", optimize=True)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _banners(workspace: Workspace, rng: random.Random, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    for index, (name, text, colour, target, language, partners, days) in enumerate(BANNERS):
        banner = Banner(
            workspace=workspace, name=name, alt_text=text, target=target, language=language,
            link_url=f"https://www.pollux.example/{'herbst' if index < 2 else 'reparatur'}",
            starts_on=today - dt.timedelta(days=days), ends_on=today + dt.timedelta(days=30),
            weight=2 if index == 0 else 1, for_partners=partners,
        )  # fmt: skip
        banners.banner_save(banner=banner, image=banner_picture(text, colour, f"demo-{index}.png"))
        _weeks(banner, rng, today, days)


def _weeks(banner: Banner, rng: random.Random, today: dt.date, days: int) -> None:
    monday = today - dt.timedelta(days=today.weekday())
    rows = []
    for back in range(min(8, days // 7 + 1)):
        views = (
            rng.randint(180, 420) if banner.target == BannerTarget.EMAIL else rng.randint(60, 150)
        )
        rows.append(BannerWeek(workspace=banner.workspace, banner=banner,
                               week=monday - dt.timedelta(weeks=back), views=views,
                               clicks=round(views * rng.uniform(0.01, 0.04))))  # fmt: skip
    BannerWeek.objects.bulk_create(rows)


def _presences(workspace: Workspace, team: dict[str, Membership], now: dt.datetime) -> None:
    for kind, name, url, owner, answered in PRESENCES:
        member = team.get(owner)
        presence = reach_services.presence_save(
            workspace=workspace, presence=None,
            fields={"kind": kind, "name": name, "url": url,
                    "owner": member.user if member else None},
        )  # fmt: skip
        presence.answered_at = now - dt.timedelta(days=answered) if answered else None
        _history(presence, now)


def _history(presence: Presence, now: dt.datetime) -> None:
    """Three weekly visits; the latest tells this presence's story."""
    story = {"Google Unternehmensprofil": "differs", "Gelbe Seiten": "failed"}.get(presence.name)
    previous = None
    for weeks_ago in (2, 1, 0):
        outcome, phones, findings = CheckOutcome.OK, [COMPANY_PHONE], []
        if story == "differs" and weeks_ago == 0:
            outcome, phones = CheckOutcome.DIFFERS, [OLD_PHONE]
            findings = [audit.finding(audit.PHONE_UNKNOWN, phone=OLD_PHONE),
                        audit.finding(audit.PHONE_MISSING, phone=COMPANY_PHONE)]  # fmt: skip
        if story == "failed" and weeks_ago < 2:
            outcome, phones = CheckOutcome.FAILED, []
            findings = [audit.finding(audit.PAGE_FAILED, reason="timeout")]
        PresenceCheck.objects.create(
            workspace=presence.workspace, presence=presence,
            checked_at=now - dt.timedelta(weeks=weeks_ago, hours=3), outcome=outcome,
            status=None if outcome == CheckOutcome.FAILED else 200,
            error="timeout" if outcome == CheckOutcome.FAILED else "", phones=phones,
            emails=[COMPANY["email"]] if phones else [], findings=findings,
            changed=previous is not None and previous != (outcome, phones),
        )  # fmt: skip
        previous = (outcome, phones)
    presence.last_checked_at = now - dt.timedelta(hours=3)
    presence.last_outcome = outcome
    presence.next_check_at = presence.last_checked_at + dt.timedelta(days=presence.check_every_days)
    presence.save()
