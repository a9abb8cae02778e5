"""Deliveries reach a real receiver (tests/webhooks/receiver.py), signed, exactly once on
success, with retries by the sweep and a subscription switched off after 24 h of failure."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from riskdesk.choices import Announcement, NoticeKind
from riskdesk.models import Notification
from webhooks import tasks
from webhooks.choices import DeliveryStatus, Format
from webhooks.models import Delivery, Subscription

CASE_REGISTERED = [Announcement.CASE_REGISTERED]


def register(make_case, django_capture_on_commit_callbacks, *, execute=True, **fields):
    """A case registered as on the page; the first attempts go when it commits."""
    with django_capture_on_commit_callbacks(execute=execute):
        return make_case(contact_phone="13912345678", **fields)


def sweep_until(traveller, *, minutes, every=1):
    """Run the sweep each ``every`` minutes of RiskDesk's clock for ``minutes``."""
    for _ in range(0, minutes, every):
        traveller.shift(timedelta(minutes=every))
        tasks.send_due_webhooks()


def test_a_signed_delivery_reaches_the_receiver_and_verifies(
        receiver, eager, subscribe, district_supervisor, make_case, api_for, settings,
        django_capture_on_commit_callbacks):
    # given a supervisor's subscription to registered cases
    subscription = subscribe(district_supervisor, receiver.url, kinds=CASE_REGISTERED)

    # when a case of their district is registered
    case = register(make_case, django_capture_on_commit_callbacks)

    # then the receiver got it once, with a valid signature and a fresh timestamp
    [got] = receiver.received()
    assert (got["status"], got["problem"], got["event"]) == (200, "", "case.registered")
    body = got["body"]
    assert set(body) == {"id", "kind", "time", "object"}
    assert body["object"]["case"]["reference"] == case.reference
    assert body["object"]["case"]["contact_phone_masked"] == case.contact_phone_masked
    assert "13912345678" not in str(body)
    # the case as the API shows it, in the site's language
    shown = api_for(district_supervisor).get(f"/api/v1/cases/{case.reference}/",
                                             HTTP_ACCEPT_LANGUAGE=settings.LANGUAGE_CODE)
    assert body["object"]["case"] == shown.json()
    delivery = Delivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED, 1, 200)


def test_a_wrong_secret_is_refused_by_the_receiver(
        receiver, eager, subscribe, district_supervisor, make_case,
        django_capture_on_commit_callbacks):
    # given a subscription whose secret the receiver does not share
    subscribe(district_supervisor, receiver.url, kinds=CASE_REGISTERED,
              secret="not-the-receivers-secret-at-all")

    # when a case is registered
    register(make_case, django_capture_on_commit_callbacks)

    # then the receiver refused it and the delivery waits for a retry
    assert [r["problem"] for r in receiver.received()] == ["bad signature"]
    assert Delivery.objects.get().status == DeliveryStatus.PENDING


def test_500_three_times_then_200_is_delivered_exactly_once(
        patient_receiver, eager, subscribe, district_supervisor, make_case, time_machine,
        django_capture_on_commit_callbacks):
    # given a receiver that answers 500 three times
    time_machine.move_to(timezone.now(), tick=False)
    subscribe(district_supervisor, patient_receiver.url, kinds=CASE_REGISTERED)
    patient_receiver.fail(3)

    # when a case is registered and the sweep runs every minute for two hours
    register(make_case, django_capture_on_commit_callbacks)
    sweep_until(time_machine, minutes=120)

    # then it was tried 4 times (after 1, 2 and 4 minutes) and accepted once
    assert [r["status"] for r in patient_receiver.received()] == [500, 500, 500, 200]
    assert len({r["body"]["id"] for r in patient_receiver.received()}) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 4)


def test_a_receiver_down_for_the_whole_window_switches_the_subscription_off(
        patient_receiver, eager, subscribe, district_supervisor, make_case, time_machine,
        django_capture_on_commit_callbacks):
    # given a receiver that is down
    time_machine.move_to(timezone.now(), tick=False)
    subscription = subscribe(district_supervisor, patient_receiver.url, kinds=CASE_REGISTERED)
    patient_receiver.stop()

    # when a case is registered and the sweep runs every 10 minutes for 23 hours
    register(make_case, django_capture_on_commit_callbacks)
    sweep_until(time_machine, minutes=23 * 60, every=10)

    # then the subscription is still on, retrying with backoff (1, 2, 4 ... minutes)
    subscription.refresh_from_db()
    assert subscription.active
    assert Delivery.objects.get().status == DeliveryStatus.PENDING
    assert 8 <= Delivery.objects.get().attempts <= 13

    # when the sweep goes on past 24 hours
    sweep_until(time_machine, minutes=2 * 60, every=10)

    # then the delivery failed for good, the subscription is off, and its owner was told
    subscription.refresh_from_db()
    assert not subscription.active and subscription.disabled_at is not None
    assert "ConnectionRefusedError" in subscription.disabled_reason or subscription.disabled_reason
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    [notice] = Notification.objects.filter(user=district_supervisor,
                                           kind=NoticeKind.WEBHOOK_DISABLED)
    assert notice.params["title"] == subscription.name

    # and later sweeps send nothing and notify nobody again
    attempts = Delivery.objects.get().attempts
    sweep_until(time_machine, minutes=120, every=10)
    assert Delivery.objects.get().attempts == attempts
    assert Notification.objects.filter(kind=NoticeKind.WEBHOOK_DISABLED).count() == 1


def test_a_delivery_claimed_by_a_killed_worker_is_sent_again_once(
        receiver, eager, subscribe, district_supervisor, make_case, time_machine,
        django_capture_on_commit_callbacks):
    # given a delivery a worker claimed and then died on (it never finished)
    time_machine.move_to(timezone.now(), tick=False)
    subscribe(district_supervisor, receiver.url, kinds=CASE_REGISTERED)
    register(make_case, django_capture_on_commit_callbacks, execute=False)
    delivery = Delivery.objects.get()
    assert tasks.claim(delivery.pk, timezone.now())

    # when the sweep runs while the claim holds
    tasks.send_due_webhooks()
    tasks.deliver(delivery.pk)

    # then nobody sends it
    assert receiver.received() == []

    # when the claim has expired and the sweep runs, again and again
    time_machine.shift(tasks.CLAIM + timedelta(seconds=1))
    for _ in range(3):
        tasks.send_due_webhooks()
        tasks.deliver(delivery.pk)
        time_machine.shift(timedelta(minutes=5))

    # then it was sent exactly once
    assert len(receiver.received()) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DELIVERED, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_send_a_delivery_once(receiver, subscribe, district_supervisor,
                                                  make_case):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run under .ci/run)")
    # given a due delivery (its first attempt was never queued)
    subscribe(district_supervisor, receiver.url, kinds=CASE_REGISTERED)
    make_case()
    delivery = Delivery.objects.get()
    start, results = threading.Barrier(4), []

    def worker():
        try:
            start.wait(5)
            results.append(tasks.deliver(delivery.pk))
        finally:
            connections.close_all()

    # when four workers take it at the same moment
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # then one sent it, the others found it claimed
    assert sorted(results) == ["delivered"] + ["not due or claimed"] * 3
    assert len(receiver.received()) == 1


def test_the_chat_format_is_a_markdown_message(
        receiver, eager, subscribe, district_supervisor, make_case,
        django_capture_on_commit_callbacks):
    # given a chat robot subscription
    subscribe(district_supervisor, receiver.url, kinds=CASE_REGISTERED, fmt=Format.CHAT)

    # when a case is registered
    case = register(make_case, django_capture_on_commit_callbacks)

    # then the robot got a signed markdown message naming the case
    [got] = receiver.received()
    assert got["problem"] == ""
    assert got["body"]["msgtype"] == "markdown"
    content = got["body"]["markdown"]["content"]
    assert case.reference in content and "Case registered" in content
    assert f"/cases/{case.reference}/" in content


def test_a_test_event_reaches_only_its_subscription(
        receiver, eager, subscribe, district_supervisor, city_supervisor,
        django_capture_on_commit_callbacks):
    from webhooks.actions import send_test

    # given two subscriptions
    mine = subscribe(district_supervisor, receiver.url, kinds=CASE_REGISTERED)
    subscribe(city_supervisor, receiver.url, kinds=CASE_REGISTERED)

    # when a test event is sent to one
    with django_capture_on_commit_callbacks(execute=True):
        send_test(subscription=mine)

    # then only that one got it
    [got] = receiver.received()
    assert got["event"] == "test"
    assert Delivery.objects.get().subscription == mine
    assert Subscription.objects.count() == 2
