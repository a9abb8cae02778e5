"""Which steps of a decision and its assessment each user may take now
(``actions.allowed_decision_steps``), and that the decision's page offers exactly those."""

from assessments import actions
from assessments.choices import DecisionStep, Grade, Recommendation

S = DecisionStep


def steps(user, decision):
    decision.refresh_from_db()
    return set(actions.allowed_decision_steps(user, decision))


def test_the_sponsor_may_start_or_withdraw_a_registered_decision(owner, outsider, decision):
    assert steps(owner, decision) == {S.START, S.WITHDRAW}
    assert steps(outsider, decision) == set()


def test_only_the_assigned_agency_records_an_assessment_the_sponsor_may_reassign(
        owner, assessor, other_assessor, assessment):
    decision = assessment.decision
    assert steps(assessor, decision) == {S.NOTICE, S.RISK, S.EXPERT, S.SURVEY, S.REPORT,
                                         S.CONCLUDE}
    assert steps(owner, decision) == {S.ASSIGN, S.WITHDRAW}
    assert steps(other_assessor, decision) == set()


def test_after_the_conclusion_the_sponsor_marks_it_decided_and_a_supervisor_scores(
        owner, assessor, district_supervisor, recorded):
    actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                     recommendation=Recommendation.PROCEED)
    decision = recorded.decision
    assert steps(owner, decision) == {S.DECIDED, S.WITHDRAW}
    assert steps(assessor, decision) == set()
    # (the decision is key-sensitive: supervisors covering it comment on it)
    assert steps(district_supervisor, decision) == {S.DECIDED, S.WITHDRAW, S.SCORE, S.COMMENT}


def test_the_page_offers_exactly_the_allowed_steps(client_for, owner, assessor, assessment):
    decision = assessment.decision
    for user in (owner, assessor):
        response = client_for(user).get(decision.get_absolute_url())
        assert set(response.context["forms"]) == {step.value for step in steps(user, decision)}
