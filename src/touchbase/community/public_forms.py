"""Forms of the public community pages: a stranger's sign-up and help request, a helper's own
pages. Every field is bounded; the field named "website" is a honeypot only robots fill in.

Weekly windows, request times and holidays are repeated rows of plain inputs (no script
needed): a form knows how many rows it shows from the hidden "rows" field, bounded, and a
button adds a few more.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from touchbase.community import helpers, requests
from touchbase.community.choices import Country
from touchbase.community.models import LANGUAGE_CHOICES, MAX_HOURLY_PRICE, MAX_RADIUS_KM, Skill

# The zones a helper in or near Germany, Austria and Switzerland is likely to live in.
COMMON_ZONES = (
    "Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Amsterdam", "Europe/Brussels",
    "Europe/Luxembourg", "Europe/Paris", "Europe/Rome", "Europe/Madrid", "Europe/Lisbon",
    "Europe/London", "Europe/Dublin", "Europe/Copenhagen", "Europe/Stockholm", "Europe/Oslo",
    "Europe/Helsinki", "Europe/Warsaw", "Europe/Prague", "Europe/Budapest", "Europe/Athens",
    "Europe/Bucharest", "Europe/Istanbul",
)  # fmt: skip
WEEKDAYS = [
    ("0", _("Monday")), ("1", _("Tuesday")), ("2", _("Wednesday")), ("3", _("Thursday")),
    ("4", _("Friday")), ("5", _("Saturday")), ("6", _("Sunday")),
]  # fmt: skip
STARS = [(str(n), str(n)) for n in range(1, 6)]
MORE_ROWS = 3


def zone_choices(current: str = "") -> list[tuple[str, str]]:
    zones = list(COMMON_ZONES)
    if current and current not in zones:
        zones.insert(0, current)
    return [(zone, zone.replace("_", " ")) for zone in zones]


def rows_wanted(data: Any, *, default: int, most: int) -> int:
    """How many rows a form shows: the posted count (plus a few when asked), within 1..most."""
    try:
        rows = int((data or {}).get("rows") or default)
    except (TypeError, ValueError):
        rows = default
    if data is not None and data.get("add_rows"):
        rows += MORE_ROWS
    return max(1, min(rows, most))


class Honeypot(forms.Form):
    """A text field hidden from people; a robot that fills it in is thanked and ignored."""

    website = forms.CharField(required=False, max_length=200)

    @property
    def is_robot(self) -> bool:
        return bool((self.data or {}).get("website"))


def _time(label: Any, required: bool = False) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=required, widget=forms.TimeInput(attrs={"type": "time"})
    )


def _date(label: Any, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"})
    )


class WeeklyRows(forms.Form):
    """Rows of weekday, from and until (the helper's own wall-clock time)."""

    rows_most = helpers.MAX_WINDOWS

    def add_week_rows(self, count: int) -> None:
        self.week_rows = count
        for index in range(count):
            self.fields[f"weekday_{index}"] = forms.ChoiceField(
                label=_("Weekday"), required=False, choices=[("", "—"), *WEEKDAYS]
            )
            self.fields[f"from_{index}"] = _time(_("From"))
            self.fields[f"until_{index}"] = _time(_("Until"))

    def week_rows_bound(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"weekday_{i}"], self[f"from_{i}"], self[f"until_{i}"])
            for i in range(self.week_rows)
        ]

    def windows(self) -> list[tuple[int, dt.time, dt.time]]:
        """The filled-in rows; a half-filled row is a field error (raised in clean)."""
        found = []
        for index in range(self.week_rows):
            day = self.cleaned_data.get(f"weekday_{index}")
            starts = self.cleaned_data.get(f"from_{index}")
            ends = self.cleaned_data.get(f"until_{index}")
            if day not in (None, "") and starts is not None and ends is not None:
                found.append((int(day), starts, ends))
        return found

    def clean_week_rows(self) -> None:
        for index in range(self.week_rows):
            values = [self.cleaned_data.get(f"{name}_{index}") for name in
                      ("weekday", "from", "until")]  # fmt: skip
            filled = [value not in (None, "") for value in values]
            if any(filled) and not all(filled):
                self.add_error(f"weekday_{index}", _("Give a weekday, a start and an end."))
            elif all(filled) and values[1] == values[2]:
                self.add_error(f"until_{index}", _("End at another time than you start."))


class HelperApplyForm(Honeypot, WeeklyRows):
    """A stranger applies as a helper."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    town = forms.CharField(label=_("Town"), max_length=100)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90,
                                max_value=90)  # fmt: skip
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180,
                                 max_value=180)  # fmt: skip
    radius_km = forms.IntegerField(label=_("How far you travel (km)"), min_value=1,
                                   max_value=MAX_RADIUS_KM, initial=10)  # fmt: skip
    time_zone = forms.ChoiceField(label=_("Time zone"))
    hourly_price = forms.DecimalField(
        label=_("Your price per hour (EUR)"), min_value=Decimal("0"), max_value=MAX_HOURLY_PRICE,
        max_digits=8, decimal_places=2,
    )  # fmt: skip
    skills = forms.MultipleChoiceField(
        label=_("What you can help with"), widget=forms.CheckboxSelectMultiple
    )
    about = forms.CharField(
        label=_("About you (optional)"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    terms_accepted = forms.BooleanField(label=_("I accept the terms above"))

    def __init__(
        self, *args: Any, skills: Iterable[Skill], zone: str, rows: int = 7, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = [(str(skill.pk), str(skill)) for skill in skills]  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = zone_choices(zone)  # type: ignore[attr-defined]
        self.fields["time_zone"].initial = zone
        self.add_week_rows(rows)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_week_rows()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("latitude", _("Give both coordinates, or neither."))
        return cleaned


class SignInForm(Honeypot):
    email = forms.EmailField(label=_("E-mail"), max_length=254)


class RequestForm(Honeypot):
    """A customer asks for help; times are read in the workspace's time zone."""

    skill = forms.ChoiceField(label=_("What do you need help with?"))
    description = forms.CharField(
        label=_("Describe the problem"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    language = forms.ChoiceField(label=_("Language"), choices=LANGUAGE_CHOICES)
    country = forms.ChoiceField(label=_("Country"), choices=Country.choices)
    postal_code = forms.CharField(label=_("Postal code"), max_length=10)
    town = forms.CharField(label=_("Town"), max_length=100)
    address = forms.CharField(
        label=_("Street and number"), max_length=200, required=False,
        help_text=_("Shown to the helper only once the booking is confirmed."),
    )  # fmt: skip
    budget = forms.DecimalField(
        label=_("Budget per hour (EUR, optional)"), required=False, min_value=Decimal("0"),
        max_value=MAX_HOURLY_PRICE, max_digits=8, decimal_places=2,
    )  # fmt: skip

    def __init__(
        self, *args: Any, skills: Iterable[Skill], zone: zoneinfo.ZoneInfo, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["skill"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (str(skill.pk), str(skill)) for skill in skills
        ]
        for index in range(requests.MAX_WINDOWS):
            self.fields[f"date_{index}"] = _date(_("Day"), required=index == 0)
            self.fields[f"from_{index}"] = _time(_("From"), required=index == 0)
            self.fields[f"until_{index}"] = _time(_("Until"), required=index == 0)

    def window_rows(self) -> list[tuple[Any, Any, Any]]:
        return [
            (self[f"date_{i}"], self[f"from_{i}"], self[f"until_{i}"])
            for i in range(requests.MAX_WINDOWS)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.times: list[tuple[dt.datetime, dt.datetime]] = []
        for index in range(requests.MAX_WINDOWS):
            day = cleaned.get(f"date_{index}")
            starts = cleaned.get(f"from_{index}")
            ends = cleaned.get(f"until_{index}")
            if day is None and starts is None and ends is None:
                continue
            if day is None or starts is None or ends is None:
                self.add_error(f"date_{index}", _("Give a day, a start and an end."))
            elif ends <= starts:
                self.add_error(f"until_{index}", _("End after you start."))
            else:
                try:
                    self.times.append((self._utc(day, starts), self._utc(day, ends)))
                except OverflowError:
                    # Year 1 or 9999 in a zone off UTC lies outside the calendar Python knows.
                    self.add_error(f"date_{index}", _("Choose times within the next 90 days."))
        return cleaned

    def _utc(self, day: dt.date, time: dt.time) -> dt.datetime:
        return dt.datetime.combine(day, time, tzinfo=self.zone).astimezone(dt.UTC)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why not? (optional)"), max_length=500, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel?"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RequestCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you cancel? (the helper reads it)"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class FinishForm(forms.Form):
    solved = forms.ChoiceField(
        label=_("Could you solve it?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes, solved")), ("no", _("No, our support should take over"))],
    )  # fmt: skip
    price_paid = forms.DecimalField(
        label=_("Price paid (EUR)"), required=False, min_value=Decimal("0"),
        max_value=Decimal("100000"), max_digits=8, decimal_places=2,
    )  # fmt: skip
    notes = forms.CharField(
        label=_("Notes (what you did or tried)"), max_length=4000, required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("solved") == "no" and not (cleaned.get("notes") or "").strip():
            self.add_error("notes", _("Say what was tried, so our support can go on."))
        return cleaned


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Stars"), choices=STARS, coerce=int,
                                   widget=forms.RadioSelect)  # fmt: skip
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=2000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("What happened?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AvailabilityForm(WeeklyRows):
    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_week_rows(rows)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_week_rows()
        return cleaned


class HolidaysForm(forms.Form):
    rows_most = helpers.MAX_HOLIDAYS

    def __init__(self, *args: Any, rows: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.holiday_rows = rows
        for index in range(rows):
            self.fields[f"first_{index}"] = _date(_("First day"))
            self.fields[f"last_{index}"] = _date(_("Last day"))

    def rows_bound(self) -> list[tuple[Any, Any]]:
        return [(self[f"first_{i}"], self[f"last_{i}"]) for i in range(self.holiday_rows)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.holidays: list[tuple[dt.date, dt.date]] = []
        for index in range(self.holiday_rows):
            first, last = cleaned.get(f"first_{index}"), cleaned.get(f"last_{index}")
            if first is None and last is None:
                continue
            if first is None or last is None:
                self.add_error(f"first_{index}", _("Give a first and a last day."))
            elif last < first:
                self.add_error(f"last_{index}", _("The last day cannot lie before the first."))
            else:
                self.holidays.append((first, last))
        return cleaned


class EraseForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, delete my data for good"))


def service_errors(form: forms.BaseForm, error: ValidationError, renames: dict[str, str]) -> None:
    """A service's errors on the form's fields (renamed where the form names them otherwise)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        name = renames.get(field, field)
        form.add_error(name if name in form.fields else None, messages)
