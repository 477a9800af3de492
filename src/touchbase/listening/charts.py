"""Charts drawn on the server as inline SVG: shapes computed here, drawn by partials/_chart.html.

No script, no chart library: a chart is a list of SVG elements with their attributes. Every
chart carries a title and a description for screen readers, and each page shows the same
figures in a table beside it. Coordinates are written with a dot as decimal mark whatever the
language, so they are strings by the time a template sees them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.forms.utils import flatatt
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from touchbase.listening.launches import HourFigures
from touchbase.listening.ratings import REMOVAL_BELOW_STARS, RatingFigures, WeekFigures

INK = "#1d2430"
MUTED = "#5b6473"
GRID = "#e3e6ec"
BRAND = "#2f5bd3"
BAD = "#b42318"
NEUTRAL = "#9aa3b2"
GOOD = "#1e7d45"
EARLIER = "#1d2430"


@dataclass
class Shape:
    kind: str  # rect, line, circle, polyline, text
    attrs: SafeString
    text: str = ""


@dataclass
class Chart:
    key: str
    title: str
    description: str
    width: int
    height: int
    shapes: list[Shape] = field(default_factory=list)

    def add(self, kind: str, text: str = "", **attributes: float | str) -> None:
        values = {
            name.rstrip("_").replace("_", "-"): _number(value) for name, value in attributes.items()
        }
        self.shapes.append(Shape(kind=kind, attrs=flatatt(values), text=text))


def _number(value: float | str) -> str:
    if isinstance(value, str):
        return value
    return f"{value:.1f}".removesuffix(".0")


def _nice_top(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … at or above the value (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power)
    return int(10 * power)


# --- star charts ----------------------------------------------------------------------------


@dataclass(frozen=True)
class StarScale:
    """Stars 1–5 along one axis, from `start` to `end` pixels."""

    start: float
    end: float

    def at(self, stars: float) -> float:
        return self.start + (self.end - self.start) * (stars - 1) / 4


def ratings_chart(figures: Sequence[RatingFigures]) -> Chart | None:
    """Each rated product's average (dot) and 95 % interval (line) on 1–5 stars."""
    rated = [item for item in figures if item.average is not None]
    if not rated:
        return None
    row, top, label_width, width = 26, 28, 190, 680
    chart = Chart(
        key="ratings-chart", width=width, height=top + row * len(rated) + 10,
        title=_("Average stars per product"),
        description=_("A dot for each product's average, a line for its 95 % interval; "
                      "the dashed line marks 2 stars, the removal limit."),
    )  # fmt: skip
    scale = StarScale(label_width + 10, width - 20)
    _star_grid(chart, scale, top - 8, chart.height - 6, horizontal=True)
    for index, item in enumerate(rated):
        assert item.average is not None
        assert item.low is not None
        assert item.high is not None
        y = top + row * index + row / 2
        colour = BAD if item.is_below else BRAND
        name = item.product.name if len(item.product.name) <= 26 else item.product.name[:25] + "…"
        chart.add("text", name, x=label_width, y=y + 4, text_anchor="end", font_size=12, fill=INK)
        chart.add("line", x1=scale.at(item.low), x2=scale.at(item.high), y1=y, y2=y,
                  stroke=colour, stroke_width=2)  # fmt: skip
        chart.add("circle", cx=scale.at(item.average), cy=y, r=5, fill=colour)
    return chart


def _star_grid(chart: Chart, scale: StarScale, low: float, high: float, horizontal: bool) -> None:
    """Grid lines and labels at 1 … 5 stars, and the dashed removal limit."""
    for stars in range(1, 6):
        at = scale.at(stars)
        if horizontal:
            chart.add("line", x1=at, x2=at, y1=low, y2=high, stroke=GRID)
            chart.add("text", f"{stars} ★", x=at, y=low - 4, text_anchor="middle", font_size=11,
                      fill=MUTED)  # fmt: skip
        else:
            chart.add("line", x1=low, x2=high, y1=at, y2=at, stroke=GRID)
            chart.add("text", f"{stars} ★", x=low - 6, y=at + 4, text_anchor="end", font_size=11,
                      fill=MUTED)  # fmt: skip
    limit = scale.at(REMOVAL_BELOW_STARS)
    if horizontal:
        chart.add("line", x1=limit, x2=limit, y1=low, y2=high, stroke=BAD, stroke_dasharray="4 3")
    else:
        chart.add("line", x1=low, x2=high, y1=limit, y2=limit, stroke=BAD, stroke_dasharray="4 3")


def trend_chart(weeks: Sequence[WeekFigures]) -> Chart | None:
    """Average stars per week with its interval; weeks without ratings stay empty."""
    if not any(week.count for week in weeks):
        return None
    width, height, left, right, top, bottom = 680, 250, 50, 20, 16, 210
    chart = Chart(
        key="trend-chart", width=width, height=height, title=_("Average stars per week"),
        description=_("A dot for each week's average, a line for its 95 % interval; "
                      "the dashed line marks 2 stars."),
    )  # fmt: skip
    scale = StarScale(bottom, top)
    _star_grid(chart, scale, left, width - right, horizontal=False)
    step = (width - left - right) / len(weeks)
    segment: list[str] = []
    for index, week in enumerate(weeks):
        x = left + step * (index + 0.5)
        chart.add("text", f"W{week.starts_on.isocalendar()[1]:02d}", x=x, y=height - 18,
                  text_anchor="middle", font_size=11, fill=MUTED)  # fmt: skip
        if week.average is None or week.low is None or week.high is None:
            _end_segment(chart, segment)
            segment = []
            continue
        chart.add("line", x1=x, x2=x, y1=scale.at(week.low), y2=scale.at(week.high),
                  stroke=BRAND, stroke_width=2)  # fmt: skip
        chart.add("circle", cx=x, cy=scale.at(week.average), r=4.5,
                  fill=BAD if week.average < REMOVAL_BELOW_STARS else BRAND)  # fmt: skip
        segment.append(f"{_number(x)},{_number(scale.at(week.average))}")
    _end_segment(chart, segment)
    return chart


def _end_segment(chart: Chart, points: list[str]) -> None:
    if len(points) > 1:
        chart.add("polyline", points=" ".join(points), fill="none", stroke=BRAND, stroke_width=1.5)


# --- launch charts --------------------------------------------------------------------------


@dataclass(frozen=True)
class HourFrame:
    """72 hours across, counts 0 … top upwards."""

    left: float
    right: float
    top: float
    bottom: float
    hours: int
    highest: int

    @property
    def slot(self) -> float:
        return (self.right - self.left) / self.hours

    def x(self, hour: float) -> float:
        return self.left + self.slot * hour

    def y(self, count: float) -> float:
        return self.bottom - (self.bottom - self.top) * count / self.highest


def _hour_frame(chart: Chart, hours: Sequence[HourFigures], highest: float) -> HourFrame:
    frame = HourFrame(left=44, right=chart.width - 12, top=30, bottom=chart.height - 30,
                      hours=len(hours), highest=_nice_top(highest))  # fmt: skip
    for count in (0, frame.highest // 2, frame.highest):
        y = frame.y(count)
        chart.add("line", x1=frame.left, x2=frame.right, y1=y, y2=y, stroke=GRID)
        chart.add("text", str(count), x=frame.left - 6, y=y + 4, text_anchor="end", font_size=11,
                  fill=MUTED)  # fmt: skip
    for hour in range(0, frame.hours + 1, 12):
        chart.add("text", _("%(hour)d h") % {"hour": hour}, x=frame.x(hour),
                  y=chart.height - 12, text_anchor="middle", font_size=11, fill=MUTED)  # fmt: skip
    return frame


def _earlier_line(chart: Chart, frame: HourFrame, values: Sequence[float | None]) -> None:
    """The median of earlier launches, dashed, broken where it is unknown."""
    segment: list[str] = []
    for hour, value in enumerate(values):
        if value is None:
            _dashed(chart, segment)
            segment = []
            continue
        segment.append(f"{_number(frame.x(hour + 0.5))},{_number(frame.y(value))}")
    _dashed(chart, segment)


def _dashed(chart: Chart, points: list[str]) -> None:
    if points:
        chart.add("polyline", points=" ".join(points), fill="none", stroke=EARLIER,
                  stroke_width=1.5, stroke_dasharray="5 3")  # fmt: skip


def _legend(chart: Chart, entries: Sequence[tuple[str, str, bool]]) -> None:
    """Colour keys along the top: (label, colour, dashed line instead of a box)."""
    x = 44.0
    for label, colour, is_line in entries:
        if is_line:
            chart.add("line", x1=x, x2=x + 16, y1=12, y2=12, stroke=colour, stroke_width=1.5,
                      stroke_dasharray="5 3")  # fmt: skip
        else:
            chart.add("rect", x=x, y=6, width=12, height=12, fill=colour)
        chart.add("text", label, x=x + 20, y=16, font_size=11, fill=INK)
        x += 28 + 6.5 * len(label)


def volume_chart(hours: Sequence[HourFigures]) -> Chart:
    """Mentions per hour of this launch (bars) and the median of earlier launches (dashed)."""
    chart = Chart(
        key="volume-chart", width=720, height=230, title=_("Mentions per hour since the launch"),
        description=_("Bars: this launch. Dashed line: the median of earlier launches."),
    )  # fmt: skip
    highest = max([h.total for h in hours] + [h.earlier_total or 0 for h in hours])
    frame = _hour_frame(chart, hours, highest)
    for hour in hours:
        if hour.total:
            y = frame.y(hour.total)
            chart.add("rect", x=frame.x(hour.hour) + 1, y=y, width=max(1.0, frame.slot - 2),
                      height=frame.bottom - y, fill=BRAND)  # fmt: skip
    _earlier_line(chart, frame, [hour.earlier_total for hour in hours])
    _legend(chart, [(_("This launch"), BRAND, False), (_("Earlier launches"), EARLIER, True)])
    return chart


def sentiment_chart(hours: Sequence[HourFigures]) -> Chart:
    """Negative, neutral and positive mentions per hour, stacked, and earlier negatives."""
    chart = Chart(
        key="sentiment-chart", width=720, height=230,
        title=_("Sentiment per hour since the launch"),
        description=_("Stacked bars: negative (bottom), neutral and positive mentions of this "
                      "launch. Dashed line: negative mentions at earlier launches (median)."),
    )  # fmt: skip
    highest = max([h.total for h in hours] + [h.earlier_negative or 0 for h in hours])
    frame = _hour_frame(chart, hours, highest)
    for hour in hours:
        base = 0
        for count, colour in ((hour.negative, BAD), (hour.neutral + hour.other, NEUTRAL),
                              (hour.positive, GOOD)):  # fmt: skip
            if count:
                top, bottom = frame.y(base + count), frame.y(base)
                left, width = frame.x(hour.hour) + 1, max(1.0, frame.slot - 2)
                chart.add("rect", x=left, y=top, width=width, height=bottom - top, fill=colour)
                base += count
    _earlier_line(chart, frame, [hour.earlier_negative for hour in hours])
    _legend(chart, [
        (_("negative"), BAD, False), (_("neutral"), NEUTRAL, False), (_("positive"), GOOD, False),
        (_("Earlier launches: negative"), EARLIER, True),
    ])  # fmt: skip
    return chart
