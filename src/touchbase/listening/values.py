"""Stars and dates as review exports write them, read into numbers and moments.

Platforms disagree on everything: Google writes "FIVE", shops "4,5", Trustpilot "4", some
"★★★★☆" or "8/10"; dates come as ISO 8601, "05.03.2024 14:22", "3/5/2024 2:22 PM", Unix
milliseconds, "Tue, 05 Mar 2024 14:22:00 GMT" or "vor 2 Wochen". Each reader raises
ValueError with a message a user can act on.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import zoneinfo

from django.utils.translation import gettext as _

STAR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5,
}  # fmt: skip
SCALED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:/|von|of|out of|aus)\s*(\d+)\s*(?:sterne|stars?)?$")
NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:sterne|stars?|★|\*)?$")
PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
FILLED_STARS = "★⭐"
EMPTY_STARS = "☆"


def parse_stars(value: str) -> float | None:
    """Stars 1–5 from the spellings platforms use; None when the cell is empty."""
    text = value.strip().casefold()
    if not text:
        return None
    if text in STAR_WORDS:
        return float(STAR_WORDS[text])
    if text.startswith("star_rating_"):  # Google's enum in some exports
        text = text.removeprefix("star_rating_")
        if text in STAR_WORDS:
            return float(STAR_WORDS[text])
    if text and all(char in FILLED_STARS + EMPTY_STARS + " \ufe0f" for char in text):
        return _in_range(float(sum(char in FILLED_STARS for char in text)), value)
    if match := SCALED.match(text):
        number, scale = _number(match[1]), int(match[2])
        if scale not in {5, 10, 100}:
            raise ValueError(_("“%(value)s” is not a rating on a scale of 5, 10 or 100.") % {
                "value": value})  # fmt: skip
        return _in_range(number * 5 / scale, value)
    if match := PERCENT.match(text):
        return _in_range(_number(match[1]) / 20, value)
    if match := NUMBER.match(text):
        return _in_range(_number(match[1]), value)
    raise ValueError(_("“%(value)s” is no star rating (1 to 5).") % {"value": value[:40]})


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _in_range(stars: float, value: str) -> float:
    if not 1 <= stars <= 5:
        raise ValueError(_("“%(value)s” is outside 1 to 5 stars.") % {"value": value[:40]})
    return round(stars, 1)


MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "januar", "jänner", "jän"),
            ("february", "feb", "februar"),
            ("march", "mar", "märz", "maerz", "mär", "mrz"),
            ("april", "apr"),
            ("may", "mai"),
            ("june", "jun", "juni"),
            ("july", "jul", "juli"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct", "oktober", "okt"),
            ("november", "nov"),
            ("december", "dec", "dezember", "dez"),
        ),
        start=1,
    )
    for name in names
}
DOTTED = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
SLASHED = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$"
)
YEAR_FIRST = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
WORDY = re.compile(
    r"^(?:[a-zäöü]+,?\s+)?(?:(\d{1,2})\.?\s+([a-zäöü]+)\.?|([a-zäöü]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?)"
    r"\s+(\d{4})(?:[ ,]+(?:um\s+|at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$"
)
RELATIVE = re.compile(
    r"^(?:vor\s+)?(ein(?:em|er)?|an?|\d+)\s+(minute|minuten|minutes|stunde|stunden|hours?|"
    r"tag|tagen|days?|woche|wochen|weeks?|monat|monaten|months?|jahr|jahren|years?)(?:\s+ago)?$"
)
UNIT_DAYS = {"tag": 1, "day": 1, "woche": 7, "week": 7, "monat": 30, "month": 30, "jahr": 365,
             "year": 365}  # fmt: skip
EARLIEST = dt.datetime(1995, 1, 1, tzinfo=dt.UTC)


class DateReader:
    """Reads one file's dates; learns from the file whether 03/05 means March or May.

    A slashed date whose first part is over 12 settles it as day first, one whose second
    part is over 12 as month first; until then slashes read month first, as US exports do.
    """

    def __init__(self, zone: dt.tzinfo | str, now: dt.datetime) -> None:
        self.zone = zone if isinstance(zone, dt.tzinfo) else zoneinfo.ZoneInfo(zone)
        self.now = now
        self.day_first: bool | None = None

    def read(self, value: str) -> dt.datetime | None:
        text = value.strip()
        if not text:
            return None
        moment = self._parse(text)
        if moment is None:
            raise ValueError(_("“%(value)s” is no date we can read.") % {"value": value[:40]})
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.zone)
        if not EARLIEST <= moment <= self.now + dt.timedelta(days=1):
            raise ValueError(_("“%(value)s” is not a plausible date for a review.") % {
                "value": value[:40]})  # fmt: skip
        return moment

    def _parse(self, text: str) -> dt.datetime | None:
        lowered = text.casefold()
        for parse in (self._epoch, self._iso, self._dotted, self._slashed, self._year_first,
                      self._wordy, self._relative, self._rfc2822):  # fmt: skip
            try:
                moment = parse(lowered)
            except (ValueError, OverflowError):
                continue
            if moment is not None:
                return moment
        return None

    def _epoch(self, text: str) -> dt.datetime | None:
        if not text.isdigit() or len(text) not in {10, 13}:
            return None
        seconds = int(text) / (1000 if len(text) == 13 else 1)
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)

    def _iso(self, text: str) -> dt.datetime | None:
        cleaned = re.sub(r"\s*(utc|gmt|z)$", "+00:00", text).replace(" ", "T", 1)
        cleaned = re.sub(r"\s+", "", cleaned)
        if not re.match(r"^\d{4}-\d{2}-\d{2}", cleaned):
            return None
        return dt.datetime.fromisoformat(cleaned.upper())

    def _dotted(self, text: str) -> dt.datetime | None:
        match = DOTTED.match(text)
        if not match:
            return None
        day, month, year = int(match[1]), int(match[2]), _year(match[3])
        return _moment(year, month, day, match[4], match[5], match[6])

    def _slashed(self, text: str) -> dt.datetime | None:
        match = SLASHED.match(text)
        if not match:
            return None
        first, second, year = int(match[1]), int(match[2]), _year(match[3])
        if self.day_first is None and first > 12:
            self.day_first = True
        elif self.day_first is None and second > 12:
            self.day_first = False
        day, month = (first, second) if self.day_first else (second, first)
        hour = _hour(match[4], match[7])
        return _moment(year, month, day, hour, match[5], match[6])

    def _year_first(self, text: str) -> dt.datetime | None:
        match = YEAR_FIRST.match(text)
        if not match:
            return None
        return _moment(int(match[1]), int(match[2]), int(match[3]), match[4], match[5], match[6])

    def _wordy(self, text: str) -> dt.datetime | None:
        match = WORDY.match(text)
        if not match:
            return None
        day = int(match[1] or match[4])
        month = MONTHS.get((match[2] or match[3]).rstrip("."))
        if month is None:
            return None
        hour = _hour(match[6], match[9])
        return _moment(int(match[5]), month, day, hour, match[7], match[8])

    def _relative(self, text: str) -> dt.datetime | None:
        match = RELATIVE.match(text.removesuffix("."))
        if not match:
            return None
        count = 1 if not match[1].isdigit() else int(match[1])
        unit = match[2]
        if unit.startswith(("minute", "stunde", "hour")):
            minutes = 1 if unit.startswith("minute") else 60
            return self.now - dt.timedelta(minutes=count * minutes)
        days = next(value for prefix, value in UNIT_DAYS.items() if unit.startswith(prefix))
        return self.now - dt.timedelta(days=count * days)

    def _rfc2822(self, text: str) -> dt.datetime | None:
        return email.utils.parsedate_to_datetime(text)


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _hour(hour: str | None, half: str | None) -> str | None:
    if hour is None or not half:
        return hour
    number = int(hour) % 12
    return str(number + 12 if half.startswith("p") else number)


def _moment(
    year: int, month: int, day: int, hour: str | None, minute: str | None, second: str | None
) -> dt.datetime:
    # Naive on purpose: read() puts it in the workspace's zone, as the exporting tool meant it.
    return dt.datetime(  # noqa: DTZ001
        year, month, day, int(hour or 0), int(minute or 0), int(second or 0)
    )
