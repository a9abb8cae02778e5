from decimal import Decimal

import pytest

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source
from cases.models import Case, Category, WageArrearsDetails
from riskdesk.celery import app


@pytest.fixture
def categories(db):
    """One category of each kind, as the demo's nine are made."""
    return {
        CategoryKind.REAL_ESTATE: Category.objects.create(
            code="real-estate", name_en="Real estate", name_zh="房地产领域",
            kind=CategoryKind.REAL_ESTATE, sort_order=1),
        CategoryKind.WAGE_ARREARS: Category.objects.create(
            code="wage-arrears", name_en="Unpaid migrant-worker wages", name_zh="拖欠农民工工资",
            kind=CategoryKind.WAGE_ARREARS, sort_order=2),
        CategoryKind.MASS_VICTIM: Category.objects.create(
            code="mass-victim", name_en="Mass-victim economic cases", name_zh="涉众型经济案件",
            kind=CategoryKind.MASS_VICTIM, sort_order=3),
        CategoryKind.GENERAL: Category.objects.create(
            code="land", name_en="Land acquisition and demolition", name_zh="征地拆迁",
            kind=CategoryKind.GENERAL, sort_order=4),
    }


@pytest.fixture
def make_case(categories, owner):
    """Register a case through the action, as a person would; defaults to a wage case."""

    def make(*, user=None, kind=CategoryKind.WAGE_ARREARS, details=None, **fields):
        user = user or owner
        values = {
            "title": "Subcontractor owes wages to 80 workers",
            "category": categories[kind],
            "district": fields.pop("district", None) or user.membership.districts.first(),
            "risk_level": RiskLevel.HIGH,
            "source": Source.ROLLING,
            "owner": owner,
            "people_affected": 80,
            "amount_involved": 1_200_000,
        }
        values.update(fields)
        return actions.register_case(user=user, case=Case(**values), details=details)

    return make


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def foreign_case(categories, outsider):
    """A case of the other district, owned by the outsider."""
    return actions.register_case(user=outsider, case=Case(
        title="Qingshan fundraising scheme", category=categories[CategoryKind.MASS_VICTIM],
        district=outsider.membership.districts.first(), risk_level=RiskLevel.MAJOR,
        source=Source.POLICE, owner=outsider, people_affected=3000,
    ))


@pytest.fixture
def foreign_wages(make_case, outsider, other_district):
    """A wage case in Qingshan whose employer also owes wages in Kundulun."""
    return make_case(user=outsider, owner=outsider, district=other_district,
                     title="Qingshan site: 40 workers unpaid", people_affected=40,
                     amount_involved=Decimal("500000.00"), address="Qingshan, Iron Road 3",
                     details=WageArrearsDetails(employer="Hengda Construction"))


@pytest.fixture
def eager_tasks(settings, tmp_path):
    """Celery tasks run in the test's process when queued; files go to a temporary
    folder."""
    settings.MEDIA_ROOT = tmp_path
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
