"""Counting the days of a deadline, in Asia/Jakarta.

A regulation's "paling lama 5 (lima) hari setelah …" counts from the day after the event;
the deadline is the end (23.59.59 WIB) of the last day counted. Where the set says days are
working days (Banggai Pasal 1 angka 9: "Hari adalah hari kerja"), Saturdays, Sundays, the
national public holidays and the cuti bersama of the civil service are skipped. The holiday
calendar is the `holidays` package's Indonesia ("public" and "government" categories), kept
up to date by its maintainers rather than typed in here.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=16)
def _days_off(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(
        "ID", years=year, categories=("public", "government"), language="id"
    )


def holiday_name(day: date) -> str | None:
    """The name of the national holiday or cuti bersama on `day`, if any."""
    return _days_off(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and holiday_name(day) is None


def last_day(start: date, days: int, *, working: bool) -> date:
    """The `days`-th day after `start` (working days only when `working`)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if not working or is_working_day(day):
            counted += 1
    return day


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def deadline_after(start: datetime | date, days: int, *, working: bool) -> datetime:
    """The end of the last of `days` days counted from the day after `start` (WIB)."""
    start_day = timezone.localtime(start).date() if isinstance(start, datetime) else start
    return end_of_day(last_day(start_day, days, working=working))
