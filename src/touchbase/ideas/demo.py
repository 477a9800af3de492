"""Demo data of ideas: a portal with customers' ideas on the catalogue's products.

A dozen confirmed visitors (addresses on example domains, so no mail reaches a real person)
post ideas, vote and comment; a few ideas draw most of the votes. The team answered some:
planned, in progress, done and declined, so the roadmap has something in every column. One
idea was posted twice and merged; staff voted for three customers they spoke to, and what
customers said in reviews and calls is attached as evidence.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from faker import Faker

from touchbase.catalogue.models import Product
from touchbase.core.models import Membership, Workspace
from touchbase.ideas import services
from touchbase.ideas.choices import IdeaStatus
from touchbase.ideas.models import Comment, Idea, IdeaMail, Vote
from touchbase.listening.models import Mention
from touchbase.relationships.choices import Channel
from touchbase.relationships.models import Contact
from touchbase.relationships.services import touchpoint_log
from touchbase.visitors import services as visitors
from touchbase.visitors.models import Visitor

VISITORS = 12
DOMAINS = ["example.com", "example.org", "example.net"]
# Product (None: the shop or service as a whole), title, text, language. The first ones of
# each product draw the most votes.
IDEAS: list[tuple[str | None, str, str, str]] = [
    ("Wasserkocher Aurora", "Warmhaltefunktion für den Tee",
     "Ich trinke grünen Tee bei 80 °C. Schön wäre, wenn der Kocher die Temperatur 20 Minuten "
     "halten könnte, statt dass ich ihn dreimal neu einschalte.", "de"),
    ("Wasserkocher Aurora", "Kalkfilter zum Herausnehmen",
     "Der Filter im Ausguss lässt sich kaum reinigen. Ein herausnehmbarer Filter wäre praktisch, "
     "bei uns im Allgäu ist das Wasser sehr hart.", "de"),
    ("Wasserkocher Aurora", "Füllstandsanzeige auf beiden Seiten",
     "Als Linkshänderin sehe ich die Skala nie. Bitte auf beiden Seiten anbringen.", "de"),
    ("Wasserkocher Aurora", "Leiserer Betrieb",
     "Morgens um sechs weckt das Rauschen die ganze Familie.", "de"),
    ("Wasserkocher Aurora", "Kleinere Variante mit 0,8 Litern fürs Büro",
     "Für eine Teeküche mit zwei Personen ist 1,7 l zu groß.", "de"),
    ("Wasserkocher Aurora", "Cordless base that turns 360°",
     "The base only accepts the kettle in one position, which is awkward in a tight corner.",
     "en"),
    ("Wasserkocher Aurora", "Signalton abschaltbar machen",
     "Der Piepton am Ende ist nachts störend. Ein Schalter zum Abschalten würde reichen.", "de"),
    ("Toaster Borealis", "Aufsatz für Brötchen mitliefern",
     "Beim Vorgänger gab es einen Brötchenaufsatz, beim Borealis muss man ihn extra kaufen.",
     "de"),
    ("Toaster Borealis", "Breitere Schlitze für Bauernbrot",
     "Scheiben vom Laib aus der Bäckerei passen nicht hinein, nur abgepacktes Toastbrot.", "de"),
    ("Toaster Borealis", "Auftau-Taste für gefrorenes Brot",
     "Wir frieren Brot ein. Eine Taste, die erst auftaut und dann röstet, fehlt.", "de"),
    ("Toaster Borealis", "Krümelschublade, die nicht klemmt",
     "Die Schublade lässt sich nur mit Gewalt herausziehen und verteilt dann Krümel.", "de"),
    ("Toaster Borealis", "Bräunungsgrad als Zahl anzeigen",
     "Das Drehrad hat keine Markierungen, jeder in der Familie stellt es anders ein.", "de"),
    ("Toaster Borealis", "A version in matte black",
     "The white one shows every fingerprint. Please offer it in matte black.", "en"),
    ("Kaffeemühle Castor", "Mahlgrad feiner einstellbar für Espresso",
     "Die feinste Stufe ist für meinen Siebträger immer noch zu grob.", "de"),
    ("Kaffeemühle Castor", "Deckel, der nicht klemmt",
     "Der Bohnenbehälter-Deckel sitzt so fest, dass man ihn nur mit zwei Händen abbekommt.",
     "de"),
    ("Kaffeemühle Castor", "Leiserer Motor",
     "Die Mühle ist deutlich lauter als die Vorgängerin. Morgens im Altbau ein Problem.", "de"),
    ("Kaffeemühle Castor", "Timer für die Mahlmenge",
     "Ein Timer in Sekunden, damit jede Portion gleich groß wird.", "de"),
    ("Kaffeemühle Castor", "Weniger Kaffeemehl, das statisch hängen bleibt",
     "Im Auffangbehälter klebt nach jedem Mahlen Pulver an der Wand.", "de"),
    ("Kaffeemühle Castor", "Ersatzmahlwerk einzeln bestellbar",
     "Nach zwei Jahren ist das Mahlwerk stumpf. Ich möchte nicht die ganze Mühle ersetzen.",
     "de"),
    ("Standmixer Nova", "Rezeptheft für Smoothies beilegen",
     "Ein paar Grundrezepte mit Mengenangaben für den Nova wären für Einsteiger hilfreich.",
     "de"),
    ("Standmixer Nova", "Glasbehälter statt Kunststoff",
     "Der Kunststoffbehälter wird von Kurkuma gelb. Eine Glasvariante wäre mir mehr wert.",
     "de"),
    ("Standmixer Nova", "Stampfer zum Nachschieben",
     "Bei dicken Smoothies hängt alles an der Wand; ein Stampfer durch den Deckel fehlt.", "de"),
    ("Standmixer Nova", "Impulstaste auf der Vorderseite",
     "Die Taste sitzt hinten, man greift beim Mixen über den Behälter.", "de"),
    ("Standmixer Nova", "Programm für Crushed Ice",
     "Fürs Sommerfest im Hotel brauchen wir Eis, ohne dass der Motor überhitzt.", "de"),
    ("Standmixer Nova", "Travel bottle that fits the base",
     "A to-go bottle I can blend in directly and take to the office.", "en"),
    ("Eierkocher Vega", "Eierkocher Vega wieder ins Sortiment nehmen",
     "Unser Hotelfrühstück lief mit drei Vega-Geräten. Der Nachfolger fehlt uns.", "de"),
    ("Eierkocher Vega", "Ersatzteile für den Vega weiter liefern",
     "Der Messbecher mit Eierstecher ist verloren gegangen, das Gerät läuft noch tadellos.",
     "de"),
    (None, "Rechnung als PDF im Kundenkonto",
     "Für die Buchhaltung brauchen wir die Rechnungen als PDF zum Herunterladen.", "de"),
    (None, "Lieferung in Mehrwegverpackung",
     "Die Geräte kommen in viel Styropor. Eine Mehrwegbox, die der Bote wieder mitnimmt?", "de"),
    (None, "Ersatzteilshop mit Explosionszeichnungen",
     "Bei kleinen Defekten selbst das passende Teil finden und bestellen können.", "de"),
    (None, "Längere Garantie bei Registrierung",
     "Drei Jahre Garantie, wenn man das Gerät online registriert, wie bei anderen Marken.",
     "de"),
    (None, "Rückruf-Termin selbst buchen",
     "Statt in der Warteschleife zu hängen, einen Rückruf zu einer Uhrzeit wählen.", "de"),
    (None, "Gastro-Paket mit Sammelrechnung",
     "Für unsere drei Filialen gerne ein Paket aus Kocher, Toaster und Mixer mit einer "
     "Rechnung.", "de"),
    (None, "English manuals for every product",
     "Half of our hotel staff reads English better than German; the manuals are German only.",
     "en"),
    (None, "Lieferung nach Südtirol ohne Aufpreis",
     "Nach Bozen kostet der Versand das Doppelte, obwohl es nur über den Brenner geht.", "de"),
    (None, "Newsletter nur mit Produktneuheiten",
     "Ich möchte von neuen Geräten erfahren, aber nicht jede Woche Rabattaktionen bekommen.",
     "de"),
    ("Kaffeemühle Castor", "Mahlgrad für Espresso feiner",
     "Die feinste Einstellung reicht nicht für Espresso, bitte feiner.", "de"),
    ("Standmixer Nova", "Behälter spülmaschinenfest machen",
     "Laut Anleitung nur Handwäsche – im Gastrobetrieb nicht machbar.", "de"),
    ("Toaster Borealis", "Abschaltautomatik, wenn Brot klemmt",
     "Eine Scheibe hatte sich verkantet und ist verbrannt. Das Gerät sollte abschalten.", "de"),
    ("Wasserkocher Aurora", "App-Steuerung",
     "Den Kocher vom Bett aus einschalten können.", "de"),
]  # fmt: skip
DUPLICATE = "Mahlgrad für Espresso feiner"
ORIGINAL = "Mahlgrad feiner einstellbar für Espresso"
# Title → (status, official answer).
DECISIONS: dict[str, tuple[str, str]] = {
    "Warmhaltefunktion für den Tee": (IdeaStatus.IN_PROGRESS,
        "Die nächste Aurora-Generation bekommt eine Warmhaltefunktion für 30 Minuten. "
        "Wir testen gerade die Temperaturstufen."),
    "Kalkfilter zum Herausnehmen": (IdeaStatus.DONE,
        "Seit der Charge 2026/09 liegt ein herausnehmbarer Filter bei; für ältere Geräte "
        "gibt es ihn als Ersatzteil."),
    "Mahlgrad feiner einstellbar für Espresso": (IdeaStatus.PLANNED,
        "Ein feineres Mahlwerk ist für das Frühjahr geplant. Danke für die vielen Stimmen!"),
    "Deckel, der nicht klemmt": (IdeaStatus.IN_PROGRESS,
        "Wir haben die Dichtung geändert; die neuen Deckel sind in der Fertigung."),
    "Aufsatz für Brötchen mitliefern": (IdeaStatus.PLANNED,
        "Ab dem nächsten Quartal liegt der Aufsatz wieder jedem Borealis bei."),
    "Rechnung als PDF im Kundenkonto": (IdeaStatus.DONE,
        "Erledigt: Unter „Mein Konto → Bestellungen“ liegt jede Rechnung als PDF."),
    "Rezeptheft für Smoothies beilegen": (IdeaStatus.DONE,
        "Das Heft mit 24 Rezepten liegt jetzt jedem Nova bei und steht auch als PDF bereit."),
    "English manuals for every product": (IdeaStatus.PLANNED,
        "English manuals will be online for all current products by the end of the quarter."),
    "Rückruf-Termin selbst buchen": (IdeaStatus.UNDER_REVIEW,
        "Wir prüfen gerade, welches Buchungssystem zu unserer Telefonanlage passt."),
    "App-Steuerung": (IdeaStatus.DECLINED,
        "Ein Wasserkocher, der unbeaufsichtigt startet, ist uns zu riskant. Wir bauen lieber "
        "die Warmhaltefunktion aus."),
    "Eierkocher Vega wieder ins Sortiment nehmen": (IdeaStatus.DECLINED,
        "Der Vega kommt nicht zurück; Ersatzteile liefern wir aber bis 2030."),
}  # fmt: skip
COMMENTS = [
    "Genau das wünsche ich mir auch!",
    "+1, bei uns im Hotel dasselbe Problem.",
    "Gute Idee, wäre mir sogar einen Aufpreis wert.",
    "Ich habe mir bisher mit einem Trick beholfen, aber eine richtige Lösung wäre besser.",
    "Bitte unbedingt umsetzen, das nervt jeden Tag.",
    "Hätte ich auch gern, aber nicht auf Kosten des Preises.",
    "Beim Vorgängermodell war das besser gelöst.",
    "Same here, would love to see this.",
]
STAFF_REPLY = "Danke für den Hinweis – wir haben es an die Produktentwicklung weitergegeben."
# What a customer said on the phone, written down as a touchpoint and attached as evidence.
CALL_NOTES = [
    ("Warmhaltefunktion für den Tee",
     "Bestellt 20 Aurora für die Zimmer, wenn sie die Temperatur halten können."),
    ("Gastro-Paket mit Sammelrechnung",
     "Drei Filialen, möchte Geräte im Paket und eine einzige Rechnung."),
    ("Behälter spülmaschinenfest machen",
     "Küchenchef beschwert sich, dass der Nova-Behälter nicht in die Spülmaschine darf."),
]  # fmt: skip
# Words in a demo mention that make it evidence for an idea.
MENTION_EVIDENCE = [("Deckel, der nicht klemmt", "Deckel"), ("Leiserer Motor", "laut")]
MENTION_PRODUCT = "Castor"


def demo_ideas(*, workspace: Workspace, team: dict[str, Membership], rng: random.Random,
               **_: Any) -> None:  # fmt: skip
    """The idea portal of the demo workspace; once per workspace."""
    if Idea.objects.filter(workspace=workspace).exists():
        return
    markus = team["markus"].user
    joseph = team["joseph"].user
    services.portal_settings_save(
        row=services.portal_settings(workspace=workspace),
        changes={"intro": "Was sollen wir besser machen? Schlagen Sie vor, stimmen Sie ab "
                          "und sehen Sie, was daraus wird."},
    )  # fmt: skip
    people = _visitors(workspace, rng)
    products = {product.name: product for product in Product.objects.filter(workspace=workspace)}
    ideas: dict[str, Idea] = {}
    with transaction.atomic():
        for index, (product, title, text, language) in enumerate(IDEAS):
            speakers = [v for v in people if v.language == language] or people
            author = speakers[index % len(speakers)]
            ideas[title] = services.idea_post(
                workspace=workspace, visitor=author, title=title, text=text,
                product=products.get(product) if product else None,
            )  # fmt: skip
        _votes(ideas, people, rng)
        _comments(ideas, people, rng, markus)
        services.idea_merge(source=ideas[DUPLICATE], target=ideas[ORIGINAL], by=markus)
        for title, (status, answer) in DECISIONS.items():
            services.status_set(idea=ideas[title], status=status, answer=answer, by=markus)
        # The demo's visitors are invented: the status and merge mails they are owed go nowhere.
        IdeaMail.objects.filter(workspace=workspace).delete()
        _evidence(workspace, ideas, joseph, rng)
        _spread_in_time(workspace, rng)


def _visitors(workspace: Workspace, rng: random.Random) -> list[Visitor]:
    """Confirmed visitors on example domains; a quarter of them read English."""
    fake = Faker("de_DE")
    fake.seed_instance(rng.randint(0, 10**6))
    people = []
    for number in range(VISITORS):
        first, last = fake.first_name(), fake.last_name()
        local = f"{first}.{last}".casefold().replace(" ", "")
        for plain, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
            local = local.replace(plain, spelled)
        email = f"{local}{number}@{DOMAINS[number % len(DOMAINS)]}"
        visitor = visitors.visitor_for_email(
            workspace=workspace, email=email, name=f"{first} {last[0]}.",
            language="en" if number % 4 == 3 else "de",
        )  # fmt: skip
        link = visitors.confirmation_link(visitor=visitor, next_path="/")
        token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
        confirmed, _next = visitors.confirmation_accept(workspace=workspace, token=token)
        people.append(confirmed)
    return people


def _votes(ideas: dict[str, Idea], people: list[Visitor], rng: random.Random) -> None:
    """Skewed like real portals: the first ideas of each product draw most visitors."""
    seen: dict[str, int] = {}
    for product, title, _text, _language in IDEAS:
        rank = seen.get(product or "", 0)
        seen[product or ""] = rank + 1
        share = max(0.05, 0.95 * 0.62**rank)
        for visitor in people:
            if rng.random() < share:
                services.vote_cast(idea=ideas[title], visitor=visitor, subscribe=False)
    # The duplicate drew some votes before it was merged: some of the same people.
    for visitor in people[:4]:
        services.vote_cast(idea=ideas[DUPLICATE], visitor=visitor, subscribe=False)


def _comments(
    ideas: dict[str, Idea], people: list[Visitor], rng: random.Random, member: Any
) -> None:
    titles = [title for _product, title, _text, _language in IDEAS]
    for title in titles[:28]:
        for _number in range(rng.choice([0, 1, 1, 2, 3])):
            visitor = rng.choice(people)
            text = COMMENTS[-1] if visitor.language == "en" else rng.choice(COMMENTS[:-1])
            services.comment_post(idea=ideas[title], visitor=visitor, text=text, subscribe=False)
    for title in ("Leiserer Motor", "Glasbehälter statt Kunststoff"):
        services.comment_post(idea=ideas[title], member=member, text=STAFF_REPLY)


def _evidence(workspace: Workspace, ideas: dict[str, Idea], by: Any, rng: random.Random) -> None:
    """Calls with customers and their reviews, attached; votes given on the callers' behalf."""
    customers = list(
        Contact.objects.filter(workspace=workspace, erased_at=None).exclude(email="").order_by("pk")
    )
    if not customers:
        return
    chosen = rng.sample(customers, min(len(customers), len(CALL_NOTES)))
    for contact, (title, note) in zip(chosen, CALL_NOTES, strict=False):
        touchpoint = touchpoint_log(
            workspace=workspace, contact=contact, channel=Channel.PHONE, logged_by=by,
            occurred_at=timezone.now() - dt.timedelta(days=rng.randint(3, 40)), summary=note,
        )  # fmt: skip
        services.evidence_attach(idea=ideas[title], by=by, touchpoint=touchpoint)
        services.vote_for_customer(
            idea=ideas[title], contact=contact, by=by, note="Im Telefonat gewünscht"
        )
    for title, word in MENTION_EVIDENCE:
        said = Mention.objects.filter(workspace=workspace, text__icontains=word).filter(
            text__icontains=MENTION_PRODUCT
        )
        for mention in said.order_by("pk")[:2]:
            services.evidence_attach(idea=ideas[title], by=by, mention=mention)


def _spread_in_time(workspace: Workspace, rng: random.Random) -> None:
    """Spread ideas, votes and comments over the last months, as if the portal had been open.

    The services write "now"; the trend score is then summed again from the votes' new times
    with the services' own weight, so it stays what vote_cast would have written.
    """
    now = timezone.now()
    rows = Idea.objects.filter(workspace=workspace).order_by("pk")
    for idea in rows:
        born = now - dt.timedelta(days=rng.uniform(5, 150), minutes=rng.randint(0, 600))
        Idea.objects.filter(pk=idea.pk).update(created_at=born, published_at=born)
        trend = 0.0
        for vote in Vote.objects.filter(idea=idea).order_by("pk"):
            at = born + (now - born) * rng.random() ** 1.5
            Vote.objects.filter(pk=vote.pk).update(created_at=at)
            if vote.counted:
                trend += services.vote_weight(at)
        for comment in Comment.objects.filter(idea=idea).order_by("pk"):
            at = born + (now - born) * rng.random()
            Comment.objects.filter(pk=comment.pk).update(created_at=at, published_at=at)
        Idea.objects.filter(pk=idea.pk).update(trend_score=trend)
