"""Sending webhooks: one attempt per task, retried by a sweep.

A delivery is claimed with a conditional UPDATE (waiting, due, and not claimed or its
claim expired): the worker whose UPDATE changed the row sends it, nobody else. Success
marks it delivered, so it is never sent again; a worker killed mid-send leaves a claim
that expires after ``CLAIM``, and the next sweep sends it again (a receiver may thus see
an event twice only if the worker died after the receiver answered: the event ``id`` lets
it tell). Failures wait 1 min, doubling, and stop 24 h after the event; a subscription
failing for 24 h is switched off and its owner told in the inbox. Events and their
delivery log are kept ``WEBHOOK_LOG_DAYS`` days once settled, then forgotten by a daily
sweep (they are copies of what the cases' history keeps).
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from riskdesk.choices import NoticeKind
from riskdesk.notify import notify
from webhooks import transport
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, Event, Subscription

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)  # retries stop, and a failing subscription is switched off
FIRST_RETRY = timedelta(minutes=1)
CLAIM = timedelta(minutes=2)  # longer than one attempt (10 s timeout)
SWEEP_BATCH = 200


def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts: 1, 2, 4, 8 ... minutes."""
    return FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20)


def claim(delivery_id: int, now) -> bool:
    """Take the delivery if it is due and unclaimed. The UPDATE's conditions are on the
    row itself only: PostgreSQL re-checks those after waiting for a concurrent claim, but
    not a join's (Django writes one as ``id IN (subquery)``, read before the wait), which
    let two workers both claim it."""
    return bool(Delivery.objects.due(now).filter(pk=delivery_id).update(
        claimed_until=now + CLAIM, attempts=F("attempts") + 1, last_attempt_at=now))


@shared_task(acks_late=True)
def deliver(delivery_id: int) -> str:
    """Attempt one delivery if it is due and nobody else holds it."""
    now = timezone.now()
    if not Subscription.objects.filter(deliveries=delivery_id, active=True).exists():
        return "subscription off"
    if not claim(delivery_id, now):
        return "not due or claimed"
    delivery = Delivery.objects.select_related("event", "subscription").get(pk=delivery_id)
    event, subscription = delivery.event, delivery.subscription
    body = transport.body_for(event, subscription.format)
    stamp = str(int(now.timestamp()))
    outcome = transport.post(subscription.url, body=body, headers={
        "X-RiskDesk-Event": event.kind,
        "X-RiskDesk-Delivery": str(delivery.pk),
        "X-RiskDesk-Timestamp": stamp,
        "X-RiskDesk-Signature": transport.signature(subscription.secret, stamp, body),
    })
    if outcome.ok:
        return succeeded(delivery, outcome)
    return failed(delivery, outcome)


def succeeded(delivery, outcome) -> str:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.DELIVERED, delivered_at=now, claimed_until=None,
            last_status_code=outcome.status_code, last_error="")
        Subscription.objects.filter(pk=delivery.subscription_id).update(failing_since=None)
    return "delivered"


def failed(delivery, outcome) -> str:
    now = timezone.now()
    deadline = delivery.event.created_at + WINDOW
    attempts = delivery.attempts  # counted by the claim
    retry_at = min(now + backoff(attempts), deadline)
    final = now >= deadline
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            next_attempt_at=retry_at, claimed_until=None,
            last_status_code=outcome.status_code, last_error=outcome.error[:500])
        Subscription.objects.filter(pk=delivery.subscription_id, failing_since=None).update(
            failing_since=now)
        switch_off_if_failing(delivery.subscription_id, now, outcome)
    log.warning("Webhook delivery %s failed (attempt %s): %s", delivery.pk, attempts,
                outcome.error or outcome.status_code)
    return "failed" if final else "will retry"


def switch_off_if_failing(subscription_id, now, outcome) -> bool:
    """Switch the subscription off when it has failed for the whole window; once."""
    reason = outcome.error or f"HTTP {outcome.status_code}"
    switched = Subscription.objects.filter(
        pk=subscription_id, active=True, failing_since__lte=now - WINDOW,
    ).update(active=False, disabled_at=now, disabled_reason=reason[:300])
    if not switched:
        return False
    subscription = Subscription.objects.select_related("owner").get(pk=subscription_id)
    notify(subscription.owner, kind=NoticeKind.WEBHOOK_DISABLED,
           key=f"webhook-disabled:{subscription.pk}:{now.isoformat()}",
           params={"title": subscription.name, "reason": reason},
           url=subscription.get_absolute_url())
    # what was waiting for it will not be sent
    Delivery.objects.filter(subscription_id=subscription_id,
                            status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=reason[:500])
    return True


@shared_task
def send_due_webhooks() -> int:
    """The sweep: queue every due delivery (a missed first attempt, a retry, a killed
    worker's expired claim). Queued twice is harmless: the claim decides."""
    now = timezone.now()
    ids = list(Delivery.objects.due(now).filter(subscription__active=True)
               .order_by("next_attempt_at", "id").values_list("pk", flat=True)[:SWEEP_BATCH])
    for pk in ids:
        deliver.delay(pk)
    return len(ids)


@shared_task
def forget_old_events() -> int:
    """Delete the events older than ``WEBHOOK_LOG_DAYS`` days with nothing left to send,
    and their delivery log (a sweep: late or twice, the same result). An event still
    waiting for a delivery is kept whatever its age."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    waiting = Delivery.objects.filter(event=OuterRef("pk"), status=DeliveryStatus.PENDING)
    old = Event.objects.filter(created_at__lt=cutoff).exclude(Exists(waiting))
    count = old.count()
    if count:
        old.delete()
        log.info("Forgot %s webhook events older than %s days, with their deliveries.",
                 count, settings.WEBHOOK_LOG_DAYS)
    return count
