"""The security periods' page: cases registered, orders issued and drills held during each
period, counted in the viewer's scope only, with a fixed number of queries."""

import datetime
from datetime import datetime as moment

import pytest
import time_machine
from django.urls import reverse

from cases import actions
from cases.choices import SupervisionLevel
from cases.models import SecurityPeriod
from tests.reports.test_dashboard import ZONE

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sessions(make_case, make_drill, owner, outsider, district, other_district,
                 district_supervisor):
    period = SecurityPeriod.objects.create(name="Two Sessions",
                                           starts_on=datetime.date(2024, 3, 1),
                                           ends_on=datetime.date(2024, 3, 15))
    SecurityPeriod.objects.create(name="National Day", starts_on=datetime.date(2024, 10, 1),
                                  ends_on=datetime.date(2024, 10, 7))
    with time_machine.travel(moment(2024, 3, 15, 23, 30, tzinfo=ZONE), tick=False):
        case = make_case(title="Stalled housing")  # the last evening counts
        actions.issue_order(user=district_supervisor, case=case,
                            level=SupervisionLevel.DISTRICT, instructions="Report daily.",
                            due_date=datetime.date(2024, 3, 20))
        make_case(title="Foreign", user=outsider, owner=outsider, district=other_district)
    with time_machine.travel(moment(2024, 3, 16, 0, 30, tzinfo=ZONE), tick=False):
        make_case(title="Just after")
    make_drill(owner, district, date=datetime.date(2024, 3, 5), participants=50)
    make_drill(owner, district, date=datetime.date(2024, 3, 1))
    make_drill(outsider, other_district, date=datetime.date(2024, 3, 2))
    make_drill(owner, district, date=datetime.date(2024, 2, 29))
    return period


def figures(client, user):
    client.force_login(user)
    response = client.get(reverse("security_periods"))
    assert response.status_code == 200
    return {row.period.name: (row.cases.value, row.orders.value, row.drills.value)
            for row in response.context["rows"]}


def test_each_period_counts_the_work_done_in_it(two_sessions, client, owner):
    assert figures(client, owner) == {"Two Sessions": (1, 1, 2), "National Day": (0, 0, 0)}


def test_the_city_supervisor_counts_every_district(two_sessions, client, city_supervisor):
    assert figures(client, city_supervisor)["Two Sessions"] == (2, 1, 3)


def test_the_outsider_counts_only_their_district(two_sessions, client, outsider):
    assert figures(client, outsider)["Two Sessions"] == (1, 0, 1)


def test_figures_link_to_the_lists_of_the_period(two_sessions, client, owner):
    client.force_login(owner)
    row = client.get(reverse("security_periods")).context["rows"][-1]
    assert "created_after=2024-03-01" in row.cases.url
    assert "issued_before=2024-03-15" in row.orders.url
    listed = client.get(row.orders.url).context["page"].object_list
    assert [order.case.title for order in listed] == ["Stalled housing"]
    drills = client.get(row.drills.url).context["page"].object_list
    assert len(drills) == 2


def test_query_count_does_not_grow_with_periods(two_sessions, client, city_supervisor,
                                                django_assert_max_num_queries):
    client.force_login(city_supervisor)
    client.get(reverse("security_periods"))
    with django_assert_max_num_queries(6) as few:
        client.get(reverse("security_periods"))
    for number in range(10):
        SecurityPeriod.objects.create(name=f"P{number}",
                                      starts_on=datetime.date(2020, number + 1, 1),
                                      ends_on=datetime.date(2020, number + 1, 9))
    with django_assert_max_num_queries(6) as many:
        client.get(reverse("security_periods"))
    assert len(many.captured_queries) == len(few.captured_queries)

