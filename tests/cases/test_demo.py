"""`manage.py seed_demo` loads the source's cases through the actions, once."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind, EventKind, HousingStage, Status
from cases.models import Case, CaseAlert, CaseEvent, Category, RealEstateDetails, SupervisionOrder
from riskdesk.models import Notification

pytestmark = pytest.mark.django_db

NINE_CATEGORIES = {
    "real-estate", "wage-arrears", "mass-victim", "land", "environment", "labour",
    "education-medical", "veterans", "enterprise",
}


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True  # seed_demo refuses otherwise (published demo password)
    # the demo users' passwords: a fast hasher keeps each seeding to about a second
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "categories": Category.objects.count(),
        "follow_ups": Case.objects.aggregate(n=Count("follow_ups"))["n"],
        "orders": SupervisionOrder.objects.count(),
        "escalations": CaseAlert.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_a_second_run_creates_nothing(seeded):
    # given the demo data loaded once
    before = counts()
    assert before["cases"] > 0
    # when loading it again
    out = StringIO()
    call_command("seed_demo", stdout=out)
    # then nothing new exists
    assert counts() == before
    assert "0 new categories, 0 new cases" in out.getvalue()


def test_the_summary_line_counts_what_was_created(seeded):
    assert f"9 new categories, {Case.objects.count()} new cases" in seeded


def test_the_nine_categories_exist(seeded):
    codes = set(Category.objects.values_list("code", flat=True))
    assert codes == NINE_CATEGORIES
    kinds = dict(Category.objects.values_list("code", "kind"))
    assert kinds["real-estate"] == CategoryKind.REAL_ESTATE
    assert kinds["wage-arrears"] == CategoryKind.WAGE_ARREARS
    assert kinds["mass-victim"] == CategoryKind.MASS_VICTIM
    assert Category.objects.get(code="wage-arrears").name_zh == "拖欠农民工工资"


def test_wage_arrears_cases_paid_1904_workers_49_96_million_yuan(seeded):
    wages = Case.objects.filter(category__kind=CategoryKind.WAGE_ARREARS)
    totals = wages.aggregate(workers=Sum("people_helped"), yuan=Sum("amount_recovered"))
    assert totals["workers"] == 1904
    assert totals["yuan"] == Decimal("49960000.00")
    assert wages.count() == 34
    assert wages.values("district").distinct().count() >= 5
    assert wages.filter(status=Status.CLOSED).count() > wages.count() // 2
    assert wages.filter(status=Status.IN_RESOLUTION).exists()


def test_the_follow_ups_add_up_to_the_wage_figures(seeded):
    wages = Case.objects.filter(category__kind=CategoryKind.WAGE_ARREARS)
    paid = wages.aggregate(
        workers=Sum("follow_ups__people_helped_added"),
        yuan=Sum("follow_ups__amount_recovered_added"),
    )
    assert paid == {"workers": 1904, "yuan": Decimal("49960000.00")}


def test_the_stalled_housing_projects_have_their_stages(seeded):
    milan = RealEstateDetails.objects.select_related("case").get(
        project_name="米兰春天"
    )
    assert milan.stage == HousingStage.DELIVERING
    assert (milan.households_affected, milan.households_delivered) == (1200, 800)
    assert milan.stalled_since.year == 2013
    assert milan.case.status == Status.IN_RESOLUTION

    xinfudi = RealEstateDetails.objects.select_related("case").get(
        project_name="新福地商住楼"
    )
    assert xinfudi.stage == HousingStage.DELIVERED
    assert xinfudi.stalled_since.year == 2004
    assert xinfudi.case.status == Status.CLOSED
    closing = xinfudi.case.events.filter(kind=EventKind.TRANSITION, data__to=Status.CLOSED)
    assert closing.get().user.username == "city.supervisor"

    baoxin = RealEstateDetails.objects.select_related("case").get(
        project_name="宝鑫广场"
    )
    assert baoxin.stage == HousingStage.REORGANISATION
    assert baoxin.case.status == Status.IN_RESOLUTION


def test_every_demo_case_has_a_history(seeded):
    assert not Case.objects.exclude(events__kind=EventKind.CREATED).exists()
    assert all(case.source_reference.startswith("DEMO-") for case in Case.objects.all())
    closed = Case.objects.filter(status=Status.CLOSED).first()
    assert closed.events.filter(kind=EventKind.TRANSITION).count() >= 4
    assert closed.follow_ups.exists()


def test_every_owner_may_own_their_case(seeded):
    for case in Case.objects.select_related("owner"):
        assert actions.eligible_owners(case.district_id).filter(pk=case.owner_id).exists(), (
            case.source_reference, case.owner.username
        )


def test_some_open_cases_are_overdue(seeded):
    # so the lists and the reminders have something to show
    today = timezone.localdate()
    assert Case.objects.follow_up_overdue(today).exists()
    assert Case.objects.target_overdue(today).exists()
