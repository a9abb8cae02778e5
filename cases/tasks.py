"""The scheduled jobs: reminders and escalation.

Each job is a sweep over what is due *now* in the database, so a missed or late run is
caught up by the next one. Every unit of work (this reminder for this due date, this
escalation step) is claimed by inserting a ``CaseAlert`` row with a unique key, in the
same transaction as its effects: two runs at once, a run repeated after a crash, or beat
firing twice do the work exactly once. Candidates are found through the partial indexes
on the due dates and read in batches, so the cost follows the number of due cases.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from cases import events
from cases.choices import (
    OPEN_STATUSES,
    AlertKind,
    EscalationTrigger,
    RiskLevel,
    SupervisionLevel,
)
from cases.models import (
    Case,
    CaseAlert,
    CaseEvent,
    EscalationRule,
    SecurityPeriod,
    SupervisionOrder,
)
from riskdesk.calendar import WorkingCalendar, days_between
from riskdesk.choices import NoticeKind, Role
from riskdesk.db import insert_new
from riskdesk.notify import notify, notify_many

log = logging.getLogger(__name__)
BATCH = 500
LEVEL_SUPERVISION = {1: SupervisionLevel.DISTRICT, 2: SupervisionLevel.CITY}
SUPERVISION_RANK = {"": 0, SupervisionLevel.DISTRICT: 1, SupervisionLevel.CITY: 2}


@dataclass
class SweepResult:
    claimed: int = 0
    skipped: int = 0
    notices: int = 0
    details: dict = field(default_factory=dict)

    def as_dict(self):
        return {"claimed": self.claimed, "skipped": self.skipped, "notices": self.notices,
                **self.details}


def in_batches(queryset, size=BATCH):
    """Rows of ``queryset`` by ascending id, ``size`` at a time (keyset, no OFFSET)."""
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1].pk


def claim(*, key, kind, case, due_date, level=0, order=None, trigger="") -> bool:
    """Insert the claim row; False if this unit of work was already done (or is being
    done by a concurrent run, which holds the row until it commits)."""
    try:
        with transaction.atomic():
            CaseAlert.objects.create(
                key=key, kind=kind, case=case, order=order, due_date=due_date, level=level,
                trigger=trigger,
            )
    except IntegrityError:
        return False
    return True


def case_params(case, **extra):
    return {"ref": case.reference, "title": case.title, **extra}


def district_staff(case):
    return get_user_model().objects.filter(
        is_active=True, membership__role=Role.STAFF, membership__districts=case.district_id
    )


def today_local() -> date:
    return timezone.localdate()


# ---------------------------------------------------------------- follow-up reminders
@shared_task(acks_late=True)
def send_follow_up_reminders(today: str | None = None):
    """Remind owners of follow-ups coming due (within the lead time) and overdue, once
    per due date. During a security period, major and high cases are first brought to the
    period's shorter interval."""
    day = date.fromisoformat(today) if today else today_local()
    result = SweepResult()
    result.details["brought_forward"] = apply_security_periods(day)
    lead = timedelta(days=settings.FOLLOW_UP_REMINDER_LEAD_DAYS)
    due = Case.objects.open().filter(next_follow_up_due__lte=day + lead).select_related("owner")
    for case in in_batches(due):
        overdue = case.next_follow_up_due < day
        kind = AlertKind.FOLLOW_UP_OVERDUE if overdue else AlertKind.FOLLOW_UP_SOON
        key = f"{kind}:case={case.pk}:due={case.next_follow_up_due}"
        with transaction.atomic():
            if not claim(key=key, kind=kind, case=case, due_date=case.next_follow_up_due):
                result.skipped += 1
                continue
            result.claimed += 1
            created = notify(
                case.owner,
                kind=NoticeKind.FOLLOW_UP_OVERDUE if overdue else NoticeKind.FOLLOW_UP_DUE,
                key=key, url=case.get_absolute_url(),
                params=case_params(case, date=case.next_follow_up_due.isoformat()),
            )
            result.notices += created is not None
    return result.as_dict()


def apply_security_periods(day: date) -> int:
    """Bring next follow-ups of open major and high cases within the active period's
    interval; returns how many cases moved. Idempotent: a moved case no longer matches."""
    period = SecurityPeriod.objects.active(day).first()
    if period is None:
        return 0
    moved = 0
    for level in (RiskLevel.MAJOR, RiskLevel.HIGH):
        limit = day + timedelta(days=period.days_for(level))
        candidates = Case.objects.open().filter(risk_level=level).filter(
            Q(next_follow_up_due__gt=limit) | Q(next_follow_up_due__isnull=True)
        )
        for case in in_batches(candidates):
            with transaction.atomic():
                updated = Case.objects.filter(pk=case.pk).filter(
                    Q(next_follow_up_due__gt=limit) | Q(next_follow_up_due__isnull=True)
                ).update(next_follow_up_due=limit)
                if updated:
                    events.case_edited(case=case, user=None, changes={
                        "next_follow_up_due": [
                            str(case.next_follow_up_due or ""), limit.isoformat()],
                        "security_period": ["", period.name],
                    })
                    moved += 1
    return moved


# ---------------------------------------------------------------- escalation
class Rules:
    """The escalation rules, read once per sweep: risk level -> [(level, days, working)]."""

    def __init__(self):
        self.by_risk: dict[str, list[EscalationRule]] = {}
        for rule in EscalationRule.objects.order_by("level"):
            self.by_risk.setdefault(rule.risk_level, []).append(rule)
        self.calendar = None

    @property
    def earliest_days(self) -> int:
        days = [rule.days_overdue for rules in self.by_risk.values() for rule in rules]
        return min(days) if days else 0

    def levels_reached(self, risk_level: str, due: date, today: date) -> list[tuple[int, int]]:
        """[(level, days overdue)] for each rule the case has reached."""
        reached = []
        for rule in self.by_risk.get(risk_level, []):
            if rule.working_days and self.calendar is None:
                self.calendar = WorkingCalendar()
            overdue = days_between(due, today, working=rule.working_days, calendar=self.calendar)
            if overdue >= rule.days_overdue:
                reached.append((rule.level, overdue))
        return reached


@dataclass(frozen=True)
class Step:
    """One unit of escalation work: this case (or order), trigger, due date and level."""

    case: Case
    trigger: str
    due: date
    level: int
    overdue: int
    order: SupervisionOrder | None = None

    @property
    def kind(self) -> str:
        if self.order is not None:
            return AlertKind.ORDER_ESCALATION
        if self.trigger == EscalationTrigger.FOLLOW_UP:
            return AlertKind.FOLLOW_UP_ESCALATION
        return AlertKind.TARGET_ESCALATION

    @property
    def key(self) -> str:
        subject = f"order={self.order.pk}" if self.order else f"case={self.case.pk}"
        return f"escalation:{self.trigger}:{subject}:due={self.due}:level={self.level}"


class Supervisors:
    """Who hears of an escalation, read once per sweep: level 1 the district's own
    supervisors, level 2 the city's."""

    def __init__(self):
        supervisors = get_user_model().objects.filter(
            is_active=True, membership__role=Role.SUPERVISOR
        )
        users = {user.pk: user for user in supervisors}
        self.city = []
        self.by_district: dict[int, list] = {}
        rows = supervisors.values_list("pk", "membership__city_wide", "membership__districts")
        for pk, city_wide, district_id in rows.order_by("pk"):
            if city_wide:
                if users[pk] not in self.city:
                    self.city.append(users[pk])
            elif district_id is not None:
                self.by_district.setdefault(district_id, []).append(users[pk])

    def for_level(self, case, level: int) -> list:
        return self.city if level >= 2 else self.by_district.get(case.district_id, [])


def chunks(items, size=BATCH):
    chunk = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@shared_task(acks_late=True)
def escalate_overdue(today: str | None = None):
    """Escalate overdue follow-ups, passed target dates and overdue supervision orders by
    the admin-editable rules: level 1 to the district's supervisors, level 2 to the city's.
    One history entry and one set of notices per case, trigger, due date and level."""
    day = date.fromisoformat(today) if today else today_local()
    rules = Rules()
    result = SweepResult()
    if not rules.by_risk:
        return result.as_dict()
    supervisors = Supervisors()
    # Calendar days are never fewer than working days, so this bound finds every candidate.
    latest_due = day - timedelta(days=rules.earliest_days)
    open_cases = Case.objects.open()
    sources = [
        (EscalationTrigger.FOLLOW_UP, "next_follow_up_due",
         open_cases.filter(next_follow_up_due__lte=latest_due)),
        (EscalationTrigger.TARGET_DATE, "target_date",
         open_cases.filter(target_date__lte=latest_due)),
    ]

    def case_steps(trigger, field_name, queryset):
        for case in in_batches(queryset):
            due = getattr(case, field_name)
            for level, overdue in rules.levels_reached(case.risk_level, due, day):
                yield Step(case, trigger, due, level, overdue)

    for trigger, field_name, queryset in sources:
        for steps in chunks(case_steps(trigger, field_name, queryset)):
            escalate(steps, result=result, supervisors=supervisors)

    def order_steps():
        orders = SupervisionOrder.objects.awaiting_answer().filter(
            due_date__lte=latest_due, case__status__in=OPEN_STATUSES
        ).select_related("case")
        for order in in_batches(orders):
            for level, overdue in rules.levels_reached(order.case.risk_level, order.due_date,
                                                       day):
                yield Step(order.case, EscalationTrigger.ORDER, order.due_date, level, overdue,
                           order=order)

    for steps in chunks(order_steps()):
        escalate(steps, result=result, supervisors=supervisors)
    return result.as_dict()


def escalate(steps: list[Step], *, result, supervisors):
    """Claim the steps (one row each) and do the claimed ones, in one transaction and a
    few statements per batch: a step someone else claimed first is skipped."""
    with transaction.atomic():
        steps = sorted(steps, key=lambda step: step.key)  # one order for everyone: no deadlock
        claimed = set(insert_new([
            CaseAlert(key=step.key, kind=step.kind, case=step.case, order=step.order,
                      due_date=step.due, level=step.level, trigger=step.trigger)
            for step in steps
        ], returning="key"))
        result.skipped += len(steps) - len(claimed)
        steps = [step for step in steps if step.key in claimed]
        result.claimed += len(steps)
        if not steps:
            return
        now = timezone.now()
        for level in sorted({step.level for step in steps}):  # level 1 before level 2
            at_level = [step for step in steps if step.level == level]
            case_ids = {step.case.pk for step in at_level}
            Case.objects.filter(pk__in=case_ids, escalation_level__lt=level).update(
                escalation_level=level, escalated_at=now
            )
            supervision = LEVEL_SUPERVISION[level]
            lower = [value for value, rank in SUPERVISION_RANK.items()
                     if rank < SUPERVISION_RANK[supervision]]
            Case.objects.filter(pk__in=case_ids, supervision_level__in=lower).update(
                supervision_level=supervision
            )
            order_ids = {step.order.pk for step in at_level if step.order is not None}
            if order_ids:
                SupervisionOrder.objects.filter(
                    pk__in=order_ids, escalation_level__lt=level
                ).update(escalation_level=level)
        CaseEvent.objects.bulk_create(events.cases_escalated(escalations=[
            {"case": step.case, "trigger": step.trigger, "level": step.level,
             "due_date": step.due, "days_overdue": step.overdue, "order": step.order}
            for step in steps
        ]))
        notices = []
        for step in steps:
            reason = EscalationTrigger(step.trigger).label  # translated when read
            url = step.order.get_absolute_url() if step.order else step.case.get_absolute_url()
            params = case_params(step.case, level=step.level, reason=reason,
                                 date=step.due.isoformat())
            notices.extend(
                (supervisor, NoticeKind.ESCALATION, step.key, params, url)
                for supervisor in supervisors.for_level(step.case, step.level)
            )
        result.notices += notify_many(notices)


# ---------------------------------------------------------------- supervision orders
@shared_task(acks_late=True)
def remind_supervision_orders(today: str | None = None):
    """Remind the case's owner and district staff before an order's due date, and them
    and the issuer when it passes unanswered; once per order and due date."""
    day = date.fromisoformat(today) if today else today_local()
    lead = timedelta(days=settings.ORDER_REMINDER_LEAD_DAYS)
    result = SweepResult()
    # A closed case's orders take no answer (cases.actions): nobody is asked for one.
    orders = SupervisionOrder.objects.awaiting_answer().filter(
        due_date__lte=day + lead, case__status__in=OPEN_STATUSES
    ).select_related("case", "case__owner", "issued_by")
    for order in in_batches(orders):
        overdue = order.due_date < day
        kind = AlertKind.ORDER_OVERDUE if overdue else AlertKind.ORDER_SOON
        key = f"{kind}:order={order.pk}:due={order.due_date}"
        with transaction.atomic():
            if not claim(key=key, kind=kind, case=order.case, order=order,
                         due_date=order.due_date):
                result.skipped += 1
                continue
            result.claimed += 1
            recipients = {order.case.owner, *district_staff(order.case)}
            if overdue:
                recipients.add(order.issued_by)
                events.order_overdue(case=order.case, order=order)
            for user in recipients:
                created = notify(
                    user, kind=NoticeKind.ORDER_OVERDUE if overdue else NoticeKind.ORDER_DUE,
                    key=key, url=order.get_absolute_url(),
                    params=case_params(order.case, date=order.due_date.isoformat()),
                )
                result.notices += created is not None
    return result.as_dict()

