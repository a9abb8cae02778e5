# The case fixtures (categories, make_case, case, foreign_case) are shared with tests/cases;
# a year of work for the summary tests.
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine

from cases.choices import CategoryKind
from cases.models import Case, WageArrearsDetails
from tests.cases.conftest import case, categories, foreign_case, make_case  # noqa: F401
from tests.reports.test_dashboard import ZONE, move


@pytest.fixture
def year_of_work(make_case, owner, district_supervisor):  # noqa: F811 (the fixture above)
    with time_machine.travel(datetime(2023, 3, 10, 9, 0, tzinfo=ZONE), tick=False):
        wage = make_case(title="Wages", people_affected=1904,
                         amount_involved=Decimal("49960000.00"),
                         details=WageArrearsDetails(employer="Builder"))
        Case.objects.filter(pk=wage.pk).update(people_helped=1904,
                                               amount_recovered=Decimal("49960000.00"))
        move(wage, "verify", "start", "resolve")
        make_case(title="Land", kind=CategoryKind.GENERAL, people_affected=5)
    with time_machine.travel(datetime(2023, 7, 1, 9, 0, tzinfo=ZONE), tick=False):
        make_case(title="Housing", kind=CategoryKind.REAL_ESTATE)
