"""What the case list shows each reader: their filters ticked, their districts' owners,
the district column and the language that are theirs, and only their cases."""

import re
from datetime import date, timedelta

import time_machine

from cases import actions
from cases.choices import RiskLevel
from cases.filtersets import CaseFilterSet
from cases.models import Case


def filter_form(response) -> str:
    html = response.content.decode()
    return re.search(r'<form class="filters card".*?</form>', html, re.S).group(0)


def checked(form_html, name) -> set[str]:
    return set(re.findall(rf'name="{name}" value="([^"]*)"[^>]*checked', form_html))


def rows(response) -> str:
    html = response.content.decode()
    # the cases' table, not the column chooser's above it
    return re.search(r'<table class="list[^"]*">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)


def row_of(response, case) -> str:
    return next(row for row in re.findall(r"<tr>.*?</tr>", rows(response), re.S)
                if f">{case.reference}</a>" in row)


def test_each_filter_query_shows_its_own_choices_ticked(client_for, owner, case):
    # given a staff member on the list
    client = client_for(owner)

    # when they filter one way, then another
    first = filter_form(client.get("/cases/?status=reported"))
    second = filter_form(client.get("/cases/?status=verified&risk_level=high"))

    # then each form ticks its own choices
    assert checked(first, "status") == {"reported"}
    assert checked(second, "status") == {"verified"}
    assert checked(second, "risk_level") == {"high"}


def test_a_district_never_sees_the_citys_owners_in_its_filter(
    client_for, city_supervisor, owner, outsider, case, foreign_case
):
    # when the city and another district's staff open the list
    city_form = filter_form(client_for(city_supervisor).get("/cases/?status=reported"))
    staff_form = filter_form(client_for(outsider).get("/cases/?status=reported"))

    # then only the city sees Kundulun's owner and the district filter
    assert "Li Wei" in city_form
    assert "Li Wei" not in staff_form
    assert 'name="district"' in city_form and 'name="district"' not in staff_form


def test_two_filtersets_never_share_a_field(owner, outsider, case, foreign_case):
    ours = CaseFilterSet({}, queryset=Case.objects.all(), user=owner)
    theirs = CaseFilterSet({}, queryset=Case.objects.all(), user=outsider)

    assert ours.form.fields["owner"] is not theirs.form.fields["owner"]
    assert {label for _value, label in ours.form.fields["owner"].choices} != {
        label for _value, label in theirs.form.fields["owner"].choices}


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


def test_a_district_sees_only_its_own_rows(
    client_for, city_supervisor, outsider, case, foreign_case
):
    city = rows(client_for(city_supervisor).get("/cases/?page=1"))
    theirs = rows(client_for(outsider).get("/cases/?page=1"))

    assert case.reference in city and foreign_case.reference in city
    assert foreign_case.reference in theirs
    assert case.reference not in theirs and "Li Wei" not in theirs


def test_a_status_chip_keeps_the_other_filters_and_opens_the_count_it_shows(
    client_for, owner, make_case
):
    # given two major cases and a low one, one of the major ones verified
    major = make_case(risk_level=RiskLevel.MAJOR)
    make_case(risk_level=RiskLevel.MAJOR)
    make_case(risk_level=RiskLevel.LOW)
    actions.transition(user=owner, case=major, name="verify", note="Checked on site.")
    client = client_for(owner)

    # when the list filtered to major cases shows its chips
    html = client.get("/cases/?risk_level=major&page=1").content.decode()

    # then the "reported" chip counts 1 and opens the major reported cases: 1 of them
    chip = re.search(r'<a class="chip[^"]*" href="\?([^"]*status=reported[^"]*)">', html)
    assert chip, html
    query = chip.group(1).replace("&amp;", "&")
    assert "risk_level=major" in query and "page=" not in query
    opened = client.get(f"/cases/?{query}")
    assert opened.context["page"].paginator.count == 1
