"""Reachability audit: pages fetched from a real HTTP server on loopback, phones and e-mails
found however they are written, compared with master data."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from touchbase.publishing.reach import (
    MAX_RESULTS,
    USER_AGENT,
    Comparison,
    compare,
    emails_in,
    page_contacts,
    page_fetch,
    phones_in,
    robots_allowed,
)
from touchbase.testing_http import Answer, LoopbackServer, loopback_server

HTML = "text/html; charset=utf-8"
TIMEOUT = 0.5


# --- the web server -----------------------------------------------------------------------------


def html(**fields: object) -> Answer:
    """An answer that is an HTML page unless its headers say otherwise."""
    fields.setdefault("headers", {"Content-Type": HTML})
    return Answer(**fields)  # type: ignore[arg-type]


@pytest.fixture
def server(settings) -> Iterator[LoopbackServer]:
    # Loopback is a private address: production refuses it, these tests allow it (the setting
    # webhooks and feeds read, too).
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with loopback_server() as page_server:
        yield page_server


def page(body: str, charset: str = "utf-8") -> bytes:
    return f"<!DOCTYPE html><html><body>{body}</body></html>".encode(charset)


CONTACT_PAGE = """
<head><title>Kontakt</title><style>.tel { content: "+49 30 1234567"; }</style>
<script>var fax = "+49 40 1234567"; if (a < b) { mail = "hidden@example.de"; }</script></head>
<h1>Kontakt</h1>
<p>Telefon: +49 (0)89 123 45-6<br>Fax: 089/12345-7</p>
<p>Büro Wien: 0043 1 234 56 78</p>
<p>E-Mail: info [at] example [dot] de<br>Presse: presse(at)example(dot)de<br>
   Buchhaltung: buchhaltung&#64;example.de</p>
<p><a href="mailto:Service%40Example.de?subject=Hallo%20Welt">Schreiben Sie uns</a>
   <a href="tel:%2B41%2044%20668%2018%2000">Zürich anrufen</a></p>
<noscript>Bitte JavaScript einschalten: +49 69 1234567</noscript>
<template><p>+49 221 1234567</p></template>
<p>Look at this offer: 1.234,56 € until 12.03.2024.</p>
<table><tr><td>PLZ</td><td>80331</td><td>München</td></tr></table>
<p>IBAN DE89 3704 0044 0532 0130 00, Bestellnummer 4711-0815-2023, Rechnung 2023-0012345</p>
"""


# --- contact pages ------------------------------------------------------------------------------


def test_a_contact_page_yields_its_phones_and_emails_but_no_decoys(server):
    url = server.serve("/kontakt", html(body=page(CONTACT_PAGE)))
    # when
    fetched = page_fetch(url, timeout=TIMEOUT)
    phones, emails = page_contacts(fetched)
    # then
    assert (fetched.ok, fetched.status, fetched.error, fetched.error_code) == (True, 200, "", "")
    assert fetched.url == url
    assert fetched.hrefs == ("mailto:Service@Example.de?subject=Hallo Welt", "tel:+41 44 668 18 00")
    assert phones == ["+4989123456", "+4989123457", "+4312345678", "+41446681800"]
    assert emails == [
        "info@example.de", "presse@example.de", "buchhaltung@example.de", "service@example.de",
    ]  # fmt: skip
    assert fetched.elapsed_ms < TIMEOUT * 1000


def test_the_visible_text_drops_scripts_and_styles_and_keeps_blocks_on_their_own_lines(server):
    url = server.serve("/kontakt", html(body=page(CONTACT_PAGE)))
    fetched = page_fetch(url, timeout=TIMEOUT)
    assert fetched.text == (
        "Kontakt\nKontakt\n"
        "Telefon: +49 (0)89 123 45-6\nFax: 089/12345-7\n"
        "Büro Wien: 0043 1 234 56 78\n"
        "E-Mail: info [at] example [dot] de\nPresse: presse(at)example(dot)de\n"
        "Buchhaltung: buchhaltung@example.de\n"
        "Schreiben Sie uns Zürich anrufen\n"
        "Look at this offer: 1.234,56 € until 12.03.2024.\n"
        "PLZ\n80331\nMünchen\n"
        "IBAN DE89 3704 0044 0532 0130 00, Bestellnummer 4711-0815-2023, Rechnung 2023-0012345"
    )


def test_the_page_is_asked_for_as_the_audit(server):
    url = server.serve("/kontakt", html(body=page("<p>Hallo</p>")))
    page_fetch(url, timeout=TIMEOUT)
    assert [(r["path"], r["User-Agent"]) for r in server.requests] == [
        ("/robots.txt", USER_AGENT),
        ("/kontakt", USER_AGENT),
    ]


def test_a_redirect_is_followed_to_the_page_it_points_to(server):
    server.serve("/alt", html(status=301, headers={"Location": "/neu#kontakt"}))
    target = server.serve("/neu", html(body=page("<p>Tel. 089 1234567</p>")))
    fetched = page_fetch(server.url("/alt"), timeout=TIMEOUT)
    assert (fetched.ok, fetched.url, fetched.text) == (True, target, "Tel. 089 1234567")


# --- pages that fail ----------------------------------------------------------------------------


def test_a_page_that_answers_too_late_times_out(server):
    url = server.serve("/langsam", html(body=page("<p>zu spät</p>"), delay=2.0))
    # when
    started = time.monotonic()
    fetched = page_fetch(url, timeout=TIMEOUT)
    # then
    assert time.monotonic() - started < 1.0
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, None, "timeout")
    assert fetched.error == "The page did not load within 0.5 seconds."
    assert (fetched.text, fetched.hrefs) == ("", ())


def test_a_page_trickling_in_times_out_although_every_byte_comes_quickly(server):
    body = page("<p>" + "Tel. 089 1234567 " * 3 + "</p>")
    url = server.serve("/tropfen", html(body=body, trickle=0.02))
    # when
    started = time.monotonic()
    fetched = page_fetch(url, timeout=TIMEOUT)
    # then
    assert time.monotonic() - started < 1.0
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, 200, "timeout")


def test_a_huge_page_is_read_only_up_to_the_limit(server):
    url = server.serve("/riesig", html(stream_bytes=5_000_000))
    fetched = page_fetch(url, timeout=2.0, max_bytes=100_000)
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, 200, "too_large")
    assert fetched.error == "The page is larger than 0.1 MB."


def test_a_page_declared_too_large_is_not_read_at_all(server):
    headers = {"Content-Type": HTML, "Content-Length": "50000000"}
    url = server.serve("/riesig", html(headers=headers, body=page("<p>kurz</p>")))
    fetched = page_fetch(url, timeout=TIMEOUT, max_bytes=100_000)
    assert (fetched.ok, fetched.error_code) == (False, "too_large")


def test_a_page_just_within_the_limit_is_read(server):
    body = page("<p>" + "x" * 1000 + "</p>")
    url = server.serve("/knapp", html(body=body))
    fetched = page_fetch(url, timeout=TIMEOUT, max_bytes=len(body))
    assert (fetched.ok, fetched.text) == (True, "x" * 1000)


def test_a_redirect_loop_is_noticed(server):
    server.serve("/a", html(status=302, headers={"Location": "/b"}))
    server.serve("/b", html(status=307, headers={"Location": server.url("/a#oben")}))
    # when
    fetched = page_fetch(server.url("/a"), timeout=TIMEOUT)
    # then
    assert (fetched.ok, fetched.error_code) == (False, "redirects")
    assert fetched.error == "The page redirects in a loop."
    assert fetched.url == server.url("/b")
    assert server.paths() == ["/robots.txt", "/a", "/b"]


def test_more_redirects_than_allowed_fail(server):
    for number in range(1, 5):
        server.serve(f"/{number}", html(status=301, headers={"Location": f"/{number + 1}"}))
    server.serve("/5", html(body=page("<p>endlich</p>")))
    # when
    fetched = page_fetch(server.url("/1"), timeout=TIMEOUT, max_redirects=3)
    # then
    assert (fetched.ok, fetched.error_code) == (False, "redirects")
    assert fetched.error == "The page redirects more than 3 times."
    assert fetched.url == server.url("/4")
    assert "/5" not in server.paths()
    assert page_fetch(server.url("/1"), timeout=TIMEOUT, max_redirects=4).ok is True


def test_a_redirect_without_a_target_fails(server):
    url = server.serve("/nirgends", html(status=302, headers={}))
    fetched = page_fetch(url, timeout=TIMEOUT)
    assert (fetched.error_code, fetched.error) == (
        "redirects", "The page redirects without a target.",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("content_type", "body", "named"),
    [
        ("application/pdf", b"%PDF-1.7 Tel. 089 1234567", "application/pdf"),
        ("application/json; charset=utf-8", b'{"tel": "089 1234567"}', "application/json"),
        ("", b"\x89PNG\r\n\x1a\n\x00\x00", "no content type"),
    ],
)
def test_an_answer_that_is_no_web_page_is_refused(server, content_type, body, named):
    headers = {"Content-Type": content_type} if content_type else {}
    url = server.serve("/datei", html(body=body, headers=headers))
    # when
    fetched = page_fetch(url, timeout=TIMEOUT)
    # then
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, 200, "not_html")
    assert fetched.error == f"The address leads to no web page ({named})."
    assert fetched.text == ""


def test_html_without_a_content_type_is_read(server):
    url = server.serve("/ohne-typ", html(body=page("<p>Tel. 089 1234567</p>"), headers={}))
    fetched = page_fetch(url, timeout=TIMEOUT)
    assert (fetched.ok, fetched.text) == (True, "Tel. 089 1234567")


def test_xhtml_is_read(server):
    headers = {"Content-Type": "application/xhtml+xml"}
    url = server.serve("/x", html(body=page("<p>info@example.de</p>"), headers=headers))
    assert page_fetch(url, timeout=TIMEOUT).text == "info@example.de"


def test_a_missing_page_fails_with_its_status(server):
    fetched = page_fetch(server.url("/gibt-es-nicht"), timeout=TIMEOUT)
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, 404, "http_status")
    assert fetched.error == "The server answered with HTTP 404."


def test_a_server_error_fails_with_its_status(server):
    url = server.serve("/kaputt", html(status=503, body=b"down"))
    fetched = page_fetch(url, timeout=TIMEOUT)
    assert (fetched.status, fetched.error_code) == (503, "http_status")


def test_a_closed_port_fails_as_a_refused_connection(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    fetched = page_fetch(f"http://127.0.0.1:{port}/", timeout=TIMEOUT)
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, None, "network")
    assert fetched.error == "The server refused the connection."


@pytest.mark.parametrize("allow_private", [True, False])
def test_an_unknown_host_fails_as_a_network_problem(allow_private):
    fetched = page_fetch("http://nothing.invalid/", timeout=TIMEOUT, allow_private=allow_private)
    assert (fetched.ok, fetched.error_code) == (False, "network")
    assert fetched.error == "The host name nothing.invalid cannot be resolved."


# --- addresses ----------------------------------------------------------------------------------


def test_a_private_address_is_refused_when_the_installation_does_not_allow_it(server, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    url = server.serve("/kontakt", html(body=page("<p>Hallo</p>")))
    # when
    fetched = page_fetch(url, timeout=TIMEOUT)
    # then
    assert (fetched.ok, fetched.error_code) == (False, "address")
    assert fetched.error == "The host 127.0.0.1 resolves to a non-public address (127.0.0.1)."
    assert server.requests == []


def test_an_explicit_refusal_of_private_addresses_overrides_the_setting(server):
    url = server.serve("/kontakt", html(body=page("<p>Hallo</p>")))
    fetched = page_fetch(url, timeout=TIMEOUT, allow_private=False)
    assert fetched.error_code == "address"
    assert server.requests == []


@pytest.mark.parametrize("url", ["ftp://example.de/kontakt", "file:///etc/passwd", "kontakt"])
def test_only_web_addresses_are_fetched(url):
    fetched = page_fetch(url, timeout=TIMEOUT, allow_private=True)
    assert (fetched.ok, fetched.error_code) == (False, "address")
    assert fetched.error == "Only http and https addresses can be checked."


def test_a_redirect_to_a_file_is_refused(server):
    url = server.serve("/datei", html(status=301, headers={"Location": "file:///etc/passwd"}))
    fetched = page_fetch(url, timeout=TIMEOUT)
    assert (fetched.error_code, fetched.url) == ("address", "file:///etc/passwd")


# --- robots.txt ---------------------------------------------------------------------------------


def robots(text: str, status: int = 200) -> Answer:
    return html(status=status, body=text.encode(), headers={"Content-Type": "text/plain"})


def test_a_page_robots_txt_disallows_is_not_fetched(server):
    server.serve("/robots.txt", robots("User-agent: *\nDisallow: /intern/\n"))
    url = server.serve("/intern/kontakt", html(body=page("<p>Hallo</p>")))
    # when
    fetched = page_fetch(url, timeout=TIMEOUT)
    # then
    assert (fetched.ok, fetched.status, fetched.error_code) == (False, None, "robots")
    assert fetched.error == "The site's robots.txt does not allow this page."
    assert server.paths() == ["/robots.txt"]


def test_a_page_robots_txt_allows_is_fetched(server):
    server.serve("/robots.txt", robots("User-agent: *\nDisallow: /intern/\n"))
    url = server.serve("/kontakt", html(body=page("<p>Hallo</p>")))
    assert page_fetch(url, timeout=TIMEOUT).ok is True


def test_rules_for_the_audit_by_name_apply_and_rules_for_others_do_not(server):
    server.serve(
        "/robots.txt",
        robots(
            "User-agent: googlebot\nDisallow: /\n\n"
            "User-agent: touchbase-reachability-audit\nDisallow: /kontakt\n"
        ),
    )
    assert robots_allowed(server.url("/kontakt"), timeout=TIMEOUT) is False
    assert robots_allowed(server.url("/impressum"), timeout=TIMEOUT) is True
    assert robots_allowed(server.url("/"), timeout=TIMEOUT, user_agent="Googlebot/2.1") is False


def test_a_redirect_into_a_disallowed_path_is_not_followed(server):
    server.serve("/robots.txt", robots("User-agent: *\nDisallow: /intern/\n"))
    server.serve("/kontakt", html(status=302, headers={"Location": "/intern/kontakt"}))
    server.serve("/intern/kontakt", html(body=page("<p>Hallo</p>")))
    # when
    fetched = page_fetch(server.url("/kontakt"), timeout=TIMEOUT)
    # then
    assert (fetched.error_code, fetched.url) == ("robots", server.url("/intern/kontakt"))
    assert server.paths() == ["/robots.txt", "/kontakt"]


def test_robots_rules_are_not_asked_for_when_told_so(server):
    server.serve("/robots.txt", robots("User-agent: *\nDisallow: /\n"))
    url = server.serve("/kontakt", html(body=page("<p>Hallo</p>")))
    assert page_fetch(url, timeout=TIMEOUT, check_robots=False).ok is True
    assert server.paths() == ["/kontakt"]


@pytest.mark.parametrize(
    "answer",
    [
        robots("", status=404),
        robots("User-agent: *\nDisallow: /\n", status=403),
        robots("User-agent: *\nDisallow: /\n", status=503),
        html(delay=2.0, body=b"User-agent: *\nDisallow: /\n"),
    ],
    ids=["missing", "forbidden", "server-error", "too-slow"],
)
def test_robots_rules_that_cannot_be_read_allow_everything(server, answer):
    server.serve("/robots.txt", answer)
    assert robots_allowed(server.url("/kontakt"), timeout=TIMEOUT) is True


def test_a_robots_txt_found_by_redirect_applies(server):
    server.serve("/robots.txt", html(status=301, headers={"Location": "/regeln.txt"}))
    server.serve("/regeln.txt", robots("User-agent: *\nDisallow: /\n"))
    assert robots_allowed(server.url("/kontakt"), timeout=TIMEOUT) is False


def test_a_huge_robots_txt_is_read_up_to_its_limit(server):
    rules = "User-agent: *\nDisallow: /intern/\n" + "# Kommentar\n" * 100_000
    server.serve("/robots.txt", robots(rules))
    assert robots_allowed(server.url("/intern/a"), timeout=2.0) is False
    assert robots_allowed(server.url("/kontakt"), timeout=2.0) is True


# --- character sets -----------------------------------------------------------------------------

UMLAUTS = "<p>Grüße aus der Müllerstraße, Öffnungszeiten täglich außer Sonntag.</p>"
UMLAUTS_TEXT = "Grüße aus der Müllerstraße, Öffnungszeiten täglich außer Sonntag."


def test_a_page_in_latin_1_is_read_with_its_declared_charset(server):
    headers = {"Content-Type": "text/html; charset=ISO-8859-1"}
    url = server.serve("/latin", html(body=page(UMLAUTS, "iso-8859-1"), headers=headers))
    assert page_fetch(url, timeout=TIMEOUT).text == UMLAUTS_TEXT


def test_a_page_is_read_with_its_meta_charset(server):
    # ISO-8859-15 has the euro sign where ISO-8859-1, a likely guess, has "¤".
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15">'
    body = f"<html><head>{meta}</head><body>{UMLAUTS}<p>Preis: 5 €</p></body></html>"
    url = server.serve("/latin", html(body=body.encode("iso-8859-15"), headers={}))
    assert page_fetch(url, timeout=TIMEOUT).text == f"{UMLAUTS_TEXT}\nPreis: 5 €"


def test_a_page_in_latin_1_without_a_charset_is_guessed(server):
    url = server.serve("/latin", html(body=page(UMLAUTS * 3, "iso-8859-1"), headers={}))
    assert page_fetch(url, timeout=TIMEOUT).text == "\n".join([UMLAUTS_TEXT] * 3)


def test_bad_bytes_and_unknown_charsets_do_not_stop_the_reading(server):
    body = b"<html><body><p>Tel. 089 1234567 \xff\xfe M\xfcller</p></body></html>"
    headers = {"Content-Type": "text/html; charset=utf-8"}
    url = server.serve("/kaputt", html(body=body, headers=headers))
    klingon = {"Content-Type": "text/html; charset=klingon"}
    unknown = server.serve("/unbekannt", html(body=page("<p>Hallo</p>"), headers=klingon))
    assert page_fetch(url, timeout=TIMEOUT).text == "Tel. 089 1234567 \ufffd\ufffd M\ufffdller"
    assert page_fetch(unknown, timeout=TIMEOUT).text == "Hallo"


# --- phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("+49 (0)89 123 45-6", "+4989123456"),
        ("+49(0)89/12345-6", "+4989123456"),
        ("0049 (0) 89 123456", "+4989123456"),
        ("089/12345-6", "+4989123456"),
        ("(089) 12 34 56", "+4989123456"),
        ("0 89 / 1 23 45 - 6", "+4989123456"),
        ("089 12345 – 6", "+4989123456"),
        ("+49.89.12345.6", "+4989123456"),
        ("0043 1 234 56 78", "+4312345678"),
        ("+43 (0)664 123 45 67", "+436641234567"),
        ("(0043) 1 2345678", "+4312345678"),
        ("+41 44 668 18 00", "+41446681800"),
        ("0041 (0)44 668 18 00", "+41446681800"),
        ("tel:+4930123456", "+4930123456"),
    ],
)
def test_phone_numbers_are_found_however_they_are_written(written, number):
    assert phones_in(f"Rufen Sie an: {written}. Danke!") == [number]


@pytest.mark.parametrize(
    "decoy",
    [
        "am 12.03.2024",
        "am 2024-03-12",
        "80331 München",
        "A-1010 Wien",
        "IBAN DE89 3704 0044 0532 0130 00",
        "IBAN AT61 1904 3002 3457 3201",
        "Bestellnummer 4711-0815-2023",
        "Rechnung Nr. 2023-0012345",
        "nur 1.234,56 €",
        "Preis: 1234,56 EUR",
        "CHF 12'345.50",
    ],
)
def test_dates_postal_codes_ibans_order_numbers_and_prices_are_no_phones(decoy):
    assert phones_in(f"Hinweis: {decoy}.") == []


def test_national_numbers_are_read_in_the_given_region_first():
    assert phones_in("Tel. 044 668 18 00", region="CH") == ["+41446681800"]
    assert phones_in("Tel. 044 668 18 00", region="DE") == ["+49446681800"]
    # Not a German number, so read as the Austrian one it is.
    assert phones_in("Tel. 01 234 56 78", region="DE") == ["+4312345678"]


def test_phones_are_unique_and_in_order_of_appearance():
    text = "Fax 089 1234567, Tel. +43 1 234 56 78, Zentrale +49 89 1234567, Wien 01/2345678"
    assert phones_in(text, region="AT") == ["+49891234567", "+4312345678"]


# --- e-mail addresses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Info@Example.de",
        "info [at] example [dot] de",
        "info[at]example[dot]de",
        "info(at)example(dot)de",
        "info (AT) example (DOT) de",
        "info {at} example {punkt} de",
        "info [ät] example [.] de",
        "info [@] example.de",
        "info&#64;example&#46;de",
        "E-Mail: info at example dot de",
        "Mail: info at example.de",
        "E-Mail-Adresse: info at example punkt de",
        "Schreiben Sie an info at example dot de",
        "mailto:info@example.de?subject=Hallo",
    ],
)
def test_email_addresses_are_found_also_when_lightly_obfuscated(written):
    assert emails_in(f"Kontakt — {written}. Danke!") == ["info@example.de"]


@pytest.mark.parametrize(
    "prose",
    [
        "Look at this offer at home.",
        "Look at the dot com era.",
        "More info at example.com.",
        "Treffen um 10 Uhr at Marienplatz dot gesagt.",
        "Wien (AT), Zürich (CH)",
        "Preis @ 5 EUR. Danke",
        "user@localhost",
        "@example.de",
    ],
)
def test_prose_is_no_email_address(prose):
    assert emails_in(prose) == []


def test_emails_are_lower_case_unique_and_in_order_of_appearance():
    text = "Zentrale: Office@Example.at; Presse: presse(at)example(dot)at; office@example.at"
    assert emails_in(text) == ["office@example.at", "presse@example.at"]


def test_findings_are_bounded():
    text = " ".join(f"mail{number}@example.de 089 {1000000 + number}" for number in range(300))
    assert len(emails_in(text)) == MAX_RESULTS
    assert len(phones_in(text)) == MAX_RESULTS


# --- comparing with master data -----------------------------------------------------------------


def test_comparison_names_what_differs_from_master_data():
    comparison = compare(
        phones=["+4989123456", "+4312345678"],
        emails=["info@example.de", "presse@example.de"],
        master_phones=["089 / 12345-6", "+49 30 1234567", "not a number"],
        master_emails=["Info@Example.de ", "vertrieb@example.de"],
    )
    assert comparison == Comparison(
        phones_unknown=("+4312345678",),
        emails_unknown=("presse@example.de",),
        phones_missing=("+49301234567", "not a number"),
        emails_missing=("vertrieb@example.de",),
    )


def test_a_page_matching_master_data_shows_no_differences():
    comparison = compare(
        phones=["+41446681800"], emails=["info@example.ch"],
        master_phones=["044 668 18 00"], master_emails=["INFO@example.ch"], region="CH",
    )  # fmt: skip
    assert comparison == Comparison((), (), (), ())
