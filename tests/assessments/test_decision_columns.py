"""The decision list's columns (riskdesk.columns): chosen from every field of a decision
and its assessment, in their order, kept per user and per saved view, at the list's
pinned query count."""

import pytest
from django.utils import translation

from assessments import actions
from assessments.choices import AssessorKind
from assessments.columns import DECISION_COLUMNS
from riskdesk.choices import SavedList
from riskdesk.models import ListSetting, SavedView
from tests import listcolumns
from tests.listcolumns import headers

DECISION_LIST_QUERIES = 12  # tests/assessments/test_pages.py


def choose(client, keys, view=None):
    return listcolumns.choose(client, "/decisions/columns/", keys, view)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_chosen_columns_are_shown_in_their_order_in_both_languages(
        client_for, owner, assessment, language):
    client = client_for(owner)
    client.cookies["django_language"] = language
    keys = ["assessment_status", "reference", "created_by"]

    choose(client, keys)
    response = client.get("/decisions/?q=")

    assert headers(response) == keys
    html = response.content.decode()
    with translation.override(language):
        labels = [DECISION_COLUMNS.by_key[key].label for key in keys]
        status = str(assessment.get_status_display())
    positions = [html.index(f'<th scope="col">{label}</th>') for label in labels]
    assert positions == sorted(positions)
    assert status in html and "Li Wei" in html  # the assessment's status, who registered
    if language == "zh-hans":
        assert labels[0].endswith("（评估）"), labels[0]
    assert ListSetting.objects.get(user=owner, list=SavedList.DECISIONS).columns == keys


def test_a_column_that_no_longer_exists_is_left_out_with_a_message(client_for, owner,
                                                                    decision):
    view = SavedView.objects.create(owner=owner, list=SavedList.DECISIONS, name="Old",
                                    columns=["title", "budget"])

    response = client_for(owner).get(f"/decisions/?open={view.pk}", follow=True)

    assert response.status_code == 200
    assert "names columns that no longer exist" in response.content.decode()
    assert headers(response) == ["title"]


@pytest.mark.parametrize("decisions", [2, 20])
def test_the_widest_column_choice_keeps_the_pinned_query_count(
        client_for, city_supervisor, owner, agency, make_decision, decisions,
        django_assert_max_num_queries):
    for number in range(decisions):
        decision = make_decision(title=f"Decision {number}")
        if number % 2:
            actions.start_assessment(user=owner, decision=decision,
                                     assessor_kind=AssessorKind.AGENCY, agency=agency)

    response = listcolumns.with_every_column(
        client_for(city_supervisor), "/decisions/?per_page=100", "/decisions/columns/",
        DECISION_COLUMNS, DECISION_LIST_QUERIES, django_assert_max_num_queries)
    assert len(response.context["rows"]) == decisions
