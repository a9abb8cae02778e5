"""Lists remember the user's last filters, per list, until they clear them."""

import re

from cases.choices import Status


def test_the_case_list_opened_bare_comes_back_with_the_last_filters(client_for, owner, case):
    client = client_for(owner)
    client.get("/cases/?status=reported&risk_level=high&page=2")

    response = client.get("/cases/")

    assert response.status_code == 302
    assert response["Location"] == "/cases/?status=reported&risk_level=high"  # not the page


def test_clear_forgets_the_filters(client_for, owner, case):
    client = client_for(owner)
    client.get(f"/cases/?status={Status.CLOSED}")

    cleared = client.get("/cases/?clear=1")
    response = client.get("/cases/")

    assert cleared.status_code == 302 and cleared["Location"] == "/cases/"
    assert response.status_code == 200
    assert case in response.context["page"].object_list  # the closed-only filter is gone


def test_the_filtered_list_links_to_clear_filters(client_for, owner, case):
    response = client_for(owner).get("/cases/?q=wages")

    assert b'href="/cases/?clear=1"' in response.content


def test_each_list_and_each_user_has_its_own_memory(client, owner, colleague, case):
    client.force_login(owner)
    client.get("/cases/?status=reported")
    assert client.get("/supervision/").status_code == 200  # the orders list is not filtered

    client.force_login(colleague)  # a new session: someone else at the same desk
    assert client.get("/cases/").status_code == 200


def test_the_orders_list_remembers_its_filters(client_for, district_supervisor):
    client = client_for(district_supervisor)
    client.get("/supervision/?overdue=on")

    response = client.get("/supervision/")

    assert response["Location"] == "/supervision/?overdue=on"


def test_a_dashboard_drill_down_is_shown_but_not_remembered(client_for, district_supervisor):
    # given a supervisor who chose their own filters on the orders list
    client = client_for(district_supervisor)
    client.get("/supervision/?level=district")
    dashboard = client.get("/dashboard/").content.decode()

    # when they follow the dashboard's "overdue orders" figure, then open the menu's list
    drill_down = re.search(r'href="(/supervision/\?[^"]*overdue[^"]*)"', dashboard)
    assert drill_down, "the dashboard links its overdue orders to the list"
    shown = client.get(drill_down.group(1).replace("&amp;", "&"))
    from_menu = client.get("/supervision/")

    # then the drill-down list is shown, and the menu still opens their own filters
    assert shown.status_code == 200
    assert from_menu.status_code == 302
    assert from_menu["Location"] == "/supervision/?level=district"
