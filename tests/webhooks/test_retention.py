"""Old webhook events are forgotten after WEBHOOK_LOG_DAYS, never while still waiting."""

from datetime import timedelta

from django.utils import timezone

from riskdesk.choices import Announcement
from webhooks.choices import DeliveryStatus
from webhooks.models import Delivery, Event
from webhooks.tasks import forget_old_events


def aged(event, days):
    Event.objects.filter(pk=event.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_settled_events_older_than_the_setting_go_with_their_log_and_waiting_ones_stay(
        subscribe, district_supervisor, make_case, settings):
    settings.WEBHOOK_LOG_DAYS = 30
    subscription = subscribe(district_supervisor, "http://127.0.0.1/k",
                             kinds=[Announcement.CASE_REGISTERED])
    delivered, failed, waiting, recent = (make_case() for _ in range(4))
    events = {case: Event.objects.get(case=case) for case in (delivered, failed, waiting,
                                                                 recent)}
    for case, status in ((delivered, DeliveryStatus.DELIVERED), (failed, DeliveryStatus.FAILED),
                         (recent, DeliveryStatus.DELIVERED)):
        Delivery.objects.filter(event=events[case]).update(status=status)
    for case in (delivered, failed, waiting):
        aged(events[case], 31)
    aged(events[recent], 29)

    assert forget_old_events() == 2

    assert set(Event.objects.values_list("case", flat=True)) == {waiting.pk, recent.pk}
    assert set(Delivery.objects.filter(subscription=subscription)
               .values_list("event__case", flat=True)) == {waiting.pk, recent.pk}
    assert forget_old_events() == 0  # twice: the same result
