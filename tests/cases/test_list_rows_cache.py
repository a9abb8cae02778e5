"""The case list keeps each row's HTML under a digest of everything the row is made of
(cases.views.case_rows). Whatever was kept, every row shows the case as it is now."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import Status
from cases.models import Case, Category

pytestmark = pytest.mark.usefixtures("empty_cache")


def rows(response) -> str:
    html = response.content.decode()
    return re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)


def row_of(response, case) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", rows(response), re.S)
                if f">{case.reference}</a>" in row)


def test_kept_rows_are_the_rows_written_afresh(client_for, owner, make_case):
    cases = [make_case(title=f"Case {number}") for number in range(3)]
    client = client_for(owner)
    with CaptureQueriesContext(connection) as fresh:
        first = client.get("/cases/?page=1")
    with CaptureQueriesContext(connection) as kept:
        again = client.get("/cases/?page=1")

    assert rows(again) == rows(first)
    assert all(f">{case.reference}</a>" in rows(again) for case in cases)
    assert len(kept.captured_queries) == len(fresh.captured_queries)


def test_a_change_made_behind_the_models_back_shows_at_once(client_for, owner, case):
    client = client_for(owner)
    assert "Reported" in row_of(client.get("/cases/?page=1"), case)

    Case.objects.filter(pk=case.pk).update(status=Status.IN_RESOLUTION)  # updated_at kept

    assert "In resolution" in row_of(client.get("/cases/?page=1"), case)


def test_a_renamed_owner_or_category_shows_at_once(client_for, owner, case):
    client = client_for(owner)
    client.get("/cases/?page=1")

    type(owner).objects.filter(pk=owner.pk).update(first_name="Wang", last_name="Fang")
    Category.objects.filter(pk=case.category_id).update(name_en="Wages owed")
    row = row_of(client.get("/cases/?page=1"), case)

    assert "Wang Fang" in row and "Wages owed" in row


def test_a_follow_up_turns_overdue_the_next_day(client_for, owner, case):
    Case.objects.filter(pk=case.pk).update(next_follow_up_due=date(2026, 6, 15))
    client = client_for(owner)
    with time_machine.travel("2026-06-15 10:00 +0800"):
        assert "overdue" not in row_of(client.get("/cases/?page=1"), case)
    with time_machine.travel("2026-06-15 10:00 +0800") as traveller:
        traveller.shift(timedelta(days=1))
        client.force_login(owner)
        assert "overdue" in row_of(client.get("/cases/?page=1"), case)


def test_district_column_and_language_are_the_readers_own(
    client_for, owner, city_supervisor, case
):
    staff_row = row_of(client_for(owner).get("/cases/?page=1"), case)
    city_row = row_of(client_for(city_supervisor).get("/cases/?page=1"), case)
    chinese_row = row_of(client_for(city_supervisor).get(
        "/cases/?page=1", HTTP_ACCEPT_LANGUAGE="zh-hans"), case)

    assert "Kundulun District" not in staff_row
    assert "Kundulun District" in city_row
    assert "昆都仑区" in chinese_row and "Kundulun District" not in chinese_row


def test_rows_kept_for_the_city_never_reach_another_districts_list(
    client_for, city_supervisor, outsider, case, foreign_case
):
    city = rows(client_for(city_supervisor).get("/cases/?page=1"))
    theirs = rows(client_for(outsider).get("/cases/?page=1"))

    assert case.reference in city and foreign_case.reference in city
    assert foreign_case.reference in theirs
    assert case.reference not in theirs and "Li Wei" not in theirs
