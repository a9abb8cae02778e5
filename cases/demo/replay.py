"""Replaying a demo case: it is registered at its moment, then each step of its history
runs through the actions at its own moment (``clock.frozen_at``), and between the steps
the nightly escalation job does to it what it would have done on each of those nights.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from cases import actions, tasks
from cases.choices import EscalationTrigger
from cases.demo.clock import frozen_at
from cases.demo.story import Accept, Answer, DemoCase, Edit, Follow, Issue, Move, T
from cases.models import DETAILS_MODELS, Case, FollowUp, SupervisionOrder

# How long after the step before an undated step usually happens.
GAPS = {
    T.VERIFY: timedelta(days=1), T.START: timedelta(days=2), T.RESOLVE: timedelta(hours=2),
    T.CLOSE: timedelta(days=5), T.RETURN: timedelta(days=4), T.REOPEN: timedelta(days=3),
    Edit: timedelta(hours=1), Issue: timedelta(days=1), Answer: timedelta(days=3),
    Accept: timedelta(days=2),
}
REGISTERED_AT, WORKING_AT, NIGHTLY_JOB_AT = time(9), time(10), time(2)


class Timeline:
    """The moments of the replay, counted back from the real ``now``."""

    def __init__(self, now: datetime):
        self.now = now
        self.today = timezone.localdate(now)
        self.zone = timezone.get_current_timezone()

    def at(self, days_ago: int, hour: time = WORKING_AT) -> datetime:
        return datetime.combine(self.today - timedelta(days=days_ago), hour, tzinfo=self.zone)

    def after(self, previous: datetime, step) -> datetime:
        """The moment of ``step``, which comes after the step at ``previous``."""
        if getattr(step, "days_ago", None) is not None:
            moment = self.at(step.days_ago)
            if timezone.localdate(moment) < timezone.localdate(previous):
                raise ValueError(f"The demo step {step} is dated before the step before it.")
            return max(moment, previous + timedelta(minutes=30))
        gap = GAPS[step.name if isinstance(step, Move) else type(step)]
        latest = self.now - timedelta(hours=1)  # an undated step never runs into the future
        return max(previous + timedelta(minutes=1), min(previous + gap, latest))


class NightlySweep:
    """What ``cases.tasks.escalate_overdue`` did to one case each night of the replay: the
    same rules and the same ``escalate``, at the job's hour on each night."""

    def __init__(self, timeline: Timeline):
        self.timeline = timeline
        self.rules = tasks.Rules()
        self.supervisors = tasks.Supervisors()
        self.done = set()  # the steps escalated already (``escalate`` claims each once)

    def run(self, case, *, after: datetime, before: datetime, orders: bool) -> None:
        """Every night of the job strictly between the two moments (``orders``: whether
        the case may have supervision orders)."""
        if not self.rules.by_risk:
            return
        case = Case.objects.get(pk=case.pk)
        if not case.is_open:
            return
        dues = [(EscalationTrigger.FOLLOW_UP, case.next_follow_up_due, None),
                (EscalationTrigger.TARGET_DATE, case.target_date, None)]
        if orders:
            dues += [(EscalationTrigger.ORDER, order.due_date, order)
                     for order in SupervisionOrder.objects.awaiting_answer().filter(case=case)]
        last_night = timezone.localdate(before) - timedelta(days=self.rules.earliest_days)
        dues = [(trigger, due, order) for trigger, due, order in dues
                if due is not None and due <= last_night]
        if not dues:
            return  # nothing overdue long enough to escalate before ``before``
        night = timezone.localdate(after)
        while (moment := datetime.combine(night, NIGHTLY_JOB_AT, tzinfo=self.timeline.zone)) \
                < before:
            latest_due = night - timedelta(days=self.rules.earliest_days)
            steps = [
                tasks.Step(case, trigger, due, level, overdue, order=order)
                for trigger, due, order in dues if moment > after and due <= latest_due
                for level, overdue in self.rules.levels_reached(case.risk_level, due, night)
            ]
            steps = [step for step in steps if step.key not in self.done]
            if steps:
                with frozen_at(moment):
                    tasks.escalate(steps, result=tasks.SweepResult(),
                                   supervisors=self.supervisors)
                self.done.update(step.key for step in steps)
            night += timedelta(days=1)


def play(demo: DemoCase, *, category, district, owner, closer, sweep: NightlySweep) -> Case:
    """Register the case at its moment and replay its history through the actions."""
    timeline = sweep.timeline
    moment = timeline.at(demo.registered, REGISTERED_AT)
    registered_on = timezone.localdate(moment)
    target = (None if demo.target_in_days is None
              else registered_on + timedelta(days=demo.target_in_days))
    case = Case(
        title=demo.title, description=demo.description, category=category, district=district,
        address=demo.address, risk_level=demo.risk, source=demo.source,
        responsible_unit=demo.responsible_unit, lead_official=demo.lead_official, owner=owner,
        people_affected=demo.people_affected, amount_involved=demo.amount_involved,
        target_date=target, source_reference=demo.ref, contact_name=demo.contact[0],
        contact_id_number=demo.contact[1], contact_phone=demo.contact[2],
    )
    details_model = DETAILS_MODELS.get(category.kind)
    # "{year}" in a detail (a petition or police case number) is the year it was registered
    values = {name: value.format(year=registered_on.year) if isinstance(value, str) else value
              for name, value in demo.details.items()}
    details = details_model(**values) if details_model and values else None
    with frozen_at(moment):
        case = actions.register_case(user=owner, case=case, details=details)
    order = None
    for step in demo.history:
        previous, moment = moment, timeline.after(moment, step)
        sweep.run(case, after=previous, before=moment, orders=order is not None)
        with frozen_at(moment):
            order = _do(step, case=case, owner=owner, closer=closer, order=order,
                        details_model=details_model)
        if isinstance(step, Answer):  # acknowledged at the moment, answered an hour later
            moment += timedelta(hours=1)
            with frozen_at(moment):
                actions.answer_order(user=owner, order=order, answer=step.text)
    sweep.run(case, after=moment, before=timeline.now, orders=order is not None)
    return case


def _do(step, *, case, owner, closer, order, details_model):
    """One step of the history, now; returns the case's current supervision order."""
    if isinstance(step, Move):
        actions.transition(user=closer if step.by_supervisor else owner, case=case,
                           name=step.name, note=step.note)
    elif isinstance(step, Follow):
        actions.log_follow_up(user=owner, case=case, follow_up=FollowUp(
            date=timezone.localdate(), method=step.method, summary=step.summary,
            people_helped_added=step.helped, amount_recovered_added=step.recovered,
            households_delivered_added=step.households,
        ))
    elif isinstance(step, Edit):
        case.refresh_from_db()  # the follow-ups changed its figures meanwhile
        row = details_model.objects.get(case=case)
        for name, value in step.details.items():
            setattr(row, name, value)
        actions.update_case(user=owner, case=case, details=row)
    elif isinstance(step, Issue):
        order = actions.issue_order(
            user=closer, case=case, level=step.level, instructions=step.instructions,
            due_date=timezone.localdate() + timedelta(days=step.due_in_days),
        )
    elif isinstance(step, Answer):
        actions.acknowledge_order(user=owner, order=order)
    elif isinstance(step, Accept):
        actions.close_order(user=closer, order=order, note=step.note)
    else:
        raise TypeError(f"Not a step of a demo case's history: {step!r}")
    return order
