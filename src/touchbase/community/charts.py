"""Monthly bar charts for the community dashboard, drawn as inline SVG.

Listening's chart shapes (Chart, drawn by listening/partials/_chart.html) are reused, not
copied: a chart is a list of SVG elements, with a title and a description for screen readers;
the dashboard shows the same figures in a table beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import date_format

from touchbase.listening.charts import BRAND, GRID, INK, MUTED, Chart
from touchbase.listening.charts import _nice_top as nice_top

WIDTH = 640
HEIGHT = 220
LEFT = 46
RIGHT = 8
TOP = 14
BOTTOM = 30


def month_bars(
    *, key: str, title: str, description: str, months: Sequence[dt.date],
    values: Sequence[int | float | Decimal],
) -> Chart:  # fmt: skip
    """One bar per month (oldest left), a scale from zero to a round top, month labels."""
    chart = Chart(key=key, title=title, description=description, width=WIDTH, height=HEIGHT)
    numbers = [max(0.0, float(value)) for value in values]
    top = nice_top(max(numbers, default=0.0))
    bottom, height = HEIGHT - BOTTOM, HEIGHT - BOTTOM - TOP
    for step in range(5):
        value = top * step / 4
        y = bottom - height * step / 4
        chart.add("line", x1=LEFT, x2=WIDTH - RIGHT, y1=y, y2=y, stroke=GRID)
        label = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
        chart.add("text", label, x=LEFT - 6, y=y + 4, text_anchor="end", font_size=11, fill=MUTED)
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(numbers))
    for index, (month, number) in enumerate(zip(months, numbers, strict=True)):
        x = LEFT + slot * index
        if number:
            bar = height * number / top
            chart.add("rect", x=x + 3, y=bottom - bar, width=max(1.0, slot - 6), height=bar,
                      fill=BRAND)  # fmt: skip
        chart.add("text", date_format(month, "M"), x=x + slot / 2, y=HEIGHT - 12,
                  text_anchor="middle", font_size=11, fill=INK)  # fmt: skip
    return chart
