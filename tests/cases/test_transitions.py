"""The workflow: staff move cases up to resolved; supervisors close and reopen."""

import pytest
from django.core.exceptions import ValidationError

from cases import actions
from cases.choices import EventKind, Status, Transition
from cases.models import Case, CaseEvent


def walk(case, user, *names):
    for name in names:
        case = actions.transition(user=user, case=case, name=name, note=f"{name} done")
    return case


def test_staff_move_their_case_up_to_resolved(case, owner):
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    assert case.status == Status.RESOLVED
    assert case.resolved_at is not None


def test_a_colleague_of_the_same_district_may_move_it_too(case, colleague):
    assert walk(case, colleague, Transition.VERIFY).status == Status.VERIFIED


def test_staff_cannot_close_a_case(case, owner):
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    with pytest.raises(ValidationError, match="Only a supervisor"):
        actions.transition(user=owner, case=case, name=Transition.CLOSE, note="done")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


def test_a_supervisor_of_the_district_verifies_and_closes(case, owner, district_supervisor):
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    case = walk(case, district_supervisor, Transition.CLOSE)
    assert case.status == Status.CLOSED and case.closed_at is not None


def test_a_supervisor_can_reopen_a_closed_case(case, owner, city_supervisor):
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    case = walk(case, city_supervisor, Transition.CLOSE, Transition.REOPEN)
    assert case.status == Status.IN_RESOLUTION
    assert case.closed_at is None


def test_a_supervisor_can_send_a_resolution_back(case, owner, district_supervisor):
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    case = walk(case, district_supervisor, Transition.RETURN)
    assert case.status == Status.IN_RESOLUTION


def test_a_resolved_case_awaits_verification_not_a_follow_up(
    case, owner, district_supervisor, client_for
):
    # given a case with a follow-up due, marked resolved by its owner
    assert case.next_follow_up_due is not None
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)

    # then its page and the list say no follow-up is due, and no reminder will come
    page = client_for(owner).get(case.get_absolute_url()).content.decode()
    assert case.next_follow_up_due is None
    assert "Next follow-up due" not in page and "Follow-up overdue" not in page
    assert not Case.objects.filter(pk=case.pk, next_follow_up_due__isnull=False).exists()

    # and when a supervisor sends it back, a follow-up is due again
    case = walk(case, district_supervisor, Transition.RETURN)
    assert case.next_follow_up_due is not None


def test_a_supervisor_of_another_district_cannot_close(case, owner, other_district):
    from tests.factories import make_user

    stranger = make_user("qingshan.supervisor", "supervisor", other_district)
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    with pytest.raises(ValidationError):
        actions.transition(user=stranger, case=case, name=Transition.CLOSE, note="no")
    assert Case.objects.get(pk=case.pk).status == Status.RESOLVED


def test_a_step_from_the_wrong_state_is_refused_and_changes_nothing(case, district_supervisor):
    events_before = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(ValidationError, match="no longer"):
        actions.transition(user=district_supervisor, case=case, name=Transition.CLOSE,
                           note="skip ahead")
    case.refresh_from_db()
    assert case.status == Status.REPORTED
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_every_transition_needs_a_note(case, owner):
    with pytest.raises(ValidationError, match="needs a note"):
        actions.transition(user=owner, case=case, name=Transition.VERIFY, note="   ")
    assert Case.objects.get(pk=case.pk).status == Status.REPORTED


def test_an_unknown_step_is_refused(case, owner):
    with pytest.raises(ValidationError):
        actions.transition(user=owner, case=case, name="explode", note="x")


def test_each_transition_is_kept_in_the_history_with_its_note(case, owner, city_supervisor):
    walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    walk(case, city_supervisor, Transition.CLOSE)
    steps = list(
        CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION)
        .order_by("at", "id").values_list("data", flat=True)
    )
    assert [(s["from"], s["to"]) for s in steps] == [
        ("reported", "verified"), ("verified", "in_resolution"),
        ("in_resolution", "resolved"), ("resolved", "closed"),
    ]
    assert steps[-1]["note"] == "close done"


def test_allowed_steps_depend_on_role_and_state(case, owner, district_supervisor, outsider):
    assert [n for n, _s in actions.allowed_transitions(owner, case)] == [Transition.VERIFY]
    assert actions.allowed_transitions(outsider, case) == []
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    assert actions.allowed_transitions(owner, case) == []
    assert {n for n, _s in actions.allowed_transitions(district_supervisor, case)} == {
        Transition.CLOSE, Transition.RETURN,
    }


def test_a_closed_case_cannot_be_edited(case, owner, city_supervisor):
    case = walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    case = walk(case, city_supervisor, Transition.CLOSE)
    case.title = "changed"
    with pytest.raises(ValidationError, match="closed case"):
        actions.update_case(user=owner, case=case)
