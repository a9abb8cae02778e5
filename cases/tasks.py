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
    EscalationRule,
    SecurityPeriod,
    SupervisionOrder,
)
from riskdesk.calendar import WorkingCalendar, days_between
from riskdesk.choices import NoticeKind, Role
from riskdesk.notify import notify

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


def supervisors_for(case, level: int):
    """Level 1: the district's own supervisors; level 2: the city's."""
    users = get_user_model().objects.filter(is_active=True, membership__role=Role.SUPERVISOR)
    if level >= 2:
        return users.filter(membership__city_wide=True)
    return users.filter(membership__city_wide=False, membership__districts=case.district_id)


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
    # Calendar days are never fewer than working days, so this bound finds every candidate.
    latest_due = day - timedelta(days=rules.earliest_days)
    open_cases = Case.objects.open().select_related("district")
    sources = [
        (EscalationTrigger.FOLLOW_UP, "next_follow_up_due",
         open_cases.filter(next_follow_up_due__lte=latest_due)),
        (EscalationTrigger.TARGET_DATE, "target_date",
         open_cases.filter(target_date__lte=latest_due)),
    ]
    for trigger, field_name, queryset in sources:
        for case in in_batches(queryset):
            due = getattr(case, field_name)
            for level, overdue in rules.levels_reached(case.risk_level, due, day):
                escalate(case, trigger=trigger, due=due, level=level, overdue=overdue,
                         result=result)
    orders = SupervisionOrder.objects.awaiting_answer().filter(
        due_date__lte=latest_due, case__status__in=OPEN_STATUSES
    ).select_related("case", "case__district")
    for order in in_batches(orders):
        for level, overdue in rules.levels_reached(order.case.risk_level, order.due_date, day):
            escalate(order.case, trigger=EscalationTrigger.ORDER, due=order.due_date,
                     level=level, overdue=overdue, result=result, order=order)
    return result.as_dict()


def escalate(case, *, trigger, due, level, overdue, result, order=None):
    kind = AlertKind.ORDER_ESCALATION if order else (
        AlertKind.FOLLOW_UP_ESCALATION if trigger == EscalationTrigger.FOLLOW_UP
        else AlertKind.TARGET_ESCALATION
    )
    subject = f"order={order.pk}" if order else f"case={case.pk}"
    key = f"escalation:{trigger}:{subject}:due={due}:level={level}"
    with transaction.atomic():
        if not claim(key=key, kind=kind, case=case, order=order, due_date=due, level=level,
                     trigger=trigger):
            result.skipped += 1
            return
        result.claimed += 1
        now = timezone.now()
        supervision = LEVEL_SUPERVISION[level]
        Case.objects.filter(pk=case.pk, escalation_level__lt=level).update(
            escalation_level=level, escalated_at=now
        )
        if SUPERVISION_RANK[case.supervision_level] < SUPERVISION_RANK[supervision]:
            Case.objects.filter(pk=case.pk).update(supervision_level=supervision)
        if order is not None:
            SupervisionOrder.objects.filter(pk=order.pk, escalation_level__lt=level).update(
                escalation_level=level
            )
        events.case_escalated(case=case, trigger=trigger, level=level, due_date=due,
                              days_overdue=overdue, order=order)
        reason = EscalationTrigger(trigger).label
        url = order.get_absolute_url() if order else case.get_absolute_url()
        for supervisor in supervisors_for(case, level):
            created = notify(
                supervisor, kind=NoticeKind.ESCALATION, key=key, url=url,
                params=case_params(case, level=level, reason=str(reason), date=due.isoformat()),
            )
            result.notices += created is not None


# ---------------------------------------------------------------- supervision orders
@shared_task(acks_late=True)
def remind_supervision_orders(today: str | None = None):
    """Remind the case's owner and district staff before an order's due date, and them
    and the issuer when it passes unanswered; once per order and due date."""
    day = date.fromisoformat(today) if today else today_local()
    lead = timedelta(days=settings.ORDER_REMINDER_LEAD_DAYS)
    result = SweepResult()
    orders = SupervisionOrder.objects.awaiting_answer().filter(
        due_date__lte=day + lead
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
            for user in recipients:
                created = notify(
                    user, kind=NoticeKind.ORDER_OVERDUE if overdue else NoticeKind.ORDER_DUE,
                    key=key, url=order.get_absolute_url(),
                    params=case_params(order.case, date=order.due_date.isoformat()),
                )
                result.notices += created is not None
    return result.as_dict()

