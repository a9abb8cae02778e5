"""The supervision-order list's columns (riskdesk.columns): chosen from every field an
order has, in their order, kept per user and per saved view, at a pinned query count;
a saved view shows each viewer their own orders and drops a column that is gone."""

import datetime

import pytest
import time_machine
from django.utils import translation

from cases import actions
from cases.choices import SupervisionLevel
from cases.columns import ORDER_COLUMNS
from riskdesk.choices import SavedList, Visibility
from riskdesk.models import ListSetting, SavedView
from tests import listcolumns
from tests.factories import make_user
from tests.listcolumns import headers

TODAY = datetime.date(2026, 6, 1)
# The list's pinned count (tests/cases/test_order_pages.py): 10, and 3 to remember new
# filters in the session.
ORDER_LIST_QUERIES = 13


@pytest.fixture(autouse=True)
def _fixed_day():
    with time_machine.travel("2026-06-01 09:00 +0800"):
        yield


def issue(user, case, text="Pay the 80 workers before the holiday.", due=14):
    return actions.issue_order(user=user, case=case, level=SupervisionLevel.CITY,
                               instructions=text, due_date=TODAY + datetime.timedelta(days=due))


def choose(client, keys, view=None):
    return listcolumns.choose(client, "/supervision/columns/", keys, view)


def shown(response):
    return {row["object"].case.title for row in response.context["rows"]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_chosen_columns_are_shown_in_their_order_in_both_languages(
        client_for, city_supervisor, make_case, language):
    # given an order with instructions
    issue(city_supervisor, make_case(title="Wages"), text="Pay by Friday.")
    client = client_for(city_supervisor)
    client.cookies["django_language"] = language

    # when the supervisor shows the instructions first, then the state and the order
    response = choose(client, ["instructions", "state", "number"])
    page = client.get("/supervision/?q=")

    # then the list shows those columns in that order, labelled in the language
    assert response.status_code == 302
    assert headers(page) == ["instructions", "state", "number"]
    html = page.content.decode()
    assert "Pay by Friday." in html
    with translation.override(language):
        labels = [ORDER_COLUMNS.by_key[key].label for key in ("instructions", "state", "number")]
    positions = [html.index(f'<th scope="col">{label}</th>') for label in labels]
    assert positions == sorted(positions)
    if language == "zh-hans":
        assert '<th scope="col">督办单</th>' in html
    assert ListSetting.objects.get(user=city_supervisor, list=SavedList.ORDERS).columns == [
        "instructions", "state", "number"]


def test_choosing_no_column_is_refused_and_changes_nothing(client_for, city_supervisor):
    client = client_for(city_supervisor)
    choose(client, ["state"])

    response = client.post("/supervision/columns/", {"columns": ["bogus"], "next": "q=x"},
                           follow=True)

    assert response.status_code == 200
    assert "Choose at least one column." in response.content.decode()
    assert ListSetting.objects.get(user=city_supervisor).columns == ["state"]


def test_a_view_keeps_its_own_columns_and_another_users_view_keeps_its_authors(
        client_for, city_supervisor, district_supervisor, make_case):
    issue(city_supervisor, make_case(title="Wages"))
    client = client_for(city_supervisor)
    client.post("/views/save/", {"name": "Short", "visibility": Visibility.CITY,
                                 "list": SavedList.ORDERS, "query": "q=",
                                 "columns": "number,state"})
    view = SavedView.objects.get()
    choose(client, ["due_date", "number"], view=view)  # with the view open: both kept

    # a colleague's choice with the author's view open is theirs only
    choose(client_for(district_supervisor), ["case"], view=view)

    assert SavedView.objects.get().columns == ["due_date", "number"]
    opened = client_for(district_supervisor).get(f"/supervision/?open={view.pk}", follow=True)
    assert headers(opened) == ["due_date", "number"]
    assert ListSetting.objects.get(user=district_supervisor).columns == ["case"]


def test_a_city_wide_order_view_shows_each_district_supervisor_only_their_part(
        client_for, city_supervisor, make_case, outsider, district, other_district):
    # given an order on a case of each district, and the city supervisor's city-wide view
    # of them with the district and category columns
    issue(city_supervisor, make_case(title="Kundulun wages"))
    issue(city_supervisor, make_case(title="Qingshan wages", user=outsider, owner=outsider))
    client = client_for(city_supervisor)
    client.post("/views/save/", {"name": "All orders", "visibility": Visibility.CITY,
                                 "list": SavedList.ORDERS, "query": "",
                                 "columns": "case,district,category,state"})
    view = SavedView.objects.get()
    everything = client.get(f"/supervision/?open={view.pk}", follow=True)
    assert shown(everything) == {"Kundulun wages", "Qingshan wages"}

    # when each district's supervisor opens it
    for user, title, other in (
            (make_user("k.supervisor", "supervisor", district), "Kundulun wages", "Qingshan"),
            (make_user("q.supervisor", "supervisor", other_district), "Qingshan wages",
             "Kundulun")):
        response = client_for(user).get(f"/supervision/?open={view.pk}", follow=True)

        # then they see their own district's order only, in the view's columns
        assert shown(response) == {title}
        assert headers(response) == ["case", "district", "category", "state"]
        assert other not in response.content.decode().split("<tbody>")[1]


def test_a_column_that_no_longer_exists_is_left_out_with_a_message(
        client_for, city_supervisor, make_case):
    issue(city_supervisor, make_case(title="Wages"))
    view = SavedView.objects.create(owner=city_supervisor, list=SavedList.ORDERS, name="Old",
                                    columns=["gone_field", "state", "number"])

    response = client_for(city_supervisor).get(f"/supervision/?open={view.pk}", follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "names columns that no longer exist" in text and "gone_field" in text
    assert headers(response) == ["state", "number"]


@pytest.mark.parametrize("orders", [3, 30])
def test_the_widest_column_choice_keeps_the_pinned_query_count(
        client_for, city_supervisor, owner, make_case, orders, django_assert_max_num_queries):
    # given orders answered and closed by several people (every person column filled)
    for number in range(orders):
        order = issue(city_supervisor, make_case(title=f"Case {number}"), due=number % 20)
        actions.acknowledge_order(user=owner, order=order)
        if number % 2:
            actions.answer_order(user=owner, order=order, answer="Paid.", uploads=[])

    # when the list is shown with every column, then it takes no more queries than with
    # the default ones
    response = listcolumns.with_every_column(
        client_for(city_supervisor), "/supervision/?per_page=100", "/supervision/columns/",
        ORDER_COLUMNS, ORDER_LIST_QUERIES, django_assert_max_num_queries)
    assert len(response.context["rows"]) == orders
