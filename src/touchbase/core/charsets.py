"""Which encoding a file was written in, judged by how plausible each decoding reads.

Exporters write what their platform uses: UTF-8 (with or without BOM), UTF-16 (Outlook and
Excel "Unicode text", often without a BOM), Windows-1252 and ISO-8859-1/15 in the west,
ISO-8859-2 in Poland, Czechia and Hungary, Shift-JIS on Japanese Windows, GB18030 and Big5 in
China and Taiwan, KOI8-R and Windows-1251 for Cyrillic, Mac Roman from old Macs. Single-byte
encodings accept any bytes, so "the first that decodes" is no test: Windows-1252 turns
Shift-JIS into "ŽR“c". Instead every candidate decodes a sample and the most plausible text
wins (ties go to the earlier, more common candidate).

Steps of `detect`:
1. A byte order mark names the encoding (UTF-32 before UTF-16: its BOM starts the same).
2. UTF-16 without BOM shows as NUL bytes in every other position.
3. Valid UTF-8 is UTF-8: other encodings of non-ASCII text are hardly ever valid UTF-8. A
   UTF-8 file with a few stray bytes is UTF-8 too, the stray bytes read as Windows-1252.
4. Otherwise the lines holding bytes above 127 (at most `SAMPLE_BYTES` of them, so a 10 MB
   file costs no more than a small one) are decoded by each candidate and scored: letters of
   one script and one language per word count for it; control characters, rare symbols,
   mixed scripts and case changes inside a word count against it.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from dataclasses import dataclass
from typing import BinaryIO, TextIO

SAMPLE_BYTES = 64 * 1024

# (Python codec, name shown to the user), most common first: ties go to the earlier one.
CANDIDATES = (
    ("cp1252", "Windows-1252"),
    ("iso8859_15", "ISO-8859-15"),
    ("iso8859_1", "ISO-8859-1"),
    ("iso8859_2", "ISO-8859-2"),
    ("cp1250", "Windows-1250"),
    ("shift_jis", "Shift_JIS"),
    ("cp932", "Windows-31J"),
    ("euc_jp", "EUC-JP"),
    ("gb18030", "GB18030"),
    ("big5", "Big5"),
    ("cp1251", "Windows-1251"),
    ("koi8_r", "KOI8-R"),
    ("mac_roman", "Mac Roman"),
)
NAMES = dict(CANDIDATES)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)

# Non-ASCII letters of the languages customer files are written in, one set per language:
# a word whose accented letters fit no single language ("Dvoøák") is a wrong decoding.
LANGUAGE_LETTERS = [
    set(letters + letters.upper())
    for letters in (
        "äöüß",  # German
        "àâæçéèêëîïôœùûüÿ",  # French
        "àèéìíîòóùú",  # Italian
        "áéíñóúü",  # Spanish
        "ãõáâàçéêíóôú",  # Portuguese
        "åäöæøé",  # Danish, Norwegian, Swedish
        "áðéíóúýþæö",  # Icelandic
        "áéëïóöúüèê",  # Dutch, Afrikaans
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "čćđšž",  # Croatian, Slovenian, Bosnian
        "ăâîșțşţ",  # Romanian
        "çğıöşüâî",  # Turkish
        "äöüõšž",  # Estonian
        "āčēģīķļņšūž",  # Latvian
        "ąčęėįšųūž",  # Lithuanian
    )
]
# Letters that are words on their own ("à la carte", Italian "è", Norwegian "å", Hungarian
# "ő", Russian "в"). Any other letter standing alone between spaces is more likely a sign
# read in the wrong code page: Mac Roman's "ñ" for Windows-1252's " – ".
LONE_LETTER_WORDS = set("àèéóòåøőáíôÀÈÉÅØвсиаоуякВСИАОУЯК")
LONE_LETTER_SCRIPTS = ("latin-extra", "cyrillic", "greek")
# Letters rare in the west that a wrong western reading of Hungarian or Czech produces.
RARE_LETTERS = set("õÕûÛðÐþÞýÝÿ")
# Punctuation and signs real files hold; any other symbol counts against a decoding.
COMMON_SIGNS = set("€£§°«»„“”‘’‚–—…•·×\u00a0\u00ad´`²½¼¾®©™¿¡")
# Words with a non-ASCII letter or digit, and the non-ASCII characters outside words.
NON_ASCII_WORD = re.compile(r"\w*[^\W\x00-\x7f]\w*")
NON_ASCII_SIGN = re.compile(r"[^\w\x00-\x7f]")


@dataclass(frozen=True)
class Decoded:
    """The text of a file and the encoding it was read in, as the user knows its name."""

    text: str
    encoding: str
    codec: str


def detect(data: bytes, *, strict: bool = True) -> Decoded:
    """The most plausible decoding; `strict=False` allows a sample cut inside a character."""
    # A byte order mark or the NULs of UTF-16 decide; a file cut inside a character loses it.
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return Decoded(_decode_whole_units(data[len(bom) :], codec), name, codec)
    utf16 = _utf16_without_bom(data)
    if utf16:
        name = {"utf-16-le": "UTF-16LE", "utf-16-be": "UTF-16BE"}[utf16]
        return Decoded(_decode_whole_units(data, utf16), name, utf16)
    if _is_utf8(data, strict=strict):
        return Decoded(_decode(data, "utf-8", strict=strict), "UTF-8", "utf-8")
    sample = _sample(data)
    if _is_mostly_utf8(sample):
        return Decoded(data.decode("utf-8", errors=WINDOWS_1252_FALLBACK), "UTF-8", "utf-8")
    ranked = sorted(
        ((-_plausibility(text, codec), order, codec) for order, (codec, text) in
         enumerate(_decodings(sample))),
    )  # fmt: skip
    for _score, _order, codec in ranked:
        try:
            return Decoded(_decode(data, codec, strict=strict), NAMES[codec], codec)
        except UnicodeDecodeError:
            continue
    return Decoded(data.decode("cp1252", errors="replace"), "Windows-1252", "cp1252")


def is_wide_unicode(data: bytes) -> bool:
    """UTF-16 or UTF-32, with or without BOM: text whose NUL bytes are no sign of a binary."""
    starts_with_bom = any(data.startswith(bom) for bom, codec, _name in BOMS if codec != "utf-8")
    return starts_with_bom or bool(_utf16_without_bom(data))


def decode_bytes(data: bytes, charset: str = "") -> str:
    """Bytes of one vCard value: in the charset it names if Python knows it, else judged."""
    if charset:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return detect(data).text


UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]{1,3}")
WINDOWS_1252_FALLBACK = "touchbase-windows-1252-fallback"


def _windows_1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """A byte that is no UTF-8 in a UTF-8 file: a Windows program wrote it, read it so."""
    assert isinstance(error, UnicodeDecodeError)
    return error.object[error.start : error.end].decode("cp1252", "replace"), error.end


codecs.register_error(WINDOWS_1252_FALLBACK, _windows_1252_fallback)


def _is_mostly_utf8(sample: bytes) -> bool:
    """UTF-8 with a few stray bytes (a line added by a Windows program) is still UTF-8.

    Windows-1252 text hardly has a byte pair that is valid UTF-8, and Chinese or Japanese
    text has many bytes that are not: at most one high byte in ten may stray, or one for
    every four valid ones (a small file with one Windows line has a larger share of strays).
    """
    sequences = UTF8_SEQUENCE.findall(sample)
    high = sum(1 for byte in sample if byte > 127)
    valid = sum(len(sequence) for sequence in sequences)
    stray = high - valid
    return len(sequences) >= 3 and stray <= max(2, high // 10, valid // 4)


def _decode_whole_units(data: bytes, codec: str) -> str:
    """UTF-16 and UTF-32 without a trailing partial code unit; stray surrogates replaced."""
    unit = 4 if "32" in codec else 2 if "16" in codec else 1
    return data[: len(data) - len(data) % unit].decode(codec, errors="replace")


def _decode(data: bytes, codec: str, *, strict: bool) -> str:
    return data.decode(codec, errors="strict" if strict else "replace")


def _utf16_without_bom(data: bytes) -> str:
    """ "utf-16-le" when NULs fill the odd bytes (ASCII text in UTF-16 LE), "utf-16-be" even."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 2:
        return ""
    even = sample[0 : pairs * 2 : 2].count(0)
    odd = sample[1 : pairs * 2 : 2].count(0)
    # ASCII letters, digits, delimiters and line breaks give a NUL at one side of their pair,
    # even in Japanese text; binary data has NULs on both sides alike.
    if odd >= pairs * 0.1 and even * 10 <= odd:
        return "utf-16-le"
    if even >= pairs * 0.1 and odd * 10 <= even:
        return "utf-16-be"
    return ""


def _is_utf8(data: bytes, *, strict: bool) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A sample may end inside a character: only the last three bytes may be cut.
        return not strict and error.start >= len(data) - 3 and error.reason.startswith(
            "unexpected end")  # fmt: skip
    return True


HIGH_LINES = re.compile(rb"[^\r\n]*[\x80-\xff][^\r\n]*")
# No byte below "@" is the second byte of a Shift-JIS, GBK or Big5 character: safe to cut at.
CUT_BEFORE = re.compile(rb"[\x00-\x3f][^\x00-\x3f]*$")


def _sample(data: bytes) -> bytes:
    """The lines with bytes above 127, the only ones that tell encodings apart, up to a limit."""
    parts: list[bytes] = []
    size = 0
    for match in HIGH_LINES.finditer(data):
        line = match.group()
        if len(line) > 4096:
            line = line[:4096]
            cut = CUT_BEFORE.search(line)
            line = line[: cut.start() + 1] if cut else b""
        parts.append(line)
        size += len(line) + 1
        if size >= SAMPLE_BYTES:
            break
    return b"\n".join(parts)


def _decodings(sample: bytes) -> list[tuple[str, str]]:
    """(codec, text) of each candidate that decodes the sample; a cut last character is fine."""
    results = []
    for codec, _name in CANDIDATES:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError as error:
            if error.start < len(sample) - 3:
                continue
            text = sample[: error.start].decode(codec, errors="replace")
        results.append((codec, text))
    return results


def _plausibility(text: str, codec: str) -> float:
    """The mean score of the non-ASCII characters: 1 for a letter in a plausible word."""
    total, count = 0.0, 0
    for match in NON_ASCII_WORD.finditer(text):
        start, end = match.span()
        spaced = end - start == 1 and text[start - 1 : start] == " " and text[end : end + 1] == " "
        scores = _word_scores(match.group(), codec, spaced=spaced)
        total += sum(scores)
        count += len(scores)
    for match in NON_ASCII_SIGN.finditer(text):
        total += _sign_score(match.group())
        count += 1
    return total / count if count else 0.0


def _sign_score(char: str) -> float:
    category = unicodedata.category(char)
    if category == "Cc" or char == "\ufffd":
        return -3.0
    if char in COMMON_SIGNS or category in ("Zs", "Pd", "Pi", "Pf") or _is_cjk_sign(char):
        return 0.5
    return -1.0


def _is_cjk_sign(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff01" <= char <= "\uff5e"


def _word_scores(word: str, codec: str, *, spaced: bool = False) -> list[float]:
    """A score for each non-ASCII character of one word; `spaced`: a one-letter word between
    spaces."""
    groups = {_script_group(char) for char in word if char.isalpha()}
    # Latin beside kanji and kana happens ("Tシャツ"); beside Cyrillic or Greek it does not.
    mixed = len(groups) > 1 and groups != {"latin", "cjk"}
    plausible_latin = _fits_one_language(word)
    if spaced and _script(word) in LONE_LETTER_SCRIPTS and word not in LONE_LETTER_WORDS:
        return [-0.5]
    scores = []
    previous = ""
    for char in word:
        if char.isascii():
            previous = char
            continue
        if not char.isalpha():
            # Digits and marks of other scripts (superscripts, fractions) inside a word.
            scores.append(-1.0)
        elif mixed:
            scores.append(-1.0)
        elif previous.islower() and char.isupper():
            # "MŸller", "пЕТРОВ": a capital inside a word is a wrong code page.
            scores.append(-1.0)
        elif _script(char) == "latin-extra":
            weight = 0.5 if char in RARE_LETTERS else 1.0
            scores.append(weight if plausible_latin else -1.0)
        else:
            scores.append(_cjk_score(char, codec))
        previous = char
    return scores


def _script(char: str) -> str:
    """ "latin" for ASCII letters, "latin-extra" for accented ones, else the script's name."""
    if char.isascii():
        return "latin"
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin-extra"
    if name.startswith(("HIRAGANA", "KATAKANA")) or char == "\u30fc":
        return "kana"
    if name.startswith("HALFWIDTH KATAKANA"):
        return "halfwidth-kana"
    if name.startswith("CJK"):
        return "cjk"
    return name.split(" ", 1)[0].lower()


def _script_group(char: str) -> str:
    """Scripts that mix within one word belong to one group: Japanese writes kanji and kana."""
    script = _script(char)
    if script in ("kana", "halfwidth-kana"):
        return "cjk"
    return "latin" if script == "latin-extra" else script


def _fits_one_language(word: str) -> bool:
    letters = {char for char in word if not char.isascii()}
    return any(letters <= language for language in LANGUAGE_LETTERS)


def _cjk_score(char: str, codec: str) -> float:
    """1 for a common character of the candidate's language, less for rare or foreign ones."""
    script = _script(char)
    if script == "halfwidth-kana":
        return 0.0
    if script == "kana":
        return 1.0 if codec in ("shift_jis", "cp932", "euc_jp") else 0.0
    if script != "cjk":
        # Cyrillic, Greek and other scripts: the case test above already judged them.
        return 1.0
    level = _cjk_level(char, codec)
    return {1: 1.0, 2: 0.5}.get(level, -1.0)


def _cjk_level(char: str, codec: str) -> int:
    """1 for the common level of the candidate's national standard, 2 for the rarer, else 0."""
    try:
        if codec in ("shift_jis", "cp932", "euc_jp"):
            code = int.from_bytes(char.encode("cp932"))
            # Beyond the two JIS levels: NEC and IBM kanji of Japanese Windows, still Japanese.
            return 1 if 0x889F <= code <= 0x9872 else 2
        if codec == "gb18030":
            code = int.from_bytes(char.encode("gb2312"))
            return 1 if 0xB0A1 <= code <= 0xD7F9 else 2 if 0xD8A1 <= code <= 0xF7FE else 0
        if codec == "big5":
            code = int.from_bytes(char.encode("big5"))
            return 1 if 0xA440 <= code <= 0xC67E else 2 if 0xC940 <= code <= 0xF9D5 else 0
    except UnicodeEncodeError:
        return 0
    return 0


def text_stream(raw: BinaryIO) -> tuple[TextIO, str]:
    """A seekable byte stream as text in its most plausible encoding, read lazily.

    The encoding is judged on the first SAMPLE_BYTES; a big file is then decoded as it is
    read, so its size never sits in memory. Stray bytes of a UTF-8 file read as Windows-1252,
    bytes an 8-bit encoding cannot map become U+FFFD: a line is never lost to one bad byte.
    """
    head = raw.read(SAMPLE_BYTES)
    bom = next((len(mark) for mark, _codec, _name in BOMS if head.startswith(mark)), 0)
    decoded = detect(head, strict=False)
    errors = WINDOWS_1252_FALLBACK if decoded.codec == "utf-8" else "replace"
    raw.seek(bom)
    text = io.TextIOWrapper(raw, encoding=decoded.codec, errors=errors, newline="")
    return text, decoded.encoding
