"""Saved views of the lists (riskdesk.saved_views): who sees a view, who may change it,
the default view, a view whose filters no longer exist, and the case list's columns
(shown, kept, exported) at a fixed query count."""

import csv
import io

import pytest

from cases.choices import CategoryKind, Status
from cases.models import Case, Category, WageArrearsDetails
from riskdesk.choices import SavedList, Visibility
from riskdesk.models import ListSetting, SavedView
from tests import listcolumns
from tests.cases.test_pages import LIST_QUERIES
from tests.factories import make_user


def save(client, name, query="", visibility=Visibility.PERSONAL, list_name=SavedList.CASES,
         columns=""):
    return client.post("/views/save/", {"name": name, "visibility": visibility,
                                        "list": list_name, "query": query,
                                        "columns": columns})


def shown(response):
    return {row["object"].title for row in response.context["rows"]}


def opened(client, view):
    """Open a view as the menu does, following its redirect to the filtered list."""
    first = client.get(f"/cases/?open={view.pk}")
    assert first.status_code == 302, first.status_code
    return client.get(first["Location"])


# ---------------------------------------------------------------- who sees a view
def test_a_city_wide_view_shows_each_district_supervisor_only_their_part(
        client_for, city_supervisor, make_case, outsider, other_district, district,
        categories):
    # given a wage case in each district and the city supervisor's city-wide view of them
    make_case(title="Kundulun wages")
    make_case(title="Qingshan wages", user=outsider, owner=outsider)
    make_case(title="Kundulun land", kind=CategoryKind.GENERAL)
    wages = categories[CategoryKind.WAGE_ARREARS].pk
    client = client_for(city_supervisor)
    response = save(client, "Wages, city", f"category={wages}", Visibility.CITY)
    assert response.status_code == 302
    view = SavedView.objects.get(name="Wages, city")
    assert shown(opened(client, view)) == {"Kundulun wages", "Qingshan wages"}

    # when each district's supervisor opens it
    kundulun = make_user("kundulun.supervisor", "supervisor", district)
    qingshan = make_user("qingshan.supervisor", "supervisor", other_district)

    # then each sees the wage cases of their own district only
    assert shown(opened(client_for(kundulun), view)) == {"Kundulun wages"}
    assert shown(opened(client_for(qingshan), view)) == {"Qingshan wages"}


def test_staff_cannot_share_a_view_city_wide(client_for, owner, case):
    response = save(client_for(owner), "Everything", "status=reported", Visibility.CITY)

    assert response.status_code == 302
    assert not SavedView.objects.exists()


def test_a_personal_view_is_404_for_another_user(client_for, owner, colleague, case):
    save(client_for(owner), "Mine", "q=wages")
    view = SavedView.objects.get()

    client = client_for(colleague)
    assert client.get(f"/cases/?open={view.pk}").status_code == 404
    assert view not in client.get("/cases/?q=x").context["saved_views"]
    assert client.post(f"/views/{view.pk}/default/").status_code == 404


def test_a_district_view_is_seen_by_a_colleague_not_by_another_district(
        client_for, owner, colleague, outsider, case):
    save(client_for(owner), "Kundulun high", "risk_level=high", Visibility.DISTRICT)
    view = SavedView.objects.get()

    assert shown(opened(client_for(colleague), view)) == {case.title}
    assert client_for(outsider).get(f"/cases/?open={view.pk}").status_code == 404
    assert view not in client_for(outsider).get("/views/").context["groups"][0]["views"]


# ---------------------------------------------------------------- managing views
@pytest.mark.parametrize("step", ["rename", "delete"])
def test_only_the_owner_renames_or_deletes_a_shared_view(client_for, owner, colleague, step):
    save(client_for(owner), "Shared", "q=x", Visibility.DISTRICT)
    view = SavedView.objects.get()

    response = client_for(colleague).post(f"/views/{view.pk}/{step}/", {"name": "Taken"})

    assert response.status_code == 404
    assert SavedView.objects.get().name == "Shared"


def test_the_owner_renames_then_deletes_a_view(client_for, owner):
    client = client_for(owner)
    save(client, "Old", "q=x")
    save(client, "Other", "q=y")
    view = SavedView.objects.get(name="Old")

    client.post(f"/views/{view.pk}/rename/", {"name": "Other"})  # taken: refused
    assert SavedView.objects.get(pk=view.pk).name == "Old"
    client.post(f"/views/{view.pk}/rename/", {"name": "New"})
    assert SavedView.objects.get(pk=view.pk).name == "New"
    client.post(f"/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_a_name_is_unique_per_owner_and_list(client_for, owner, colleague):
    save(client_for(owner), "Open", "q=x")
    response = save(client_for(owner), "Open", "q=y")
    save(client_for(colleague), "Open", "q=y")
    save(client_for(colleague), "Open", "state=issued", list_name=SavedList.ORDERS)

    assert response.status_code == 302
    assert SavedView.objects.filter(owner=owner).count() == 1
    assert SavedView.objects.filter(owner=colleague).count() == 2


def test_the_default_view_opens_with_the_bare_list(client_for, owner, make_case):
    make_case(title="Closed one")
    Case.objects.filter(title="Closed one").update(status=Status.CLOSED)
    make_case(title="Open one")
    client = client_for(owner)
    save(client, "Closed", f"status={Status.CLOSED}")
    view = SavedView.objects.get()

    client.post(f"/views/{view.pk}/default/")
    response = client.get("/cases/", follow=True)

    assert response.context["active_view"] == view
    assert shown(response) == {"Closed one"}
    assert ListSetting.objects.get(user=owner).default_view == view
    # and "without a view" shows the whole list
    assert shown(client.get("/cases/?view=")) == {"Closed one", "Open one"}


def test_a_view_of_orders_and_of_decisions_opens(client_for, city_supervisor):
    client = client_for(city_supervisor)
    save(client, "Issued", "state=issued&bogus=1", list_name=SavedList.ORDERS)
    save(client, "Registered", "status=registered", list_name=SavedList.DECISIONS)
    orders, decisions = (SavedView.objects.get(list=name)
                         for name in (SavedList.ORDERS, SavedList.DECISIONS))

    order_list = client.get(f"/supervision/?open={orders.pk}", follow=True)
    decision_list = client.get(f"/decisions/?open={decisions.pk}", follow=True)

    assert order_list.status_code == decision_list.status_code == 200
    assert order_list.context["active_view"] == orders
    assert "bogus" in order_list.content.decode()  # named among the filters left out
    assert decision_list.context["active_view"] == decisions


# ---------------------------------------------------------------- stale filters
def test_a_view_with_a_removed_category_opens_and_says_what_it_dropped(
        client_for, owner, make_case, categories):
    make_case(title="Wages")
    land = Category.objects.create(code="gone", name_en="Gone", name_zh="已删", kind="general")
    client = client_for(owner)
    save(client, "Gone", f"category={land.pk}&risk_level=high&nonsense=1")
    view = SavedView.objects.get()
    land.delete()

    response = client.get(f"/cases/?open={view.pk}", follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "refers to filters that no longer exist" in text
    assert "Category" in text and "nonsense" in text
    assert response.context["filterset"].form.data.get("risk_level") == "high"  # kept
    assert shown(response) == {"Wages"}


# ---------------------------------------------------------------- columns


def choose(client, keys, view=None):
    return listcolumns.choose(client, "/cases/columns/", keys, view)


def test_chosen_columns_are_shown_in_their_order_and_kept(client_for, owner, make_case):
    make_case(title="Wages", details=WageArrearsDetails(employer="Hongda Construction"))
    client = client_for(owner)

    choose(client, ["employer", "reference", "title"])
    response = client.get("/cases/?q=")

    assert [column.key for column in response.context["columns"]] == [
        "employer", "reference", "title"]
    assert "Hongda Construction" in response.content.decode()
    assert ListSetting.objects.get(user=owner).columns == ["employer", "reference", "title"]


def test_a_view_keeps_its_own_columns(client_for, owner, case):
    client = client_for(owner)
    choose(client, ["reference", "title"])
    save(client, "Short", "q=", columns="reference,title")
    view = SavedView.objects.get()
    choose(client, ["title", "risk_level"], view=view)  # with the view open: both kept
    choose(client, ["reference"])  # outside it: the user's only

    assert SavedView.objects.get().columns == ["title", "risk_level"]
    response = opened(client, view)
    assert [column.key for column in response.context["columns"]] == ["title", "risk_level"]


def test_the_export_follows_the_chosen_columns(client_for, owner, case):
    client = client_for(owner)
    choose(client, ["title", "reference"])
    page = client.get("/cases/?q=")
    link = f"/cases/export.csv?q=&columns={page.context['columns_param']}"

    response = client.get(link)
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))

    assert rows[0] == ["title", "reference"]
    assert rows[1] == [case.title, case.reference]
    assert 'href="/cases/export.csv?q=&amp;columns=title,reference"' in page.content.decode()


def test_every_column_at_once_adds_no_query(
        client_for, city_supervisor, make_case, django_assert_max_num_queries):
    from cases import columns

    for number in range(30):
        make_case(title=f"Case {number}",
                  details=WageArrearsDetails(employer=f"Employer {number}"))
    client = client_for(city_supervisor)
    client.get("/cases/?per_page=100")
    counts = {}
    for keys in (["reference"], [column.key for column in columns.ALL]):
        choose(client, keys)
        client.get("/cases/?per_page=100")
        with django_assert_max_num_queries(LIST_QUERIES) as captured:
            response = client.get("/cases/?per_page=100")
        assert len(response.context["columns"]) == len(keys)
        counts[len(keys)] = len(captured.captured_queries)
    assert len(set(counts.values())) == 1



def test_a_shared_views_personal_number_column_stays_masked_for_every_viewer(
        client_for, city_supervisor, make_case, district):
    # given a city-wide view whose columns include the contact's resident ID and phone
    case = make_case(title="Wages", contact_name="Zhang San",
                     contact_id_number="150203199001011232", contact_phone="13812345678")
    save(client_for(city_supervisor), "Contacts", "q=", Visibility.CITY,
         columns="reference,contact_id_number,contact_phone")
    view = SavedView.objects.get()

    # when a district supervisor opens it and exports it
    client = client_for(make_user("kundulun.supervisor", "supervisor", district))
    response = opened(client, view)
    export = b"".join(client.get(
        f"/cases/export.csv?q=&columns={response.context['columns_param']}")
        .streaming_content).decode("utf-8-sig")

    # then the columns are there, with the numbers masked on the page and in the file
    assert [column.key for column in response.context["columns"]] == [
        "reference", "contact_id_number", "contact_phone"]
    for text in (response.content.decode(), export):
        assert case.contact_id_number_masked in text
        assert "150203199001011232" not in text and "13812345678" not in text


def test_a_column_of_a_view_that_no_longer_exists_is_left_out_with_a_message(
        client_for, owner, case):
    view = SavedView.objects.create(owner=owner, list=SavedList.CASES, name="Old",
                                    columns=["title", "removed_detail"])

    response = client_for(owner).get(f"/cases/?open={view.pk}", follow=True)

    assert response.status_code == 200
    text = response.content.decode()
    assert "names columns that no longer exist" in text and "removed_detail" in text
    assert [column.key for column in response.context["columns"]] == ["title"]
