"""Supervision orders through the pages: the case page's orders section, /supervision/
(the list in the user's scope) and one order's page with its steps and forms."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import actions
from cases.choices import ExtensionState, OrderState, SupervisionLevel
from cases.models import Case, CaseEvent, ExtensionRequest, SupervisionOrder
from tests.factories import make_user
from tests.urlwalk import SAMPLE, walk

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = datetime.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _fixed_day(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel("2026-06-01 09:00 +0800"):
        yield


def in_days(days):
    return TODAY + datetime.timedelta(days=days)


@pytest.fixture
def issue(case, district_supervisor):
    def make(*, user=None, level=SupervisionLevel.DISTRICT, due=14, on=None, text=None):
        return actions.issue_order(
            user=user or district_supervisor, case=on or case, level=level,
            instructions=text or "Pay the 80 workers before the holiday.",
            due_date=in_days(due),
        )

    return make


@pytest.fixture
def order(issue):
    return issue()


@pytest.fixture
def foreign_order(foreign_case, city_supervisor):
    return actions.issue_order(user=city_supervisor, case=foreign_case,
                               level=SupervisionLevel.CITY, instructions="Freeze the assets.",
                               due_date=in_days(10))


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def state(order):
    return SupervisionOrder.objects.get(pk=order.pk).state


# ---------------------------------------------------------------- the case page
def test_a_supervisor_issues_an_order_from_the_case_page(
    client_for, case, district_supervisor, owner
):
    client = client_for(district_supervisor)
    assert "Issue a supervision order" in page(client, case.get_absolute_url())
    response = client.post(f"/cases/{case.reference}/orders/new/", {
        "issue-level": SupervisionLevel.DISTRICT, "issue-instructions": "Pay them all.",
        "issue-due_date": in_days(10).isoformat(),
    })
    order = SupervisionOrder.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{case.get_absolute_url()}#order-{order.pk}"
    assert order.issued_by == district_supervisor and order.due_date == in_days(10)
    text = page(client_for(owner), case.get_absolute_url())
    assert "Pay them all." in text and "District-level supervision" in text
    assert f"/supervision/{order.pk}/acknowledge/" in text
    assert "Issue a supervision order" not in text


def test_a_district_supervisor_is_told_next_to_the_form_why_city_level_is_refused(
    client_for, case, district_supervisor
):
    client = client_for(district_supervisor)
    response = client.post(f"/cases/{case.reference}/orders/new/", {
        "issue-level": SupervisionLevel.CITY, "issue-instructions": "Pay them all.",
        "issue-due_date": in_days(10).isoformat(),
    })
    assert response.status_code == 200
    form = response.context["issue_form"]
    assert "city-wide supervisor" in " ".join(form.errors["level"])
    assert "Pay them all." in response.content.decode()  # what was typed is kept
    assert not SupervisionOrder.objects.exists()


def test_a_district_supervisor_is_offered_district_level_only(
    client_for, case, district_supervisor, city_supervisor
):
    form = client_for(district_supervisor).get(case.get_absolute_url()).context["issue_form"]
    assert [v for v, _l in form.fields["level"].widget.choices] == ["district"]
    form = client_for(city_supervisor).get(case.get_absolute_url()).context["issue_form"]
    assert [v for v, _l in form.fields["level"].widget.choices] == ["district", "city"]


def test_a_past_due_date_is_refused_next_to_the_field(client_for, case, district_supervisor):
    response = client_for(district_supervisor).post(f"/cases/{case.reference}/orders/new/", {
        "issue-level": SupervisionLevel.DISTRICT, "issue-instructions": "x",
        "issue-due_date": in_days(-2).isoformat(),
    })
    assert response.status_code == 200
    assert response.context["issue_form"].errors["due_date"]
    assert not SupervisionOrder.objects.exists()


def test_staff_cannot_issue_through_the_page(client_for, case, owner):
    response = client_for(owner).post(f"/cases/{case.reference}/orders/new/", {
        "issue-level": SupervisionLevel.DISTRICT, "issue-instructions": "x",
        "issue-due_date": in_days(3).isoformat(),
    }, follow=True)
    assert "Only a supervisor of the case" in response.content.decode()
    assert not SupervisionOrder.objects.exists()


def test_the_whole_way_through_the_pages(client_for, case, order, owner, district_supervisor):
    staff = client_for(owner)
    # acknowledge from the case page: back to the case page
    response = staff.post(f"/supervision/{order.pk}/acknowledge/", {"back": "case"})
    assert response["Location"] == f"{case.get_absolute_url()}#order-{order.pk}"
    # answer with a file from the order's page
    response = staff.post(f"/supervision/{order.pk}/answer/", {
        "answer-answer": "Paid 80 workers; receipts attached.",
        "answer-files": [SimpleUploadedFile("receipts.pdf", PDF)],
    })
    assert response["Location"] == f"/supervision/{order.pk}/"
    assert state(order) == OrderState.ANSWERED
    text = page(staff, f"/supervision/{order.pk}/")
    assert "Paid 80 workers; receipts attached." in text and "receipts.pdf" in text
    # the supervisor closes it
    boss = client_for(district_supervisor)
    assert f"/supervision/{order.pk}/close/" in page(boss, f"/supervision/{order.pk}/")
    boss.post(f"/supervision/{order.pk}/close/", {"close-note": "Receipts checked."})
    assert state(order) == OrderState.CLOSED
    assert Case.objects.get(pk=case.pk).supervision_level == ""


def test_the_order_page_shows_every_step(client_for, order, owner, district_supervisor):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="First answer.")
    actions.return_order(user=district_supervisor, order=order, note="Receipts missing.")
    actions.acknowledge_order(user=owner, order=order)
    request = actions.request_extension(user=owner, order=order, reason="Bank holiday.",
                                        requested_due_date=in_days(20))
    actions.decide_extension(user=district_supervisor, request=request, grant=True, note="")
    actions.answer_order(user=owner, order=order, answer="Second answer.")
    actions.close_order(user=district_supervisor, order=order, note="All paid.")
    response = client_for(owner).get(f"/supervision/{order.pk}/")
    text = response.content.decode()
    kinds = [entry["kind"] for entry in response.context["timeline"]]
    assert kinds == [
        "order_closed", "order_answered", "extension_decided", "extension_requested",
        "order_acknowledged", "order_returned", "order_answered", "order_acknowledged",
        "order_issued",
    ]
    for words in ("Issued a supervision order", "Acknowledged the supervision order.",
                  "First answer.", "Receipts missing.", "Bank holiday.",
                  f"the due date moved from {in_days(14)} to {in_days(20)}",
                  "Second answer.", "All paid."):
        assert words in text, words
    # both due dates are visible
    assert in_days(20).isoformat() in text and "Original due date" in text


def test_the_case_history_shows_the_order_steps(client_for, case, order, owner):
    actions.acknowledge_order(user=owner, order=order)
    text = page(client_for(owner), case.get_absolute_url())
    assert "Issued a supervision order (District-level supervision)" in text
    assert "Acknowledged the supervision order." in text


def test_a_refusal_is_shown_next_to_the_form_and_changes_nothing(client_for, order, owner):
    # given an order not yet acknowledged, when the owner tries to answer it
    response = client_for(owner).post(f"/supervision/{order.pk}/answer/",
                                      {"answer-answer": "Done already."})
    # then the page says so next to the answer form, keeps the text, and nothing changed
    assert response.status_code == 200
    form = response.context["panel"].forms["answer"]
    assert "Acknowledge the order first" in " ".join(form.non_field_errors())
    text = response.content.decode()
    assert "Acknowledge the order first" in text and "Done already." in text
    assert state(order) == OrderState.ISSUED


def test_a_refusal_from_the_case_page_is_shown_on_the_case_page(client_for, case, order,
                                                                 district_supervisor):
    response = client_for(district_supervisor).post(
        f"/supervision/{order.pk}/return/", {"back": "case", "return-note": "Why?"})
    assert response.status_code == 200
    shown = {template.name for template in response.templates}
    assert "cases/detail.html" in shown and "cases/order.html" not in shown
    assert "Only an answered order can be sent back" in response.content.decode()


def test_return_without_a_note_is_refused_next_to_the_field(client_for, order, owner,
                                                            district_supervisor):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Done.")
    response = client_for(district_supervisor).post(f"/supervision/{order.pk}/return/",
                                                     {"return-note": ""})
    assert response.status_code == 200
    assert response.context["panel"].forms["return"].errors["note"]
    assert state(order) == OrderState.ANSWERED


def test_staff_are_not_offered_supervisor_steps(client_for, order, owner):
    actions.acknowledge_order(user=owner, order=order)
    actions.answer_order(user=owner, order=order, answer="Done.")
    text = page(client_for(owner), f"/supervision/{order.pk}/")
    assert "/close/" not in text and "/return/" not in text
    response = client_for(owner).post(f"/supervision/{order.pk}/close/", {"close-note": ""})
    assert response.status_code == 200
    assert "Only a supervisor" in response.content.decode()
    assert state(order) == OrderState.ANSWERED


# ---------------------------------------------------------------- more time through pages
def test_more_time_requested_and_granted(client_for, order, owner, district_supervisor):
    staff = client_for(owner)
    staff.post(f"/supervision/{order.pk}/extension/", {
        "extension-requested_due_date": in_days(30).isoformat(),
        "extension-reason": "Payroll audit.",
    })
    request = ExtensionRequest.objects.get()
    boss = client_for(district_supervisor)
    decide = f"/supervision/{order.pk}/extension/{request.pk}/decide/"
    assert decide in page(boss, f"/supervision/{order.pk}/")
    response = boss.post(decide, {"decide-decision": "grant", "decide-note": "Fine."},
                         follow=True)
    assert f"now due {in_days(30)}" in response.content.decode()
    order.refresh_from_db()
    assert order.due_date == in_days(30) and order.original_due_date == in_days(14)
    text = page(staff, order.case.get_absolute_url())
    assert in_days(30).isoformat() in text and in_days(14).isoformat() in text
    assert "Original due date" in text


def test_more_time_refused_through_the_page(client_for, order, owner, district_supervisor):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    client_for(district_supervisor).post(
        f"/supervision/{order.pk}/extension/{request.pk}/decide/",
        {"decide-decision": "refuse", "decide-note": "Not needed."})
    assert ExtensionRequest.objects.get().state == ExtensionState.REFUSED
    assert SupervisionOrder.objects.get(pk=order.pk).due_date == in_days(14)


def test_a_second_request_is_refused_with_a_message(client_for, order, owner, colleague):
    actions.request_extension(user=owner, order=order, reason="x",
                              requested_due_date=in_days(20))
    response = client_for(colleague).post(f"/supervision/{order.pk}/extension/", {
        "extension-requested_due_date": in_days(40).isoformat(), "extension-reason": "y",
    })
    assert response.status_code == 200
    assert "already waiting for a decision" in response.content.decode()
    assert ExtensionRequest.objects.count() == 1


# ---------------------------------------------------------------- overdue and escalation
def test_an_overdue_order_is_marked_on_the_pages(client_for, case, issue, owner):
    order = issue(due=3)
    with time_machine.travel("2026-06-06 09:00 +0800"):
        client = client_for(owner)
        assert "overdue" in page(client, f"/supervision/{order.pk}/")
        case_page = client.get(case.get_absolute_url())
        assert case_page.context["order_panels"][0].overdue
        assert "order--overdue" in case_page.content.decode()
        listed = client.get("/supervision/?overdue=on").context["page"].object_list
        assert [o.pk for o in listed] == [order.pk]
    with time_machine.travel("2026-06-03 09:00 +0800"):
        assert not client_for(owner).get("/supervision/?overdue=on").context["page"].object_list


def test_an_escalated_case_shows_a_banner(client_for, case, owner):
    assert "Escalated: level" not in page(client_for(owner), case.get_absolute_url())
    Case.objects.filter(pk=case.pk).update(escalation_level=2,
                                           supervision_level=SupervisionLevel.CITY)
    text = page(client_for(owner), case.get_absolute_url())
    assert "Escalated: level 2" in text and "City-level supervision" in text


# ---------------------------------------------------------------- the list
def test_the_list_shows_only_orders_in_scope(client_for, order, foreign_order, owner,
                                             city_supervisor, outsider):
    def listed(user, query=""):
        response = client_for(user).get(f"/supervision/{query}")
        assert response.status_code == 200
        return {o.pk for o in response.context["page"].object_list}

    assert listed(owner) == {order.pk}
    assert listed(outsider) == {foreign_order.pk}
    assert listed(city_supervisor) == {order.pk, foreign_order.pk}
    # asking for another district's orders shows nothing of them
    assert listed(owner, f"?district={foreign_order.case.district_id}") == {order.pk}
    # (the bare list comes back with the filters just used: the same orders)
    remembered = client_for(owner).get("/supervision/", follow=True)
    assert f"/supervision/{order.pk}/" in remembered.content.decode()


def test_the_list_filters(client_for, case, issue, owner, city_supervisor, foreign_order):
    district_order = issue()
    city_order = issue(user=city_supervisor, level=SupervisionLevel.CITY)
    actions.acknowledge_order(user=owner, order=city_order)
    client = client_for(city_supervisor)

    def listed(query):
        return {o.pk for o in client.get(f"/supervision/?{query}").context["page"].object_list}

    assert listed("level=city") == {city_order.pk, foreign_order.pk}
    assert listed("state=acknowledged") == {city_order.pk}
    assert listed("state=issued&state=acknowledged") == {
        district_order.pk, city_order.pk, foreign_order.pk}
    assert listed(f"district={case.district_id}") == {district_order.pk, city_order.pk}
    assert listed(f"q={foreign_order.case.reference}") == {foreign_order.pk}
    actions.request_extension(user=owner, order=district_order, reason="x",
                              requested_due_date=in_days(30))
    assert listed("pending_extension=on") == {district_order.pk}


def test_wrong_filter_values_are_ignored_not_a_server_error(client_for, order, owner):
    response = client_for(owner).get(
        "/supervision/?state=bogus&level=x&district=abc&overdue=maybe&page=x&per_page=huge&o=z")
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_query_count_does_not_grow_with_the_data(
    client_for, make_case, city_supervisor, owner, rows, django_assert_max_num_queries
):
    for number in range(rows):
        order = actions.issue_order(
            user=city_supervisor, case=make_case(title=f"Case {number}"),
            level=SupervisionLevel.CITY, instructions="x", due_date=in_days(number % 20),
        )
        if number % 3 == 0:
            actions.request_extension(user=owner, order=order, reason="x",
                                      requested_due_date=in_days(40))
    client = client_for(city_supervisor)
    client.get("/supervision/")  # warm the session
    # 10, and 3 to remember the new filters in the session (savepoint, update, release)
    with django_assert_max_num_queries(13):
        response = client.get("/supervision/?per_page=100")
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("orders", [1, 6])
def test_the_case_page_query_count_does_not_grow_with_the_orders(
    client_for, case, issue, owner, district_supervisor, orders, django_assert_max_num_queries
):
    for number in range(orders):
        order = issue(text=f"Order {number}")
        actions.acknowledge_order(user=owner, order=order)
        actions.answer_order(user=owner, order=order, answer="Done.",
                             uploads=[SimpleUploadedFile("r.pdf", PDF)])
        if number % 2:
            actions.return_order(user=district_supervisor, order=order, note="More.")
            actions.request_extension(user=owner, order=order, reason="x",
                                      requested_due_date=in_days(40))
    for user in (owner, district_supervisor):
        client = client_for(user)
        client.get(case.get_absolute_url())
        with django_assert_max_num_queries(15):
            response = client.get(case.get_absolute_url())
        assert len(response.context["order_panels"]) == orders


# ---------------------------------------------------------------- addresses and scope
def test_the_models_address_is_the_orders_page(client_for, order, owner, outsider):
    assert order.get_absolute_url() == f"/supervision/{order.pk}/"
    assert client_for(owner).get(order.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(order.get_absolute_url()).status_code == 404


def test_the_old_address_under_the_case_redirects_within_scope(
    client_for, order, owner, outsider
):
    old = f"/cases/{order.case.reference}/orders/{order.pk}/"
    response = client_for(owner).get(old)
    assert response.status_code == 302 and response["Location"] == f"/supervision/{order.pk}/"
    assert client_for(outsider).get(old).status_code == 404


GET_ONLY = {"supervision:order", "cases:order"}
POST_URLS = ["acknowledge", "answer", "close", "return", "extension", "decide"]


def order_urls(order, extension_pk=1):
    """Every URL about one order: the supervision ones and the case page's."""
    urls = []
    for name, url in walk():
        if name and name.startswith("supervision:") and SAMPLE["int"] in url:
            url = url.replace(SAMPLE["int"], str(order.pk), 1)
            urls.append((name, url.replace(SAMPLE["int"], str(extension_pk))))
    urls.append(("cases:order", order.get_absolute_url()))
    urls.append(("cases:order_issue", f"/cases/{order.case.reference}/orders/new/"))
    return urls


def test_the_walk_covers_every_order_url(order):
    names = {name for name, _url in order_urls(order)}
    assert {f"supervision:{n}" for n in POST_URLS} | {"supervision:order"} <= names


@pytest.mark.parametrize("name", POST_URLS)
def test_every_post_step_rejects_get(client_for, order, owner, district_supervisor, name):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    args = [order.pk, request.pk] if name == "decide" else [order.pk]
    for user in (owner, district_supervisor):
        assert client_for(user).get(reverse(f"supervision:{name}", args=args)).status_code == 405


def test_issuing_rejects_get(client_for, case, district_supervisor):
    response = client_for(district_supervisor).get(f"/cases/{case.reference}/orders/new/")
    assert response.status_code == 405


def test_an_outsider_gets_404_on_every_order_url_and_the_order_is_unchanged(
    client_for, order, owner, outsider
):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    before = SupervisionOrder.objects.filter(pk=order.pk).values().get()
    events_before = CaseEvent.objects.count()
    client = client_for(outsider)
    checked = 0
    for name, url in order_urls(order, request.pk):
        assert client.get(url).status_code in (404, 405), name
        response = client.post(url, {
            "answer-answer": "x", "close-note": "x", "return-note": "x",
            "extension-reason": "x", "extension-requested_due_date": in_days(50).isoformat(),
            "decide-decision": "grant", "issue-level": "district",
            "issue-instructions": "x", "issue-due_date": in_days(5).isoformat(),
        })
        # the pages are GET only (405 before anything is looked up); every step is 404
        assert response.status_code in ((404, 405) if name in GET_ONLY else (404,)), name
        checked += 1
    assert checked >= 9
    assert SupervisionOrder.objects.filter(pk=order.pk).values().get() == before
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING
    assert CaseEvent.objects.count() == events_before
    assert SupervisionOrder.objects.count() == 1


def test_a_supervisor_of_another_district_gets_404(client_for, order, other_district):
    stranger = make_user("qingshan.supervisor", "supervisor", other_district)
    client = client_for(stranger)
    assert client.get(f"/supervision/{order.pk}/").status_code == 404
    assert client.post(f"/supervision/{order.pk}/close/", {"close-note": "x"}).status_code == 404
    assert order.pk not in {
        o.pk for o in client.get("/supervision/").context["page"].object_list}


def test_an_extension_of_another_order_is_404(client_for, order, issue, owner,
                                              district_supervisor):
    other = issue()
    request = actions.request_extension(user=owner, order=other, reason="x",
                                        requested_due_date=in_days(30))
    response = client_for(district_supervisor).post(
        f"/supervision/{order.pk}/extension/{request.pk}/decide/",
        {"decide-decision": "grant", "decide-note": ""})
    assert response.status_code == 404
    assert ExtensionRequest.objects.get().state == ExtensionState.PENDING


def test_navigation_offers_supervision_to_staff_supervisors_and_admins(
    client_for, owner, district_supervisor, admin_user
):
    for user in (owner, district_supervisor, admin_user):
        response = client_for(user).get("/supervision/")
        assert "Supervision" in [str(item.label) for item in response.context["nav_items"]]


def test_an_administrator_reads_orders_but_takes_no_step(client_for, order, admin_user):
    response = client_for(admin_user).get(f"/supervision/{order.pk}/")
    assert response.status_code == 200
    assert response.context["panel"].forms == {}
    response = client_for(admin_user).post(f"/supervision/{order.pk}/acknowledge/", {})
    assert response.status_code == 200 and state(order) == OrderState.ISSUED


@pytest.mark.parametrize("rounds", [1, 5])
def test_the_order_page_query_count_does_not_grow_with_its_steps(
    client_for, order, owner, district_supervisor, rounds, django_assert_max_num_queries
):
    for _round in range(rounds):
        actions.acknowledge_order(user=owner, order=order)
        actions.answer_order(user=owner, order=order, answer="Done.",
                             uploads=[SimpleUploadedFile("r.pdf", PDF)])
        actions.return_order(user=district_supervisor, order=order, note="More.")
        request = actions.request_extension(user=owner, order=order, reason="x",
                                            requested_due_date=order.due_date
                                            + datetime.timedelta(days=5))
        actions.decide_extension(user=district_supervisor, request=request, grant=True,
                                 note="")
    client = client_for(district_supervisor)
    client.get(f"/supervision/{order.pk}/")
    with django_assert_max_num_queries(11):
        response = client.get(f"/supervision/{order.pk}/")
    assert len(response.context["timeline"]) == 1 + 5 * rounds


def test_deciding_a_request_already_decided_says_so(client_for, order, owner,
                                                    district_supervisor, city_supervisor):
    request = actions.request_extension(user=owner, order=order, reason="x",
                                        requested_due_date=in_days(30))
    actions.decide_extension(user=city_supervisor, request=request, grant=False, note="")
    response = client_for(district_supervisor).post(
        f"/supervision/{order.pk}/extension/{request.pk}/decide/",
        {"decide-decision": "grant", "decide-note": ""})
    assert response.status_code == 200
    assert "already been decided" in response.content.decode()
    assert SupervisionOrder.objects.get(pk=order.pk).due_date == in_days(14)
