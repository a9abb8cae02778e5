"""`manage.py seed_demo` replays a year: cases registered, followed up, resolved, ordered
and escalated over the last twelve months, each history entry dated when it happened."""

import re
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases.choices import EventKind, OrderState
from cases.models import Case, CaseEvent, FollowUp, SupervisionOrder

pytestmark = pytest.mark.django_db

LATIN = re.compile("[A-Za-z]")


@pytest.fixture
def seed(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise (published demo password)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.DASHBOARD_CACHE_SECONDS = 0

    def seed():
        call_command("seed_demo", stdout=StringIO())
    return seed


def dashboard(client, query):
    client.force_login(get_user_model().objects.get(username="city.supervisor"))
    response = client.get("/dashboard/", query)
    assert response.status_code == 200
    return response.context


@pytest.mark.parametrize("day", ["2027-01-01 08:00 +0800", "2026-07-31 21:00 +0800"])
def test_the_dashboard_trend_has_registrations_in_most_of_the_last_12_months(
    seed, client, day
):
    with time_machine.travel(day, tick=False):
        # given the demo seeded on that day
        seed()
        today = timezone.localdate()
        # when a supervisor looks at this month's dashboard
        trend = dashboard(client, {"year": today.year, "month": today.month})["trend"]
    # then its twelve months are the last twelve, and nearly all had new cases
    assert trend[-1]["month"] == today.replace(day=1)
    busy = [month["month"] for month in trend if month["new"].value]
    assert len(busy) >= 10, busy
    assert sum(month["resolved"].value for month in trend) >= 30


def test_the_median_days_to_resolve_is_more_than_a_day(seed, client):
    with time_machine.travel("2026-12-20 10:00 +0800", tick=False):
        seed()
        league = dashboard(client, {"year": 2026})["league"]
    medians = [row["median"] for row in league if row["median"] is not None]
    assert len(medians) >= 5
    assert all(median > 1 for median in medians), medians


def test_no_target_date_comes_before_the_registration(seed):
    seed()
    cases = Case.objects.exclude(target_date=None)
    assert cases.count() > 30
    for case in cases:
        assert case.target_date > timezone.localdate(case.created_at), case.source_reference


def test_the_history_happened_within_the_year_in_order(seed):
    now = timezone.now()
    seed()
    year_ago = now - timedelta(days=366)
    assert CaseEvent.objects.filter(at__lt=year_ago).count() == 0
    assert CaseEvent.objects.filter(at__gt=now).count() == 0
    for case in Case.objects.all():
        events = list(case.events.order_by("id"))
        # registered first, at the case's own time; then each entry after the one before
        assert events[0].kind == EventKind.CREATED
        assert events[0].at == case.created_at, case.source_reference
        times = [event.at for event in events]
        assert times == sorted(times), case.source_reference
        # the registrations and resolutions are spread out, not all on one day
    assert Case.objects.dates("created_at", "month").count() >= 10
    days = {timezone.localdate(case.resolved_at) for case in Case.objects.exclude(
        resolved_at=None)}
    assert len(days) >= 20


def test_a_follow_up_is_logged_on_the_day_it_was_done(seed):
    seed()
    for follow_up in FollowUp.objects.select_related("case"):
        assert timezone.localdate(follow_up.created_at) == follow_up.date
        assert follow_up.date >= timezone.localdate(follow_up.case.created_at)


def test_supervision_orders_and_escalations_happened_through_the_year(seed):
    today = timezone.localdate()
    seed()
    orders = SupervisionOrder.objects.all()
    assert {order.state for order in orders} >= {
        OrderState.CLOSED, OrderState.ANSWERED, OrderState.ISSUED
    }
    assert orders.overdue(today).exists()
    for order in orders:
        assert order.due_date > timezone.localdate(order.issued_at)
    escalations = CaseEvent.objects.filter(kind=EventKind.ESCALATED)
    assert escalations.dates("at", "month").count() >= 3
    assert Case.objects.filter(escalation_level=2).exists()


def test_the_demo_texts_are_in_chinese_only(seed):
    seed()
    for case in Case.objects.all():
        for text in (case.title, case.description, case.address, case.responsible_unit,
                     case.lead_official, case.contact_name):
            assert not LATIN.search(text), (case.source_reference, text)
    for summary in FollowUp.objects.values_list("summary", flat=True):
        assert not LATIN.search(summary), summary
    for data in CaseEvent.objects.filter(kind=EventKind.TRANSITION).values_list("data",
                                                                                 flat=True):
        assert not LATIN.search(data["note"]), data["note"]


def test_the_assessments_and_trainings_happened_over_the_year(seed):
    from assessments.models import Assessment, Decision, Training

    now = timezone.now()
    seed()
    concluded = Assessment.objects.exclude(concluded_at=None)
    assert concluded.count() == 3
    assert concluded.dates("concluded_at", "month").count() == 3
    for decision in Decision.objects.select_related("assessment"):
        assert decision.assessment.concluded_at < now
        assert timezone.localdate(decision.assessment.concluded_at) < decision.decided_on
    days = list(Training.objects.values_list("date", flat=True))
    assert len(days) == 8
    assert all(timezone.localdate(now) - timedelta(days=365) < day < timezone.localdate(now)
               for day in days)
