"""Demo data of publishing: channels, drafts in review, a news page with posts.

Pollux has written news for about five months: a dozen posts, each read and approved by two
colleagues before it went out, some with customers' comments and the team's answers, a few
comments still waiting for a moderator. The default channels are loaded, plus the dealers'
portal, which asks for two readers; the sensitive topics of a German company are on the list.
In review right now: a draft with one of two approvals, one a colleague sent back with
changes, and a price increase (a sensitive topic). Next week's post is scheduled; a social
post went out and is marked with its address. The reachability notice was reviewed last week.

Every write goes through the services, which stamp "now"; the times are then moved into the
past (created, asked, approved, published, commented) so the history reads as lived.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from touchbase.core.capabilities import Capability, role_has
from touchbase.core.models import Membership, User, Workspace
from touchbase.publishing import services
from touchbase.publishing.choices import AuditAction, ChannelKind, Operation, Verdict
from touchbase.publishing.models import (
    AuditEntry,
    Channel,
    ChannelPublication,
    Draft,
    DraftVersion,
    NewsComment,
    ReachabilityNotice,
    Review,
    ReviewRequest,
)
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

TOPICS = ["Preiserhöhung", "Entlassung", "Datenschutz", "Rückruf", "Lieferengpass", "Insolvenz",
          "recall", "price increase"]  # fmt: skip
# A channel of Pollux's own beside the defaults: dealers download and print what is there.
PORTAL = (
    "Fachhändler-Portal", 6, 4,
    "Unsere Händler laden Texte herunter, drucken sie aus und hängen sie in den Laden.",
)  # fmt: skip
SOCIAL_URL = "https://www.linkedin.com/posts/pollux-gmbh_reparatur-statt-neukauf-activity-7261"
# Days ago, author, title, Markdown text, tags; every post goes to the news page.
POSTS: list[tuple[int, str, str, str, list[str]]] = [
    (151, "markus", "Der Kalkfilter des Aurora lässt sich jetzt herausnehmen",
     "Viele von Ihnen haben es sich gewünscht, besonders dort, wo das Wasser hart ist: Seit der "
     "Charge 2026/09 liegt jedem **Wasserkocher Aurora** ein herausnehmbarer Kalkfilter bei.\n\n"
     "Der Filter sitzt im Ausguss und lässt sich mit einem Handgriff abnehmen. Einmal im Monat "
     "unter fließendem Wasser ausspülen genügt; bei sehr hartem Wasser empfehlen wir, ihn "
     "alle zwei Wochen in Essigwasser einzulegen.\n\n"
     "Für ältere Geräte gibt es den Filter als Ersatzteil (Artikelnummer AU-KF-02) bei Ihrem "
     "Fachhändler.", ["Produkte", "Wasserkocher Aurora"]),
    (138, "helena", "Pollux beim Gastro-Branchentag in Innsbruck",
     "Am 14. und 15. Juli finden Sie uns beim Gastro-Branchentag in der Messe Innsbruck, "
     "Halle A, Stand 112.\n\n"
     "Wir zeigen dort zum ersten Mal den **Standmixer Nova** mit dem neuen Programm für "
     "Crushed Ice und laden Sie zu einem Espresso aus der Castor ein. Anna Berger und Luca "
     "Mair aus unserem Vertrieb für Österreich und Südtirol sind beide Tage für Sie da.\n\n"
     "Sie möchten einen festen Gesprächstermin? Schreiben Sie uns kurz, wir reservieren "
     "Ihnen eine halbe Stunde.", ["Veranstaltungen"]),
    (124, "anna", "Ein Rezeptheft für den Standmixer Nova",
     "Ab sofort liegt jedem **Standmixer Nova** ein Heft mit 24 Rezepten bei: Smoothies, "
     "Suppen, Dips und Nussmus, jeweils mit Mengen für zwei und für zehn Personen.\n\n"
     "Die Rezepte hat unsere Kundin Martina Leitner zusammengestellt, die ein Café in Graz "
     "führt. Danke, Martina!\n\n"
     "Sie haben den Nova schon? Das Heft steht in Ihrem Kundenkonto als PDF bereit.",
     ["Produkte", "Rezepte", "Standmixer Nova"]),
    (109, "markus", "Reparieren statt wegwerfen: unser Reparaturservice",
     "Ein Gerät von Pollux soll lange halten. Wenn doch einmal etwas kaputtgeht, reparieren "
     "wir es – auch nach der Garantie.\n\n"
     "So geht es:\n\n"
     "1. Reparaturauftrag im Kundenkonto anlegen,\n"
     "2. Gerät mit dem Paketschein kostenlos einschicken,\n"
     "3. Kostenvoranschlag abwarten – erst mit Ihrer Zusage legen wir los.\n\n"
     "Die meisten Reparaturen sind nach fünf Werktagen erledigt. Für Hotels und Gastronomie "
     "stellen wir für die Zeit der Reparatur ein Leihgerät.", ["Service", "Nachhaltigkeit"]),
    (95, "joseph", "Rechnungen als PDF im Kundenkonto",
     "Für Ihre Buchhaltung: Jede Rechnung liegt jetzt unter „Mein Konto → Bestellungen“ als "
     "PDF zum Herunterladen, rückwirkend bis Januar 2024.\n\n"
     "Kunden mit mehreren Filialen können sich außerdem eine **Sammelrechnung** pro Monat "
     "einrichten lassen. Sprechen Sie dazu einfach Ihre Ansprechpartnerin oder Ihren "
     "Ansprechpartner im Vertrieb an.", ["Service"]),
    (81, "sophie", "Fünf Tipps für den perfekten Espresso mit der Castor",
     "Die **Kaffeemühle Castor** mahlt für Filter, French Press und Espresso. Für einen "
     "guten Espresso kommt es auf Kleinigkeiten an:\n\n"
     "- Mahlen Sie direkt vor dem Brühen, nie auf Vorrat.\n"
     "- Stellen Sie den Mahlgrad in kleinen Schritten ein und probieren Sie nach jeder "
     "Änderung.\n"
     "- Wiegen Sie die Bohnen ab: 16 bis 18 Gramm für einen doppelten Espresso.\n"
     "- Reinigen Sie das Mahlwerk einmal im Monat mit dem beiliegenden Pinsel.\n"
     "- Lagern Sie die Bohnen dunkel und luftdicht, aber nicht im Kühlschrank.\n\n"
     "Viel Freude beim Ausprobieren!", ["Tipps", "Kaffeemühle Castor"]),
    (67, "luca", "Wir liefern jetzt in Mehrwegboxen",
     "Schluss mit Styropor: Bestellungen innerhalb Deutschlands, Österreichs und Südtirols "
     "kommen ab sofort in einer stabilen **Mehrwegbox**.\n\n"
     "Die leere Box geben Sie einfach beim nächsten Besuch unseres Fahrers zurück oder "
     "schicken sie mit dem beiliegenden Etikett kostenlos an uns. Jede Box übersteht rund "
     "fünfzig Fahrten.\n\n"
     "Für die Schweiz arbeiten wir noch an einer Lösung mit unserem Logistikpartner.",
     ["Nachhaltigkeit", "Service"]),
    (53, "joseph", "Neu im Sortiment: der Milchaufschäumer Lyra",
     "Passend zur Castor gibt es jetzt den **Milchaufschäumer Lyra**: heißer oder kalter "
     "Milchschaum in 90 Sekunden, mit einem Behälter aus Edelstahl, der in die "
     "Spülmaschine darf.\n\n"
     "Der Lyra schafft bis zu 500 ml und schaltet sich von selbst ab. Für Cafés gibt es eine "
     "Variante mit doppeltem Behälter.\n\n"
     "Im Fachhandel ab dem 1. Oktober.", ["Produkte"]),
    (39, "anna", "Ersatzteile einfach online bestellen",
     "Deckel, Dichtungen, Filter, Krümelschubladen: Für alle aktuellen Geräte finden Sie die "
     "Ersatzteile jetzt im Kundenkonto unter „Ersatzteile“, mit Zeichnungen, auf denen Sie "
     "das passende Teil anklicken.\n\n"
     "Wir liefern innerhalb von drei Werktagen. Ersatzteile halten wir mindestens zehn Jahre "
     "nach dem Ende der Produktion vor.", ["Service"]),
    (26, "helena", "Sophie Keller verstärkt unseren Vertrieb in der Schweiz",
     "Seit Oktober betreut **Sophie Keller** unsere Kundinnen und Kunden in der Schweiz. Sie "
     "kommt aus der Hotellerie und kennt die Küchen von Zürich bis St. Gallen aus eigener "
     "Erfahrung.\n\n"
     "Sie erreichen Sie unter sophie.keller@pollux.example oder über unsere Service-Nummer. "
     "Herzlich willkommen, Sophie!", ["Team"]),
    (13, "markus", "Toaster Borealis: der Brötchenaufsatz liegt wieder bei",
     "Sie haben ihn vermisst, wir haben zugehört: Ab dem nächsten Quartal liegt jedem "
     "**Toaster Borealis** der Brötchenaufsatz wieder bei.\n\n"
     "Wer seinen Borealis in diesem Jahr ohne Aufsatz gekauft hat, bekommt ihn auf Wunsch "
     "kostenlos nachgeliefert – eine kurze Nachricht mit der Rechnungsnummer genügt.",
     ["Produkte", "Toaster Borealis"]),
    (4, "sophie", "Die Castor bekommt ein feineres Mahlwerk",
     "Die vielen Stimmen auf unserem Ideenportal waren deutlich: Die feinste Stufe der "
     "**Kaffeemühle Castor** reicht für manche Siebträger nicht aus.\n\n"
     "Ab dem Frühjahr bauen wir ein Mahlwerk mit zwölf zusätzlichen Feinstufen ein. Wir "
     "testen es gerade mit drei Cafés in Wien, Bozen und Zürich. Danke für Ihre Geduld!",
     ["Produkte", "Kaffeemühle Castor"]),
]  # fmt: skip
# Visitors on example domains: (e-mail, name, language).
VISITORS = [
    ("claudia.hofer@example.com", "Claudia Hofer", "de"),
    ("thomas.brandstaetter@example.org", "Thomas Brandstätter", "de"),
    ("martina.leitner@example.net", "Martina Leitner", "de"),
    ("stefan.gruber@example.com", "Stefan Gruber", "de"),
    ("julia.wenger@example.org", "Julia Wenger", "de"),
    ("angebote24@example.net", "Super Angebote", "de"),
]
# (post title, visitor number, comment, answering member or "", answer); shown.
SHOWN = [
    (POSTS[0][2], 0, "Passt der neue Filter auch in meinen Aurora von 2023?", "markus",
     "Ja, der herausnehmbare Filter passt in alle Aurora ab Baujahr 2022. Ihr Fachhändler "
     "bestellt ihn unter AU-KF-02."),
    (POSTS[2][2], 2, "Das Rezept mit Spinat, Mango und Ingwer ist bei unseren Gästen der "
     "Renner. Danke für das schöne Heft!", "", ""),
    (POSTS[5][2], 1, "Welche Stufe empfehlen Sie für einen Siebträger mit 58-mm-Sieb?",
     "sophie", "Beginnen Sie mit Stufe 2 und gehen Sie in kleinen Schritten feiner, bis der "
     "Espresso in 25 bis 30 Sekunden durchläuft."),
    (POSTS[6][2], 3, "Endlich! Das viele Styropor hat mich jedes Mal geärgert.", "", ""),
    (POSTS[7][2], 4, "Funktioniert der Lyra auch mit Hafermilch?", "joseph",
     "Ja. Am besten gelingt der Schaum mit einer Barista-Hafermilch, gut gekühlt."),
]  # fmt: skip
WAITING = [
    (POSTS[11][2], 1, "Kann man das neue Mahlwerk auch in eine vorhandene Castor einbauen "
     "lassen?"),
    (POSTS[8][2], 0, "Gibt es auch noch Ersatzteile für den alten Eierkocher Vega?"),
    (POSTS[10][2], 2, "Gilt das mit dem kostenlosen Aufsatz auch für Geräte aus dem "
     "Fachhandel?"),
]  # fmt: skip
REJECTED = (POSTS[3][2], 5, "Markengeräte bis zu 80 % günstiger – nur heute! Jetzt klicken.")


def demo_publishing(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random,
                    **_: Any) -> None:  # fmt: skip
    """Publishing in the demo workspace; once per workspace."""
    if Draft.objects.filter(workspace=workspace).exists():
        return
    # Only members who may review read drafts (the community manager does not).
    people = {name: m.user for name, m in team.items()
              if role_has(m.role, Capability.PUBLISHING_REVIEW)}  # fmt: skip
    now = timezone.now()
    with transaction.atomic(), services.mails_held():
        services.channels_ensure(workspace=workspace)
        for phrase in TOPICS:
            services.topic_add(workspace=workspace, phrase=phrase)
        name, permanence, control, explanation = PORTAL
        services.channel_save(workspace=workspace, name=name, kind=ChannelKind.OTHER,
                              permanence=permanence, control=control,
                              explanation=explanation)  # fmt: skip
        _notice(workspace, people["helena"], now)
        posts = _posts(workspace, people, rng, now)
        _comments(workspace, posts, people, rng, now)
        _in_review(workspace, people, now)
        _scheduled(workspace, people, now)
        _social(workspace, people, now)


def _channel(workspace: Workspace, key: str) -> Channel:
    return Channel.objects.get(workspace=workspace, key=key)


def _notice(workspace: Workspace, helena: User, now: dt.datetime) -> None:
    """Filled in and reviewed a week ago; the numbers are from the range kept for fiction."""
    services.notice_update(
        workspace=workspace, actor=helena,
        reach="Telefon: +49 89 99998 210 (Montag bis Freitag, 8 bis 17 Uhr)\n"
              "E-Mail: service@pollux.example – wir antworten innerhalb eines Werktags.",
        operation=Operation.REGULAR,
        operation_note="Versand, Reparaturannahme und Showroom in München arbeiten wie gewohnt.",
        booking="Beratung im Showroom oder per Video: Buchen Sie einen Termin online oder "
                "rufen Sie uns an.",
        booking_url="https://pollux.example/termin", show_banner=True, review_every_days=30,
    )  # fmt: skip
    services.news_settings_save(
        settings=services.news_settings(workspace=workspace),
        changes={"title": "Pollux – Neuigkeiten",
                 "intro": "Was sich bei Pollux tut: neue Geräte, Service, Termine. Fragen und "
                          "Kritik gern in die Kommentare – wir antworten persönlich."},
    )  # fmt: skip
    # notice_update stamps "now"; the review happened a week ago.
    ReachabilityNotice.objects.filter(workspace=workspace).update(
        reviewed_at=now - dt.timedelta(days=7, hours=3)
    )


def _others(people: dict[str, User], author: str) -> list[User]:
    return [user for username, user in sorted(people.items()) if username != author]


def _posts(
    workspace: Workspace, people: dict[str, User], rng: random.Random, now: dt.datetime
) -> dict[str, Draft]:
    """Each post written, read by two colleagues, approved and published in the past."""
    blog = _channel(workspace, "blog")
    posts = {}
    for days, author, title, body, tags in POSTS:
        published = now - dt.timedelta(
            days=days, hours=rng.randint(0, 6), minutes=rng.randint(0, 59)
        )
        draft = services.draft_create(workspace=workspace, author=people[author], title=title,
                                      body=body, channels=[blog], tags=tags)  # fmt: skip
        readers = rng.sample(_others(people, author), 2)
        services.review_request(draft=draft, actor=people[author], reviewers=readers)
        for reader in readers:
            services.review_submit(draft=draft, reviewer=reader, version=draft.version,
                                   verdict=Verdict.APPROVED)  # fmt: skip
        draft = services.draft_publish(draft=draft, actor=people[author], now=published)
        _backdate(draft, published - dt.timedelta(days=rng.randint(1, 4), hours=2), published)
        posts[title] = draft
    return posts


def _backdate(draft: Draft, start: dt.datetime, end: dt.datetime) -> None:
    """Spread the draft's history from start to end, as the steps happened in that order."""
    entries = list(AuditEntry.objects.filter(draft=draft).order_by("pk"))
    step = (end - start) / max(1, len(entries) - 1)
    for number, entry in enumerate(entries):
        at = start + step * number
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
        if entry.action == AuditAction.REVIEW_REQUESTED:
            ReviewRequest.objects.filter(draft=draft).update(requested_at=at)
        if entry.action in (AuditAction.APPROVED, AuditAction.CHANGES):
            Review.objects.filter(draft=draft, reviewer=entry.actor_id).update(created_at=at)
    DraftVersion.objects.filter(draft=draft).update(created_at=start)
    Draft.objects.filter(pk=draft.pk).update(created_at=start, updated_at=end)


def _visitors(workspace: Workspace, now: dt.datetime) -> list[Visitor]:
    """Visitors who confirmed their address when they first wrote."""
    people = []
    for number, (email, name, language) in enumerate(VISITORS):
        visitor = visitors.visitor_for_email(workspace=workspace, email=email, language=language)
        # visitor_for_email never stores a name; following the confirmation link would.
        Visitor.objects.filter(pk=visitor.pk).update(
            name=name, confirmed_at=now - dt.timedelta(days=60 - number * 7)
        )
        visitor.refresh_from_db()
        people.append(visitor)
    return people


def _comments(
    workspace: Workspace, posts: dict[str, Draft], people: dict[str, User], rng: random.Random,
    now: dt.datetime,
) -> None:  # fmt: skip
    """Shown comments with the team's answers, one spam rejected, a few still waiting."""
    readers = _visitors(workspace, now)
    moderator = people["anna"]
    for title, number, text, member, answer in SHOWN:
        post = posts[title]
        comment = services.comment_post(draft=post, visitor=readers[number], text=text,
                                        verified=True)  # fmt: skip
        services.comment_moderate(comment=comment, actor=moderator, show=True)
        written = _between(post.published_at, now, rng, share=0.3)
        NewsComment.objects.filter(pk=comment.pk).update(
            created_at=written, moderated_at=written + dt.timedelta(hours=2)
        )
        if member:
            reply = services.comment_reply(draft=post, member=people[member], text=answer,
                                           reply_to=comment)  # fmt: skip
            NewsComment.objects.filter(pk=reply.pk).update(
                created_at=written + dt.timedelta(hours=3),
                moderated_at=written + dt.timedelta(hours=3),
            )  # fmt: skip
    title, number, text = REJECTED
    spam = services.comment_post(draft=posts[title], visitor=readers[number], text=text,
                                 verified=True)  # fmt: skip
    services.comment_moderate(comment=spam, actor=moderator, show=False)
    for title, number, text in WAITING:
        post = posts[title]
        comment = services.comment_post(draft=post, visitor=readers[number], text=text,
                                        verified=True)  # fmt: skip
        NewsComment.objects.filter(pk=comment.pk).update(
            created_at=_between(max(post.published_at or now, now - dt.timedelta(days=3)), now, rng)
        )


def _between(start: dt.datetime | None, end: dt.datetime, rng: random.Random,
             share: float = 1.0) -> dt.datetime:  # fmt: skip
    """A moment in the first `share` of the time from start to end."""
    begin = start or end
    return begin + (end - begin) * rng.random() * share


def _in_review(workspace: Workspace, people: dict[str, User], now: dt.datetime) -> None:
    """Three drafts in review: half approved, sent back, and a sensitive topic."""
    blog, website = _channel(workspace, "blog"), _channel(workspace, "website")
    portal = Channel.objects.get(workspace=workspace, name=PORTAL[0])
    # The dealers' portal asks for two readers; Markus has read it, Helena not yet.
    gastro = services.draft_create(
        workspace=workspace, author=people["joseph"], title="Aurora Pro: der Wasserkocher für "
        "Hotel und Gastronomie",
        body="Mit dem **Aurora Pro** bringen wir im Januar einen Wasserkocher für den "
             "Dauerbetrieb: 2,5 Liter, ein Gehäuse aus Edelstahl und eine Warmhaltefunktion "
             "mit vier Temperaturstufen.\n\n"
             "Für Hotels mit Frühstücksbuffet gibt es ein Set aus drei Geräten mit einer "
             "gemeinsamen Rechnung. Vorbestellungen nimmt Ihr Ansprechpartner im Vertrieb an.",
        channels=[blog, portal], tags=["Produkte", "Gastronomie"],
    )  # fmt: skip
    services.review_request(draft=gastro, actor=people["joseph"],
                            reviewers=[people["markus"], people["helena"]])  # fmt: skip
    services.review_submit(draft=gastro, reviewer=people["markus"], version=gastro.version,
                           verdict=Verdict.APPROVED,
                           comment="Technische Angaben stimmen.")  # fmt: skip
    _backdate(gastro, now - dt.timedelta(days=2, hours=5), now - dt.timedelta(hours=20))

    hours = services.draft_create(
        workspace=workspace, author=people["luca"],
        title="Unsere Service-Zeiten zwischen den Jahren",
        body="Vom 24. Dezember bis zum 6. Januar ist unsere Service-Hotline verkürzt "
             "erreichbar.\n\n"
             "Bestellungen, die bis zum 19. Dezember eingehen, liefern wir noch vor "
             "Weihnachten aus.",
        channels=[blog, website], tags=["Service"],
    )  # fmt: skip
    services.review_request(draft=hours, actor=people["luca"],
                            reviewers=[people["anna"], people["sophie"]])  # fmt: skip
    services.review_submit(
        draft=hours, reviewer=people["anna"], version=hours.version, verdict=Verdict.CHANGES,
        comment="Bitte die genauen Zeiten nennen, sonst rufen alle an, um danach zu fragen. "
                "Und gilt der 19. Dezember auch für Österreich und die Schweiz?",
    )  # fmt: skip
    _backdate(hours, now - dt.timedelta(days=1, hours=8), now - dt.timedelta(hours=4))

    # "Preiserhöhung" is on the list of sensitive topics: one more reader.
    prices = services.draft_create(
        workspace=workspace, author=people["joseph"],
        title="Neue Preise für Ersatzteile ab dem 1. Februar",
        body="Zum 1. Februar passen wir die Preise für Ersatzteile an. Die Preiserhöhung "
             "beträgt im Schnitt 4 %; Filter und Dichtungen bleiben beim alten Preis.\n\n"
             "Bestellungen, die bis zum 31. Januar eingehen, berechnen wir zu den heutigen "
             "Preisen.",
        channels=[blog], tags=["Service"],
    )  # fmt: skip
    services.review_request(draft=prices, actor=people["joseph"],
                            reviewers=[people["helena"], people["markus"]])  # fmt: skip
    _backdate(prices, now - dt.timedelta(hours=6), now - dt.timedelta(hours=5))


def _scheduled(workspace: Workspace, people: dict[str, User], now: dt.datetime) -> None:
    """Approved and planned for next Tuesday morning: the worker publishes it then."""
    local = timezone.localtime(now)
    planned = (local + dt.timedelta(days=7 - local.weekday() + 1)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    draft = services.draft_create(
        workspace=workspace, author=people["anna"],
        title="Pollux-Kundentag am 16. Januar in Salzburg",
        body="Wir laden Sie herzlich zu unserem **Kundentag** ins Hotel Mirabell in Salzburg "
             "ein: neue Geräte zum Ausprobieren, kurze Vorträge zu Pflege und Reparatur und "
             "ein Mittagessen, gekocht mit unseren Geräten.\n\n"
             "Die Teilnahme ist kostenlos; bitte melden Sie sich bis zum 9. Januar an.",
        channels=[_channel(workspace, "blog")], tags=["Veranstaltungen"], planned_at=planned,
    )  # fmt: skip
    services.review_request(draft=draft, actor=people["anna"],
                            reviewers=[people["helena"], people["luca"]])  # fmt: skip
    for reader in ("helena", "luca"):
        services.review_submit(draft=draft, reviewer=people[reader], version=draft.version,
                               verdict=Verdict.APPROVED)  # fmt: skip
    services.draft_publish(draft=draft, actor=people["anna"])
    _backdate(draft, now - dt.timedelta(days=3), now - dt.timedelta(days=1, hours=2))


def _social(workspace: Workspace, people: dict[str, User], now: dt.datetime) -> None:
    """A social post: three readers (permanence 6, control 3), posted by hand, link noted."""
    draft = services.draft_create(
        workspace=workspace, author=people["sophie"], title="Reparieren statt wegwerfen",
        body="Ihr Pollux-Gerät streikt? Wir reparieren es – auch nach der Garantie, meist "
             "in fünf Werktagen. Reparaturauftrag im Kundenkonto anlegen, Gerät kostenlos "
             "einschicken, fertig. #Reparatur #Nachhaltigkeit",
        channels=[_channel(workspace, "social")], tags=["Service", "Nachhaltigkeit"],
    )  # fmt: skip
    readers = [people["helena"], people["markus"], people["anna"]]
    services.review_request(draft=draft, actor=people["sophie"], reviewers=readers)
    for reader in readers:
        services.review_submit(draft=draft, reviewer=reader, version=draft.version,
                               verdict=Verdict.APPROVED)  # fmt: skip
    published = now - dt.timedelta(days=105, hours=3)
    draft = services.draft_publish(draft=draft, actor=people["sophie"], now=published)
    publication = ChannelPublication.objects.get(draft=draft)
    services.channel_mark_published(publication=publication, actor=people["sophie"],
                                    url=SOCIAL_URL)  # fmt: skip
    posted = published + dt.timedelta(minutes=40)
    ChannelPublication.objects.filter(pk=publication.pk).update(published_at=posted)
    _backdate(draft, published - dt.timedelta(days=2), posted)
