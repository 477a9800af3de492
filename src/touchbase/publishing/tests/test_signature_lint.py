"""The signature lint on real-looking signatures: German and English, HTML and plain text.

The sample signatures live in signatures/; each test names the exact findings, so a rule that
grows too eager or too lax shows up as a changed list.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from django.utils import translation

from touchbase.publishing.signature_lint import (
    LEGAL_FORMS,
    MAX_INPUT_CHARS,
    CompanyFacts,
    Finding,
    PersonFacts,
    disclaimers_found,
    recommended_details,
    required_details,
    signature_lint,
)

SIGNATURES = Path(__file__).parent / "signatures"

POLLUX = CompanyFacts(
    country="DE", legal_form="de_gmbh", legal_name="Pollux GmbH", seat="München",
    register_court="Amtsgericht München", register_number="HRB 123456",
    managing_directors=("Dr. Anna Berger", "Jonas Weber"),
    phones=("+49 89 1234567", "089 1234567-99"), emails=("info@pollux.example",),
)  # fmt: skip
ANNA = PersonFacts(phones=("0171 2345678",), emails=("Anna.Berger@pollux.example",))
JONAS = PersonFacts(phones=(), emails=("jonas.weber@pollux.example",))
ALPENBLICK = CompanyFacts(
    country="AT", legal_form="at_gmbh", legal_name="Alpenblick Software GmbH", seat="Wien",
    register_court="Handelsgericht Wien", register_number="FN 123456 a",
    managing_directors=("Lena Huber",), phones=("+43 1 5234567",), emails=(),
)  # fmt: skip
LENA = PersonFacts(phones=("+43 664 1234567",), emails=("lena.huber@alpenblick.example",))
HELVETIA = CompanyFacts(
    country="CH", legal_form="ch_ag", legal_name="Helvetia Gartenbau AG", seat="Zürich",
    register_court="", register_number="CHE-123.456.789", managing_directors=(),
    phones=("044 668 18 00",), emails=(),
)  # fmt: skip
DIRECTORS = "Geschäftsführer: Anna Berger, Jonas Weber"
MARCO = PersonFacts(phones=(), emails=("marco.keller@helvetia-gartenbau.example",))


def lint(*names: str, company: CompanyFacts, person: PersonFacts | None, region: str = "DE",
         sizes: dict[str, int] | None = None) -> list[Finding]:  # fmt: skip
    """Lint the named sample files: an .html one as the HTML version, a .txt one as the text."""
    html = "".join(
        (SIGNATURES / n).read_text(encoding="utf-8") for n in names if n.endswith("html")
    )
    text = "".join((SIGNATURES / n).read_text(encoding="utf-8") for n in names if n.endswith("txt"))
    return signature_lint(html=html, text=text, company=company, person=person,
                          max_image_bytes=sizes, region=region)  # fmt: skip


def codes(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.code, finding.detail) for finding in findings]


# Complete signatures: nothing to report


def test_a_complete_german_gmbh_signature_has_no_findings_in_either_version():
    findings = lint("de_gmbh_complete.html", "de_gmbh_complete.txt", company=POLLUX, person=ANNA)

    assert findings == []


def test_a_complete_austrian_gmbh_signature_has_no_findings():
    findings = lint("at_gmbh_complete.txt", company=ALPENBLICK, person=LENA, region="AT")

    assert findings == []


def test_a_complete_swiss_ag_signature_with_its_uid_has_no_findings():
    findings = lint("ch_ag_complete.txt", company=HELVETIA, person=MARCO, region="CH")

    assert findings == []


# Disclaimers


def test_the_classic_german_disclaimer_is_one_passage_beside_a_missing_director_and_a_phone():
    findings = lint("de_classic_disclaimer.txt", company=POLLUX, person=JONAS)

    passage = (
        "Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie "
        "nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren "
        "Sie bitte sofort den Absender und vernichten Sie diese Mail. Das unerlaubte Kopieren "
        "sowie die unbefugte Weitergabe dieser Mail sind nicht gestattet."
    )
    # Jonas Weber signs the mail, but the footer names only Anna Berger as managing director.
    assert codes(findings) == [
        ("disclaimer", passage[:200]),
        ("legal_missing", "Jonas Weber"),
        ("phone_format", "089 1234567"),
    ]
    with translation.override("en"):
        assert findings[1].message == "The managing director Jonas Weber is not named."
        assert findings[2].message == (
            "Write the phone number “089 1234567” internationally: “+49 89 1234567”."
        )


def test_the_classic_english_disclaimer_in_html_is_found_and_the_printing_plea_is_not():
    findings = lint("en_classic_disclaimer.html", company=POLLUX, person=JONAS)

    assert codes(findings) == [
        ("disclaimer", "This email and any files transmitted with it are confidential and intended "
                       "solely for the use of the individual or entity to whom they are addressed. "
                       "If you have received this email in error please no"),
        ("image_alt", "cid:logo@pollux"),
        ("image_dimensions", "cid:logo@pollux"),
        ("image_dimensions", "https://pollux.example/media/banners/trade-fair.png"),
    ]  # fmt: skip


def test_a_reworded_german_disclaimer_and_a_binding_clause_are_two_passages():
    findings = lint("de_reworded_disclaimer.txt", company=POLLUX, person=ANNA)

    assert codes(findings) == [
        ("disclaimer", "Der Inhalt dieser Nachricht ist nur für den genannten Empfänger "
                       "gedacht. Sollte Sie diese Nachricht versehentlich erreicht haben, bitten "
                       "wir um eine kurze Rückmeldung und um Löschung. Eine Weiterleitu"),
        ("disclaimer", "Rechtsverbindliche Erklärungen geben wir ausschließlich schriftlich ab."),
        ("legal_missing", "register_number"),
        ("email_unknown", "info@pollux-gmbh.example"),
    ]  # fmt: skip


def test_a_reworded_english_disclaimer_and_a_virus_clause_are_found():
    findings = lint("en_reworded_disclaimer.txt", company=POLLUX, person=ANNA)

    assert codes(findings) == [
        ("disclaimer", "The content of this message is private and meant only for the addressee. "
                       "If it reached you by mistake, please let us know and erase it; forwarding "
                       "it to anyone else is not allowed."),
        ("disclaimer", "Although we scan our mail for viruses, we cannot accept responsibility for "
                       "any damage caused by this message or its attachments."),
    ]  # fmt: skip


def test_greetings_notes_on_privacy_and_the_printing_plea_are_not_disclaimers():
    text = (SIGNATURES / "negatives.txt").read_text(encoding="utf-8")

    assert disclaimers_found(text) == []
    assert lint("negatives.txt", company=POLLUX, person=ANNA) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Diese Nachricht ist vertraulich.",
        "Falls Sie diese Nachricht irrtümlich erhalten haben, löschen Sie sie bitte.",
        "Die unbefugte Weitergabe dieser E-Mail ist untersagt.",
        "Wir übernehmen keine Haftung für Schäden durch Viren.",
        "E-Mails sind ohne qualifizierte Signatur nicht rechtsverbindlich.",
        "If you are not the intended recipient, you must not read, use or disclose it.",
        "This e-mail has been scanned for viruses.",
        "Diese E-Mail enthält vertrauliche Informationen.",
    ],
)
def test_a_single_disclaimer_sentence_is_found(sentence):
    assert disclaimers_found(f"Anna Berger\nPollux GmbH\n\n{sentence}") == [sentence]


@pytest.mark.parametrize(
    "line",
    [
        "Mit freundlichen Grüßen",
        "Geschäftsführer: Anna Berger, Jonas Weber",
        "Pollux GmbH · Gesellschaft mit beschränkter Haftung · Sitz: München",
        "Please consider the environment before printing this email.",
        "Bitte löschen Sie meine alte Adresse aus Ihrem Verteiler.",
        "Reply to this email to book your spring service.",
        "Wir behandeln Ihre Daten vertraulich.",
        "Limited liability company registered in Munich.",
    ],
)
def test_ordinary_signature_lines_are_not_disclaimers(line):
    assert disclaimers_found(line) == []


def test_the_same_disclaimer_in_html_and_text_is_reported_once():
    html = (
        "<p>Anna Berger</p><p>Diese E-Mail ist vertraulich und nur für den Adressaten bestimmt.</p>"
    )
    text = "Anna Berger\n\nDiese E-Mail ist vertraulich und nur für den Adressaten bestimmt."

    findings = signature_lint(html=html, text=text, company=POLLUX, person=None)

    assert [f for f in codes(findings) if f[0] == "disclaimer"] == [
        ("disclaimer", "Diese E-Mail ist vertraulich und nur für den Adressaten bestimmt.")
    ]


# Legal details


def test_an_incomplete_austrian_signature_misses_the_court_and_the_full_firmenbuch_number():
    findings = lint("at_gmbh_incomplete.html", company=ALPENBLICK, person=LENA, region="AT")

    assert codes(findings) == [
        ("legal_missing", "register_court"),
        ("legal_missing", "register_number"),
        ("phone_format", "01 5234567"),
    ]
    with translation.override("en"):
        assert findings[0].message == "The register court (Handelsgericht Wien) is missing."


def test_a_swiss_signature_needs_the_exact_company_name_and_is_advised_to_show_the_uid():
    findings = lint("ch_ag_incomplete.html", company=HELVETIA, person=MARCO, region="CH")

    assert codes(findings) == [
        ("legal_missing", "legal_name"),
        ("legal_recommended", "uid"),
        ("phone_unknown", "044 668 18 99"),  # written and linked as tel:, reported once
        ("phone_format", "044 668 18 99"),
    ]


@pytest.mark.parametrize(
    "number", ["HRB 123456", "HRB123456", "hrb 123 456", "HRB-Nr. 123456", "HR B 123456"]
)
def test_the_register_number_is_recognised_however_spaced(number):
    text = f"Pollux GmbH, Sitz: München, Amtsgericht München {number}\n{DIRECTORS}"

    assert signature_lint(html="", text=text, company=POLLUX, person=None) == []


def test_a_longer_register_number_is_not_the_company_s():
    text = f"Pollux GmbH, Sitz: München, Amtsgericht München HRB 1234567\n{DIRECTORS}"

    assert codes(signature_lint(html="", text=text, company=POLLUX, person=None)) == [
        ("legal_missing", "register_number")
    ]


@pytest.mark.parametrize("number", ["FN 123456 a", "FN 123456a", "FN123456 A"])
def test_the_firmenbuch_number_is_recognised_with_or_without_a_space_before_its_letter(number):
    text = f"Alpenblick Software GmbH | Sitz Wien | {number} | Landesgericht Wien"
    company = replace(ALPENBLICK, register_court="Landesgericht Wien")

    assert signature_lint(html="", text=text, company=company, person=None, region="AT") == []


def test_a_german_signature_without_any_footer_misses_every_required_detail():
    text = "Anna Berger\nPollux\n+49 89 1234567"

    findings = signature_lint(html="", text=text, company=POLLUX, person=ANNA)

    assert codes(findings) == [
        ("legal_missing", "legal_name"),
        ("legal_missing", "legal_form"),
        ("legal_missing", "seat"),
        ("legal_missing", "register_court"),
        ("legal_missing", "register_number"),
        ("legal_missing", "Dr. Anna Berger"),
        ("legal_missing", "Jonas Weber"),
    ]


def test_a_seat_shown_only_in_the_address_is_not_the_registered_seat():
    text = (
        "Pollux GmbH, Leopoldstraße 12, 80331 München\nAmtsgericht München HRB 123456\n"
        "Geschäftsführer: Anna Berger, Jonas Weber"
    )

    findings = signature_lint(html="", text=text, company=POLLUX, person=None)

    assert codes(findings) == [("legal_missing", "seat")]


def test_the_amtsgericht_abbreviated_ag_is_not_the_legal_form_of_an_aktiengesellschaft():
    company = CompanyFacts(
        country="DE", legal_form="de_ag", legal_name="Pollux", seat="München",
        register_court="Amtsgericht München", register_number="HRB 123456",
        managing_directors=("Anna Berger",), phones=(), emails=(),
    )  # fmt: skip
    text = (
        "Pollux · Sitz: München · AG München HRB 123456\nVorstand: Anna Berger\n"
        "Vorsitzender des Aufsichtsrats: Karl Brandt"
    )

    findings = signature_lint(html="", text=text, company=company, person=None)

    assert codes(findings) == [("legal_missing", "legal_form")]


def test_an_ag_must_name_its_supervisory_board_chair():
    company = CompanyFacts(
        country="DE", legal_form="de_ag", legal_name="Pollux AG", seat="München",
        register_court="Amtsgericht München", register_number="HRB 123456",
        managing_directors=("Anna Berger", "Jonas Weber"), phones=(), emails=(),
    )  # fmt: skip
    text = "Pollux AG · Sitz: München · Amtsgericht München HRB 123456\nVorstand: Anna Berger"

    findings = signature_lint(html="", text=text, company=company, person=None)

    assert codes(findings) == [
        ("legal_missing", "Jonas Weber"),
        ("legal_missing", "supervisory_chair"),
    ]
    with translation.override("en"):
        assert findings[0].message == "The management board member Jonas Weber is not named."


def test_an_ug_must_say_haftungsbeschraenkt():
    company = CompanyFacts(
        country="DE", legal_form="de_ug", legal_name="Pollux UG (haftungsbeschränkt)",
        seat="Freiburg", register_court="Amtsgericht Freiburg", register_number="HRB 7001",
        managing_directors=("Anna Berger",), phones=(), emails=(),
    )  # fmt: skip
    short = (
        "Pollux UG · Sitz Freiburg · Amtsgericht Freiburg HRB 7001 · Geschäftsführerin Anna Berger"
    )
    full = short.replace("Pollux UG", "Pollux UG (haftungsbeschränkt)")

    assert codes(signature_lint(html="", text=short, company=company, person=None)) == [
        ("legal_missing", "legal_name"),
        ("legal_missing", "legal_form"),
    ]
    assert signature_lint(html="", text=full, company=company, person=None) == []


def test_a_gmbh_co_kg_names_its_personally_liable_partner():
    company = CompanyFacts(
        country="DE", legal_form="de_gmbh_co_kg", legal_name="Pollux GmbH & Co. KG",
        seat="Köln", register_court="Amtsgericht Köln", register_number="HRA 4711",
        managing_directors=("Anna Berger",), phones=(), emails=(),
    )  # fmt: skip
    html = (
        "<p>Pollux GmbH &amp; Co. KG, Sitz: Köln, Amtsgericht Köln, HRA 4711</p>"
        "<p>Geschäftsführerin: Anna Berger</p>"
    )

    findings = signature_lint(html=html, text="", company=company, person=None)
    assert codes(findings) == [("legal_missing", "general_partner")]

    html += (
        "<p>Persönlich haftende Gesellschafterin: Pollux Verwaltungs GmbH, Sitz: Köln, "
        "Amtsgericht Köln HRB 815</p>"
    )
    assert signature_lint(html=html, text="", company=company, person=None) == []


def test_a_registered_merchant_needs_the_register_details_but_no_managing_director():
    company = CompanyFacts(
        country="DE", legal_form="de_ek", legal_name="Blumen Berger e.K.", seat="Ulm",
        register_court="Amtsgericht Ulm", register_number="HRA 720001",
        managing_directors=(), phones=(), emails=(),
    )  # fmt: skip
    text = (
        "Blumen Berger e.K. · Inhaberin Anna Berger\nOrt der Niederlassung: Ulm · AG Ulm HRA 720001"
    )

    assert signature_lint(html="", text=text, company=company, person=None) == []


def test_a_gbr_names_each_partner():
    company = CompanyFacts(
        country="DE", legal_form="de_gbr", legal_name="Berger & Weber Gartenplanung", seat="",
        register_court="", register_number="", managing_directors=("Anna Berger", "Jonas Weber"),
        phones=(), emails=(),
    )  # fmt: skip
    text = "Berger & Weber Gartenplanung GbR\nGesellschafter: Anna Berger"

    findings = signature_lint(html="", text=text, company=company, person=None)

    assert codes(findings) == [("legal_missing", "Jonas Weber")]
    with translation.override("en"):
        assert findings[0].message == "The partner Jonas Weber is not named."


def test_master_data_without_names_is_satisfied_by_a_labelled_detail():
    company = replace(POLLUX, managing_directors=(), seat="")
    text = "Pollux GmbH · Sitz: Augsburg · Amtsgericht München HRB 123456\nGeschäftsführer: A. Kern"

    assert signature_lint(html="", text=text, company=company, person=None) == []


def test_a_detail_missing_from_one_version_says_which():
    html = (
        "<p>Pollux GmbH · Sitz: München · Amtsgericht München · HRB 123456</p>"
        "<p>Geschäftsführer: Anna Berger, Jonas Weber</p>"
    )
    text = f"Pollux GmbH · Sitz: München · Amtsgericht München\n{DIRECTORS}"

    findings = signature_lint(html=html, text=text, company=POLLUX, person=None)

    assert codes(findings) == [("legal_missing", "register_number")]
    with translation.override("en"):
        assert findings[0].message == (
            "The register number (HRB 123456) is missing. "
            "It is missing from the plain-text version only."
        )


def test_english_city_names_and_table_cells_count():
    html = (
        "<table><tr><td>Registered office:</td><td>Munich</td></tr>"
        "<tr><td>Register court:</td><td>Local Court of Munich, HRB 123456</td></tr>"
        "<tr><td>Managing directors:</td><td>Anna Berger<br>Jonas Weber</td></tr></table>"
        "<p>Pollux GmbH</p>"
    )

    assert signature_lint(html=html, text="", company=POLLUX, person=None) == []


def test_the_required_details_follow_country_and_legal_form():
    def company(country: str, legal_form: str) -> CompanyFacts:
        return replace(POLLUX, country=country, legal_form=legal_form)

    registered = ["legal_name", "legal_form", "seat", "register_court", "register_number"]
    assert required_details(company("DE", "de_gmbh")) == [*registered, "managing_directors"]
    assert required_details(company("DE", "de_ag")) == [
        *registered, "managing_directors", "supervisory_chair",
    ]  # fmt: skip
    assert required_details(company("DE", "de_kg")) == registered
    assert required_details(company("DE", "de_gbr")) == ["legal_name", "partners"]
    assert required_details(company("DE", "de_sole")) == ["legal_name"]
    assert required_details(company("AT", "at_gmbh")) == registered
    assert required_details(company("AT", "at_eu")) == registered
    assert required_details(company("CH", "ch_ag")) == ["legal_name"]
    assert recommended_details(company("CH", "ch_ag")) == ["uid"]
    assert recommended_details(company("DE", "de_gmbh")) == []
    # a form of another country, or one we know no rules for, asks for nothing
    assert required_details(company("AT", "de_gmbh")) == []
    assert required_details(company("FR", "other")) == []
    assert {country for country, _label in LEGAL_FORMS.values()} == {"DE", "AT", "CH", ""}


# Phones and e-mail addresses


def test_phones_match_master_data_however_written_and_faxes_count():
    text = (
        "Pollux GmbH · Sitz: München · Amtsgericht München HRB 123456\n"
        "Geschäftsführer: Anna Berger, Jonas Weber\n"
        "Tel. +49 (0)89 123 45-67 · Fax 0049 89 1234567-99 · Mobil +49 171 2345678\n"
        "Fax Buchhaltung: +49 89 1234567-98"
    )

    findings = signature_lint(html="", text=text, company=POLLUX, person=ANNA)

    assert codes(findings) == [("phone_unknown", "+49 89 1234567-98")]


def test_unknown_addresses_and_tel_links_are_reported_against_company_and_person():
    html = (
        "<p>Pollux GmbH · Sitz: München · Amtsgericht München HRB 123456<br>"
        "Geschäftsführer: Anna Berger, Jonas Weber</p>"
        '<p><a href="tel:+49 89 7654321">Zentrale</a> · '
        '<a href="mailto:vertrieb@pollux.example?subject=Hallo">Vertrieb</a> · '
        "ANNA.BERGER@pollux.example · info@pollux.example</p>"
    )

    findings = signature_lint(html=html, text="", company=POLLUX, person=ANNA)

    assert codes(findings) == [
        ("phone_unknown", "+49 89 7654321"),
        ("email_unknown", "vertrieb@pollux.example"),
    ]


def test_without_a_person_only_the_company_s_numbers_are_known():
    text = "Pollux GmbH\n+49 89 1234567\n+49 171 2345678\nanna.berger@pollux.example"
    company = replace(POLLUX, legal_form="other")

    findings = signature_lint(html="", text=text, company=company, person=None)

    assert codes(findings) == [
        ("phone_unknown", "+49 171 2345678"),
        ("email_unknown", "anna.berger@pollux.example"),
    ]


def test_register_and_tax_numbers_are_not_taken_for_phones():
    text = (
        "Pollux GmbH · Sitz: München · Amtsgericht München HRB 123456\n"
        "Geschäftsführer: Anna Berger, Jonas Weber\n"
        "USt-IdNr. DE123456789 · IBAN DE89 3704 0044 0532 0130 00 · UID CHE-123.456.789"
    )

    assert signature_lint(html="", text=text, company=POLLUX, person=None) == []


# Images


def test_images_without_alt_text_size_or_too_large_are_reported():
    photo = "https://pollux.example/media/photos/anna.jpg"
    banner = "https://pollux.example/media/banners/summer.png"
    inline = "data:image/png;base64," + "A" * 160_000  # about 120 kB once decoded
    html = (
        "<p>Pollux GmbH · Sitz: München · Amtsgericht München HRB 123456<br>"
        "Geschäftsführer: Anna Berger, Jonas Weber</p>"
        f'<img src="{photo}" alt="Anna Berger" width="96" height="96">'
        f'<img src="{banner}" alt="" style="width: 640px; height: 120px">'
        f'<img src="{banner}" alt="" style="width: 640px; height: 120px">'
        f'<img src="{inline}" alt="Logo" width="100%" height="40">'
        '<img src="https://pollux.example/media/icons/linkedin.png" alt="LinkedIn" '
        'style="width:24px;height:24px">'
    )

    findings = signature_lint(html=html, text="", company=POLLUX, person=None,
                              max_image_bytes={photo: 150_000, banner: 90_000})  # fmt: skip

    assert codes(findings) == [
        ("image_size", photo),
        ("image_alt", banner),
        ("image_dimensions", banner),
        ("image_size", inline[:200]),
        ("image_dimensions", inline[:200]),
    ]
    with translation.override("en"):
        assert findings[0].message == (
            "The image “https://pollux.example/media/photos/anna.jpg” has 150 kB; "
            "keep it under 100 kB."
        )
        assert findings[2].message == (
            "The image “https://pollux.example/media/banners/summer.png” is 640 px wide; "
            "at most 600 px fit."
        )


# Robustness


def test_broken_html_is_read_as_far_as_it_goes():
    html = (
        "<div><p>Pollux GmbH<br>Sitz: München <b>Amtsgericht München HRB 123456"
        "<p>Geschäftsführer: Anna Berger, Jonas Weber<script>var x = '089 999999';</script>"
        '<img src="logo.png" alt="Pollux" width=120 height="40"'
    )

    assert signature_lint(html=html, text="", company=POLLUX, person=None) == []


def test_input_beyond_the_bound_is_not_read():
    footer = (
        "\n\nPollux GmbH · Sitz: München · Amtsgericht München HRB 123456\n"
        "Geschäftsführer: Anna Berger, Jonas Weber\nTel. 089 7654321"
    )
    text = "x" * MAX_INPUT_CHARS + footer

    findings = signature_lint(html="", text=text, company=POLLUX, person=None)

    assert ("phone_unknown", "089 7654321") not in codes(findings)
    assert ("legal_missing", "legal_name") in codes(findings)
