"""Text into tokens the same way for training and reading.

Both spellings of a German word meet in one form: lower case, umlauts and ß written out
(ä → ae, ß → ss), so "Verspätung", "VERSPAETUNG" and "verspaetung" are one token. Links,
@handles and numbers become placeholders, hashtags lose their '#', emoticons become the words
`emopos` / `emoneg` and emoji stay single tokens the lexicon knows.
"""

from __future__ import annotations

import re
import unicodedata

# Long posts are read as their opening and their ending: the opening says what a post is about,
# the ending often gives the verdict ("… nie wieder."), and the middle costs time without
# changing much. 600 + 200 characters cover nine in ten social-media posts whole.
HEAD_CHARS = 600
TAIL_CHARS = 200

URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
HANDLE = re.compile(r"(?<!\w)@\w+")
HASHTAG = re.compile(r"(?<!\w)#(\w+)")
POSITIVE_EMOTICON = re.compile(r"(?<![\w/])(?:[:;=]-?[)\]dDpP]+|<3+|\^\^|xD+)(?!\w)")
NEGATIVE_EMOTICON = re.compile(r"(?<![\w/])(?:>?[:;=]'?-?[(\[/\\|]+|:-?/)(?!\w)")
NOT_CONTRACTION = re.compile(r"n['’]t\b")
FOLD = (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("’", "'"))
EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2764"
TOKEN = re.compile(rf"[^\W\d_]+|\d+(?:[.,]\d+)?|[!?]+|[.,;:]|[{EMOJI}]")
PUNCTUATION = frozenset(".,;:")


def clipped(text: str) -> str:
    """The part of a text the analyser reads: all of it, or its opening and its ending."""
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    head, tail = text[:HEAD_CHARS], text[-TAIL_CHARS:]
    # cut at spaces so no half word becomes a token of its own
    head = head[: head.rfind(" ")] if " " in head else head
    tail = tail[tail.find(" ") + 1 :] if " " in tail else tail
    return f"{head} . {tail}"


def fold(text: str) -> str:
    """Lower case with umlauts and ß written out, the form every lookup uses."""
    text = unicodedata.normalize("NFC", text).lower()
    for letter, written_out in FOLD:  # str.replace is far faster than str.translate here
        if letter in text:
            text = text.replace(letter, written_out)
    return text


def tokens(text: str) -> list[str]:
    """The tokens of a text: words, numbers as `xnum`, `xurl`, `xuser`, emoji, ! ? and stops."""
    text = text.replace("\ufe0f", "")
    text = URL.sub(" xurl ", text)
    text = HANDLE.sub(" xuser ", text)
    text = HASHTAG.sub(r" \1 ", text)
    text = POSITIVE_EMOTICON.sub(" emopos ", text)
    text = NEGATIVE_EMOTICON.sub(" emoneg ", text)
    text = NOT_CONTRACTION.sub(" not", fold(text))
    return ["xnum" if token[0].isdigit() else token for token in TOKEN.findall(text)]


def shouted_words(text: str) -> int:
    """Words of three or more letters in capitals: shouting sharpens what is said."""
    return sum(1 for word in re.findall(r"\b[^\W\d_]{3,}\b", text) if word.isupper())
