"""An event reaches a subscription only when its owner may see it and it matches the
subscription's kinds and districts."""

from riskdesk.choices import Announcement
from webhooks.models import Delivery, Event

CASE_REGISTERED = [Announcement.CASE_REGISTERED]


def test_a_kundulun_supervisor_never_receives_qingshan_events(
        subscribe, district_supervisor, city_supervisor, make_case, foreign_case):
    # given subscriptions of Kundulun's supervisor and of a city supervisor, made before
    # (the fixtures registered one case of each district; register them again below)
    kundulun = subscribe(district_supervisor, "http://127.0.0.1/k", kinds=CASE_REGISTERED)
    city = subscribe(city_supervisor, "http://127.0.0.1/c", kinds=CASE_REGISTERED)

    # when a Qingshan case and a Kundulun case are registered
    qingshan_case = make_case(user=foreign_case.owner, district=foreign_case.district,
                              owner=foreign_case.owner)
    kundulun_case = make_case()

    # then Kundulun's supervisor gets only Kundulun's, the city supervisor both
    assert {d.event.case for d in Delivery.objects.filter(subscription=kundulun)} == {
        kundulun_case}
    assert {d.event.case for d in Delivery.objects.filter(subscription=city)} == {
        kundulun_case, qingshan_case}


def test_a_district_filter_narrows_what_a_city_supervisor_gets(
        subscribe, city_supervisor, district, make_case, foreign_case):
    subscription = subscribe(city_supervisor, "http://127.0.0.1/c", kinds=CASE_REGISTERED,
                             districts=[district])
    make_case(user=foreign_case.owner, district=foreign_case.district,
              owner=foreign_case.owner)
    mine = make_case()
    assert [d.event.case for d in Delivery.objects.filter(subscription=subscription)] == [mine]


def test_kinds_not_asked_for_are_not_recorded(subscribe, district_supervisor, make_case):
    subscribe(district_supervisor, "http://127.0.0.1/k", kinds=[Announcement.ESCALATED])
    make_case()
    assert not Event.objects.exists()


def test_status_changes_and_orders_are_announced(subscribe, district_supervisor, case, owner):
    import datetime

    from cases import actions
    from cases.choices import SupervisionLevel, Transition

    subscription = subscribe(district_supervisor, "http://127.0.0.1/k", kinds=[
        Announcement.STATUS_CHANGED, Announcement.ORDER_ISSUED, Announcement.ORDER_ANSWERED])
    actions.transition(user=owner, case=case, name=Transition.VERIFY, note="seen")
    order = actions.issue_order(
        user=district_supervisor, case=case, level=SupervisionLevel.DISTRICT,
        instructions="Pay the workers.", due_date=datetime.date.today() + datetime.timedelta(9))
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Paid 40 of them.")
    kinds = [d.event.kind for d in Delivery.objects.filter(subscription=subscription)
             .order_by("id")]
    assert kinds == ["case.status_changed", "order.issued", "order.answered"]
    changed = Event.objects.get(kind="case.status_changed").payload
    assert (changed["from"], changed["to"]) == ("reported", "verified")
    assert "note" not in changed


def test_an_order_goes_out_as_the_api_lists_it(subscribe, district_supervisor, case, api_for,
                                               settings):
    import datetime

    from cases import actions
    from cases.choices import SupervisionLevel

    subscribe(district_supervisor, "http://127.0.0.1/k", kinds=[Announcement.ORDER_ISSUED])
    order = actions.issue_order(
        user=district_supervisor, case=case, level=SupervisionLevel.DISTRICT,
        instructions="Pay the workers.", due_date=datetime.date.today() + datetime.timedelta(9))
    sent = Event.objects.get(kind=Announcement.ORDER_ISSUED).payload
    listed = api_for(district_supervisor).get("/api/v1/orders/",
                                              HTTP_ACCEPT_LANGUAGE=settings.LANGUAGE_CODE)
    [row] = [row for row in listed.json()["results"] if row["id"] == order.pk]
    assert sent["order"] == row
    assert sent["case"]["reference"] == case.reference


def test_a_sweep_announces_every_escalation_and_reads_the_subscriptions_once_a_batch(
        subscribe, district_supervisor, make_case):
    import time_machine
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases import tasks
    from cases.choices import RiskLevel

    subscription = subscribe(district_supervisor, "http://127.0.0.1/k",
                             kinds=[Announcement.ESCALATED])
    with time_machine.travel("2026-01-01 09:00 +0800"):  # first follow-up due on 8 Jan
        cases = {make_case(risk_level=RiskLevel.MAJOR) for _number in range(3)}

    with CaptureQueriesContext(connection) as queries:
        result = tasks.escalate_overdue("2026-01-12")  # level 1 reached: 3 days overdue

    assert result["claimed"] == 3
    escalated = Event.objects.filter(kind="case.escalated")
    assert {event.case for event in escalated} == cases
    assert all(event.payload["level"] == 1 for event in escalated)
    assert Delivery.objects.filter(subscription=subscription).count() == 3
    # one read of the subscriptions for the batch, not one per case (10,000 due cases of
    # a province cost 10,000 reads before)
    reads = [query for query in queries.captured_queries
             if query["sql"].startswith('SELECT "webhooks_subscription"')]
    assert len(reads) == 1
