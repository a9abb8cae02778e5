import datetime

import pytest
from django.utils import timezone

from assessments import actions
from assessments.choices import AgencyStatus, AssessorKind, DecisionLevel, DecisionType
from assessments.models import Agency, AgencyMember, AgencyScope, Decision, Department
from riskdesk.celery import app
from tests.cases.conftest import categories, foreign_case, make_case  # noqa: F401
from tests.factories import make_user

VALID_CODES = ("91350100M000100Y43", "91110000802100433B")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded reports and documents go to a temporary folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def department(district):
    return Department.objects.create(
        name_en="Kundulun Housing Bureau", name_zh="昆都仑区住建局", district=district)


@pytest.fixture
def city_department(db):
    return Department.objects.create(name_en="City Development and Reform Commission",
                                     name_zh="市发展和改革委员会")


def make_agency(code, *, name="Beifang Assessment Co.", status=AgencyStatus.APPROVED,
                valid_days=365, types=tuple(DecisionType.values), related=()):
    agency = Agency.objects.create(
        name=name, credit_code=code, legal_representative="Wang Jun",
        contact_name="Liu Fang", contact_phone="0472-5100000",
        contact_email="office@example.invalid", address="Baotou, Steel Street 1",
        status=status,
        valid_until=timezone.localdate() + datetime.timedelta(days=valid_days)
        if valid_days is not None else None,
        reference=f"AG-2026-{code[-5:]}",
    )
    AgencyScope.objects.bulk_create([AgencyScope(agency=agency, decision_type=t) for t in types])
    agency.related_departments.set(related)
    return agency


@pytest.fixture
def agency(db):
    return make_agency(VALID_CODES[0])


@pytest.fixture
def other_agency(db):
    return make_agency(VALID_CODES[1], name="Other Assessors Ltd.")


def make_assessor(username, agency):
    user = make_user(username, "assessor")
    AgencyMember.objects.create(user=user, agency=agency)
    return user


@pytest.fixture
def assessor(agency):
    return make_assessor("agency.assessor", agency)


@pytest.fixture
def other_assessor(other_agency):
    return make_assessor("other.assessor", other_agency)


@pytest.fixture
def make_decision(owner, department):
    def make(*, user=None, **fields):
        values = {
            "title": "Renovation of sandwich housing in Kundulun",
            "department": department,
            "level": DecisionLevel.DISTRICT,
            "district": department.district,
            "decision_type": DecisionType.RENEWAL,
            "planned_date": datetime.date(2026, 12, 1),
            "key_sensitive": True,
        }
        values.update(fields)
        return actions.register_decision(user=user or owner, decision=Decision(**values))

    return make


@pytest.fixture
def decision(make_decision):
    return make_decision()


@pytest.fixture
def assessment(decision, owner, agency):
    return actions.start_assessment(user=owner, decision=decision,
                                    assessor_kind=AssessorKind.AGENCY, agency=agency)


@pytest.fixture
def recorded(assessment, assessor):
    """An assessment with its three mechanisms recorded by the agency."""
    from assessments.models import ExpertReview, PublicNotice, RiskItem

    actions.record_notice(user=assessor, assessment=assessment, notice=PublicNotice(
        channel="website", starts_on=datetime.date(2026, 1, 5),
        ends_on=datetime.date(2026, 1, 15), comments_received=42))
    actions.record_risk(user=assessor, assessment=assessment, risk=RiskItem(
        description="Residents refuse temporary relocation", likelihood=4, impact=3,
        mitigation="Relocation subsidy"))
    actions.record_expert_review(user=assessor, assessment=assessment, review=ExpertReview(
        experts="Prof. Zhang, urban planning", held_on=datetime.date(2026, 1, 20),
        opinion="Feasible with mitigation"))
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def application(db):
    """What an agency types into the public application form."""
    Department.objects.create(name_en="City Sports Bureau", name_zh="市体育局")
    return {
        "name": "Baotou Stability Assessment Centre", "credit_code": "91350100m000100y43",
        "legal_representative": "Zhang Jianguo", "contact_name": "Li Na",
        "contact_phone": "0472-5123456", "contact_email": "li.na@example.invalid",
        "address": "Steel Street 1, Baotou", "qualifications": "12 assessors",
        "scope": ["event", "price"], "departments": [Department.objects.get().pk],
        "experts": "Wang Li, sociology, professor\nChen Bo, law",
    }


@pytest.fixture
def eager_tasks(settings):
    """E-mails land in the locmem outbox; queued tasks run at once, in the test."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
