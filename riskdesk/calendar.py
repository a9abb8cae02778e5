"""Working days in China: weekends and public holidays off, make-up working days (调休) on.

The public-holiday calendar comes from the ``holidays`` package, which publishes each
year's State Council schedule including the make-up Saturdays and Sundays; an
administrator can correct any date by hand (``WorkingDayOverride``), e.g. when a new
year's schedule is announced before the package is updated.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _china(year: int):
    return holidays.China(years=year)


class WorkingCalendar:
    """Answers working-day questions, reading the administrators' corrections once."""

    def __init__(self, overrides: dict[date, bool] | None = None):
        if overrides is None:
            from riskdesk.models import WorkingDayOverride

            overrides = dict(WorkingDayOverride.objects.values_list("date", "is_working_day"))
        self.overrides = overrides

    def is_working_day(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _china(day.year).is_working_day(day)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start``."""
        day = start
        while days > 0:
            day += timedelta(days=1)
            days -= self.is_working_day(day)
        return day


def days_between(start: date, end: date, *, working: bool, calendar=None) -> int:
    if not working:
        return max((end - start).days, 0)
    return (calendar or WorkingCalendar()).working_days_between(start, end)
