"""Call-sheet answers become data: old touchpoints stored them as text in the writer's language.

Before, the call sheet wrote lines like "How they are: …" or "Adresse noch aktuell: ja" into the
summary (English or German, whichever the member used), "Check-in call" when nothing else was
said, and "check-in call" as the consent source; a redeemed voucher's record ended in
"· Order A-1" / "· Auftrag A-1"; erasure stored "[erased]" as the last name.
Those texts are parsed back into structured answers and markers, so every reader sees them in
their own language. Lines that are not recognised stay in the summary as written.
"""

import re

from django.db import migrations, models

# Question key -> the labels the call sheet wrote, in each language the catalogue had.
QUESTIONS = {
    "wellbeing": ("How they are", "Wie es geht"),
    "address_current": ("Address still current", "Adresse noch aktuell"),
    "newsletter_wanted": ("Newsletter wanted", "Newsletter gewünscht"),
    "works_from_home": ("Works from home", "Arbeitet von zu Hause"),
}
ANSWERS = {"yes": "yes", "ja": "yes", "no": "no", "nein": "no"}
CHECKIN_FALLBACKS = {"Check-in call", "Kontaktanruf"}
CONSENT_SOURCES = {"check-in call", "kontaktanruf"}
ERASED_NAMES = {"[erased]", "[gelöscht]"}
CALL_SHEET = "call_sheet"
ORDER_SUFFIX = re.compile(r" · (?:Order|Auftrag) (?P<order>[^·]+)$")


def _answer_of(line):
    """(key, value) when the line is one the call sheet wrote, else None."""
    for key, labels in QUESTIONS.items():
        for label in labels:
            prefix = label + ": "
            if not line.startswith(prefix):
                continue
            value = line[len(prefix):].strip()
            if key == "wellbeing":
                return (key, value) if value else None
            answer = ANSWERS.get(value.lower())
            return (key, answer) if answer else None
    return None


def parse_call_summary(text):
    """Split an old call-sheet summary into (summary, answers, is_call_sheet).

    The call sheet wrote the member's notes first and the answers after them, so only the
    trailing lines that all read as answers are taken; anything else stays as written.
    """
    stripped = (text or "").strip()
    if stripped in CHECKIN_FALLBACKS:
        return "", {}, True
    lines = stripped.split("\n")
    answers = {}
    while lines:
        parsed = _answer_of(lines[-1].strip())
        if parsed is None or parsed[0] in answers:
            break
        answers[parsed[0]] = parsed[1]
        lines.pop()
    if not answers:
        return text, {}, False
    return "\n".join(lines).strip(), answers, True


def split_order(text):
    """(summary, order) of an old voucher-redemption record; order "" when none is found."""
    match = ORDER_SUFFIX.search(text or "")
    if match is None:
        return text, ""
    return text[: match.start()], match.group("order").strip()


def structure_old_texts(apps, schema_editor):
    Touchpoint = apps.get_model("relationships", "Touchpoint")
    calls = Touchpoint.objects.filter(channel="phone", direction="out", source_kind="")
    prefixes = models.Q(summary__in=CHECKIN_FALLBACKS)
    for labels in QUESTIONS.values():
        for label in labels:
            prefixes |= models.Q(summary__contains=label + ": ")
    for touchpoint in calls.filter(prefixes).iterator():
        summary, answers, is_call_sheet = parse_call_summary(touchpoint.summary)
        if not is_call_sheet:
            continue
        touchpoint.summary, touchpoint.answers = summary, answers
        touchpoint.source_kind = CALL_SHEET
        touchpoint.save(update_fields=["summary", "answers", "source_kind"])
    redeemed = Touchpoint.objects.filter(source_kind="voucher_redeemed")
    for touchpoint in redeemed.filter(summary__contains=" · ").iterator():
        summary, order = split_order(touchpoint.summary)
        if order:
            touchpoint.summary, touchpoint.answers = summary, {"order": order}
            touchpoint.save(update_fields=["summary", "answers"])
    Consent = apps.get_model("relationships", "NewsletterConsent")
    for source in CONSENT_SOURCES:
        Consent.objects.filter(source__iexact=source).update(source=CALL_SHEET)
    Contact = apps.get_model("relationships", "Contact")
    Contact.objects.filter(erased_at__isnull=False, last_name__in=ERASED_NAMES).update(last_name="")


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0009_contact_notes_imported_contacts"),
    ]

    operations = [
        migrations.AddField(
            model_name="touchpoint",
            name="answers",
            field=models.JSONField(blank=True, default=dict, verbose_name="answers"),
        ),
        migrations.RunPython(structure_old_texts, migrations.RunPython.noop, elidable=True),
    ]
