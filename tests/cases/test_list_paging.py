"""The case list counts once and reads a page as ids, then rows: what a user sees must not
change (counts with and without a status filter, deep pages in order, search by details)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import CategoryKind, Status
from cases.models import Case, WageArrearsDetails


@pytest.fixture
def twelve(make_case):
    cases = [make_case(title=f"Case {number:02d}") for number in range(12)]
    Case.objects.filter(pk__in=[c.pk for c in cases[:5]]).update(status=Status.VERIFIED)
    return cases


def test_the_count_follows_the_chosen_statuses(client_for, owner, twelve):
    client = client_for(owner)
    assert client.get("/cases/").context["page"].paginator.count == 12
    only = client.get("/cases/?status=verified").context["page"]
    assert only.paginator.count == 5 and len(only.object_list) == 5
    both = client.get("/cases/?status=verified&status=reported").context["page"]
    assert both.paginator.count == 12


def test_a_wrong_status_is_ignored_and_everything_counted(client_for, owner, twelve):
    response = client_for(owner).get("/cases/?status=nonsense")
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 12


def test_pages_show_every_case_once_newest_first(client_for, owner, twelve):
    client = client_for(owner)
    seen = []
    for number in (1, 2):
        page = client.get(f"/cases/?per_page=10&page={number}").context["page"]
        seen += [case.title for case in page.object_list]
    assert seen == [f"Case {number:02d}" for number in reversed(range(12))]


@pytest.mark.parametrize("sort", ["status", "-status", "risk_level", "-updated"])
def test_pages_sorted_by_a_column_with_ties_show_every_case_once(
    client_for, owner, twelve, sort
):
    # given twelve cases sharing two statuses, one risk level and one update time
    Case.objects.update(updated_at=twelve[0].updated_at)
    client = client_for(owner)
    # when the owner reads them ten at a time, sorted by a column where most tie
    seen = []
    for number in (1, 2):
        page = client.get(f"/cases/?o={sort}&per_page=10&page={number}").context["page"]
        seen += [case.pk for case in page.object_list]
    # then no case is shown twice and none is missing
    assert sorted(seen) == sorted(case.pk for case in twelve)


@pytest.mark.parametrize("sort", [
    "", "o=-created", "o=status", "o=-risk_level", "o=target_date", "o=-target_date",
    "o=next_follow_up_due", "o=-next_follow_up_due", "o=district", "o=-category",
])
def test_pages_near_the_end_show_the_same_rows_as_walking_from_the_start(
    client_for, owner, twelve, make_case, sort
):
    # given 25 cases, some without a target date or a next follow-up (empty values sort
    # at one end), many tying on status and risk level
    cases = twelve + [make_case(title=f"Case {number:02d}") for number in range(12, 25)]
    for number, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(
            target_date=None if number % 3 == 0 else date(2027, 1, 1 + number % 4),
            next_follow_up_due=None if number % 4 == 0 else date(2026, 12, 1 + number % 3))
    client = client_for(owner)
    response = client.get(f"/cases/?{sort}&per_page=10&page=1")
    in_order = list(response.context["filterset"].qs.values_list("pk", flat=True))
    # when the owner reads the three pages (the last two are read from the other end)
    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/cases/?{sort}&per_page=10&page={number}").context["page"]
        seen += [case.pk for case in page.object_list]
    # then the pages hold the cases in the list's own order, each once
    assert seen == in_order and len(seen) == 25


def test_the_last_page_skips_no_row(client_for, owner, twelve):
    client = client_for(owner)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/cases/?per_page=10&page=2").context["page"]
    assert [case.title for case in page.object_list] == ["Case 01", "Case 00"]
    ids_query = next(q["sql"] for q in queries.captured_queries
                     if q["sql"].startswith('SELECT "cases_case"."id" AS "pk"'))
    assert "LIMIT 2" in ids_query and "OFFSET" not in ids_query


def test_search_finds_a_case_by_its_employer(client_for, owner, make_case):
    make_case(title="Unrelated", kind=CategoryKind.GENERAL)
    found = make_case(title="Wages", details=WageArrearsDetails(employer="Hongda Construction"))
    page = client_for(owner).get("/cases/?q=hongda").context["page"]
    assert [case.pk for case in page.object_list] == [found.pk]
    assert page.paginator.count == 1


def test_search_finds_by_title_project_and_employer_in_one_join_not_row_by_row(
        client_for, owner, make_case):
    from cases.models import RealEstateDetails

    by_title = make_case(title="Hongda site flooded", kind=CategoryKind.GENERAL)
    by_employer = make_case(title="Wages",
                            details=WageArrearsDetails(employer="Hongda Construction"))
    by_project = make_case(title="Stalled", kind=CategoryKind.REAL_ESTATE,
                           details=RealEstateDetails(project_name="Hongda Garden",
                                                     developer="X", households_affected=3))
    make_case(title="Unrelated", kind=CategoryKind.GENERAL)
    with CaptureQueriesContext(connection) as queries:
        page = client_for(owner).get("/cases/?q=HONGDA&per_page=10").context["page"]
    assert {case.pk for case in page.object_list} == {by_title.pk, by_employer.pk,
                                                      by_project.pk}
    assert page.paginator.count == 3
    # PostgreSQL joins the matching ids (a semi-join) instead of checking a subquery for
    # each case (a SubPlan): with a common word in a province's million that took minutes
    counted = next(q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"]
                   and "LIKE" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {counted}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" not in plan, plan
