"""Exporting the decision list (CSV and Excel) from its links: the list's filters, its
columns in their order labelled in the user's language, only the decisions in the
user's scope (an assessor: their agency's), audited, at a query count that does not grow
with the rows."""

import datetime

import pytest
from django.utils import translation

from assessments import actions
from assessments.choices import AssessorKind, DecisionLevel
from assessments.columns import DECISION_COLUMNS
from tests import listcolumns
from tests.listcolumns import export_as_shown, exported

SUFFIXES = ["csv", "xlsx"]
# The session and the user, the user's columns (the link names none), the audit entry
# (in a savepoint) and the decisions (one cursor): as many for 2 decisions as for 20.
EXPORT_QUERIES = 7


def choose(client, keys):
    return listcolumns.choose(client, "/decisions/columns/", keys)


def assign(decision, owner, agency):
    return actions.start_assessment(user=owner, decision=decision,
                                    assessor_kind=AssessorKind.AGENCY, agency=agency)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_export_has_the_lists_columns_in_their_order_and_its_filtered_rows(
        client_for, owner, agency, make_decision, suffix):
    # given two renovations still registered, one under assessment, and a bridge
    early = make_decision(title="Renovation of Steel Street",
                          planned_date=datetime.date(2026, 9, 1))
    late = make_decision(title="Renovation of Youth Road",
                         planned_date=datetime.date(2026, 11, 1))
    assign(make_decision(title="Renovation of the market"), owner, agency)
    make_decision(title="Bridge over the Kundulun river")
    client = client_for(owner)

    # when the list is filtered to the registered renovations and its link followed
    rows = export_as_shown(
        client, "/decisions/?status=registered&q=Renovation", suffix, name="decisions",
        columns=["status", "title", "planned_date", "reference"], shows=[late.pk, early.pk])

    # then the file has the page's columns in its order and the page's rows (audited)
    assert rows == [["Status", "Title", "Planned", "Reference"],
                    ["Registered", "Renovation of Youth Road", "2026-11-01", late.reference],
                    ["Registered", "Renovation of Steel Street", "2026-09-01", early.reference]]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_assessor_exports_only_their_agencys_decisions_as_the_list_shows(
        client_for, owner, agency, other_agency, assessor, make_decision, suffix):
    # given a decision assigned to the assessor's agency, one to another, one to none
    ours = make_decision(title="Renovation assessed by us")
    assign(ours, owner, agency)
    assign(make_decision(title="Renovation assessed by others"), owner, other_agency)
    make_decision(title="Renovation not assigned yet")

    # when the assessor exports the list as shown
    rows = export_as_shown(client_for(assessor), "/decisions/?q=Renovation", suffix,
                           name="decisions", columns=["title", "assessment"], shows=[ours.pk])

    # then only the agency's decision is in it, as in the list
    assert rows == [["Title", "Assessment"], ["Renovation assessed by us", agency.name]]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_an_outsider_exports_none_of_another_districts_decisions(
        client_for, outsider, city_supervisor, make_decision, city_department, suffix):
    # given a Kundulun decision and a city-wide one
    make_decision(title="Renovation in Kundulun")
    make_decision(title="City water prices", department=city_department,
                  level=DecisionLevel.CITY, district=None, user=city_supervisor)

    # when a staff member of another district exports every decision
    rows = exported(client_for(outsider).get(f"/decisions/export.{suffix}?columns=title"))

    # then they get the city's decision only
    assert rows == [["Title"], ["City water prices"]]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_headers_and_values_are_in_chinese_for_a_chinese_user(
        client_for, owner, make_decision, suffix):
    decision = make_decision()
    client = client_for(owner)
    client.cookies["django_language"] = "zh-hans"
    keys = ["reference", "status", "key_sensitive", "assessment_status"]

    rows = exported(client.get(f"/decisions/export.{suffix}?columns={','.join(keys)}"))

    with translation.override("zh-hans"):
        labels = [DECISION_COLUMNS.by_key[key].label for key in keys]
        registered = str(decision.get_status_display())
    assert rows[0] == labels
    assert labels[1] == "状态" and labels[3].endswith("（评估）")
    assert rows[1] == [decision.reference, registered, "是", ""]
    assert registered != "Registered"


@pytest.mark.parametrize("suffix", SUFFIXES)
@pytest.mark.parametrize("decisions", [2, 20])
def test_the_export_takes_as_many_queries_for_20_decisions_as_for_2(
        client_for, city_supervisor, owner, agency, make_decision, decisions, suffix,
        django_assert_max_num_queries):
    # given decisions, every other one under assessment by an agency
    for number in range(decisions):
        decision = make_decision(title=f"Decision {number}")
        if number % 2:
            assign(decision, owner, agency)
    client = client_for(city_supervisor)

    # when every column is exported, then it takes no more queries for 20 than for 2
    rows = listcolumns.export_every_column(client, "/decisions/", DECISION_COLUMNS, suffix,
                                           EXPORT_QUERIES, django_assert_max_num_queries)
    assert len(rows) == decisions + 1
