"""The rules of decisions and assessments, in the action layer and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assessments import actions
from assessments.choices import (
    AgencyStatus,
    AssessmentStatus,
    AssessorKind,
    DecisionEventKind,
    DecisionLevel,
    DecisionStatus,
    DecisionType,
    Grade,
    Recommendation,
)
from assessments.models import Assessment, DecisionEvent
from tests.assessments.conftest import make_agency


def test_assessment_cannot_be_concluded_before_the_three_mechanisms(assessment, assessor):
    with pytest.raises(ValidationError) as error:
        actions.conclude(user=assessor, assessment=assessment, grade=Grade.LOW,
                         recommendation=Recommendation.PROCEED)
    text = " ".join(error.value.messages)
    assert "public notice" in text and "risk analysis" in text and "expert review" in text
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS


def test_assessment_concludes_when_all_three_are_recorded(recorded, assessor):
    actions.conclude(user=assessor, assessment=recorded, grade=Grade.MEDIUM,
                     recommendation=Recommendation.PROCEED_WITH_MITIGATION,
                     mitigation="Subsidy and hotline")
    recorded.refresh_from_db()
    assert recorded.status == AssessmentStatus.CONCLUDED
    assert recorded.decision.status == DecisionStatus.ASSESSED
    assert DecisionEvent.objects.filter(decision=recorded.decision,
                                        kind=DecisionEventKind.CONCLUDED).exists()


def test_high_grade_cannot_carry_proceed(recorded, assessor):
    with pytest.raises(ValidationError) as error:
        actions.conclude(user=assessor, assessment=recorded, grade=Grade.HIGH,
                         recommendation=Recommendation.PROCEED)
    assert "high risk grade" in str(error.value)
    recorded.refresh_from_db()
    assert recorded.status == AssessmentStatus.IN_PROGRESS


def test_high_grade_with_proceed_is_refused_by_the_database(assessment):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(
            grade=Grade.HIGH, recommendation=Recommendation.PROCEED)


def test_decision_cannot_be_marked_decided_before_its_assessment_is_concluded(
    assessment, owner
):
    with pytest.raises(ValidationError) as error:
        actions.mark_decided(user=owner, decision=assessment.decision)
    assert "before its assessment is concluded" in str(error.value)
    assessment.decision.refresh_from_db()
    assert assessment.decision.status == DecisionStatus.UNDER_ASSESSMENT


def test_full_life_of_a_decision(recorded, assessor, owner, district_supervisor, make_case):
    actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                     recommendation=Recommendation.PROCEED)
    actions.score_assessment(user=district_supervisor, assessment=recorded, score=4,
                             comment="Thorough")
    decision = actions.mark_decided(user=owner, decision=recorded.decision,
                                    decided_on=datetime.date(2026, 1, 25))
    decision = actions.record_outcome(user=owner, decision=decision, implemented=True)
    assert decision.status == DecisionStatus.IMPLEMENTED and decision.implemented
    case = make_case()
    actions.link_case(user=owner, decision=decision, reference=case.reference)
    assert list(decision.caused_cases.all()) == [case]
    kinds = set(decision.events.values_list("kind", flat=True))
    assert {DecisionEventKind.CREATED, DecisionEventKind.ASSESSMENT_STARTED,
            DecisionEventKind.NOTICE, DecisionEventKind.RISK, DecisionEventKind.EXPERT_REVIEW,
            DecisionEventKind.CONCLUDED, DecisionEventKind.SCORED, DecisionEventKind.DECIDED,
            DecisionEventKind.OUTCOME, DecisionEventKind.CASE_LINKED} <= kinds


def test_a_case_of_another_district_cannot_be_linked(recorded, assessor, owner, foreign_case):
    actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                     recommendation=Recommendation.PROCEED)
    decision = actions.mark_decided(user=owner, decision=recorded.decision)
    with pytest.raises(ValidationError):
        actions.link_case(user=owner, decision=decision, reference=foreign_case.reference)
    assert not decision.caused_cases.exists()


def test_score_is_from_1_to_5_and_only_by_a_supervisor(recorded, assessor, owner,
                                                       district_supervisor):
    actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                     recommendation=Recommendation.PROCEED)
    with pytest.raises(ValidationError):
        actions.score_assessment(user=owner, assessment=recorded, score=3)
    with pytest.raises(ValidationError):
        actions.score_assessment(user=district_supervisor, assessment=recorded, score=6)
    recorded.refresh_from_db()
    assert recorded.quality_score is None


# ---------------------------------------------------------------- assignment
def _assign(owner, decision, agency):
    return actions.start_assessment(user=owner, decision=decision,
                                    assessor_kind=AssessorKind.AGENCY, agency=agency)


@pytest.mark.parametrize("status", [AgencyStatus.SUBMITTED, AgencyStatus.SUSPENDED,
                                    AgencyStatus.REVOKED, AgencyStatus.REJECTED])
def test_only_an_approved_agency_can_be_assigned(decision, owner, status):
    agency = make_agency("91350100M000100Y43", status=status)
    with pytest.raises(ValidationError) as error:
        _assign(owner, decision, agency)
    assert "not approved" in str(error.value)
    assert not Assessment.objects.exists()
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.REGISTERED


def test_an_expired_agency_cannot_be_assigned(decision, owner):
    agency = make_agency("91350100M000100Y43", valid_days=-1)
    with pytest.raises(ValidationError) as error:
        _assign(owner, decision, agency)
    assert "expired" in str(error.value)


def test_an_agency_outside_its_declared_scope_cannot_be_assigned(decision, owner):
    agency = make_agency("91350100M000100Y43", types=[DecisionType.PRICE])
    with pytest.raises(ValidationError) as error:
        _assign(owner, decision, agency)
    assert "declared scope does not cover" in str(error.value)


def test_an_agency_related_to_the_department_cannot_be_assigned(decision, owner, department):
    agency = make_agency("91350100M000100Y43", related=[department])
    with pytest.raises(ValidationError) as error:
        _assign(owner, decision, agency)
    assert "declared a relationship" in str(error.value)


def test_a_self_assessment_needs_no_agency(decision, owner):
    assessment = actions.start_assessment(user=owner, decision=decision,
                                          assessor_kind=AssessorKind.SELF)
    assert assessment.agency is None and assessment.assessor_kind == AssessorKind.SELF


# ---------------------------------------------------------------- who records
def test_another_agencys_assessor_cannot_record(assessment, other_assessor):
    from assessments.models import RiskItem

    with pytest.raises(ValidationError):
        actions.record_risk(user=other_assessor, assessment=assessment, risk=RiskItem(
            description="x", likelihood=1, impact=1))
    assert not assessment.risks.exists()


def test_likelihood_and_impact_are_1_to_5(assessment, assessor):
    from assessments.models import RiskItem

    with pytest.raises(ValidationError):
        actions.record_risk(user=assessor, assessment=assessment, risk=RiskItem(
            description="x", likelihood=6, impact=0))
    assert not assessment.risks.exists()


def test_staff_register_only_their_districts_and_not_city_decisions(
    make_decision, owner, other_district, city_department, city_supervisor
):
    with pytest.raises(ValidationError):
        make_decision(district=other_district)
    with pytest.raises(ValidationError):
        make_decision(level=DecisionLevel.CITY, district=None, department=city_department)
    city = make_decision(user=city_supervisor, level=DecisionLevel.CITY, district=None,
                         department=city_department, title="Taxi fare adjustment")
    assert city.district is None


def test_comments_only_by_supervisors_on_key_sensitive_decisions(
    decision, owner, district_supervisor
):
    with pytest.raises(ValidationError):
        actions.comment(user=owner, decision=decision, note="Watch this")
    event = actions.comment(user=district_supervisor, decision=decision, note="Watch this")
    assert event.kind == DecisionEventKind.COMMENT


def test_history_is_append_only(decision):
    event = decision.events.get()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        decision.events.all().update(note="x")


def test_risk_matrix_places_each_risk_by_impact_and_likelihood(recorded):
    matrix = recorded.risk_matrix()
    assert [impact for impact, _cells in matrix] == [5, 4, 3, 2, 1]
    impact_3 = dict(matrix)[3]
    score, risks = impact_3[4 - 1]  # likelihood 4
    assert score == 12 and [number for number, _risk in risks] == [1]
    assert sum(len(cell) for _impact, cells in matrix for _score, cell in cells) == 1


def test_a_district_department_sponsors_only_its_districts_decisions(
    make_decision, city_supervisor, department
):
    with pytest.raises(ValidationError) as error:
        make_decision(user=city_supervisor, level=DecisionLevel.CITY, district=None)
    assert "sponsors that district's decisions only" in str(error.value)
