"""Saved views in the navigation (riskdesk.saved_views): the user's handful of views,
defaults first, from the session, so a page reads no more with 10 views than with none."""

import pytest

from riskdesk.choices import SavedList, Visibility
from riskdesk.models import ListSetting, SavedView
from riskdesk.saved_views import NAV_LIMIT
from tests.factories import make_user


def nav_links(response):
    return [(entry["name"], entry["url"]) for entry in response.context["nav_views"]()]


def test_the_navigation_lists_the_users_views_and_those_shared_with_them(
        client_for, owner, colleague, outsider, district_supervisor):
    mine = SavedView.objects.create(owner=owner, list=SavedList.ORDERS, name="My orders")
    shared = SavedView.objects.create(owner=colleague, list=SavedList.CASES, name="Ours",
                                      visibility=Visibility.DISTRICT)
    city = SavedView.objects.create(owner=district_supervisor, list=SavedList.DECISIONS,
                                    name="City", visibility=Visibility.CITY)
    SavedView.objects.create(owner=colleague, list=SavedList.CASES, name="Colleague's own")
    SavedView.objects.create(owner=outsider, list=SavedList.CASES, name="Qingshan",
                             visibility=Visibility.DISTRICT)
    default = SavedView.objects.create(owner=owner, list=SavedList.CASES, name="Z default")
    ListSetting.objects.create(user=owner, list=SavedList.CASES, default_view=default)

    response = client_for(owner).get("/notifications/")

    assert nav_links(response) == [
        ("Z default", f"/cases/?open={default.pk}"),
        ("My orders", f"/supervision/?open={mine.pk}"),
        ("Ours", f"/cases/?open={shared.pk}"),
        ("City", f"/decisions/?open={city.pk}"),
    ]
    html = response.content.decode()
    assert f'href="/supervision/?open={mine.pk}"' in html
    assert "Qingshan" not in html and "Colleague&#x27;s own" not in html


def test_a_view_shared_later_appears_once_a_list_is_opened(client_for, owner, colleague):
    client = client_for(owner)
    assert nav_links(client.get("/notifications/")) == []
    SavedView.objects.create(owner=colleague, list=SavedList.CASES, name="New",
                             visibility=Visibility.DISTRICT)

    client.get("/cases/?q=")

    assert [name for name, _url in nav_links(client.get("/notifications/"))] == ["New"]


@pytest.mark.parametrize("views", [0, 10])
def test_a_page_reads_no_more_with_10_saved_views_than_with_none(
        client_for, district, views, django_assert_max_num_queries):
    # given a supervisor with 0 or 10 views of their own and of colleagues
    user = make_user("nav.supervisor", "supervisor", district)
    other = make_user("nav.colleague", "supervisor", district)
    for number in range(views):
        SavedView.objects.create(owner=user if number % 2 else other, list=SavedList.CASES,
                                 name=f"View {number}", visibility=Visibility.DISTRICT)
    client = client_for(user)
    client.get("/notifications/")

    # when they open a page with the navigation
    with django_assert_max_num_queries(9) as captured:
        response = client.get("/notifications/")

    # then it takes the page's pinned queries, and shows a handful of views
    assert len(nav_links(response)) == min(views, NAV_LIMIT)
    assert not any("riskdesk_savedview" in query["sql"] for query in captured.captured_queries)
