"""Exporting the supervision-order list (CSV and Excel) from its links: the list's
filters, its columns in their order labelled in the user's language, only the orders in
the user's scope, audited, at a query count that does not grow with the rows."""

import datetime

import pytest
import time_machine

from assessments.columns import DECISION_COLUMNS
from cases import actions
from cases.choices import SupervisionLevel
from cases.columns import ORDER_COLUMNS
from riskdesk.choices import AuditAction, SavedList
from riskdesk.models import AuditEntry, SavedView
from tests import listcolumns
from tests.listcolumns import export_as_shown, exported

TODAY = datetime.date(2026, 6, 1)
SUFFIXES = ["csv", "xlsx"]
# The session and the user, the user's columns (the link names none), the audit entry
# (in a savepoint) and the orders (one cursor): as many for 2 orders as for 20.
EXPORT_QUERIES = 7


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel("2026-06-01 09:00 +0800"):
        yield


def issue(user, case, due=14):
    return actions.issue_order(user=user, case=case, level=SupervisionLevel.CITY,
                               instructions="Pay the workers before the holiday.",
                               due_date=TODAY + datetime.timedelta(days=due))


def choose(client, keys, view=None):
    return listcolumns.choose(client, "/supervision/columns/", keys, view)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_export_has_the_lists_columns_in_their_order_and_its_filtered_rows(
        client_for, city_supervisor, owner, make_case, suffix):
    # given two orders waiting for the district, one acknowledged, one on another matter
    depot = issue(city_supervisor, make_case(title="Wages at the depot"), due=3)
    mall = issue(city_supervisor, make_case(title="Wages at the mall"), due=5)
    actions.acknowledge_order(user=owner, order=issue(
        city_supervisor, make_case(title="Wages at the school"), due=4))
    issue(city_supervisor, make_case(title="Stalled tower"), due=2)
    client = client_for(city_supervisor)

    # when the supervisor filters the list to the issued wage orders and follows its link
    rows = export_as_shown(
        client, "/supervision/?state=issued&q=Wages", suffix, name="orders",
        columns=["state", "case", "due_date", "number"], shows=[depot.pk, mall.pk])

    # then the file has the page's columns in the page's order and the page's rows
    assert rows == [
        ["State", "Case", "Due date", "Order"],
        ["Issued", f"{depot.case.reference} Wages at the depot", "2026-06-04", str(depot.pk)],
        ["Issued", f"{mall.case.reference} Wages at the mall", "2026-06-06", str(mall.pk)]]
    assert AuditEntry.objects.get(action=AuditAction.EXPORT).object_label == (
        f"riskdesk-orders-20260601-0900.{suffix}")


def test_without_columns_the_export_follows_the_open_view_else_the_users_choice(
        client_for, city_supervisor, make_case):
    order = issue(city_supervisor, make_case(title="Wages"))
    view = SavedView.objects.create(owner=city_supervisor, list=SavedList.ORDERS,
                                    name="Due", columns=["due_date", "number"])
    client = client_for(city_supervisor)
    choose(client, ["number", "state"])

    assert exported(client.get(f"/supervision/export.csv?view={view.pk}")) == [
        ["Due date", "Order"], ["2026-06-15", str(order.pk)]]
    assert exported(client.get("/supervision/export.csv")) == [
        ["Order", "State"], [str(order.pk), "Issued"]]


def test_a_district_staff_members_default_export_leaves_the_district_out_like_the_list(
        client_for, city_supervisor, owner, make_case):
    issue(city_supervisor, make_case())
    client = client_for(owner)

    header = exported(client.get("/supervision/export.csv"))[0]

    assert header == [column.label for column in client.get("/supervision/").context["columns"]]
    assert "District" not in header


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_outsider_exports_none_of_another_districts_orders(
        client_for, city_supervisor, outsider, make_case, suffix):
    # given an order in Kundulun and one in the outsider's district
    issue(city_supervisor, make_case(title="Kundulun wages"))
    theirs = issue(city_supervisor, make_case(title="Qingshan wages", user=outsider,
                                              owner=outsider))

    # when the outsider exports the whole list with the case column
    rows = exported(client_for(outsider).get(f"/supervision/export.{suffix}?columns=case"))

    # then only their own district's order is in it
    assert rows == [["Case"], [f"{theirs.case.reference} Qingshan wages"]]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_headers_and_states_are_in_chinese_for_a_chinese_user(
        client_for, city_supervisor, make_case, suffix):
    order = issue(city_supervisor, make_case())
    client = client_for(city_supervisor)
    client.cookies["django_language"] = "zh-hans"

    rows = exported(client.get(f"/supervision/export.{suffix}?columns=number,state,due_date"))

    assert rows == [["督办单", "状态", "期限"], [str(order.pk), "已下发", "2026-06-15"]]


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("orders", [2, 20])
def test_the_export_takes_as_many_queries_for_20_orders_as_for_2(
        client_for, city_supervisor, owner, make_case, orders, suffix,
        django_assert_max_num_queries):
    # given orders acknowledged, answered and closed by several people
    for number in range(orders):
        order = issue(city_supervisor, make_case(title=f"Case {number}"), due=number % 20)
        actions.acknowledge_order(user=owner, order=order)
        if number % 2:
            actions.answer_order(user=owner, order=order, answer="Paid.", uploads=[])
    client = client_for(city_supervisor)

    # when every column is exported, then it takes no more queries for 20 than for 2
    rows = listcolumns.export_every_column(client, "/supervision/", ORDER_COLUMNS, suffix,
                                           EXPORT_QUERIES, django_assert_max_num_queries)
    assert len(rows) == orders + 1


@pytest.mark.parametrize(("url", "column_set"), [("/supervision/export.csv", ORDER_COLUMNS),
                                                  ("/decisions/export.xlsx", DECISION_COLUMNS)])
def test_unreadable_filters_view_and_columns_are_ignored_as_the_list_does(
        client_for, city_supervisor, url, column_set):
    query = "?state=lost&issued_after=soon&o=nowhere&view=99999999999999999999&columns=,x,"

    response = client_for(city_supervisor).get(url + query)

    # then the file has the list's default columns, and no error
    assert response.status_code == 200
    assert exported(response)[0] == [column_set.by_key[key].label for key in column_set.default]
