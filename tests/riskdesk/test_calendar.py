"""Working days across the Spring Festival holiday and its make-up Saturday."""

from datetime import date

from riskdesk.calendar import WorkingCalendar
from riskdesk.models import WorkingDayOverride


def test_spring_festival_2026_is_off_and_its_make_up_saturday_is_worked(db):
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(date(2026, 2, 17))  # Spring Festival
    assert not calendar.is_working_day(date(2026, 2, 20))  # holiday, a Friday
    assert calendar.is_working_day(date(2026, 2, 14))  # make-up Saturday (调休)
    assert calendar.is_working_day(date(2026, 2, 28))  # make-up Saturday
    assert not calendar.is_working_day(date(2026, 3, 1))  # an ordinary Sunday


def test_counting_working_days_across_the_holiday(db):
    calendar = WorkingCalendar()
    # Fri 13 Feb -> Wed 25 Feb 2026: Sat 14 (make-up), Tue 24, Wed 25 are worked;
    # 15-23 Feb are the holiday and its weekend.
    assert calendar.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert calendar.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_an_administrator_can_correct_a_date(db):
    WorkingDayOverride.objects.create(date=date(2026, 3, 2), is_working_day=False,
                                      note="local holiday")
    WorkingDayOverride.objects.create(date=date(2026, 3, 1), is_working_day=True)
    calendar = WorkingCalendar()
    assert not calendar.is_working_day(date(2026, 3, 2))
    assert calendar.is_working_day(date(2026, 3, 1))
