"""Which days a site area is open, and its opening windows on a day: weekly hours, holidays and closures."""

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone

# Only the public holidays (helligdage). Christmas Eve, New Year's Eve and Constitution Day are not
# public holidays; a municipality that closes on them adds a yearly Closure. Store Bededag was
# abolished from 2024 (lov nr. 147 af 28/02/2023), which the holidays package follows.
_CATEGORY = "public"


@lru_cache(maxsize=32)
def _holidays_of(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("DK", years=year, language="da", categories=(_CATEGORY,)))


def holiday_name(day: dt.date) -> str | None:
    """The Danish name of the public holiday on `day`, or None on an ordinary day."""
    return _holidays_of(day.year).get(day)


def closure_closes(closure, day: dt.date, area: str) -> bool:
    """Whether `closure` (a bookings.Closure) closes `area` on `day`; a yearly one ignores the year."""
    if closure.area and closure.area != area:
        return False
    if not closure.yearly:
        return closure.first_day <= day <= closure.last_day
    first = (closure.first_day.month, closure.first_day.day)
    last = (closure.last_day.month, closure.last_day.day)
    this = (day.month, day.day)
    # A yearly closure may run over New Year, e.g. 24/12 to 1/1.
    return first <= this <= last if first <= last else (this >= first or this <= last)


def closed_because(*, day: dt.date, area: str, closures) -> str | None:
    """Why the area is closed all day (a holiday's name or a closure's reason), or None when it is not."""
    name = holiday_name(day)
    if name:
        return name
    return next((c.reason for c in closures if closure_closes(c, day, area)), None)


def windows(*, day: dt.date, hours) -> list[tuple[dt.datetime, dt.datetime]]:
    """The day's opening windows as (opens, closes) in UTC; `hours` are OpeningHours rows of that weekday."""
    found = []
    for row in sorted(hours, key=lambda h: h.opens):
        opens = timezone.make_aware(dt.datetime.combine(day, row.opens)).astimezone(dt.UTC)
        closes = timezone.make_aware(dt.datetime.combine(day, row.closes)).astimezone(dt.UTC)
        found.append((opens, closes))
    return found
