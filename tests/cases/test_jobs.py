"""The scheduled jobs: reminders once per due date, escalation by the rules, never twice."""

import threading
from datetime import date

import pytest
import time_machine
from django.db import connection, connections

from cases import actions, tasks
from cases.choices import EventKind, RiskLevel, SupervisionLevel
from cases.models import Case, CaseAlert, CaseEvent, EscalationRule, SecurityPeriod
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification


@pytest.fixture
def registered_on_jan_1(make_case):
    """A major case registered on 1 Jan 2026: its first follow-up is due on 8 Jan."""
    with time_machine.travel("2026-01-01 09:00 +0800"):
        return make_case(risk_level=RiskLevel.MAJOR)


def notices(user, kind=None):
    found = Notification.objects.filter(user=user)
    return found.filter(kind=kind) if kind else found


# ---------------------------------------------------------------- follow-up reminders
def test_a_follow_up_coming_due_reminds_the_owner_once(registered_on_jan_1, owner):
    first = tasks.send_follow_up_reminders("2026-01-06")
    again = tasks.send_follow_up_reminders("2026-01-07")
    assert first["claimed"] == 1 and again["skipped"] == 1
    assert notices(owner, NoticeKind.FOLLOW_UP_DUE).count() == 1


def test_an_overdue_follow_up_reminds_once_per_due_date(registered_on_jan_1, owner):
    tasks.send_follow_up_reminders("2026-01-09")
    tasks.send_follow_up_reminders("2026-01-09")
    tasks.send_follow_up_reminders("2026-01-12")
    assert notices(owner, NoticeKind.FOLLOW_UP_OVERDUE).count() == 1


def test_a_new_due_date_brings_a_new_reminder(registered_on_jan_1, owner):
    tasks.send_follow_up_reminders("2026-01-09")
    Case.objects.filter(pk=registered_on_jan_1.pk).update(next_follow_up_due=date(2026, 1, 16))
    tasks.send_follow_up_reminders("2026-01-17")
    assert notices(owner, NoticeKind.FOLLOW_UP_OVERDUE).count() == 2


def test_nothing_is_due_far_ahead(registered_on_jan_1, owner):
    assert tasks.send_follow_up_reminders("2026-01-02")["claimed"] == 0
    assert not notices(owner).exists()


def test_closed_cases_get_no_reminders(registered_on_jan_1, owner, city_supervisor):
    case = registered_on_jan_1
    for name in ("verify", "start", "resolve"):
        case = actions.transition(user=owner, case=case, name=name, note="ok")
    actions.transition(user=city_supervisor, case=case, name="close", note="ok")
    assert tasks.send_follow_up_reminders("2026-01-20")["claimed"] == 0


def test_a_missed_run_is_caught_up_by_the_next(registered_on_jan_1, owner):
    # beat was down for a week: the next run still finds the overdue follow-up
    tasks.send_follow_up_reminders("2026-01-15")
    assert notices(owner, NoticeKind.FOLLOW_UP_OVERDUE).count() == 1


def test_a_security_period_shortens_the_interval(registered_on_jan_1, owner):
    SecurityPeriod.objects.create(name="National Two Sessions", starts_on=date(2026, 1, 3),
                                  ends_on=date(2026, 1, 20), major_days=1, high_days=3)
    result = tasks.send_follow_up_reminders("2026-01-03")
    case = Case.objects.get(pk=registered_on_jan_1.pk)
    assert result["brought_forward"] == 1
    assert case.next_follow_up_due == date(2026, 1, 4)
    assert notices(owner, NoticeKind.FOLLOW_UP_DUE).count() == 1
    # and a follow-up logged during the period is due again one day later
    assert case.next_due_after(date(2026, 1, 5)) == date(2026, 1, 6)
    assert case.next_due_after(date(2026, 1, 25)) == date(2026, 2, 1)


# ---------------------------------------------------------------- escalation
def test_escalation_follows_the_rules_level_by_level(
    registered_on_jan_1, owner, district_supervisor, city_supervisor
):
    case = registered_on_jan_1  # due 8 Jan; major: level 1 after 3 days, level 2 after 7
    tasks.escalate_overdue("2026-01-10")
    assert Case.objects.get(pk=case.pk).escalation_level == 0
    tasks.escalate_overdue("2026-01-11")
    case.refresh_from_db()
    assert case.escalation_level == 1 and case.supervision_level == SupervisionLevel.DISTRICT
    assert notices(district_supervisor, NoticeKind.ESCALATION).count() == 1
    assert not notices(city_supervisor).exists()
    tasks.escalate_overdue("2026-01-15")
    case.refresh_from_db()
    assert case.escalation_level == 2 and case.supervision_level == SupervisionLevel.CITY
    assert notices(city_supervisor, NoticeKind.ESCALATION).count() == 1
    steps = CaseEvent.objects.filter(case=case, kind=EventKind.ESCALATED)
    assert sorted(e.data["level"] for e in steps) == [1, 2]


def test_an_escalation_sweep_run_twice_escalates_once(registered_on_jan_1, district_supervisor):
    tasks.escalate_overdue("2026-01-12")
    second = tasks.escalate_overdue("2026-01-12")
    assert second["claimed"] == 0
    assert CaseEvent.objects.filter(kind=EventKind.ESCALATED).count() == 1
    assert notices(district_supervisor).count() == 1


def test_the_case_page_shows_an_escalation_as_done_by_the_system(
    registered_on_jan_1, district_supervisor, client_for
):
    tasks.escalate_overdue("2026-01-12")  # the sweep's history entry has no user
    response = client_for(district_supervisor).get(registered_on_jan_1.get_absolute_url())
    assert response.status_code == 200
    assert "system" in response.content.decode() or "系统" in response.content.decode()


def test_the_history_says_the_level_rule_and_days_of_each_escalation(
    registered_on_jan_1, district_supervisor, client_for
):
    # given a major case whose follow-up was due on 8 January, escalated twice
    tasks.escalate_overdue("2026-01-11")
    tasks.escalate_overdue("2026-01-15")

    # when a supervisor reads its history, in English and in Chinese
    client = client_for(district_supervisor)
    english = client.get(registered_on_jan_1.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(registered_on_jan_1.get_absolute_url()).content.decode()

    # then each entry names its level, the rule broken and how many days overdue
    assert "Escalated to level 1: Follow-up overdue (due 2026-01-08, 3 days overdue)." in english
    assert "Escalated to level 2: Follow-up overdue (due 2026-01-08, 7 days overdue)." in english
    assert "升级至第1级" in chinese and "升级至第2级" in chinese, chinese


def test_an_administrator_can_change_the_thresholds(registered_on_jan_1, district_supervisor):
    EscalationRule.objects.filter(risk_level=RiskLevel.MAJOR, level=1).update(days_overdue=1)
    tasks.escalate_overdue("2026-01-09")
    assert Case.objects.get(pk=registered_on_jan_1.pk).escalation_level == 1


def test_a_passed_target_date_escalates_the_same_way(make_case, district_supervisor):
    with time_machine.travel("2026-01-01 09:00 +0800"):
        case = make_case(risk_level=RiskLevel.LOW, target_date=date(2026, 1, 10))
    Case.objects.filter(pk=case.pk).update(next_follow_up_due=date(2026, 12, 1))
    tasks.escalate_overdue("2026-01-30")  # low: level 1 after 20 days
    case.refresh_from_db()
    assert case.escalation_level == 1
    event = CaseEvent.objects.get(case=case, kind=EventKind.ESCALATED)
    assert event.data["trigger"] == "target_date"


def test_working_days_rule_waits_out_the_spring_festival(make_case, district_supervisor):
    EscalationRule.objects.filter(risk_level=RiskLevel.MAJOR).update(working_days=True)
    EscalationRule.objects.filter(risk_level=RiskLevel.MAJOR, level=1).update(days_overdue=3)
    EscalationRule.objects.filter(risk_level=RiskLevel.MAJOR, level=2).update(days_overdue=10)
    with time_machine.travel("2026-02-06 09:00 +0800"):
        case = make_case(risk_level=RiskLevel.MAJOR)  # due Fri 13 Feb
    # 13 Feb + 3 calendar days = 16 Feb, but only Sat 14 (make-up day) was worked by then
    tasks.escalate_overdue("2026-02-23")
    assert Case.objects.get(pk=case.pk).escalation_level == 0
    tasks.escalate_overdue("2026-02-25")  # worked: 14, 24, 25 Feb
    assert Case.objects.get(pk=case.pk).escalation_level == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_the_same_time_notify_once(categories, owner, district_supervisor):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions (run under .ci/run)")
    with time_machine.travel("2026-01-01 09:00 +0800"):
        for number in range(20):
            actions.register_case(user=owner, case=Case(
                title=f"Case {number}", category=categories["general"],
                district=owner.membership.districts.first(), risk_level=RiskLevel.MAJOR,
                source="rolling", owner=owner))
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            tasks.send_follow_up_reminders("2026-01-09")
            tasks.escalate_overdue("2026-01-12")
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert notices(owner, NoticeKind.FOLLOW_UP_OVERDUE).count() == 20
    assert notices(district_supervisor, NoticeKind.ESCALATION).count() == 20
    assert CaseAlert.objects.count() == 40
