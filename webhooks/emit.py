"""Turning an announcement into an ``Event`` and its deliveries, in the caller's
transaction; the first attempt of each is queued when that transaction commits."""

import logging

from django.db import transaction

from riskdesk.access import scope_of
from webhooks import payloads
from webhooks.models import Delivery, Event, Subscription

log = logging.getLogger(__name__)


def district_of(*, case=None, decision=None, **_):
    if case is not None:
        return case.district_id
    if decision is not None:
        return decision.district_id
    return None  # an agency: the whole city's


def wants(subscription, kind, district_id) -> bool:
    """The subscription asked for this kind and district, and its owner may see it.
    A city-wide event (no district) reaches admins and supervisors, as city-level
    decisions and the agency registry are theirs to see; a district filter narrows the
    districts' events only."""
    if kind not in subscription.kinds:
        return False
    scope = scope_of(subscription.owner)
    if not (scope.is_admin or scope.is_supervisor):
        return False
    if district_id is None:
        return scope.everything or bool(scope.district_ids)
    filtered = {district.pk for district in subscription.districts.all()}
    return scope.covers(district_id) and (not filtered or district_id in filtered)


def record(sender=None, *, kind, items, **_):
    """The receiver of ``riskdesk.signals.announced``: one event per item that an active
    subscription wants; nothing is written when none does (one query, however many
    items)."""
    candidates = list(Subscription.objects.active().select_related("owner__membership")
                      .prefetch_related("districts"))
    if not candidates:
        return
    for item in items:
        subjects = {name: item.get(name) for name in SUBJECTS}
        district_id = district_of(**subjects)
        matching = [sub for sub in candidates if wants(sub, kind, district_id)]
        if matching:
            create_event(kind, matching, district_id=district_id,
                         data=item.get("data") or {}, **subjects)


SUBJECTS = ("case", "order", "decision", "agency", "violation")


def create_event(kind, subscriptions, *, district_id=None, data=None, **subjects) -> Event:
    subjects = {name: subjects.get(name) for name in SUBJECTS}
    event = Event.objects.create(
        kind=kind, case=subjects["case"], order=subjects["order"],
        decision=subjects["decision"], district_id=district_id,
        payload=payloads.build(kind, data=data or {}, **subjects),
    )
    deliveries = Delivery.objects.bulk_create(
        [Delivery(event=event, subscription=sub, next_attempt_at=event.created_at)
         for sub in subscriptions])
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: queue(ids))
    return event


def queue(delivery_ids) -> None:
    """Queue the first attempts; a broker that is down only delays them (the sweep)."""
    from webhooks.tasks import deliver

    for pk in delivery_ids:
        try:
            deliver.delay(pk)
        except Exception:  # the broker's errors vary by transport (kombu, redis, OSError)
            log.exception("Could not queue webhook delivery %s", pk)
            return
