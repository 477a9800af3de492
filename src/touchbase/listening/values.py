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
from collections.abc import Iterable

from django.utils.translation import gettext as _

STAR_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "eins": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "fuenf": 5,
}  # fmt: skip
STAR_UNIT = r"(?:sternen?|stars?|sonnen|points|punkte)?(?:\s*rating)?"
SCALED = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:/|von|of|out of|aus)\s*(\d+)\s*" + STAR_UNIT + "$")
NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(?:★|\*|" + STAR_UNIT + ")$")
# HolidayCheck rates with six suns; the others with 5, 10 or 100 points.
SCALES = {5, 6, 10, 100}
PERCENT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
FILLED_STARS = "★⭐"
EMPTY_STARS = "☆"


def parse_stars(value: str, *, scale: int = 5) -> float | None:
    """Stars 1–5 from the spellings platforms use; None when the cell is empty.

    `scale` is what a plain number is out of in this file (10 for Booking.com's "8,8").
    """
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
        if scale not in SCALES:
            raise ValueError(_("“%(value)s” is not a rating on a scale of 5, 10 or 100.") % {
                "value": value})  # fmt: skip
        return _in_range(number * 5 / scale, value)
    if match := PERCENT.match(text):
        return _in_range(_number(match[1]) / 20, value)
    if match := NUMBER.match(text):
        return _in_range(_number(match[1]) * 5 / scale, value)
    raise ValueError(_("“%(value)s” is no star rating (1 to 5).") % {"value": value[:40]})


def stars_scale(values: Iterable[str]) -> int:
    """10 when a column's plain numbers go up to 10 (Booking.com's "8,8"), else 5.

    One stray "9" among fives and fours is a wrong line, not a scale: a quarter of the
    numbers, or at least two, must be above 5, and none above 10.
    """
    numbers = []
    for value in values:
        match = NUMBER.match(value.strip().casefold())
        if match:
            numbers.append(_number(match[1]))
    above = sum(1 for number in numbers if number > 5)
    if not above or max(numbers) > 10:
        return 5
    return 10 if above >= 2 or above * 4 >= len(numbers) else 5


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
# Meltwater's "05-Mar-2024 02:30PM", eBay's "Mar-05-24".
DAY_MONTH_HYPHENED = re.compile(
    r"^(\d{1,2})-([a-zäöü]{3,9})\.?-(\d{2}|\d{4})"
    r"(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$"
)
MONTH_DAY_HYPHENED = re.compile(
    r"^([a-zäöü]{3,9})\.?-(\d{1,2})-(\d{2}|\d{4})"
    r"(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?)?$"
)
# Google shows an edited review's age as "Bearbeitet: vor 2 Wochen" / "Edited 2 weeks ago".
EDITED = re.compile(r"^(?:bearbeitet|edited|aktualisiert|updated)\s*:?\s+")
PHRASED = re.compile(r"^\D*?\b(?:on|vom|am|le|el|il)\s+(?=\d|[a-zäöü]+\.?\s+\d)")
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

    def read(self, value: str, *, is_utc: bool = False) -> dt.datetime | None:
        """The moment a cell names; `is_utc` when its column says a time without zone is UTC."""
        text = value.strip()
        if not text:
            return None
        moment = self._parse(text)
        if moment is None:
            raise ValueError(_("“%(value)s” is no date we can read.") % {"value": value[:40]})
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC if is_utc else self.zone)
        if not EARLIEST <= moment <= self.now + dt.timedelta(days=1):
            raise ValueError(_("“%(value)s” is not a plausible date for a review.") % {
                "value": value[:40]})  # fmt: skip
        return moment

    def _parse(self, text: str) -> dt.datetime | None:
        lowered = EDITED.sub("", text.casefold())
        # "Rezension aus Deutschland vom 5. März 2024", "Reviewed in the UK on 2 March 2024".
        lowered = PHRASED.sub("", lowered)
        for parse in (self._epoch, self._iso, self._dotted, self._slashed, self._year_first,
                      self._wordy, self._hyphened, self._relative, self._rfc2822):  # fmt: skip
            try:
                moment = parse(lowered)
            except (ValueError, OverflowError):
                continue
            if moment is not None:
                return moment
        return None

    def _epoch(self, text: str) -> dt.datetime | None:
        # Reddit writes seconds with a fraction: "1709633700.0".
        whole = re.sub(r"\.\d+$", "", text)
        if not whole.isdigit() or len(whole) not in {10, 13}:
            return None
        seconds = float(text) / (1000 if len(whole) == 13 else 1)
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

    def _hyphened(self, text: str) -> dt.datetime | None:
        if match := DAY_MONTH_HYPHENED.match(text):
            day, month_name = int(match[1]), match[2]
        elif match := MONTH_DAY_HYPHENED.match(text):
            day, month_name = int(match[2]), match[1]
        else:
            return None
        month = MONTHS.get(month_name)
        if month is None:
            return None
        hour = _hour(match[4], match[7])
        return _moment(_year(match[3]), month, day, hour, match[5], match[6])

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


def slashed_order(values: Iterable[str]) -> bool | None:
    """Whether a file's slashed dates put the day first: True, False, or None if none tells.

    A first part over 12 ("25/03/2024") says day first, a second part over 12 month first;
    a file that says both is left undecided.
    """
    day_first = month_first = False
    for value in values:
        match = SLASHED.match(value.strip().casefold())
        if match:
            day_first = day_first or int(match[1]) > 12
            month_first = month_first or int(match[2]) > 12
    if day_first == month_first:
        return None
    return day_first


def looks_like_date(value: str) -> bool:
    """Whether a cell reads as a date (a column's name alone may not say it holds dates)."""
    try:
        return DateReader(dt.UTC, dt.datetime.now(tz=dt.UTC)).read(value) is not None
    except ValueError:
        return False
