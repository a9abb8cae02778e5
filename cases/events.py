"""One keyword-only creator per kind of case event (saleor ``order/events.py``).

Events are only ever added. ``data`` holds plain JSON: values as shown to people at the
time (display labels are re-derived when shown, raw values are kept).
"""

from cases.choices import EventKind
from cases.models import CaseEvent
from riskdesk.choices import Announcement
from riskdesk.signals import announce, announce_each


def case_created(*, case, user, imported=False):
    announce(Announcement.CASE_REGISTERED, case=case, data={"imported": imported})
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.IMPORTED if imported else EventKind.CREATED,
        data={"status": case.status, "source_reference": case.source_reference},
    )


def case_edited(*, case, user, changes, note=""):
    """``changes`` maps a field's verbose name key to [old, new] as text; ``note`` is the
    reason given with a bulk change (the history shows it)."""
    data = {"changes": changes, **({"note": note} if note else {})}
    return CaseEvent.objects.create(case=case, user=user, kind=EventKind.EDITED, data=data)


def cases_transitioned(*, cases, user, transition, old_status, new_status, note):
    """One history entry and one announcement per case, written together."""
    change = {"transition": transition, "from": old_status, "to": new_status}
    # the note is not announced: it may name people
    announce_each(Announcement.STATUS_CHANGED, [{"case": case, "data": change}
                                                 for case in cases])
    return CaseEvent.objects.bulk_create([
        CaseEvent(case=case, user=user, kind=EventKind.TRANSITION,
                  data={**change, "note": note})
        for case in cases
    ])


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


def cases_escalated(*, escalations):
    """A scheduled job raised these cases' escalation (no user: the system did it). Each
    item has ``case``, ``trigger``, ``level``, ``due_date``, ``days_overdue`` and ``order``
    (or None). Returns one unsaved history entry each, which the sweep writes with one
    ``bulk_create``; they are announced together, so a batch of the sweep reads the
    webhook subscriptions once, not once per case."""
    announced, entries = [], []
    for item in escalations:
        order = item["order"]
        data = {"trigger": item["trigger"], "level": item["level"],
                "due_date": item["due_date"].isoformat(), "days_overdue": item["days_overdue"]}
        announced.append({"case": item["case"], "order": order, "data": data})
        entries.append(CaseEvent(case=item["case"], user=None, kind=EventKind.ESCALATED,
                                 data={**data, "order": order.pk if order else None}))
    announce_each(Announcement.ESCALATED, announced)
    return entries


# ---------------------------------------------------------------- supervision orders
# Every order event carries ``"order": <pk>``, so an order's own timeline is the case's
# events with that key (scheduled escalations of an order carry it too).


def order_issued(*, case, user, order, supervision_level=None, note=""):
    """``supervision_level`` is [old, new] when issuing raised the case's level; ``note``
    is the reason given with a bulk issue."""
    data = {
        "order": order.pk, "level": order.level, "due_date": order.due_date.isoformat(),
        "instructions": order.instructions, **({"note": note} if note else {}),
    }
    if supervision_level:
        data["supervision_level"] = list(supervision_level)
    announce(Announcement.ORDER_ISSUED, case=case, order=order)
    return CaseEvent.objects.create(case=case, user=user, kind=EventKind.ORDER_ISSUED, data=data)


def order_acknowledged(*, case, user, order, from_state):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.ORDER_ACKNOWLEDGED,
        data={"order": order.pk, "from": from_state},
    )


def order_answered(*, case, user, order, attachments=()):
    announce(Announcement.ORDER_ANSWERED, case=case, order=order)
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.ORDER_ANSWERED,
        data={
            "order": order.pk, "answer": order.answer,
            "attachments": [{"id": a.pk, "name": a.original_name} for a in attachments],
        },
    )


def order_returned(*, case, user, order, note):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.ORDER_RETURNED,
        data={"order": order.pk, "note": note},
    )


def order_closed(*, case, user, order, note, supervision_level=None):
    """``supervision_level`` is [old, new] when closing lowered the case's level."""
    data = {"order": order.pk, "note": note}
    if supervision_level:
        data["supervision_level"] = list(supervision_level)
    return CaseEvent.objects.create(case=case, user=user, kind=EventKind.ORDER_CLOSED, data=data)


def order_overdue(*, case, order):
    """A scheduled job found the order's due date passed unanswered: announced only (the
    reminder's ``CaseAlert`` is its record)."""
    announce(Announcement.ORDER_OVERDUE, case=case, order=order,
             data={"due_date": order.due_date.isoformat()})


def extension_requested(*, case, user, order, extension):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.EXTENSION_REQUESTED,
        data={
            "order": order.pk, "extension": extension.pk,
            "due_date": order.due_date.isoformat(),
            "requested_due_date": extension.requested_due_date.isoformat(),
            "reason": extension.reason,
        },
    )


def extension_decided(*, case, user, order, extension, old_due_date):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.EXTENSION_DECIDED,
        data={
            "order": order.pk, "extension": extension.pk, "state": extension.state,
            "due_date": old_due_date.isoformat(),
            "requested_due_date": extension.requested_due_date.isoformat(),
            "note": extension.decision_note,
        },
    )


# ---------------------------------------------------------------- links and merges
# A link's or merge's event names the other case by reference and district code only:
# the reader of one case may not see the other.
def _named(case):
    return {"reference": case.reference, "district": case.district.code}


def case_linked(*, case, other, user, link):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.LINKED,
        data={"link": link.pk, "kind": link.kind, "outgoing": link.from_case_id == case.pk,
              "other": _named(other), "note": link.note},
    )


def case_unlinked(*, case, other, user, link, note=""):
    return CaseEvent.objects.create(
        case=case, user=user, kind=EventKind.UNLINKED,
        data={"link": link.pk, "kind": link.kind, "outgoing": link.from_case_id == case.pk,
              "other": _named(other), "note": note},
    )


def case_merged(*, duplicate, survivor, user, old_status, note):
    """Both cases' events; the duplicate's status change is announced as any other."""
    announce(Announcement.STATUS_CHANGED, case=duplicate,
             data={"transition": "merge", "from": old_status, "to": duplicate.status})
    return CaseEvent.objects.bulk_create([
        CaseEvent(case=duplicate, user=user, kind=EventKind.MERGED,
                  data={"survivor": _named(survivor), "from": old_status,
                        "to": duplicate.status, "note": note}),
        CaseEvent(case=survivor, user=user, kind=EventKind.MERGED,
                  data={"duplicate": _named(duplicate), "note": note}),
    ])
