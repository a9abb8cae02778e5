"""Supervision orders (督办单) through the API: issued, acknowledged, answered, closed or
sent back, more time asked for and decided, with the pages' checks, history and notices;
scope, filters and the list's cost."""

import datetime

import pytest
from django.utils import timezone

from cases import actions
from cases.choices import EventKind, ExtensionState, OrderState, Status, SupervisionLevel
from cases.models import Case, CaseEvent, SupervisionOrder
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification
from tests.world import differences, snapshot

ORDERS = "/api/v1/orders/"


def post(client, url, body=None, **headers):
    return client.post(url, body or {}, content_type="application/json", **headers)


def in_days(days):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def issue_url(case):
    return f"/api/v1/cases/{case.reference}/orders/"


def step(order, name):
    return f"{ORDERS}{order.pk}/{name}/"


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def order(case, district_supervisor):
    return actions.issue_order(user=district_supervisor, case=case,
                               level=SupervisionLevel.DISTRICT,
                               instructions="Pay the 80 workers before the holiday.",
                               due_date=timezone.localdate() + datetime.timedelta(days=14))


def acknowledged(order, staff):
    actions.acknowledge_order(user=staff, order=order)
    return order


def answered(order, staff):
    acknowledged(order, staff)
    return actions.answer_order(user=staff, order=order, answer="Paid on site.")


# ---------------------------------------------------------------- the whole way
def test_issue_acknowledge_answer_close_through_the_api(
        api_for, case, owner, colleague, district_supervisor):
    supervisor, staff = api_for(district_supervisor), api_for(owner)
    # when the district supervisor issues an order on the case
    response = post(supervisor, issue_url(case), {
        "level": "district", "instructions": "Pay the 80 workers before the holiday.",
        "due_date": in_days(14)})
    # then it is issued, the case is under district supervision, the history says so
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["case"], body["state"], body["level"]) == (case.reference, "issued", "district")
    assert body["issued_by"] == district_supervisor.username
    assert body["due_date"] == body["original_due_date"] == in_days(14)
    order = SupervisionOrder.objects.get(pk=body["id"])
    assert Case.objects.get(pk=case.pk).supervision_level == SupervisionLevel.DISTRICT
    assert [h["kind"] for h in body["history"]] == ["order_issued"]
    # and the district's staff get the notice, the supervisor none
    notified = set(Notification.objects.filter(kind=NoticeKind.ORDER_ISSUED)
                   .values_list("user__username", flat=True))
    assert notified == {owner.username, colleague.username}
    # when the staff acknowledge and answer it
    response = post(staff, step(order, "acknowledge"))
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["acknowledged_by"]) == (
        "acknowledged", owner.username)
    response = post(staff, step(order, "answer"), {"answer": "Paid all 80 on site."})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "answered"
    assert response.json()["answer"] == "Paid all 80 on site."
    assert response.json()["allowed_steps"] == []  # the rest is the supervisor's
    # then the supervisor is told, and may close or send it back
    assert Notification.objects.filter(user=district_supervisor,
                                       kind=NoticeKind.ORDER_UPDATE).count() == 1
    assert supervisor.get(f"{ORDERS}{order.pk}/").json()["allowed_steps"] == [
        "close", "return"]
    # when the supervisor closes it
    response = post(supervisor, step(order, "close"), {"note": "Receipts checked."})
    # then it is closed, the case's supervision ends, every step is in the history
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["state"], body["state_label"], body["closed_by"]) == (
        "closed", "Closed", district_supervisor.username)
    assert Case.objects.get(pk=case.pk).supervision_level == ""
    assert [h["kind"] for h in body["history"]] == [
        "order_closed", "order_answered", "order_acknowledged", "order_issued"]
    assert body["history"][0]["text"] == "Receipts checked."
    assert body["history"][0]["by"] == district_supervisor.username
    assert list(CaseEvent.objects.filter(case=case).order_by("at", "id")
                .values_list("kind", "user__username"))[-4:] == [
        (EventKind.ORDER_ISSUED, district_supervisor.username),
        (EventKind.ORDER_ACKNOWLEDGED, owner.username),
        (EventKind.ORDER_ANSWERED, owner.username),
        (EventKind.ORDER_CLOSED, district_supervisor.username)]


def test_a_supervisor_sends_an_answer_back_with_a_note(api_for, order, owner,
                                                       district_supervisor):
    answered(order, owner)
    response = post(api_for(district_supervisor), step(order, "return"),
                    {"note": "No receipts attached."})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["return_note"]) == (
        "returned", "No receipts attached.")
    assert Notification.objects.filter(user=owner, kind=NoticeKind.ORDER_UPDATE).exists()


def test_sending_back_needs_the_note(api_for, order, owner, district_supervisor):
    answered(order, owner)
    response = post(api_for(district_supervisor), step(order, "return"), {"note": ""})
    assert response.status_code == 400 and "note" in response.json()
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ANSWERED


def test_more_time_asked_for_and_granted(api_for, order, owner, district_supervisor):
    # when the staff ask for a week more
    later = (order.due_date + datetime.timedelta(days=7)).isoformat()
    response = post(api_for(owner), step(order, "extension"),
                    {"reason": "The bank is closed for the holiday.",
                     "requested_due_date": later})
    assert response.status_code == 200, response.content
    [extension] = response.json()["extensions"]
    assert (extension["state"], extension["requested_due_date"]) == ("pending", later)
    assert response.json()["has_pending_extension"] is True
    assert Notification.objects.filter(user=district_supervisor,
                                       kind=NoticeKind.EXTENSION).exists()
    # and the supervisor grants it
    response = post(api_for(district_supervisor),
                    f"{ORDERS}{order.pk}/extensions/{extension['id']}/decide/",
                    {"grant": True, "note": "Fine."})
    # then the due date moves, the original stays, the staff are told
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["due_date"], body["original_due_date"]) == (later, order.due_date.isoformat())
    assert body["extensions"][0]["state"] == ExtensionState.GRANTED
    assert body["history"][0]["extension_state"] == "granted"
    assert Notification.objects.filter(user=owner, kind=NoticeKind.EXTENSION).exists()


def test_an_extension_must_ask_for_a_later_date(api_for, order, owner):
    response = post(api_for(owner), step(order, "extension"),
                    {"reason": "Holiday", "requested_due_date": order.due_date.isoformat()})
    assert response.status_code == 400
    assert "requested_due_date" in response.json()
    assert not order.extensions.exists()


def test_a_refused_extension_leaves_the_due_date(api_for, order, owner, district_supervisor):
    extension = actions.request_extension(
        user=owner, order=order, reason="Holiday",
        requested_due_date=order.due_date + datetime.timedelta(days=7))
    response = post(api_for(district_supervisor),
                    f"{ORDERS}{order.pk}/extensions/{extension.pk}/decide/", {"grant": False})
    assert response.status_code == 200, response.content
    assert response.json()["due_date"] == order.due_date.isoformat()
    assert response.json()["extensions"][0]["state"] == "refused"


def test_an_extension_of_another_order_is_a_404(api_for, case, order, owner,
                                                district_supervisor):
    other = actions.issue_order(user=district_supervisor, case=case, level="district",
                                instructions="Another", due_date=order.due_date)
    extension = actions.request_extension(
        user=owner, order=other, reason="Holiday",
        requested_due_date=order.due_date + datetime.timedelta(days=7))
    response = post(api_for(district_supervisor),
                    f"{ORDERS}{order.pk}/extensions/{extension.pk}/decide/", {"grant": True})
    assert response.status_code == 404
    extension.refresh_from_db()
    assert extension.state == ExtensionState.PENDING


# ---------------------------------------------------------------- refusals
def test_staff_cannot_close_an_order(api_for, order, owner):
    answered(order, owner)
    client = api_for(owner)
    client.get(ORDERS)  # the token's last use written
    before = snapshot()
    response = post(client, step(order, "close"), {"note": "Done"})
    assert response.status_code == 400
    assert "Only a supervisor" in response.json()["detail"][0]
    assert differences(before, snapshot()) == []


def test_staff_cannot_issue_an_order(api_for, case, owner):
    response = post(api_for(owner), issue_url(case),
                    {"level": "district", "instructions": "x", "due_date": in_days(3)})
    assert response.status_code == 400
    assert "Only a supervisor" in response.json()["detail"][0]
    assert not SupervisionOrder.objects.exists()


def test_a_district_supervisor_cannot_issue_a_city_level_order(
        api_for, case, district_supervisor):
    response = post(api_for(district_supervisor), issue_url(case),
                    {"level": "city", "instructions": "x", "due_date": in_days(3)})
    assert response.status_code == 400
    assert "city-wide" in response.json()["level"][0]
    assert not SupervisionOrder.objects.exists()


def test_issue_checks_the_form_fields(api_for, case, district_supervisor):
    response = post(api_for(district_supervisor), issue_url(case),
                    {"level": "district", "instructions": "", "due_date": in_days(-1)})
    assert response.status_code == 400
    assert {"instructions"} <= set(response.json())
    response = post(api_for(district_supervisor), issue_url(case),
                    {"level": "district", "instructions": "Pay", "due_date": in_days(-1)})
    assert response.status_code == 400
    assert response.json() == {"due_date": ["The due date cannot be in the past."]}
    assert not SupervisionOrder.objects.exists()


def test_no_order_on_a_closed_case(api_for, case, district_supervisor):
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED)
    response = post(api_for(district_supervisor), issue_url(case),
                    {"level": "district", "instructions": "Pay", "due_date": in_days(3)})
    assert response.status_code == 400
    assert "closed case" in response.json()["detail"][0]


def test_a_step_in_the_wrong_state_is_a_400_in_chinese(api_for, order, district_supervisor):
    # given an order just issued, not answered
    response = post(api_for(district_supervisor), step(order, "close"), {},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then closing it is refused with the action's message, in Chinese
    assert response.status_code == 400
    assert response.json() == {"detail": ["只有已回复的督办单才能办结；此督办单为“已下发”。"]}
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ISSUED


def test_answering_before_acknowledging_is_refused(api_for, order, owner):
    response = post(api_for(owner), step(order, "answer"), {"answer": "Paid"})
    assert response.status_code == 400
    assert response.json() == {"detail": ["Acknowledge the order first, then answer it."]}


@pytest.mark.parametrize("body", [[], "text", {"answer": {"a": 1}}, {"answer": ["x"]},
                                  {"answer": "x" * 8001}, {}])
def test_odd_answers_are_400s_not_500s(api_for, order, owner, body):
    acknowledged(order, owner)
    response = post(api_for(owner), step(order, "answer"), body)
    assert response.status_code == 400, response.content
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ACKNOWLEDGED


def test_a_read_only_token_cannot_take_a_step(api_for, order, owner):
    response = post(api_for(owner, read_only=True), step(order, "acknowledge"))
    assert response.status_code == 403
    assert SupervisionOrder.objects.get(pk=order.pk).state == OrderState.ISSUED


def test_steps_reject_get(api_for, order, owner):
    assert api_for(owner).get(step(order, "acknowledge")).status_code == 405


def test_a_step_sent_again_with_its_idempotency_key_is_done_once(api_for, order, owner):
    acknowledged(order, owner)
    client = api_for(owner)
    first = post(client, step(order, "answer"), {"answer": "Paid"}, HTTP_IDEMPOTENCY_KEY="a-1")
    again = post(client, step(order, "answer"), {"answer": "Paid"}, HTTP_IDEMPOTENCY_KEY="a-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert CaseEvent.objects.filter(kind=EventKind.ORDER_ANSWERED).count() == 1


# ---------------------------------------------------------------- scope
def order_urls(order, extension):
    return ([("get", f"{ORDERS}{order.pk}/")]
            + [("post", step(order, name)) for name in
               ("acknowledge", "answer", "close", "return", "extension")]
            + [("post", f"{ORDERS}{order.pk}/extensions/{extension.pk}/decide/"),
               ("post", issue_url(order.case))])


def test_an_outsider_gets_404_on_every_order_url_and_sees_none(api_for, order, owner, outsider):
    extension = actions.request_extension(
        user=owner, order=order, reason="Holiday",
        requested_due_date=order.due_date + datetime.timedelta(days=7))
    client = api_for(outsider)
    assert ids(client.get(ORDERS)) == []  # and the token's last use written
    before = snapshot()
    bodies = {"note": "x", "reason": "x", "answer": "x", "grant": True, "level": "district",
              "instructions": "x", "due_date": in_days(3),
              "requested_due_date": in_days(30)}
    for method, url in order_urls(order, extension):
        response = (client.get(url) if method == "get" else post(client, url, bodies))
        assert response.status_code == 404, url
    assert differences(before, snapshot()) == []


def test_a_city_supervisor_sees_every_districts_orders(
        api_for, order, foreign_case, city_supervisor, district_supervisor):
    foreign = actions.issue_order(user=city_supervisor, case=foreign_case, level="city",
                                  instructions="Refund", due_date=order.due_date)
    assert set(ids(api_for(city_supervisor).get(ORDERS))) == {order.pk, foreign.pk}
    assert ids(api_for(district_supervisor).get(ORDERS)) == [order.pk]


# ---------------------------------------------------------------- filters
def test_filters_give_the_same_orders_as_the_html_list(
        api_for, client_for, case, order, owner, district_supervisor):
    # given an answered order, one overdue, one with more time asked
    answered(order, owner)
    overdue = actions.issue_order(user=district_supervisor, case=case, level="district",
                                  instructions="Late", due_date=timezone.localdate())
    SupervisionOrder.objects.filter(pk=overdue.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2))
    asked = actions.issue_order(user=district_supervisor, case=case, level="district",
                                instructions="More", due_date=order.due_date)
    actions.request_extension(user=owner, order=asked, reason="Holiday",
                              requested_due_date=order.due_date + datetime.timedelta(days=3))
    api, html = api_for(district_supervisor), client_for(district_supervisor)
    for query, expected in [("state=answered", {order.pk}), ("overdue=true", {overdue.pk}),
                            ("pending_extension=true", {asked.pk}),
                            ("state=issued&state=answered", {order.pk, overdue.pk, asked.pk}),
                            ("level=city", set()), (f"q={case.reference}",
                                                    {order.pk, overdue.pk, asked.pk})]:
        page = html.get(f"/supervision/?{query}&per_page=100")
        assert page.status_code == 200
        assert {o.pk for o in page.context["page"].object_list} == expected, query
        assert set(ids(api.get(f"{ORDERS}?{query}"))) == expected, query


@pytest.mark.parametrize("query", ["state=bogus", "level=bogus", "district=abc",
                                   "cursor=garbage", "page_size=0"])
def test_bad_filters_are_400s_naming_the_field(api_for, district_supervisor, query):
    response = api_for(district_supervisor).get(f"{ORDERS}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_the_list_walks_every_order_once_in_issue_order(api_for, case, district_supervisor):
    due = timezone.localdate() + datetime.timedelta(days=5)
    made = [actions.issue_order(user=district_supervisor, case=case, level="district",
                                instructions=f"Order {i}", due_date=due).pk for i in range(7)]
    client, seen, url = api_for(district_supervisor), [], f"{ORDERS}?page_size=3"
    while url:
        response = client.get(url)
        seen += ids(response)
        url = response.json()["next"]
    assert seen == made


# ---------------------------------------------------------------- the cost
def orders_of(n, case, supervisor):
    """``n`` orders on the case made at once (no history: for sizes only)."""
    due = timezone.localdate() + datetime.timedelta(days=10)
    return SupervisionOrder.objects.bulk_create([
        SupervisionOrder(case=case, level="district", instructions=f"Order {i}", due_date=due,
                         original_due_date=due, issued_by=supervisor)
        for i in range(n)])


def test_the_list_costs_the_same_at_10_and_50_rows(
        api_for, case, district_supervisor, django_assert_num_queries):
    orders_of(10, case, district_supervisor)
    client = api_for(district_supervisor)
    client.get(ORDERS)  # the token's last use written
    with django_assert_num_queries(LIST_QUERIES):
        assert len(ids(client.get(ORDERS))) == 10
    orders_of(40, case, district_supervisor)
    with django_assert_num_queries(LIST_QUERIES):
        assert len(ids(client.get(ORDERS))) == 50


# the token and its user (with their districts), then the page with its related rows
LIST_QUERIES = 3


def test_the_schema_states_the_order_steps(api_for, owner):
    paths = api_for(owner).get("/api/v1/schema/?format=json").json()["paths"]
    for name in ("acknowledge", "answer", "close", "return", "extension"):
        operation = paths[f"/api/v1/orders/{{id}}/{name}/"]["post"]
        assert {"200", "400", "404", "422"} <= set(operation["responses"]), name
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"]], name
    issue = paths["/api/v1/cases/{reference}/orders/"]["post"]
    assert {"201", "400", "404"} <= set(issue["responses"])
    decide = paths["/api/v1/orders/{id}/extensions/{ext_id}/decide/"]["post"]
    assert {"id", "ext_id", "Idempotency-Key"} <= {p["name"] for p in decide["parameters"]}
    assert {"state", "level", "overdue", "district"} <= {
        p["name"] for p in paths["/api/v1/orders/"]["get"]["parameters"]}
