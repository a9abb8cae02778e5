"""The dashboard: figures equal hand-computed values, are scoped, and link to their lists."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Status
from cases.models import Case, WageArrearsDetails
from riskdesk.figures import Figure
from tests.factories import make_user

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 6, 15)


@pytest.fixture
def at_noon():
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=ZONE), tick=False):
        yield


def move(case, *steps, user=None, supervisor=None):
    for step in steps:
        actor = supervisor if step in ("close", "return", "reopen") else (user or case.owner)
        case = actions.transition(user=actor, case=case, name=step, note="step")
    return case


@pytest.fixture
def city(at_noon, make_case, owner, outsider, district_supervisor, district, other_district):
    """Six cases: four in Kundulun (one resolved, one closed), two in Qingshan."""
    wage = make_case(title="Wages A", risk_level=RiskLevel.MAJOR, people_affected=100,
                     amount_involved=Decimal("1000000.00"),
                     next_follow_up_due=TODAY - timedelta(days=3),
                     details=WageArrearsDetails(employer="Builder A"))
    make_case(title="Housing", kind=CategoryKind.REAL_ESTATE, risk_level=RiskLevel.HIGH,
              target_date=TODAY - timedelta(days=1))
    resolved = make_case(title="Wages B", people_affected=40,
                         details=WageArrearsDetails(employer="Builder B"))
    Case.objects.filter(pk=resolved.pk).update(people_helped=40,
                                                amount_recovered=Decimal("600000.00"))
    move(resolved, "verify", "start", "resolve")
    closed = make_case(title="Land", kind=CategoryKind.GENERAL, people_affected=10)
    move(closed, "verify", "start", "resolve", "close", supervisor=district_supervisor)
    for title in ("Fraud Q1", "Fraud Q2"):
        make_case(user=outsider, owner=outsider, district=other_district, title=title,
                  kind=CategoryKind.MASS_VICTIM, risk_level=RiskLevel.MAJOR,
                  next_follow_up_due=TODAY - timedelta(days=10))
    return {"wage": wage}


def dashboard(client, user, query=""):
    client.force_login(user)
    response = client.get(f"/dashboard/{query}")
    assert response.status_code == 200
    return response


def test_city_supervisor_sees_hand_counted_figures(city, client, city_supervisor):
    context = dashboard(client, city_supervisor, "?year=2026").context

    assert context["open"].total.value == 5  # six, less the closed one
    statuses = {value: figure.value for value, _label, figure in context["open"].by_status}
    assert statuses == {"reported": 4, "verified": 0, "in_resolution": 0, "resolved": 1}
    risks = {value: figure.value for value, _label, figure in context["open"].by_risk}
    assert risks == {"major": 3, "high": 2, "medium": 0, "low": 0}
    assert context["open"].follow_up_overdue.value == 3
    assert context["open"].target_overdue.value == 1
    assert context["period_cases"].new.value == 6
    assert context["period_cases"].done.value == 2
    assert context["period_cases"].resolved.value == 2
    assert context["period_cases"].rate == pytest.approx(2 / 6)
    wages = next(row for row in context["period_cases"].results
                 if row.kind == CategoryKind.WAGE_ARREARS)
    assert (wages.cases.value, wages.people_helped, wages.amount_recovered) == (
        2, 40, Decimal("600000.00"))
    league = {row["district"].code: row for row in context["league"]}
    assert league["kundulun"]["open"].value == 3
    assert league["qingshan"]["overdue"].value == 2
    assert league["kundulun"]["rate"] == pytest.approx(2 / 4)


def test_district_supervisor_dashboard_leaves_other_districts_out(
    city, client, district_supervisor
):
    response = dashboard(client, district_supervisor)
    context = response.context

    assert context["open"].total.value == 3
    assert context["open"].follow_up_overdue.value == 1
    assert context["period_cases"].new.value == 4
    assert "Fraud Q1" not in response.content.decode()
    assert [row["district"].code for row in context["league"]] == ["kundulun"]


def test_choosing_a_district_narrows_every_figure(city, client, city_supervisor,
                                                   other_district):
    context = dashboard(client, city_supervisor, f"?district={other_district.pk}").context

    assert context["open"].total.value == 2
    assert context["period_cases"].new.value == 2
    assert f"district={other_district.pk}" in context["open"].total.url


def all_figures(value):
    """Every Figure inside the dashboard's context, wherever it is nested."""
    if isinstance(value, Figure):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from all_figures(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from all_figures(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from all_figures(getattr(value, name))


def listed_count(client, url) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


@pytest.mark.parametrize("who", ["city_supervisor", "district_supervisor", "owner"])
def test_every_number_links_to_a_list_showing_the_same_count(request, city, client, who):
    user = request.getfixturevalue(who)
    context = dashboard(client, user, "?year=2026").context
    keys = ("open", "period_cases", "trend", "league", "orders", "week", "assessed", "agencies")
    figures = [figure for key in keys for figure in all_figures(context.get(key))]
    assert len(figures) > 20
    for figure in figures:
        assert listed_count(client, figure.url) == figure.value, figure.url


def test_every_bar_is_a_link_and_every_chart_has_a_text_alternative(city, client,
                                                                    city_supervisor):
    html = dashboard(client, city_supervisor).content.decode()

    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S)
    assert len(charts) >= 5
    for chart in charts:
        assert "aria-describedby" in chart and "<title" in chart and "<desc" in chart
        assert chart.count("<rect") == chart.count("<a href=")


def test_staff_see_their_week(city, client, owner):
    context = dashboard(client, owner).context

    assert context["week"]["mine"].value == 3
    assert context["open"].total.value == 3
    assert "assessed" not in context


def test_assessors_have_no_dashboard(client, db, district):
    assessor = make_user("some.assessor", "assessor")
    client.force_login(assessor)

    assert client.get("/dashboard/").status_code == 404
    assert client.get("/reports/summary/").status_code == 404


def test_home_is_the_dashboard_for_supervisors(client, city_supervisor):
    client.force_login(city_supervisor)

    assert "reports/dashboard.html" in [t.name for t in client.get("/").templates]


@pytest.mark.parametrize("query", ["?year=abc", "?year=1800&month=13", "?district=999999",
                                   "?district=x&sort=drop+table", "?month=-1"])
def test_wrong_selector_values_are_ignored(city, client, city_supervisor, query):
    response = dashboard(client, city_supervisor, query)

    assert response.context["selection"].period.year == 2026
    assert response.context["selection"].district is None


def test_league_table_sorts_by_the_chosen_column(city, client, city_supervisor):
    rows = dashboard(client, city_supervisor, "?sort=-overdue").context["league"]
    assert [row["district"].code for row in rows] == ["qingshan", "kundulun"]
    rows = dashboard(client, city_supervisor, "?sort=overdue").context["league"]
    assert [row["district"].code for row in rows] == ["kundulun", "qingshan"]


def test_query_count_does_not_grow_with_districts_categories_or_cases(
    at_noon, client, make_case, city_supervisor, django_assert_max_num_queries
):
    from tests.factories import DistrictFactory

    make_case(title="One")
    client.force_login(city_supervisor)
    with django_assert_max_num_queries(20) as few:
        client.get("/dashboard/")
    for number in range(6):
        district = DistrictFactory(code=f"d{number}", name_en=f"D{number}", name_zh=f"区{number}")
        staff = make_user(f"s{number}", "staff", district)
        for kind in CategoryKind.values:
            make_case(user=staff, owner=staff, district=district, kind=kind,
                      next_follow_up_due=TODAY - timedelta(days=number + 1))
    with django_assert_max_num_queries(20) as many:
        client.get("/dashboard/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_demo_data_shows_the_sources_wage_figures(client, settings, city_supervisor):
    from django.core.management import call_command

    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The demo replays the twelve months before the day it is seeded: late in December
    # they are all this year's.
    with time_machine.travel(datetime(2026, 12, 28, 10, 0, tzinfo=ZONE), tick=False):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        context = dashboard(client, city_supervisor).context

    wages = [row for row in context["period_cases"].results
             if row.kind == CategoryKind.WAGE_ARREARS]
    assert sum(row.cases.value for row in wages) == 34
    assert sum(row.people_helped for row in wages) == 1904
    assert sum(row.amount_recovered for row in wages) == Decimal("49960000.00")
    assert Case.objects.filter(status=Status.CLOSED).exists()


def test_a_cached_dashboard_says_how_old_it_is_and_is_the_users_own(
    city, client, settings, city_supervisor, district_supervisor, make_case
):
    from django.core.cache import cache

    settings.DASHBOARD_CACHE_SECONDS = 120
    cache.clear()
    first = dashboard(client, city_supervisor)
    make_case(title="Registered after the first look")

    again = dashboard(client, city_supervisor)
    other = dashboard(client, district_supervisor).context["open"].total.value

    total = first.context["open"].total.value
    assert again.context["figures"] == first.context["figures"]  # kept for up to two minutes
    assert "refreshed at most every 2 minutes" in again.content.decode()
    assert "open" not in again.context  # only the written figures are kept, not the data
    assert other == 4  # another user's figures are computed for them, with the new case
    with time_machine.travel(datetime(2026, 6, 15, 12, 3, tzinfo=ZONE), tick=False):
        assert dashboard(client, city_supervisor).context["open"].total.value == total + 1


@pytest.mark.parametrize("path", ["/dashboard/", "/reports/summary/", "/reports/summary.docx"])
def test_naming_another_district_in_the_selector_shows_nothing_of_it(
    city, client, district_supervisor, other_district, path
):
    client.force_login(district_supervisor)

    response = client.get(f"{path}?district={other_district.pk}&year=2026")

    assert response.status_code == 200
    body = response.content if path.endswith("docx") else response.content.decode()
    if not path.endswith("docx"):
        assert response.context["selection"].district is None
        assert "Fraud Q1" not in body and "Qingshan" not in body
    else:
        import io

        from docx import Document
        text = "\n".join(p.text for p in Document(io.BytesIO(body)).paragraphs)
        assert "Qingshan" not in text and "Mass-victim" not in text


def test_the_resolved_cases_are_read_through_their_index_not_the_whole_table(
        city, client, city_supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        context = dashboard(client, city_supervisor, "?year=2026").context
    assert context["period_cases"].resolved.value == 2  # the resolved and the closed one
    reading_resolved = [q["sql"] for q in queries.captured_queries
                        if '"cases_case"."resolved_at" >=' in q["sql"]]
    assert len(reading_resolved) == 2  # the period's resolved cases and the 12 months' trend
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a table of many cases
        for sql in reading_resolved:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "cases_case_resolved" in plan, plan


def test_the_open_figures_are_read_from_their_index_alone(city, client, city_supervisor):
    """The dashboard's open cases by district, status, risk and category come from the
    covering index, without reading the table (an index-only scan)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # computed, not the figures another test kept
    with CaptureQueriesContext(connection) as queries:
        dashboard(client, city_supervisor, "?year=2026")
    [grouping] = [q["sql"] for q in queries.captured_queries
                  if 'AS "level_2"' in q["sql"]]
    with connection.cursor() as cursor:
        # as on a table of many cases: only an index that holds every column read will do
        for scan in ("seqscan", "bitmapscan", "indexscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        cursor.execute(f"EXPLAIN {grouping}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Only Scan using cases_case_open_figures" in plan, plan
