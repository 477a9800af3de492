"""Text into tokens the same way for training and reading.

Both spellings of a German word meet in one form: lower case, umlauts and ß written out
(ä → ae, ß → ss), so "Verspätung", "VERSPAETUNG" and "verspaetung" are one token. Links,
@handles and numbers become placeholders, hashtags lose their '#', emoticons become the words
`emopos` / `emoneg` and emoji stay single tokens the lexicon knows.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 2000  # long posts are cut: the opening says what they mean, and reading stays fast

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<!\w)@\w+")
HASHTAG = re.compile(r"(?<!\w)#(\w+)")
POSITIVE_EMOTICON = re.compile(r"(?<![\w/])(?:[:;=]-?[)\]dDpP]+|<3+|\^\^|xD+)(?!\w)")
NEGATIVE_EMOTICON = re.compile(r"(?<![\w/])(?:>?[:;=]'?-?[(\[/\\|]+|:-?/)(?!\w)")
NOT_CONTRACTION = re.compile(r"n['’]t\b")
FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'"})
EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764"
TOKEN = re.compile(rf"[^\W\d_]+|\d+(?:[.,]\d+)?|[!?]+|[.,;:]|[{EMOJI}]")
PUNCTUATION = frozenset(".,;:")


def fold(text: str) -> str:
    """Lower case with umlauts and ß written out, the form every lookup uses."""
    return unicodedata.normalize("NFC", text).lower().translate(FOLD)


def tokens(text: str) -> list[str]:
    """The tokens of a text: words, numbers as `xnum`, `xurl`, `xuser`, emoji, ! ? and stops."""
    text = text[:MAX_CHARS].replace("\ufe0f", "")
    text = URL.sub(" xurl ", text)
    text = HANDLE.sub(" xuser ", text)
    text = HASHTAG.sub(r" \1 ", text)
    text = POSITIVE_EMOTICON.sub(" emopos ", text)
    text = NEGATIVE_EMOTICON.sub(" emoneg ", text)
    text = NOT_CONTRACTION.sub(" not", fold(text))
    return ["xnum" if token[0].isdigit() else token for token in TOKEN.findall(text)]


def shouted_words(text: str) -> int:
    """Words of three or more letters in capitals: shouting sharpens what is said."""
    return sum(1 for word in re.findall(r"\b[^\W\d_]{3,}\b", text[:MAX_CHARS]) if word.isupper())
