"""A reporting period (a year or one month of it) chosen on the dashboard or the summary.

Periods are calendar periods in the city's time zone (``TIME_ZONE``), and they translate
into the same ``<name>_after`` / ``<name>_before`` query parameters the list pages' date
range filters read, so a figure computed for a period links to the list behind it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import formats, timezone

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None

    @classmethod
    def from_query(cls, query, today: date | None = None) -> "Period":
        """The period named by ``?year=&month=``; missing or wrong values mean this year
        (a wrong month means the whole year): never an error."""
        today = today or timezone.localdate()
        year = _int_in(query.get("year"), FIRST_YEAR, today.year + 1, today.year)
        month = _int_in(query.get("month"), 1, 12, None)
        return cls(year, month)

    @property
    def start(self) -> date:
        return date(self.year, self.month or 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        if self.month is None:
            return date(self.year, 12, 31)
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes at local midnight, for timestamp fields."""
        zone = timezone.get_current_timezone()
        after_end = self.end + timedelta(days=1)
        return (
            datetime(self.start.year, self.start.month, self.start.day, tzinfo=zone),
            datetime(after_end.year, after_end.month, after_end.day, tzinfo=zone),
        )

    def lookup(self, field: str) -> dict:
        """ORM keyword arguments selecting ``field`` (a timestamp) within the period."""
        start, stop = self.bounds()
        return {f"{field}__gte": start, f"{field}__lt": stop}

    def date_lookup(self, field: str) -> dict:
        """ORM keyword arguments selecting ``field`` (a date) within the period."""
        return {f"{field}__gte": self.start, f"{field}__lte": self.end}

    def params(self, name: str) -> dict:
        """The list filter's query parameters for this period (``DateFromToRangeFilter``)."""
        return {f"{name}_after": self.start.isoformat(), f"{name}_before": self.end.isoformat()}

    def query(self) -> dict:
        return {"year": self.year, **({"month": self.month} if self.month else {})}

    @property
    def label(self) -> str:
        if self.month is None:
            return str(self.year)
        return formats.date_format(self.start, "YEAR_MONTH_FORMAT")

    def months(self, count: int = 12) -> list[date]:
        """The first days of the ``count`` months ending with the period's last month."""
        year, month = self.end.year, self.end.month
        firsts = []
        for _ in range(count):
            firsts.append(date(year, month, 1))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return firsts[::-1]


def _int_in(value, low: int, high: int, default):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default
