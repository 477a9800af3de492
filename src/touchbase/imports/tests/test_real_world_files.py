"""Files as real address books, mail programs and ERPs write them, built here byte by byte.

Each test writes a file the way one exporter does (its encoding, line endings, headers and
quirks) and checks what the readers make of it: the rows, their values, and the columns
they are mapped to. A few run through the planner too, counting what the dry run plans.
"""

from __future__ import annotations

import codecs

import pytest

from touchbase.core.charsets import SAMPLE_BYTES, _sample
from touchbase.imports.countries import country_code
from touchbase.imports.mapping import guess_mapping
from touchbase.imports.planner import _country, import_plan
from touchbase.imports.readers import read_table


def read(data: bytes, filename: str) -> tuple[object, list[dict[str, str]]]:
    """The table and its rows as {field: value}, mapped the way the dry run guesses."""
    table = read_table(data, filename)
    if table.kind == "vcard":
        return table, [record for _line, record in table.records()]
    mapping = guess_mapping(table.headers)
    rows = [
        {field: record[header] for header, field in mapping.items() if record[header]}
        for _line, record in table.records()
    ]
    return table, rows


def card_rows(text: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    """The non-empty values of each card of a vCard file."""
    table = read_table(text.encode(encoding), "kontakte.vcf")
    return [
        {key: value for key, value in record.items() if value} for _line, record in table.records()
    ]


# --- Encodings ----------------------------------------------------------------------------------

GERMAN = (
    "Vorname;Nachname;Firma;Ort\r\n"
    "Jürgen;Müller;Bäckerei Groß;München\r\n"
    "Änne;Schön;Café Crème;Köln\r\n"
)
GERMAN_ROWS = [
    {"first_name": "Jürgen", "last_name": "Müller", "account_name": "Bäckerei Groß",
     "city": "München"},
    {"first_name": "Änne", "last_name": "Schön", "account_name": "Café Crème", "city": "Köln"},
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(GERMAN.encode("utf-8"), "UTF-8", id="utf-8"),
        pytest.param(GERMAN.encode("utf-8-sig"), "UTF-8", id="utf-8-bom"),
        pytest.param(GERMAN.encode("utf-16"), "UTF-16LE", id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), "UTF-16BE",
                     id="utf-16-be-bom"),
        pytest.param(GERMAN.encode("utf-16-le"), "UTF-16LE", id="utf-16-le-no-bom"),
        pytest.param(GERMAN.encode("utf-16-be"), "UTF-16BE", id="utf-16-be-no-bom"),
        pytest.param(GERMAN.encode("utf-32"), "UTF-32LE", id="utf-32-bom"),
        pytest.param(GERMAN.encode("cp1252"), "Windows-1252", id="windows-1252"),
        pytest.param(GERMAN.encode("mac_roman"), "Mac Roman", id="mac-roman"),
    ],
)  # fmt: skip
def test_german_names_survive_every_encoding_exporters_write(data, encoding):
    table, rows = read(data, "kontakte.csv")
    assert table.encoding == encoding
    assert rows == GERMAN_ROWS


def test_a_utf_16_file_cut_in_the_middle_of_a_character_is_still_read():
    data = GERMAN.encode("utf-16")[:-1]
    table, rows = read(data, "kontakte.csv")
    assert table.encoding == "UTF-16LE"
    assert rows == GERMAN_ROWS


def test_excel_unicode_text_is_utf_16_with_tabs():
    # given: Excel's "Unicode text": UTF-16 LE with BOM, tab-separated
    data = GERMAN.replace(";", "\t").encode("utf-16")
    table, rows = read(data, "kontakte.txt")
    assert (table.encoding, table.delimiter) == ("UTF-16LE", "\t")
    assert rows == GERMAN_ROWS


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [
        ("Name;Ort\nMüller;Zürich\nRossi;Città di Castello\nLefèvre;Genève\n", "iso8859_1",
         "Windows-1252"),
        ("Name;Betrag\nMüller;100 €\nSchön;Œuvre\n", "iso8859_15", "ISO-8859-15"),
        ("Name;Ort\nDvořák;Brno\nWójcik;Łódź\nKowalski;Wrocław\n", "iso8859_2", "ISO-8859-2"),
        ("Name;Ort\nErdős Pál;Győr\nKovács Ákos;Hódmezővásárhely\n", "iso8859_2",
         "ISO-8859-2"),
        ("Name;Ort\nŚwiątek;Kraków\nŹdźbło;Gdańsk\n", "cp1250", "Windows-1250"),
        ("姓,名,会社\n山田,太郎,株式会社山田商事\n佐藤,花子,東京電機\n"
         "鈴木,一郎,トヨタ\n", "shift_jis", "Shift_JIS"),
        ("姓,名,会社\n髙橋,一郎,株式会社①\n山田,花子,東京\n", "cp932", "Windows-31J"),
        ("姓,名,会社\n山田,太郎,株式会社山田商事\n佐藤,はなこ,東京電機\n", "euc_jp", "EUC-JP"),
        ("姓名,公司\n王小明,北京科技有限公司\n李华,上海贸易公司\n", "gb18030", "GB18030"),
        ("姓名,公司\n王小明,台北科技有限公司\n陳大文,高雄貿易\n", "big5", "Big5"),
        ("Фамилия;Имя\nПетров;Иван\nСмирнова;Анна\n", "cp1251", "Windows-1251"),
        ("Фамилия;Имя\nПетров;Иван\nСмирнова;Анна\n", "koi8_r", "KOI8-R"),
    ],
    ids=["iso-8859-1", "iso-8859-15", "iso-8859-2-polish-czech", "iso-8859-2-hungarian",
         "windows-1250", "shift-jis", "cp932", "euc-jp", "gb18030", "big5", "windows-1251",
         "koi8-r"],
)  # fmt: skip
def test_each_encoding_is_judged_by_how_plausible_it_reads(text, codec, encoding):
    table = read_table(text.encode(codec), "liste.csv")
    cells = [table.headers, *(list(record.values()) for _line, record in table.records())]
    assert table.encoding == encoding
    assert "\n".join(table.delimiter.join(row) for row in cells) + "\n" == text


def test_a_utf_8_file_with_a_line_from_a_windows_program_stays_utf_8():
    data = "Name;Ort\nMüller;Köln\nSchön;Zürich\nGroß;Graz\n".encode() + "Bäcker;Wien\n".encode(
        "cp1252"
    )
    table = read_table(data, "gemischt.csv")
    assert table.encoding == "UTF-8"
    assert [record["Name"] for _line, record in table.records()] == [
        "Müller", "Schön", "Groß", "Bäcker"]  # fmt: skip


def test_japanese_in_utf_16_without_bom_is_found_by_its_ascii_delimiters():
    text = "姓,名,会社\r\n山田,太郎,株式会社山田商事\r\n佐藤,花子,東京電機\r\n"
    for codec, encoding in (("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")):
        table = read_table(text.encode(codec), "addresses.csv")
        assert table.encoding == encoding
        assert [record["姓"] for _line, record in table.records()] == ["山田", "佐藤"]


def test_japanese_names_from_shift_jis_stay_japanese():
    data = "姓,名,会社名,電話\r\n山田,太郎,株式会社山田商事,03-1234-5678\r\n".encode("shift_jis")
    table, rows = read(data, "addresses.csv")
    assert table.encoding == "Shift_JIS"
    record = next(read_table(data, "addresses.csv").records())[1]
    assert record == {
        "姓": "山田",
        "名": "太郎",
        "会社名": "株式会社山田商事",
        "電話": "03-1234-5678",
    }


def test_a_huge_file_is_judged_by_a_bounded_sample():
    # given: 10 MB of Windows-1252, every line with umlauts
    line = "Müller-Lüdenscheid;Königstraße 5;München;Bäckerei Groß\n"
    data = ("Name;Straße;Ort;Firma\n" + line * 190_000).encode("cp1252")
    # then: only a bounded part of it is scored, and the whole is read right
    assert len(data) > 10_000_000
    assert len(_sample(data)) <= SAMPLE_BYTES + 4096
    table = read_table(data, "gross.csv")
    assert table.encoding == "Windows-1252"
    assert table.rows[-1] == (
        190_001, ["Müller-Lüdenscheid", "Königstraße 5", "München", "Bäckerei Groß"])  # fmt: skip


def test_a_vcard_file_in_utf_16_without_bom_is_read_as_vcards():
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nFN:Jürgen Müller\r\nEND:VCARD\r\n"
    table = read_table(card.encode("utf-16-le"), "kontakte.vcf")
    assert (table.kind, table.encoding) == ("vcard", "UTF-16LE")
    assert [record["last_name"] for _line, record in table.records()] == ["Müller"]


# --- vCards -------------------------------------------------------------------------------------


def vcard(*lines: str, version: str = "3.0", newline: str = "\r\n") -> str:
    return newline.join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + newline


def test_several_given_and_middle_names_are_joined():
    rows = card_rows(vcard("N:Huber;Eva,Maria;Anna,Lena;Dr.;", "FN:Dr. Eva Maria Huber"))
    assert rows == [{"first_name": "Eva Maria Anna Lena", "last_name": "Huber"}]


@pytest.mark.parametrize(
    ("org", "version"),
    [
        ("ORG:Company\\, The", "3.0"),
        ("ORG:Company\\, The;Sales;Inside", "3.0"),
        ("ORG:Company, The;Sales", "3.0"),
        ("ORG:Company, The", "2.1"),
    ],
)
def test_an_organisation_with_a_comma_or_several_units_is_the_first_unit(org, version):
    rows = card_rows(vcard("N:Huber;Eva;;;", "FN:Eva Huber", org, version=version))
    assert rows == [{"first_name": "Eva", "last_name": "Huber", "account_name": "Company, The"}]


def test_quoted_printable_soft_line_breaks_are_joined():
    # given: Android's vCard 2.1, values cut by "=" at line ends, UTF-8 named
    card = vcard(
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BC=",
        "ller-L=C3=BCdenscheid;J=C3=BCrgen;;;",
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:B=C3=A4ckerei Gro=C3=9F und S=C3=B6hne =",
        "GmbH & Co. KG",
        "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Erste Zeile=0D=0A=",
        "Zweite Zeile =3D wichtig",
        "TEL;CELL:+49 171 1234567",
        version="2.1",
    )
    rows = card_rows(card)
    assert rows == [{
        "first_name": "Jürgen", "last_name": "Müller-Lüdenscheid",
        "account_name": "Bäckerei Groß und Söhne GmbH & Co. KG", "mobile": "+49 171 1234567",
        "notes": "Erste Zeile\nZweite Zeile = wichtig",
    }]  # fmt: skip


def test_cards_after_soft_line_breaks_keep_their_line_numbers():
    first = vcard("N;ENCODING=QUOTED-PRINTABLE:M=FC=", "ller;J=FC=", "rgen", version="2.1")
    second = vcard("N:Huber;Eva", version="2.1")
    table = read_table((first + second).encode(), "handy.vcf")
    assert [(line, record["last_name"]) for line, record in table.records()] == [
        (1, "Müller"), (7, "Huber")]  # fmt: skip


def test_quoted_printable_without_charset_is_judged_not_assumed_utf_8():
    # given: Outlook 2003 writes Windows-1252 bytes without naming them
    card = vcard(
        "N;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen",
        "ORG;ENCODING=QUOTED-PRINTABLE:B=E4ckerei Gro=DF",
        "ADR;WORK;ENCODING=QUOTED-PRINTABLE:;;K=F6nigstra=DFe 5;M=FCnchen;;80331;Deutschland",
        version="2.1",
    )
    rows = card_rows(card)
    assert rows == [{
        "first_name": "Jürgen", "last_name": "Müller", "account_name": "Bäckerei Groß",
        "street": "Königstraße 5", "city": "München", "postal_code": "80331",
        "country": "Deutschland",
    }]  # fmt: skip


def test_quoted_printable_shift_jis_without_charset_stays_japanese():
    encoded = "".join(f"={byte:02X}" for byte in "山田".encode("shift_jis"))
    given = "".join(f"={byte:02X}" for byte in "太郎".encode("shift_jis"))
    rows = card_rows(vcard(f"N;ENCODING=QUOTED-PRINTABLE:{encoded};{given};;;", version="2.1"))
    assert rows == [{"first_name": "太郎", "last_name": "山田"}]


def test_outlook_names_its_charset_windows_1252():
    card = vcard(
        "N;LANGUAGE=de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Sch=F6n;=C4nne",
        "FN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:=C4nne Sch=F6n",
        "X-MS-OL-DEFAULT-POSTAL-ADDRESS:2",
        "ADR;HOME:;;Privatweg 1;Köln;;50667;Deutschland",
        "ADR;WORK;PREF:;;Domplatz 2;Köln;;50668;Deutschland",
        "X-MS-CARDPICTURE;TYPE=JPEG;ENCODING=BASE64:",
        " /9j/4AAQSkZJRgABAQEAYABgAAD/",
        version="2.1",
    )
    rows = card_rows(card)
    assert rows == [{
        "first_name": "Änne", "last_name": "Schön", "street": "Domplatz 2", "city": "Köln",
        "postal_code": "50668", "country": "Deutschland",
    }]  # fmt: skip


@pytest.mark.parametrize("newline", ["\r\r\n", "\r", "\n"], ids=["cr-cr-lf", "cr", "lf"])
def test_odd_line_endings_give_the_right_cards_and_lines(newline):
    text = vcard("N:Huber;Eva;;;", newline=newline) + vcard("N:Gruber;Lea;;;", newline=newline)
    table = read_table(text.encode(), "kontakte.vcf")
    assert [(line, record["last_name"]) for line, record in table.records()] == [
        (1, "Huber"), (5, "Gruber")]  # fmt: skip
    assert table.notes == []


def test_a_corrupt_photo_or_unknown_entry_does_not_cost_the_card():
    card = vcard(
        "N:Huber;Eva;;;",
        "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ===not base64 at all:::",
        " ;;;;;broken fold",
        "X-CUSTOM;;;;=:=:",
        "BDAY:not a date",
        "URL;TYPE=work:https://huber.example",
        "ORG:Huber AG",
    )
    broken_21 = vcard(
        "N:Gruber;Lea",
        "PHOTO;ENCODING=BASE64;TYPE=JPEG:",
        "/9j/4AAQSkZJRgABAQEAYABgAAD",
        "corrupt line without colon",
        "",
        "TEL;WORK:089 1234567",
        version="2.1",
    )
    table = read_table((card + broken_21).encode(), "kontakte.vcf")
    rows = [{k: v for k, v in record.items() if v} for _line, record in table.records()]
    assert rows == [
        {"first_name": "Eva", "last_name": "Huber", "account_name": "Huber AG"},
        {"first_name": "Lea", "last_name": "Gruber", "phone": "089 1234567"},
    ]
    assert table.notes == [
        "Not imported from the vCards (entry and number of cards): BDAY (1), PHOTO (2), "
        "URL (1), X-CUSTOM (1)."
    ]


@pytest.mark.parametrize(
    "lines",
    [
        pytest.param(("N:;;;;", "FN:Acme GmbH", "ORG:Acme GmbH"), id="empty-n-fn-is-org"),
        pytest.param(("N:", "ORG:Acme GmbH"), id="only-org"),
        pytest.param(("N:;;;;", "FN:Acme GmbH", "ORG:Acme GmbH;", "X-ABShowAs:COMPANY"),
                     id="apple-show-as-company"),
        pytest.param(("N:Acme GmbH;;;;", "FN:Acme GmbH", "ORG:Acme GmbH"), id="outlook"),
        pytest.param(("KIND:org", "FN:Acme GmbH"), id="vcard-4-kind-org"),
        pytest.param(("N:Pichler;Anna;;;", "FN:Acme GmbH", "ORG:Acme GmbH",
                      "X-ABShowAs:COMPANY"), id="apple-company-with-a-person-behind"),
    ],
)  # fmt: skip
def test_a_company_only_card_is_a_row_with_only_the_company(lines):
    rows = card_rows(vcard(*lines, "TEL;TYPE=WORK:+49 89 1234567", "NOTE:Lieferant"))
    assert rows == [{"account_name": "Acme GmbH", "phone": "+49 89 1234567", "notes": "Lieferant"}]


def test_notes_of_a_person_without_a_company_are_kept():
    rows = card_rows(vcard("N:Huber;Eva;;;", "NOTE:Kundin seit 2019\\nmag Kaffee"))
    assert rows == [{"first_name": "Eva", "last_name": "Huber",
                     "notes": "Kundin seit 2019\nmag Kaffee"}]  # fmt: skip


@pytest.mark.parametrize(
    ("lines", "version", "expected"),
    [
        pytest.param(("TEL;TYPE=HOME:+49 30 111", "TEL;TYPE=WORK,VOICE:+49 30 222",
                      "TEL;TYPE=CELL:+49 171 333", "TEL;TYPE=FAX:+49 30 444"), "3.0",
                     {"phone": "+49 30 222", "mobile": "+49 171 333"}, id="vcard-3-types"),
        pytest.param(("TEL;HOME;VOICE:030 111", "TEL;CELL:0171 333", "TEL;WORK;FAX:030 444"),
                     "2.1", {"phone": "030 111", "mobile": "0171 333"}, id="vcard-2-1-bare"),
        pytest.param(("TEL;VALUE=uri;TYPE=\"work,voice\":tel:+49-89-1234567;ext=12",
                      "TEL;VALUE=uri;TYPE=cell;PREF=1:tel:+49-171-2345678"), "4.0",
                     {"phone": "+49-89-1234567", "mobile": "+49-171-2345678"}, id="vcard-4-uri"),
        pytest.param(("item1.TEL:+49 171 555", "item1.X-ABLabel:_$!<Mobile>!$_",
                      "item2.TEL:+49 89 666", "item2.X-ABLabel:Büro"), "3.0",
                     {"phone": "+49 89 666", "mobile": "+49 171 555"}, id="apple-labels"),
        pytest.param(("item1.TEL:+49 30 111", "item1.X-ABLabel:_$!<Home>!$_",
                      "item2.TEL:+49 89 666", "item2.X-ABLabel:_$!<Work>!$_"), "3.0",
                     {"phone": "+49 89 666"}, id="apple-work-label-first"),
        pytest.param(("item1.TEL:+49 171 555", "item1.X-ABLabel:Handy",
                      "TEL;TYPE=IPHONE:+49 172 777"), "3.0",
                     {"mobile": "+49 171 555"}, id="apple-custom-label"),
        pytest.param(("TEL;TYPE=iPhone;TYPE=pref:+49 172 777",), "3.0",
                     {"mobile": "+49 172 777"}, id="apple-iphone"),
        pytest.param(("TEL;TYPE=pager:+49 89 999",), "3.0", {"phone": "+49 89 999"},
                     id="pager-when-nothing-else"),
        pytest.param(("TEL;X-Mobil:0171 888", "TEL:089 777"), "2.1",
                     {"phone": "089 777", "mobile": "0171 888"}, id="android-custom-type"),
    ],
)  # fmt: skip
def test_every_kind_of_phone_lands_in_mobile_or_phone(lines, version, expected):
    rows = card_rows(vcard("N:Huber;Eva;;;", *lines, version=version))
    assert rows == [{"first_name": "Eva", "last_name": "Huber", **expected}]


@pytest.mark.parametrize(
    ("lines", "email"),
    [
        (("EMAIL;TYPE=HOME:eva@privat.example", "EMAIL;TYPE=WORK:eva@huber.example"),
         "eva@huber.example"),
        (("EMAIL;TYPE=WORK:eva@huber.example", "EMAIL;TYPE=INTERNET,PREF:eva@pref.example"),
         "eva@pref.example"),
        (("EMAIL:eva@first.example", "EMAIL:eva@second.example"), "eva@first.example"),
        (("EMAIL;PREF=1:eva@pref.example", "EMAIL;TYPE=work:eva@huber.example"),
         "eva@pref.example"),
    ],
    ids=["work-before-home", "pref-first", "first", "vcard-4-pref"],
)  # fmt: skip
def test_of_several_emails_the_preferred_then_the_work_one_is_taken(lines, email):
    rows = card_rows(vcard("N:Huber;Eva;;;", *lines))
    assert rows[0]["email"] == email


def test_a_quoted_parameter_with_a_colon_is_no_value():
    card = vcard(
        "N:Huber;Eva;;;",
        'ADR;TYPE=work;LABEL="Hauptplatz 1: Hof\\n8010 Graz":;;Hauptplatz 1;Graz;;8010;AT',
        version="4.0",
    )
    rows = card_rows(card)
    assert rows == [{"first_name": "Eva", "last_name": "Huber", "street": "Hauptplatz 1",
                     "city": "Graz", "postal_code": "8010", "country": "AT"}]  # fmt: skip


def test_an_address_with_several_types_and_lines():
    card = vcard(
        "N:Huber;Eva;;;",
        "ADR;TYPE=HOME:;;Privatweg 1;Graz;;8010;Österreich",
        "ADR;TYPE=WORK,POSTAL,PARCEL:;Stock 3;Hauptplatz 1\\nHinterhaus;Wien;Wien;1010;Österreich",
    )
    rows = card_rows(card)
    assert rows == [{
        "first_name": "Eva", "last_name": "Huber", "street": "Hauptplatz 1, Hinterhaus, Stock 3",
        "city": "Wien", "region": "Wien", "postal_code": "1010", "country": "Österreich",
    }]  # fmt: skip


def test_an_address_written_in_one_part_is_kept_as_the_street():
    rows = card_rows(vcard("N:Huber;Eva;;;", "ADR;TYPE=WORK:Hauptstraße 5\\, 80331 München"))
    assert rows == [{"first_name": "Eva", "last_name": "Huber",
                     "street": "Hauptstraße 5, 80331 München"}]  # fmt: skip


def test_indented_card_edges_still_open_and_close_cards():
    text = "  BEGIN:VCARD\r\nVERSION:3.0\r\nN:Huber;Eva;;;\r\n  END:VCARD\r\n" + vcard(
        "N:Gruber;Lea;;;"
    )
    table = read_table(text.encode(), "kontakte.vcf")
    assert [(line, record["last_name"]) for line, record in table.records()] == [
        (1, "Huber"), (5, "Gruber")]  # fmt: skip


def test_the_quirks_of_the_bat_and_friends():
    # given: lowercase names, blank lines between cards, tab-folded lines, Android's custom
    # rows, and a last card without END:VCARD
    text = (
        "begin:vcard\r\nversion:2.1\r\nn:Huber;Eva\r\nfn:Eva Huber\r\n"
        "note:Eine lange Notiz, die\r\n\tweitergeht\r\nend:vcard\r\n\r\n\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Gruber;Lea;;;\r\n"
        "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Leli;1;;;;;;;;;;;;;\r\n"
        "TEL;CELL;PREF:+43 664 1234567\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Pichler;Anna;;;\r\nEMAIL:anna@pichler.example\r\n"
    )
    table = read_table(text.encode(), "thebat.vcf")
    rows = [(line, {k: v for k, v in record.items() if v}) for line, record in table.records()]
    assert rows == [
        (1, {"first_name": "Eva", "last_name": "Huber",
             "notes": "Eine lange Notiz, die weitergeht"}),
        (10, {"first_name": "Lea", "last_name": "Gruber", "mobile": "+43 664 1234567"}),
        (16, {"first_name": "Anna", "last_name": "Pichler", "email": "anna@pichler.example"}),
    ]  # fmt: skip


GMAIL = """BEGIN:VCARD
VERSION:3.0
FN:Lea Gruber
N:Gruber;Lea;;;
EMAIL;TYPE=INTERNET;TYPE=WORK:lea@gruber.example
TEL;TYPE=CELL:+41 79 123 45 67
item1.ADR:;;Bahnhofstrasse 1;Zürich;;8001;CH
item1.X-ABADR:ch
ORG:Gruber AG
TITLE:Geschäftsführerin
CATEGORIES:myContacts,Kunden
END:VCARD
BEGIN:VCARD
VERSION:4.0
PRODID:-//Thunderbird//vCard 4.0//EN
FN:Jörg Wüst
N:Wüst;Jörg;;;
EMAIL;PREF=1:joerg@wuest.example
TEL;TYPE=work;VALUE=TEXT:+49 89 1234567
NOTE:Messe 2024
UID:1c9e2f4a-1111-2222-3333-444455556666
END:VCARD
BEGIN:VCARD
VERSION:3.0
PRODID:-//eM Client/9.2
N:Russo;Giulia;;Dott.ssa;
FN:Dott.ssa Giulia Russo
ORG:Studio Russo;
TEL;TYPE=WORK:+39 0471 123456
ADR;TYPE=WORK:;;Via Roma 1;Bolzano;BZ;39100;Italia
REV:2024-05-01T10:00:00Z
END:VCARD
"""


def test_gmail_thunderbird_and_em_client_cards():
    rows = card_rows(GMAIL)
    assert rows == [
        {"first_name": "Lea", "last_name": "Gruber", "account_name": "Gruber AG",
         "job_title": "Geschäftsführerin", "email": "lea@gruber.example",
         "mobile": "+41 79 123 45 67", "street": "Bahnhofstrasse 1", "city": "Zürich",
         "postal_code": "8001", "country": "CH", "tags": "Kunden"},
        {"first_name": "Jörg", "last_name": "Wüst", "email": "joerg@wuest.example",
         "phone": "+49 89 1234567", "notes": "Messe 2024"},
        {"first_name": "Giulia", "last_name": "Russo", "account_name": "Studio Russo",
         "phone": "+39 0471 123456", "street": "Via Roma 1", "city": "Bolzano", "region": "BZ",
         "postal_code": "39100", "country": "Italia"},
    ]  # fmt: skip


IPHONE = """BEGIN:VCARD
VERSION:3.0
PRODID:-//Apple Inc.//iPhone OS 17.0//EN
N:Müller;Jürgen;;;
FN:Jürgen Müller
ORG:Bäckerei Groß;
TITLE:Inhaber
EMAIL;type=INTERNET;type=HOME:j@privat.example
EMAIL;type=INTERNET;type=WORK;type=pref:j@gross.example
TEL;type=CELL;type=VOICE;type=pref:+49 171 2345678
TEL;type=WORK;type=VOICE:+49 89 1234567
item1.ADR;type=WORK;type=pref:;;Königstraße 5;München;;80331;Deutschland
item1.X-ABADR:de
NOTE:Kunde seit 2019, mag Kaffee; bitte vormittags
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/
X-SOCIALPROFILE;type=linkedin:http://linkedin.com/in/x
END:VCARD
"""
OUTLOOK_2013 = (
    "BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=de:Gruber;Lea\r\nFN:Lea Gruber\r\n"
    "ORG:Gruber AG\r\nTITLE:Geschäftsführerin\r\nTEL;WORK;VOICE:+41 44 668 18 00\r\n"
    "TEL;CELL;VOICE:+41 79 123 45 67\r\nADR;WORK;PREF:;;Bahnhofstrasse 1;Zürich;;8001;Schweiz\r\n"
    "LABEL;WORK;PREF;ENCODING=QUOTED-PRINTABLE:Bahnhofstrasse 1=0D=0A=\r\nZ=FCrich 8001=0D=0A=\r\n"
    "Schweiz\r\nX-MS-OL-DEFAULT-POSTAL-ADDRESS:2\r\nEMAIL;PREF;INTERNET:lea@gruber.example\r\n"
    'X-MS-OL-DESIGN;CHARSET=utf-8:<card xmlns="http://schemas.microsoft.com/office/outlook/12/'
    'electronicbusinesscards" ver="1.0"><body>x:y</body></card>\r\n'
    "REV:20240101T000000Z\r\nEND:VCARD\r\n"
)


def test_an_iphone_card_with_lowercase_types_and_a_photo():
    table = read_table(IPHONE.encode(), "iphone.vcf")
    rows = [{k: v for k, v in record.items() if v} for _line, record in table.records()]
    assert rows == [{
        "first_name": "Jürgen", "last_name": "Müller", "account_name": "Bäckerei Groß",
        "job_title": "Inhaber", "email": "j@gross.example", "phone": "+49 89 1234567",
        "mobile": "+49 171 2345678", "street": "Königstraße 5", "postal_code": "80331",
        "city": "München", "country": "Deutschland",
        "notes": "Kunde seit 2019, mag Kaffee; bitte vormittags",
    }]  # fmt: skip
    assert table.notes == [
        "Not imported from the vCards (entry and number of cards): PHOTO (1), X-SOCIALPROFILE (1)."
    ]


def test_an_outlook_2013_card_in_windows_1252():
    table = read_table(OUTLOOK_2013.encode("cp1252"), "Lea Gruber.vcf")
    rows = [{k: v for k, v in record.items() if v} for _line, record in table.records()]
    assert table.encoding == "Windows-1252"
    assert rows == [{
        "first_name": "Lea", "last_name": "Gruber", "account_name": "Gruber AG",
        "job_title": "Geschäftsführerin", "email": "lea@gruber.example",
        "phone": "+41 44 668 18 00", "mobile": "+41 79 123 45 67", "street": "Bahnhofstrasse 1",
        "postal_code": "8001", "city": "Zürich", "country": "Schweiz",
    }]  # fmt: skip
    assert table.notes == []


def test_a_card_missing_its_end_is_closed_by_the_next_begin():
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Huber;Eva;;;\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gruber;Lea;;;\r\nEND:VCARD\r\n"
    )
    table = read_table(text.encode(), "kaputt.vcf")
    assert [(line, record["last_name"]) for line, record in table.records()] == [
        (1, "Huber"), (4, "Gruber")]  # fmt: skip


def test_a_vcard_file_in_windows_1252_keeps_its_umlauts():
    text = vcard("N:Müller;Jürgen;;;", "ORG:Bäckerei Groß", version="2.1")
    table = read_table(text.encode("cp1252"), "outlook.vcf")
    assert table.encoding == "Windows-1252"
    assert card_rows(text, "cp1252") == [
        {"first_name": "Jürgen", "last_name": "Müller", "account_name": "Bäckerei Groß"}
    ]


def test_a_vcard_file_in_shift_jis_keeps_its_japanese():
    text = vcard("N:山田;太郎;;;", "FN:山田 太郎", "ORG:株式会社山田商事", "NOTE:東京都港区")
    assert card_rows(text, "shift_jis") == [{
        "first_name": "太郎", "last_name": "山田", "account_name": "株式会社山田商事",
        "notes": "東京都港区"}]  # fmt: skip


def test_a_card_with_only_a_full_name_in_last_first_order():
    rows = card_rows(vcard("FN:Huber, Eva"))
    assert rows == [{"first_name": "Eva", "last_name": "Huber"}]


# --- Countries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("Vereinigte Staaten von Amerika", "US"), ("United States of America", "US"),
        ("USA", "US"), ("U.S.A.", "US"), ("États-Unis", "US"), ("Stati Uniti", "US"),
        ("Cayman Islands", "KY"), ("Kaimaninseln", "KY"), ("Îles Caïmans", "KY"),
        ("Côte d'Ivoire", "CI"), ("Cote d’Ivoire", "CI"), ("Elfenbeinküste", "CI"),
        ("Großbritannien", "GB"), ("Grossbritannien", "GB"), ("UK", "GB"),
        ("Vereinigtes Königreich", "GB"), ("Royaume-Uni", "GB"), ("Regno Unito", "GB"),
        ("Österreich", "AT"), ("Oesterreich", "AT"), ("AUT", "AT"), ("A", "AT"),
        ("D", "DE"), ("BRD", "DE"), ("deutschland", "DE"), ("Allemagne", "DE"),
        ("Germania", "DE"), ("DEU", "DE"), ("CH", "CH"), ("Suisse", "CH"), ("Svizzera", "CH"),
        ("Schweiz", "CH"), ("Italia", "IT"), ("I", "IT"), ("Japan", "JP"), ("Giappone", "JP"),
        ("日本", "JP"), ("Polska", "PL"), ("Pologne", "PL"), ("Česká republika", "CZ"),
        ("Tschechien", "CZ"), ("Korea, Republic of", "KR"), ("Türkei", "TR"),
        ("Holland", "NL"), ("Deutschland (DE)", "DE"), ("AT - Österreich", "AT"),
        ("  luxemburg ", "LU"), ("Liechtenstein", "LI"), ("Südafrika", "ZA"),
    ],
)  # fmt: skip
def test_every_country_is_known_by_its_names_and_codes(raw, code):
    assert country_code(raw) == code


@pytest.mark.parametrize("raw", ["Bayern", "xx", "unbekannt", "-", "", "n/a", "N.A.", "k. A."])
def test_what_names_no_country_is_none(raw):
    assert country_code(raw) is None


def test_na_alone_is_namibia():
    assert country_code("NA") == "NA"


def test_the_planner_reads_countries_and_keeps_south_tyrol_as_a_region_of_italy():
    assert _country("Südtirol", "", home_country="DE") == ("IT", "Südtirol")
    assert _country("Alto Adige", "BZ", home_country="DE") == ("IT", "BZ")
    assert _country("Kaimaninseln", "", home_country="DE") == ("KY", "")
    assert _country("", "Tirol", home_country="AT") == ("AT", "Tirol")
    assert _country("Atlantis", "", home_country="DE") == (None, "")
    assert _country("n/a", "", home_country="AT") == ("AT", "")
    assert _country("unbekannt", "", home_country="CH") == ("CH", "")


# --- Columns ------------------------------------------------------------------------------------


def csv(*lines: str, delimiter: str = ",") -> bytes:
    return ("\r\n".join(line.replace("|", delimiter) for line in lines) + "\r\n").encode()


def test_macos_contacts_in_german():
    data = csv(
        "Vorname|Nachname|Firma|Arbeit E-Mail|Privat E-Mail|Arbeit Telefon|Mobil|iPhone|"
        "Arbeitsadresse Straße|Arbeit PLZ|Arbeit Ort|Arbeit Land|Notiz",
        "Jürgen|Müller|Bäckerei Groß|j@gross.example|j@privat.example|089 1234567||"
        "0171 2345678|Königstraße 5|80331|München|Deutschland|Stammkunde",
        "Änne|Schön||||||0172 3456789|||||",
        delimiter=";",
    )
    table, rows = read(data, "Kontakte.csv")
    assert rows == [
        {"first_name": "Jürgen", "last_name": "Müller", "account_name": "Bäckerei Groß",
         "email": "j@gross.example", "phone": "089 1234567", "mobile": "0171 2345678",
         "street": "Königstraße 5", "postal_code": "80331", "city": "München",
         "country": "Deutschland", "notes": "Stammkunde"},
        {"first_name": "Änne", "last_name": "Schön", "mobile": "0172 3456789"},
    ]  # fmt: skip


def test_macos_contacts_with_labels_in_brackets():
    data = csv(
        "Vorname|Nachname|E-Mail (Privat)|E-Mail (Arbeit)|Telefon (Privat)|Straße (Arbeit)|"
        "PLZ (Arbeit)|Ort (Arbeit)|Straße (Privat)|PLZ (Privat)|Ort (Privat)",
        "Eva|Huber|eva@privat.example||030 111|||||10115|Berlin",
        delimiter=";",
    )
    _table, rows = read(data, "Kontakte.csv")
    assert rows == [{"first_name": "Eva", "last_name": "Huber", "email": "eva@privat.example",
                     "phone": "030 111", "postal_code": "10115", "city": "Berlin"}]  # fmt: skip


THUNDERBIRD = (
    "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
    "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number,Home Address,Home Address 2,"
    "Home City,Home State,Home ZipCode,Home Country,Work Address,Work Address 2,Work City,"
    "Work State,Work ZipCode,Work Country,Job Title,Department,Organization,Web Page 1,"
    "Web Page 2,Birth Year,Birth Month,Birth Day,Custom 1,Custom 2,Custom 3,Custom 4,Notes,"
)


def test_thunderbird_in_english_prefers_work_and_falls_back_to_home():
    data = csv(
        THUNDERBIRD,
        "Eva,Huber,Eva Huber,,eva@huber.example,eva@privat.example,,+49 89 111,+49 89 222,"
        "+49 89 333,,+49 171 444,Privatweg 1,,München,Bayern,80331,Germany,Hauptstraße 5,"
        "3. Stock,Augsburg,Bayern,86150,Germany,Einkauf,,Huber AG,,,,,,,,,,Notiz,",
        "Karl,Gruber,Karl Gruber,,,karl@privat.example,,,+43 1 555,,,,Ringstraße 1,,Wien,,1010,"
        "Austria,,,,,,,,,,,,,,,,,,,,",
        ",,Acme GmbH,,info@acme.example,,,+49 30 999,,,,,,,,,,,,,,,,,,,Acme GmbH,,,,,,,,,,,",
    )
    table, rows = read(data, "thunderbird.csv")
    assert rows == [
        {"first_name": "Eva", "last_name": "Huber", "full_name": "Eva Huber",
         "email": "eva@huber.example", "phone": "+49 89 111", "mobile": "+49 171 444",
         "street": "Hauptstraße 5, 3. Stock", "city": "Augsburg", "region": "Bayern",
         "postal_code": "86150", "country": "Germany", "job_title": "Einkauf",
         "account_name": "Huber AG", "notes": "Notiz"},
        {"first_name": "Karl", "last_name": "Gruber", "full_name": "Karl Gruber",
         "email": "karl@privat.example", "phone": "+43 1 555", "street": "Ringstraße 1",
         "city": "Wien", "postal_code": "1010", "country": "Austria"},
        {"email": "info@acme.example", "phone": "+49 30 999", "account_name": "Acme GmbH"},
    ]  # fmt: skip
    assert "Work Phone / Home Phone" in table.headers


def test_thunderbird_in_german():
    data = csv(
        "Vorname,Nachname,Anzeigename,Spitzname,Primäre E-Mail-Adresse,Sekundäre E-Mail-Adresse,"
        "Tel. dienstlich,Tel. privat,Fax-Nummer,Pager-Nummer,Mobil-Tel.-Nr.,Privat: Adresse,"
        "Privat: Adresse 2,Privat: Ort,Privat: Bundesland,Privat: PLZ,Privat: Land,"
        "Dienstlich: Adresse,Dienstlich: Adresse 2,Dienstlich: Ort,Dienstlich: Bundesland,"
        "Dienstlich: PLZ,Dienstlich: Land,Arbeitstitel,Abteilung,Organisation,Notizen",
        "Jürgen,Müller,Jürgen Müller,,j@gross.example,,089 1234567,,,,0171 2345678,,,,,,,"
        "Königstraße 5,,München,,80331,Deutschland,Inhaber,,Bäckerei Groß,Stammkunde",
    )
    _table, rows = read(data, "adressbuch.csv")
    assert rows == [{
        "first_name": "Jürgen", "last_name": "Müller", "full_name": "Jürgen Müller",
        "email": "j@gross.example", "phone": "089 1234567", "mobile": "0171 2345678",
        "street": "Königstraße 5", "city": "München", "postal_code": "80331",
        "country": "Deutschland", "job_title": "Inhaber", "account_name": "Bäckerei Groß",
        "notes": "Stammkunde",
    }]  # fmt: skip


def test_google_contacts_resolves_phone_types_per_row():
    data = csv(
        "First Name,Middle Name,Last Name,Organization Name,Organization Title,Notes,Labels,"
        "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
        "Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,"
        "Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
        "Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
        "Address 1 - Extended Address",
        "Lea,,Gruber,Gruber AG,CEO,,* myContacts ::: Kunden,Home,lea@privat.example,Work,"
        "lea@gruber.example,Mobile,+41 79 123 45 67 ::: +41 79 765 43 21,Work,+41 44 668 18 00,"
        "Work,,Bahnhofstrasse 1,Zürich,,ZH,8001,Switzerland,",
        "Karl,Maria,Huber,,,Nachbar,* myContacts,,karl@huber.example,,,Home,+43 1 555,"
        "Work Fax,+43 1 556,,,,,,,,,",
        "Eva,,Pichler,,,,,,,,,Work ::: Mobile,+43 664 111 ::: +43 664 222,,,,,,,,,,,",
    )
    table, rows = read(data, "contacts.csv")
    assert rows == [
        {"first_name": "Lea", "last_name": "Gruber", "account_name": "Gruber AG",
         "job_title": "CEO", "tags": "Kunden", "email": "lea@gruber.example",
         "mobile": "+41 79 123 45 67", "phone": "+41 44 668 18 00",
         "street": "Bahnhofstrasse 1", "postal_code": "8001", "city": "Zürich", "region": "ZH",
         "country": "Switzerland"},
        {"first_name": "Karl Maria", "last_name": "Huber", "notes": "Nachbar",
         "email": "karl@huber.example", "phone": "+43 1 555"},
        {"first_name": "Eva", "last_name": "Pichler", "phone": "+43 664 111"},
    ]  # fmt: skip
    assert table.notes == [
        "Google's phone, e-mail and address columns were read by the type in each row.",
        "Middle names were joined to the first names: “First Name / Middle Name”.",
    ]


def test_google_contacts_old_format():
    data = csv(
        "Name,Given Name,Additional Name,Family Name,Group Membership,E-mail 1 - Type,"
        "E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,"
        "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title",
        "Lea Gruber,Lea,,Gruber,* myContacts,* Work,lea@gruber.example,Main,+41 44 668 18 00,"
        "Mobile,+41 79 123 45 67,,Gruber AG,CEO",
    )
    _table, rows = read(data, "google.csv")
    assert rows == [{
        "full_name": "Lea Gruber", "first_name": "Lea", "last_name": "Gruber",
        "email": "lea@gruber.example",
        "mobile": "+41 79 123 45 67", "phone": "+41 44 668 18 00", "account_name": "Gruber AG",
        "job_title": "CEO",
    }]  # fmt: skip


def test_google_contacts_with_german_headers():
    data = csv(
        "Vorname,Nachname,Organisation,Labels,E-Mail 1 - Label,E-Mail 1 - Wert,"
        "Telefon 1 - Label,Telefon 1 - Wert,Telefon 2 - Label,Telefon 2 - Wert",
        "Jürgen,Müller,Bäckerei Groß,*VIP,Arbeit,j@gross.example,Mobil,0171 2345678,Arbeit,"
        "089 1234567",
    )
    _table, rows = read(data, "contacts.csv")
    assert rows == [{
        "first_name": "Jürgen", "last_name": "Müller", "account_name": "Bäckerei Groß",
        "tags": "*VIP", "email": "j@gross.example", "mobile": "0171 2345678",
        "phone": "089 1234567",
    }]  # fmt: skip


OUTLOOK_DE = (
    '"Anrede","Vorname","Weitere Vornamen","Nachname","Suffix","Firma","Abteilung","Position",'
    '"Straße geschäftlich","Straße geschäftlich 2","Straße geschäftlich 3","Ort geschäftlich",'
    '"Region geschäftlich","Postleitzahl geschäftlich","Land/Region geschäftlich",'
    '"Straße privat","Straße privat 2","Straße privat 3","Ort privat","Bundesland/Kanton privat",'
    '"Postleitzahl privat","Land/Region privat","Fax geschäftlich","Telefon geschäftlich",'
    '"Telefon geschäftlich 2","Telefon Firma","Fax privat","Telefon privat","Telefon privat 2",'
    '"Mobiltelefon","Weiteres Telefon","Pager","Haupttelefon","E-Mail-Adresse","E-Mail-Typ",'
    '"E-Mail: Angezeigter Name","E-Mail 2: Adresse","Kategorien","Notizen"'
)


def test_outlook_in_german_prefers_the_business_values():
    data = (
        OUTLOOK_DE + "\r\n"
        '"Herr","Jürgen","","Müller","","Bäckerei Groß","","Inhaber","Königstraße 5","","",'
        '"München","Bayern","80331","Deutschland","Privatweg 1","","","Dachau","","85221",'
        '"Deutschland","089 9","089 1234567","","","","08131 1","","0171 2345678","","","",'
        '"j@gross.example","SMTP","Jürgen Müller (j@gross.example)","j@privat.example",'
        '"Kunden","Stammkunde"\r\n'
        '"Frau","Änne","","Schön","","","","","","","","","","","","Gartenweg 2","Haus B","",'
        '"Köln","","50667","Deutschland","","","","","","0221 2","","","","","","","","",'
        '"a@privat.example","",""\r\n'
    ).encode("cp1252")
    _table, rows = read(data, "outlook.csv")
    assert rows == [
        {"salutation": "Herr", "first_name": "Jürgen", "last_name": "Müller",
         "account_name": "Bäckerei Groß", "job_title": "Inhaber", "street": "Königstraße 5",
         "city": "München", "region": "Bayern", "postal_code": "80331",
         "country": "Deutschland", "phone": "089 1234567", "mobile": "0171 2345678",
         "email": "j@gross.example", "tags": "Kunden", "notes": "Stammkunde"},
        {"salutation": "Frau", "first_name": "Änne", "last_name": "Schön",
         "street": "Gartenweg 2, Haus B", "city": "Köln", "postal_code": "50667",
         "country": "Deutschland", "phone": "0221 2", "email": "a@privat.example"},
    ]  # fmt: skip


def test_outlook_in_english_reads_title_as_salutation_beside_job_title():
    data = csv(
        "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
        "Business Street,Business City,Business State,Business Postal Code,"
        "Business Country/Region,Home Street,Home City,Home Postal Code,Home Country/Region,"
        "Business Phone,Home Phone,Mobile Phone,E-mail Address,E-mail Type,"
        "E-mail Display Name,E-mail 2 Address,Notes,Account",
        "Mr.,John,,Smith,,Acme Ltd,,Buyer,1 High Street,London,,SW1A 1AA,United Kingdom,,,,,"
        "+44 20 7946 0000,,+44 7700 900000,john@acme.example,SMTP,John Smith,,Likes tea,",
    )
    _table, rows = read(data, "outlook.csv")
    assert rows == [{
        "salutation": "Mr.", "first_name": "John", "last_name": "Smith",
        "account_name": "Acme Ltd", "job_title": "Buyer", "street": "1 High Street",
        "city": "London", "postal_code": "SW1A 1AA", "country": "United Kingdom",
        "phone": "+44 20 7946 0000", "mobile": "+44 7700 900000", "email": "john@acme.example",
        "notes": "Likes tea",
    }]  # fmt: skip


def test_an_erp_export_keeps_company_and_contact_person_apart():
    data = csv(
        "Kundennummer|Name|Straße|PLZ|Ort|Land|Telefon|E-Mail|Ansprechpartner|AP Vorname|"
        "AP Nachname|AP E-Mail|Ansprechpartner Telefon",
        "10001|Bäckerei Groß GmbH|Königstraße 5|80331|München|D|089 100|info@gross.example||"
        "Jürgen|Müller|j@gross.example|089 1234567",
        delimiter=";",
    )
    table, rows = read(data, "erp.csv")
    mapping = guess_mapping(table.headers)
    assert "Kundennummer" not in mapping
    assert "Telefon" not in mapping
    assert rows == [{
        "account_name": "Bäckerei Groß GmbH", "street": "Königstraße 5", "postal_code": "80331",
        "city": "München", "country": "D", "first_name": "Jürgen", "last_name": "Müller",
        "email": "j@gross.example", "phone": "089 1234567",
    }]  # fmt: skip


def test_an_erp_export_with_name_1_and_a_contact_full_name():
    data = csv(
        "Debitor|Name 1|Name 2|Straße|PLZ|Ort|Ansprechpartner|Kontakt E-Mail",
        "70010|Hotel Alpenrose|Familie Hofer|Dorf 1|6100|Seefeld|Maria Hofer|"
        "maria@alpenrose.example",
        delimiter=";",
    )
    _table, rows = read(data, "erp.csv")
    assert rows == [{
        "account_name": "Hotel Alpenrose", "street": "Dorf 1", "postal_code": "6100",
        "city": "Seefeld", "full_name": "Maria Hofer", "email": "maria@alpenrose.example",
    }]  # fmt: skip


def test_a_company_column_called_name_beside_contact_columns_is_the_company():
    data = csv(
        "name,contact first name,contact last name,contact email,phone",
        "Acme Ltd,John,Smith,john@acme.example,+44 20 7946 0000",
    )
    _table, rows = read(data, "crm.csv")
    assert rows == [{
        "account_name": "Acme Ltd", "first_name": "John", "last_name": "Smith",
        "email": "john@acme.example", "phone": "+44 20 7946 0000",
    }]  # fmt: skip


# --- Through the planner ------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytestmark_db
def test_a_vcard_file_with_people_and_company_entries_plans_each(workspace):
    text = (
        vcard("N:Huber;Eva,Maria;;;", "ORG:Company\\, The")
        + vcard("N:;;;;", "FN:Acme GmbH", "ORG:Acme GmbH", "X-ABShowAs:COMPANY")
        + vcard("N;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FC=", "rgen", version="2.1")
    )
    plan = import_plan(workspace=workspace, data=text.encode("utf-16"), filename="alle.vcf")
    assert len(plan.rows) == 3
    people = [row.contact_fields.get("last_name") for row in plan.rows]
    assert people == ["Huber", None, "Müller"]


@pytestmark_db
def test_a_shift_jis_csv_plans_its_japanese_contacts(workspace):
    data = "姓,名,会社名\r\n山田,太郎,株式会社山田商事\r\n佐藤,花子,東京電機\r\n".encode(
        "shift_jis"
    )
    plan = import_plan(workspace=workspace, data=data, filename="addresses.csv")
    assert plan.encoding == "Shift_JIS"
    assert plan.mapping == {"姓": "last_name", "名": "first_name", "会社名": "account_name"}
    assert [row.contact_fields["last_name"] for row in plan.rows] == ["山田", "佐藤"]


def test_japanese_outlook_in_shift_jis():
    headers = (
        "敬称,名,ミドル ネーム,姓,会社名,部署,役職,番地 (会社),番地 2 (会社),市町村 (会社),"
        "都道府県 (会社),郵便番号 (会社),国/地域 (会社),番地 (自宅),市町村 (自宅),会社 FAX,"
        "会社電話,自宅電話,携帯電話,電子メール アドレス,電子メール 2 アドレス,メモ"
    )
    row = (
        "様,太郎,,山田,株式会社山田商事,営業部,部長,港南1-2-3,品川ビル5階,港区,東京都,108-0075,"
        "日本,,,03-1111-2222,03-1234-5678,,090-1234-5678,taro@yamada.example,,重要顧客"
    )
    table, rows = read(csv(headers, row).decode().encode("shift_jis"), "連絡先.csv")
    assert table.encoding == "Shift_JIS"
    assert rows == [{
        "salutation": "様", "first_name": "太郎", "last_name": "山田",
        "account_name": "株式会社山田商事", "job_title": "部長", "street": "港南1-2-3, 品川ビル5階",
        "city": "港区", "region": "東京都", "postal_code": "108-0075", "country": "日本",
        "phone": "03-1234-5678", "mobile": "090-1234-5678", "email": "taro@yamada.example",
        "notes": "重要顧客",
    }]  # fmt: skip


def test_polish_outlook_in_iso_8859_2():
    data = (
        csv(
            "Imię;Nazwisko;Firma;Stanowisko;Ulica (służbowy);Miasto (służbowy);"
            "Kod pocztowy (służbowy);Kraj/region (służbowy);Telefon służbowy;Telefon komórkowy;"
            "Adres e-mail;Uwagi",
            "Łukasz;Wójcik;Żabka Sp. z o.o.;Kierownik;ul. Świętokrzyska 12;Łódź;90-001;Polska;"
            "+48 42 123 45 67;+48 601 234 567;lukasz@zabka.example;Ważny klient",
        )
        .decode()
        .encode("iso8859_2")
    )
    table, rows = read(data, "kontakty.csv")
    assert table.encoding == "ISO-8859-2"
    assert rows == [{
        "first_name": "Łukasz", "last_name": "Wójcik", "account_name": "Żabka Sp. z o.o.",
        "job_title": "Kierownik", "street": "ul. Świętokrzyska 12", "city": "Łódź",
        "postal_code": "90-001", "country": "Polska", "phone": "+48 42 123 45 67",
        "mobile": "+48 601 234 567", "email": "lukasz@zabka.example", "notes": "Ważny klient",
    }]  # fmt: skip
    assert country_code(rows[0]["country"]) == "PL"


def test_a_house_number_column_goes_after_the_street():
    data = csv("Firma|Straße|Hausnummer|PLZ|Ort", "Huber AG|Hauptstraße|5a|80331|München",
               delimiter=";")  # fmt: skip
    table, rows = read(data, "lexware.csv")
    assert "Straße + Hausnummer" in table.headers
    assert rows == [{"account_name": "Huber AG", "street": "Hauptstraße 5a",
                     "postal_code": "80331", "city": "München"}]  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param(
            ["First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number",
             "Company Name", "Job Title", "Street Address", "City", "State/Region",
             "Postal Code", "Country/Region"],
            ["first_name", "last_name", "email", "phone", "mobile", "account_name", "job_title",
             "street", "city", "region", "postal_code", "country"], id="hubspot"),
        pytest.param(
            ["First Name", "Last Name", "Title", "Account Name", "Mailing Street",
             "Mailing City", "Mailing State/Province", "Mailing Zip/Postal Code",
             "Mailing Country", "Phone", "Mobile", "Email", "Description"],
            ["first_name", "last_name", "job_title", "account_name", "street", "city",
             "region", "postal_code", "country", "phone", "mobile", "email", "notes"],
            id="salesforce"),
        pytest.param(
            ["Person - Name", "Person - Email - Work", "Person - Phone - Work",
             "Person - Phone - Mobile", "Organization - Name"],
            ["full_name", "email", "phone", "mobile", "account_name"], id="pipedrive"),
        pytest.param(
            ["Nom", "Prénom", "Société", "Téléphone", "Portable", "Courriel", "Adresse",
             "Code postal", "Ville", "Pays"],
            ["last_name", "first_name", "account_name", "phone", "mobile", "email", "street",
             "postal_code", "city", "country"], id="french"),
        pytest.param(
            ["Cognome", "Nome", "Ragione sociale", "Telefono", "Cellulare", "Email",
             "Indirizzo", "CAP", "Città", "Provincia", "Nazione"],
            ["last_name", "first_name", "account_name", "phone", "mobile", "email", "street",
             "postal_code", "city", "region", "country"], id="italian"),
        pytest.param(
            ["Voornaam", "Achternaam", "Bedrijf", "Telefoon", "Mobiel", "E-mail", "Straat",
             "Postcode", "Plaats", "Land"],
            ["first_name", "last_name", "account_name", "phone", "mobile", "email", "street",
             "postal_code", "city", "country"], id="dutch"),
        pytest.param(
            ["Prénom", "Nom", "Société", "Rue (bureau)", "Ville (bureau)",
             "Code postal (bureau)", "Pays/Région (bureau)", "Téléphone (bureau)",
             "Tél. mobile", "Adresse de messagerie"],
            ["first_name", "last_name", "account_name", "street", "city", "postal_code",
             "country", "phone", "mobile", "email"], id="outlook-french"),
        pytest.param(
            ["Nome", "Cognome", "Società", "Via (uff.)", "Città (uff.)", "CAP (uff.)",
             "Paese (uff.)", "Telefono ufficio", "Cellulare", "Indirizzo posta elettronica"],
            ["first_name", "last_name", "account_name", "street", "city", "postal_code",
             "country", "phone", "mobile", "email"], id="outlook-italian"),
        pytest.param(
            ["First", "Last", "Email", "Home", "Mobile", "Company", "Work Address", "Work City",
             "Work ZIP", "Work Country", "Comments"],
            ["first_name", "last_name", "email", "mobile", "account_name", "street", "city",
             "postal_code", "country", "notes"], id="yahoo"),
        pytest.param(
            ["Jméno", "Příjmení", "Společnost", "Pozice", "Ulice (práce)", "Město (práce)",
             "PSČ (práce)", "Země (práce)", "Telefon do práce", "Mobilní telefon",
             "E-mailová adresa", "Poznámky"],
            ["first_name", "last_name", "account_name", "job_title", "street", "city",
             "postal_code", "country", "phone", "mobile", "email", "notes"], id="czech"),
        pytest.param(
            ["Vezetéknév", "Utónév", "Cég", "Beosztás", "Munkahelyi telefon", "Mobiltelefon",
             "E-mail cím", "Megjegyzések"],
            ["last_name", "first_name", "account_name", "job_title", "phone", "mobile", "email",
             "notes"], id="hungarian"),
        pytest.param(
            ["Фамилия", "Имя", "Организация", "Должность", "Телефон", "Мобильный телефон",
             "Эл. почта", "Адрес", "Город", "Индекс", "Страна", "Примечание"],
            ["last_name", "first_name", "account_name", "job_title", "phone", "mobile", "email",
             "street", "city", "postal_code", "country", "notes"], id="russian"),
        pytest.param(
            ["名", "姓", "表示名", "電子メールアドレス", "勤務先電話番号", "携帯電話番号", "勤務先",
             "メモ"],
            ["first_name", "last_name", "full_name", "email", "phone", "mobile", "account_name",
             "notes"], id="thunderbird-japanese"),
        pytest.param(
            ["姓名", "公司", "职位", "电话", "手机", "邮箱", "地址", "城市", "备注"],
            ["full_name", "account_name", "job_title", "phone", "mobile", "email", "street",
             "city", "notes"], id="chinese"),
        pytest.param(
            ["Vorname", "Nachname", "E-Mail 1", "E-Mail 2", "Telefon (Mobil)", "Telefon"],
            ["first_name", "last_name", "email", "mobile", "phone"], id="numbered-german"),
    ],
)  # fmt: skip
def test_headers_of_crms_and_other_languages_are_mapped(headers, expected):
    data = csv(",".join(f'"{header}"' for header in headers))
    data += csv(",".join(f"v{index}" for index in range(len(headers))))
    table = read_table(data, "crm.csv")
    assert list(guess_mapping(table.headers).values()) == expected


@pytestmark_db
def test_a_thunderbird_file_plans_its_people_and_its_company_entry(workspace):
    data = csv(
        THUNDERBIRD,
        "Eva,Huber,Eva Huber,,eva@huber.example,,,+49 89 1234567,,,,+49 171 2345678,,,,,,,"
        "Hauptstraße 5,,Augsburg,,86150,Germany,,,Huber AG,,,,,,,,,,,",
        "Karl,Gruber,Karl Gruber,,,karl@privat.example,,,+43 1 5234567,,,,Ringstraße 1,,Wien,,"
        "1010,Österreich,,,,,,,,,,,,,,,,,,,,",
        ",,Acme GmbH,,info@acme.example,,,+49 30 1234567,,,,,,,,,,,,,,,,,,,Acme GmbH,,,,,,,,,,,",
    )
    plan = import_plan(workspace=workspace, data=data, filename="thunderbird.csv")
    people = [(row.contact_fields.get("last_name"), row.contact_fields.get("country"))
              for row in plan.rows]  # fmt: skip
    assert people == [("Huber", "DE"), ("Gruber", "AT"), (None, None)]
    assert plan.rows[2].account_key == "acme gmbh"


@pytestmark_db
def test_a_google_file_plans_mobiles_as_mobiles(workspace):
    data = csv(
        "First Name,Last Name,Organization Name,Phone 1 - Label,Phone 1 - Value,"
        "Phone 2 - Label,Phone 2 - Value,Address 1 - Label,Address 1 - Country",
        "Lea,Gruber,Gruber AG,Mobile,+41 79 123 45 67,Work,+41 44 668 18 00,Work,Schweiz",
    )
    plan = import_plan(workspace=workspace, data=data, filename="contacts.csv")
    fields = plan.rows[0].contact_fields
    assert (fields["mobile"], fields["phone"], fields["country"]) == (
        "+41791234567", "+41446681800", "CH")  # fmt: skip
