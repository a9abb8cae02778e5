"""Follow-ups move the figures and the next due date by the risk level's interval."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases import actions
from cases.choices import CategoryKind, EventKind, FollowUpMethod, RiskLevel
from cases.models import Case, CaseEvent, FollowUp, FollowUpInterval, RealEstateDetails

TODAY = "2026-06-10 09:00 +0800"


def follow(case, user, **fields):
    values = {"date": datetime.date(2026, 6, 10), "method": FollowUpMethod.SITE_VISIT,
              "summary": "Met the contractor on site"}
    values.update(fields)
    return actions.log_follow_up(user=user, case=case, follow_up=FollowUp(**values))


@pytest.mark.parametrize(("level", "days"), [(RiskLevel.MAJOR, 7), (RiskLevel.HIGH, 14),
                                             (RiskLevel.MEDIUM, 30), (RiskLevel.LOW, 60)])
def test_registering_sets_the_first_due_date_by_risk_level(make_case, level, days):
    with time_machine.travel(TODAY):
        case = make_case(risk_level=level)
    assert case.next_follow_up_due == datetime.date(2026, 6, 10) + datetime.timedelta(days=days)


def test_a_follow_up_moves_the_due_date_from_its_own_date(make_case, owner):
    with time_machine.travel(TODAY):
        case = make_case(risk_level=RiskLevel.HIGH)
        follow(case, owner, date=datetime.date(2026, 6, 9))
    case.refresh_from_db()
    assert case.next_follow_up_due == datetime.date(2026, 6, 23)


def test_an_administrator_can_change_the_interval(make_case, owner):
    FollowUpInterval.objects.filter(risk_level=RiskLevel.HIGH).update(days=3)
    with time_machine.travel(TODAY):
        case = make_case(risk_level=RiskLevel.HIGH)
        follow(case, owner)
    case.refresh_from_db()
    assert case.next_follow_up_due == datetime.date(2026, 6, 13)


def test_a_follow_up_adds_its_figures_to_the_case(case, owner):
    with time_machine.travel(TODAY):
        follow(case, owner, people_helped_added=40, amount_recovered_added=Decimal("600000.00"))
    case.refresh_from_db()
    assert case.people_helped == 40
    assert case.amount_recovered == Decimal("600000.00")
    event = CaseEvent.objects.get(case=case, kind=EventKind.FOLLOW_UP)
    assert event.data["people_helped_added"] == 40


def test_more_helped_than_affected_is_refused_and_changes_nothing(case, owner):
    with time_machine.travel(TODAY), pytest.raises(ValidationError) as raised:
        follow(case, owner, people_helped_added=81)
    assert "people_helped_added" in raised.value.error_dict
    case.refresh_from_db()
    assert case.people_helped == 0
    assert not FollowUp.objects.filter(case=case).exists()


def test_households_delivered_move_the_real_estate_details(make_case, owner):
    with time_machine.travel(TODAY):
        case = make_case(kind=CategoryKind.REAL_ESTATE, details=RealEstateDetails(
            project_name="Milan Spring", households_affected=1200, households_delivered=600))
        follow(case, owner, households_delivered_added=200)
    assert RealEstateDetails.objects.get(case=case).households_delivered == 800


def test_a_follow_up_cannot_be_dated_in_the_future(case, owner):
    with time_machine.travel(TODAY), pytest.raises(ValidationError):
        follow(case, owner, date=datetime.date(2026, 6, 11))


def test_an_outsider_cannot_log_a_follow_up(case, outsider):
    with time_machine.travel(TODAY), pytest.raises(ValidationError):
        follow(case, outsider)
    assert not FollowUp.objects.exists()


def test_the_database_refuses_impossible_figures_whatever_code_writes_them(case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(people_helped=500)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(amount_recovered=10**9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(amount_involved=-1, amount_recovered=-1)
