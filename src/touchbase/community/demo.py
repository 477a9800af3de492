"""Demo data of community help around Munich.

Pollux runs a neighbourhood help for its customers: six jobs with their technician prices,
fourteen helpers in and around Munich (eleven verified, two waiting for verification, one
blocked after a report), half a year of finished jobs rated both ways, three jobs the helpers
could not solve (escalated to Pollux's support), open requests — one in Rosenheim, where no
helper lives, stays unmatched —, two offers waiting for an answer, upcoming bookings, an open
report and a blocked customer address. Lena Schmid runs it (role community manager).

History is written as rows (the services refuse times in the past); what is current goes
through the services, as a user's clicks would.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from touchbase.community import bookings, geo, helpers, matching
from touchbase.community.choices import BookingState, OfferState, RequestState, Side
from touchbase.community.models import (
    Availability,
    Booking,
    CommunityMail,
    CustomerBlock,
    Helper,
    HelperSkill,
    HelpRequest,
    Offer,
    Rating,
    Report,
    RequestWindow,
    Skill,
)
from touchbase.core.models import Membership, Workspace
from touchbase.core.timeutil import start_of_day
from touchbase.relationships.choices import Channel, Direction
from touchbase.relationships.models import Contact
from touchbase.relationships.services import touchpoint_log

SKILLS = [
    # German, English, hours, technician's price for the job
    ("Gast-WLAN einrichten", "Set up guest Wi-Fi", "1.0", "89"),
    ("Router installieren", "Install a router", "1.5", "119"),
    ("Smartphone-Apps erklären", "Explain smartphone apps", "1.0", "69"),
    ("Drucker einrichten", "Set up a printer", "1.0", "79"),
    ("Smart-TV einrichten", "Set up a smart TV", "1.0", "79"),
    ("Datensicherung einrichten", "Set up a backup", "2.0", "149"),
]
HELPERS = [
    # name, postal code, town, radius km, price/h, skills (indexes), state
    ("Tobias Brandl", "80331", "München", 12, "22", (0, 1, 3), "verified"),
    ("Aylin Demir", "80797", "München", 10, "20", (2, 4), "verified"),
    ("Karl Hofbauer", "85748", "Garching bei München", 15, "18", (0, 1, 5), "verified"),
    ("Mia Schuster", "81669", "München", 10, "25", (2, 3, 4), "verified"),
    ("Jonas Pichler", "85354", "Freising", 20, "17", (0, 1), "verified"),
    ("Elif Yıldız", "85221", "Dachau", 12, "19", (2, 3), "verified"),
    ("Rainer Gruber", "82319", "Starnberg", 15, "24", (1, 4, 5), "verified"),
    ("Sabine Lechner", "85435", "Erding", 18, "18", (0, 2, 3), "verified"),
    ("Paul Wimmer", "82256", "Fürstenfeldbruck", 15, "20", (1, 3, 5), "verified"),
    ("Nina Obermaier", "85521", "Ottobrunn", 10, "21", (0, 2, 4), "verified"),
    ("Felix Huber", "81541", "München", 15, "23", (0, 1, 2, 3, 4, 5), "verified"),
    ("Greta Seidl", "80469", "München", 10, "18", (2, 4), "identity_seen"),
    ("Moritz Kaiser", "81243", "München", 10, "16", (0, 3), "applied"),
    ("Dennis Vogt", "81373", "München", 10, "15", (0, 1), "blocked"),
]
CUSTOMERS = [
    ("Irmgard Maier", "80339", "München"), ("Walter Schmid", "80634", "München"),
    ("Renate Fischer", "85757", "Karlsfeld"), ("Günter Bauer", "82008", "Unterhaching"),
    ("Hildegard Wagner", "85737", "Ismaning"), ("Josef Hartl", "85716", "Unterschleißheim"),
    ("Brigitte Koch", "82152", "Planegg"), ("Erika Zimmermann", "81477", "München"),
    ("Manfred Huber", "85540", "Haar"), ("Ursula Weiß", "82024", "Taufkirchen"),
]  # fmt: skip
STORIES = [
    "Das Gäste-WLAN im Café soll vom eigenen Netz getrennt sein.",
    "Neuer Router vom Anbieter, die alten Geräte finden das Netz nicht mehr.",
    "Ich möchte Videoanrufe mit den Enkeln machen.",
    "Der Drucker druckt nur noch vom alten Laptop.",
    "Der neue Fernseher findet die Mediathek nicht.",
    "Fotos sollen automatisch gesichert werden.",
]
CUSTOMER_SAYS = ["Sehr geduldig, alles erklärt.", "Schnell und freundlich.", "Pünktlich, prima.",
                 "Hat gut geklappt.", ""]  # fmt: skip
HELPER_SAYS = ["Sehr nette Kundin.", "Alles vorbereitet, gerne wieder.", ""]
TERMS = (
    "Sie helfen als Privatperson auf eigene Rechnung; Pollux vermittelt nur und nimmt kein Geld "
    "an. Sie behandeln alles, was Sie bei Kundinnen und Kunden sehen, vertraulich.\n\n"
    "You help as a private person on your own account; Pollux only connects you and handles no "
    "money. Everything you see at a customer's home stays confidential."
)


def demo_community(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random,
                   **_: Any) -> None:  # fmt: skip
    """Community help in the demo workspace; once per workspace."""
    if Skill.objects.filter(workspace=workspace).exists():
        return
    manager = team["lena"].user if "lena" in team else None
    now = timezone.now()
    with transaction.atomic():
        _settings(workspace, manager)
        skills = _skills(workspace)
        people = _helpers(workspace, skills, manager, rng, now)
        contacts = list(Contact.objects.filter(workspace=workspace).order_by("pk")[:10])
        _history(workspace, skills, people, contacts, rng, now)
        _present(workspace, skills, people, rng, now, manager)
        _safety(workspace, people, manager)


def _settings(workspace: Workspace, manager: Any) -> None:
    settings = helpers.settings_for(workspace)
    settings.terms = TERMS
    settings.support_owner = manager
    settings.save()


def _skills(workspace: Workspace) -> list[Skill]:
    return [
        Skill.objects.create(
            workspace=workspace,
            name_de=de,
            name_en=en,
            hours=Decimal(hours),
            technician_price=Decimal(price),
        )  # fmt: skip
        for de, en, hours, price in SKILLS
    ]


def _helpers(workspace: Workspace, skills: list[Skill], manager: Any, rng: random.Random,
             now: dt.datetime) -> list[Helper]:  # fmt: skip
    people = []
    for index, (name, code, town, radius, price, known, state) in enumerate(HELPERS):
        latitude, longitude = geo.locate("DE", code, town) or (48.137, 11.575)
        first, last = name.split(" ", 1)
        checked = now if state in ("verified", "blocked") else None
        helper = Helper.objects.create(
            workspace=workspace, name=name, email=f"{first}.{last}@example.net".lower(),
            phone=f"+49 151 {rng.randint(1000000, 9999999)}", postal_code=code, town=town,
            latitude=latitude, longitude=longitude, radius_km=radius, hourly_price=Decimal(price),
            language="en" if index == 1 else "de", terms_version=1,
            terms_accepted_at=now - dt.timedelta(days=200 - index * 9),
            email_confirmed_at=now - dt.timedelta(days=200 - index * 9),
            identity_checked_at=None if state == "applied" else now - dt.timedelta(days=150),
            identity_note="" if state == "applied" else "Personalausweis gesehen",
            verified_at=checked, verified_by=manager if checked else None,
            blocked_at=now - dt.timedelta(days=12) if state == "blocked" else None,
            block_reason="Mehrfach nicht erschienen" if state == "blocked" else "",
        )  # fmt: skip
        HelperSkill.objects.bulk_create([
            HelperSkill(workspace=workspace, helper=helper, skill=skills[i], checked_at=checked,
                        checked_by=manager if checked else None,
                        check_note="Im Gespräch durchgegangen" if checked else "")
            for i in known
        ])  # fmt: skip
        Availability.objects.bulk_create([
            Availability(workspace=workspace, helper=helper, weekday=day, starts=start, ends=end)
            for day, start, end in _week(rng)
        ])  # fmt: skip
        people.append(helper)
    return people


def _week(rng: random.Random) -> list[tuple[int, dt.time, dt.time]]:
    """Evenings on some weekdays and a Saturday morning: when neighbours have time."""
    days = sorted(rng.sample(range(5), 3))
    evenings = [(day, dt.time(17), dt.time(21)) for day in days]
    return [*evenings, (5, dt.time(9), dt.time(14))]


def _history(workspace: Workspace, skills: list[Skill], people: list[Helper],
             contacts: list[Contact], rng: random.Random, now: dt.datetime) -> None:  # fmt: skip
    """Half a year of jobs: most done and rated both ways, a few escalated or cancelled."""
    active = [helper for helper in people if helper.verified_at][:11]
    for number in range(46):
        helper = rng.choice(active)
        skill = skills[rng.choice([i for i, s in enumerate(skills) if _knows(helper, s)])]
        days_ago = rng.randint(3, 180)
        starts = start_of_day((now - dt.timedelta(days=days_ago)).date(), workspace.zone)
        starts += dt.timedelta(hours=rng.choice([17, 18, 10]))
        state = (BookingState.ESCALATED if number % 15 == 7 else
                 BookingState.CANCELLED if number % 19 == 5 else BookingState.DONE)  # fmt: skip
        contact = contacts[number % len(contacts)] if contacts and number % 3 == 0 else None
        request = _past_request(workspace, skill, contact, number, starts, state, rng)
        offer = Offer.objects.create(
            workspace=workspace, request=request, helper=helper, starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1), state=OfferState.ACCEPTED,
            deadline_at=starts - dt.timedelta(days=1), score=rng.randint(55, 95),
        )  # fmt: skip
        answered = starts - dt.timedelta(days=3) + dt.timedelta(hours=rng.choice([1, 2, 4, 9]))
        Offer.objects.filter(pk=offer.pk).update(created_at=starts - dt.timedelta(days=3),
                                                 answered_at=answered)  # fmt: skip
        booking = _past_booking(workspace, request, helper, offer, skill, starts, state, rng)
        if state != BookingState.CANCELLED:
            _ratings(workspace, booking, rng)
        if contact is not None and state == BookingState.DONE:
            _on_timeline(workspace, booking, contact, skill)


def _knows(helper: Helper, skill: Skill) -> bool:
    return HelperSkill.objects.filter(helper=helper, skill=skill).exists()


def _past_request(workspace: Workspace, skill: Skill, contact: Contact | None, number: int,
                  starts: dt.datetime, state: str, rng: random.Random) -> HelpRequest:  # fmt: skip
    name, code, town = CUSTOMERS[number % len(CUSTOMERS)]
    if contact is not None:
        name = f"{contact.first_name} {contact.last_name}".strip()
    latitude, longitude = geo.locate("DE", code, town) or (48.137, 11.575)
    outcomes: dict[str, str] = {BookingState.DONE: RequestState.DONE,
                                BookingState.ESCALATED: RequestState.ESCALATED}  # fmt: skip
    request_state = outcomes.get(state, RequestState.CANCELLED)
    request = HelpRequest.objects.create(
        workspace=workspace, contact=contact, name=name,
        email=(contact.email if contact is not None and contact.email else
               f"kunde{number}@example.org"),
        skill=skill, description=_story(skill), postal_code=code, town=town,
        latitude=latitude, longitude=longitude, state=request_state,
        budget=Decimal(rng.choice([20, 25, 30])), confirmed_at=starts - dt.timedelta(days=4),
    )  # fmt: skip
    HelpRequest.objects.filter(pk=request.pk).update(created_at=starts - dt.timedelta(days=4))
    RequestWindow.objects.create(workspace=workspace, request=request, starts_at=starts,
                                 ends_at=starts + dt.timedelta(hours=3))  # fmt: skip
    return request


def _story(skill: Skill) -> str:
    return next(STORIES[i] for i, row in enumerate(SKILLS) if row[0] == skill.name_de)


def _past_booking(workspace: Workspace, request: HelpRequest, helper: Helper, offer: Offer,
                  skill: Skill, starts: dt.datetime, state: str,
                  rng: random.Random) -> Booking:  # fmt: skip
    cancelled = state == BookingState.CANCELLED
    price = helper.hourly_price * max(Decimal(1), skill.hours)
    return Booking.objects.create(
        workspace=workspace, request=request, helper=helper, offer=offer, starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1), state=state,
        technician_price=skill.technician_price, price_paid=None if cancelled else price,
        finished_at=None if cancelled else starts + dt.timedelta(hours=1),
        cancelled_by=Side.CUSTOMER if cancelled else "",
        cancel_reason="Termin verschoben, melde mich wieder" if cancelled else "",
        notes=("Router defekt, braucht Austausch durch den Kundendienst."
               if state == BookingState.ESCALATED else ""),
    )  # fmt: skip


def _ratings(workspace: Workspace, booking: Booking, rng: random.Random) -> None:
    Rating.objects.create(workspace=workspace, booking=booking, by=Side.CUSTOMER,
                          stars=rng.choices([5, 4, 3, 2], weights=[12, 6, 2, 1])[0],
                          comment=rng.choice(CUSTOMER_SAYS))  # fmt: skip
    if rng.random() < 0.8:
        Rating.objects.create(workspace=workspace, booking=booking, by=Side.HELPER,
                              stars=rng.choice([5, 5, 4]),
                              comment=rng.choice(HELPER_SAYS))  # fmt: skip


def _on_timeline(workspace: Workspace, booking: Booking, contact: Contact, skill: Skill) -> None:
    touchpoint = touchpoint_log(
        workspace=workspace, channel=Channel.COMMUNITY_HELP, occurred_at=booking.starts_at,
        logged_by=None, contact=contact, direction=Direction.OUTBOUND, is_personal=False,
        summary=f"Nachbarschaftshilfe: {skill.name_de} mit {booking.helper.name}",
        source_kind="community_booking", source_id=booking.pk,
    )  # fmt: skip
    Booking.objects.filter(pk=booking.pk).update(touchpoint_id=touchpoint.pk)


def _present(workspace: Workspace, skills: list[Skill], people: list[Helper],
             rng: random.Random, now: dt.datetime, manager: Any) -> None:  # fmt: skip
    """Open requests (one nobody can take), two offers waiting, three bookings ahead."""
    made = []
    for number, (name, code, town) in enumerate([*CUSTOMERS[:7], ("Anton Reiter", "83022",
                                                 "Rosenheim")]):  # fmt: skip
        skill = skills[number % 4]
        latitude, longitude = geo.locate("DE", code, town) or (48.137, 11.575)
        days = 2 + number % 5
        begin = start_of_day((now + dt.timedelta(days=days)).date(), workspace.zone)
        request = HelpRequest.objects.create(
            workspace=workspace, name=name, email=f"{name.split()[0].lower()}@example.org",
            skill=skill, description=STORIES[number % 4], postal_code=code, town=town,
            address=f"Lindenstraße {number + 3}", latitude=latitude, longitude=longitude,
            state=RequestState.OPEN, budget=Decimal(25), confirmed_at=now - dt.timedelta(
                hours=6 + number * 20), language="de",
        )  # fmt: skip
        HelpRequest.objects.filter(pk=request.pk).update(
            created_at=now - dt.timedelta(hours=6 + number * 20)
        )
        for starts in _windows(begin, workspace):
            RequestWindow.objects.create(workspace=workspace, request=request, starts_at=starts,
                                         ends_at=starts + dt.timedelta(hours=3))  # fmt: skip
        made.append(request)
    offered = 0
    for request in made:
        found = matching.candidates(request, limit=1, now=now)
        if not found or offered == 5:
            continue
        offer = bookings.offer_make(request=request, candidate=found[0], by=manager)
        offered += 1
        if offered <= 3:
            bookings.offer_accept(offer=offer, helper=found[0].helper)
    # The invented people get no mail: what the services queued counts as sent.
    CommunityMail.objects.filter(workspace=workspace, sent_at=None).update(sent_at=now)


def _windows(begin: dt.datetime, workspace: Workspace) -> list[dt.datetime]:
    """Five times a customer could be home: weekday evenings, or a Saturday morning."""
    starts = []
    for day in range(8):
        local = (begin + dt.timedelta(days=day)).astimezone(workspace.zone)
        if local.weekday() <= 5:
            hour = 17 if local.weekday() < 5 else 10
            starts.append(start_of_day(local.date(), workspace.zone) + dt.timedelta(hours=hour))
    return starts[:5]


def _safety(workspace: Workspace, people: list[Helper], manager: Any) -> None:
    blocked = next(helper for helper in people if helper.blocked_at)
    Report.objects.create(
        workspace=workspace, helper=blocked, by=Side.CUSTOMER, state="closed",
        text="Der Helfer ist zweimal nicht gekommen und war nicht erreichbar.",
        handled_by=manager, outcome="Gesperrt.", closed_at=timezone.now(),
    )  # fmt: skip
    Report.objects.create(
        workspace=workspace, helper=people[4], by=Side.CUSTOMER,
        text="Der Helfer hat mir gleich ein Zusatzgerät verkaufen wollen.",
    )  # fmt: skip
    CustomerBlock.objects.create(workspace=workspace, email="spam-anfragen@example.org",
                                 reason="Immer wieder Scheinanfragen",
                                 created_by=manager)  # fmt: skip
