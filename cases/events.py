"""One keyword-only creator per kind of case event (saleor ``order/events.py``).

Events are only ever added. ``data`` holds plain JSON: values as shown to people at the
time (display labels are re-derived when shown, raw values are kept).
"""

from cases.choices import EventKind
from cases.models import CaseEvent


def case_created(*, case, user, imported=False):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.IMPORTED if imported else EventKind.CREATED,
        data={"status": case.status, "source_reference": case.source_reference},
    )


def case_edited(*, case, user, changes):
    """``changes`` maps a field's verbose name key to [old, new] as text."""
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.EDITED, data={"changes": changes}
    )


def case_transitioned(*, case, user, transition, old_status, new_status, note):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.TRANSITION,
        data={"transition": transition, "from": old_status, "to": new_status, "note": note},
    )


def follow_up_logged(*, case, user, follow_up, next_due):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.FOLLOW_UP,
        data={
            "follow_up": follow_up.pk,
            "date": follow_up.date.isoformat(),
            "method": follow_up.method,
            "people_helped_added": follow_up.people_helped_added,
            "amount_recovered_added": str(follow_up.amount_recovered_added),
            "households_delivered_added": follow_up.households_delivered_added,
            "next_due": next_due.isoformat() if next_due else None,
        },
    )


def attachment_added(*, case, user, attachment):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.ATTACHMENT,
        data={"attachment": attachment.pk, "name": attachment.original_name,
              "size": attachment.size, "follow_up": attachment.follow_up_id},
    )


def case_escalated(*, case, trigger, level, due_date, days_overdue, order=None):
    """A scheduled job raised the case's escalation (no user: the system did it)."""
    return CaseEvent.objects.create(
        case=case, user=None, kind=EventKind.ESCALATED,
        data={"trigger": trigger, "level": level, "due_date": due_date.isoformat(),
              "days_overdue": days_overdue, "order": order.pk if order else None},
    )
