"""The registry list shows each agency's average quality score and how many assessments
it rests on, and sorts by them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import actions
from assessments.choices import AssessmentStatus, AssessorKind, Grade, Recommendation
from assessments.creditcode import check_character
from assessments.models import Assessment
from tests.assessments.conftest import make_agency

pytestmark = pytest.mark.django_db


def code(number: int) -> str:
    """A valid unified social credit code, a different one for each number."""
    first17 = f"91150200MA{number:07d}"
    return first17 + check_character(first17)


@pytest.fixture
def scored(make_decision, owner):
    """Give ``agency`` a concluded assessment scored ``score`` (None: not scored)."""
    made = []

    def score(agency, value):
        decision = make_decision(title=f"Decision {len(made)}")
        assessment = actions.start_assessment(user=owner, decision=decision,
                                              assessor_kind=AssessorKind.AGENCY, agency=agency)
        Assessment.objects.filter(pk=assessment.pk).update(
            status=AssessmentStatus.CONCLUDED, grade=Grade.LOW,
            recommendation=Recommendation.PROCEED, concluded_at=timezone.now(),
            quality_score=value)
        made.append(assessment)

    return score


@pytest.fixture
def three_agencies(scored):
    good = make_agency(code(0), name="Good Assessors")
    fair = make_agency(code(1), name="Fair Assessors")
    new = make_agency(code(2), name="New Assessors")
    for value in (5, 4, 4):
        scored(good, value)
    scored(fair, 3)
    scored(fair, None)  # in progress, not scored: not counted
    return good, fair, new


def listed(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("agencies:list"), query)
    assert response.status_code == 200
    return [(agency.name, agency.score_average and round(float(agency.score_average), 2),
             agency.scored_count) for agency in response.context["page"].object_list]


def test_the_list_shows_average_and_number_of_scored_assessments(three_agencies, client,
                                                                  city_supervisor):
    rows = listed(client, city_supervisor, o="name")
    assert rows == [("Fair Assessors", 3.0, 1), ("Good Assessors", 4.33, 3),
                    ("New Assessors", None, 0)]
    page = client.get(reverse("agencies:list"), {"o": "name"}).content.decode()
    assert "4.3" in page


def test_sorted_by_average_score_best_first_unscored_last(three_agencies, client,
                                                          city_supervisor):
    assert [name for name, _s, _n in listed(client, city_supervisor, o="-score")] == [
        "Good Assessors", "Fair Assessors", "New Assessors"]
    assert [name for name, _s, _n in listed(client, city_supervisor, o="score")] == [
        "New Assessors", "Fair Assessors", "Good Assessors"]


def test_sorted_by_number_of_scored_assessments(three_agencies, client, city_supervisor):
    assert [name for name, _s, _n in listed(client, city_supervisor, o="-scored")] == [
        "Good Assessors", "Fair Assessors", "New Assessors"]


def test_a_scope_filter_counts_no_assessment_twice(three_agencies, client, city_supervisor):
    rows = listed(client, city_supervisor, scope=["renewal", "land"], o="name")
    assert ("Good Assessors", 4.33, 3) in rows


def test_list_query_count_does_not_grow_with_agencies(three_agencies, scored, client,
                                                      city_supervisor,
                                                      django_assert_max_num_queries):
    client.force_login(city_supervisor)
    client.get(reverse("agencies:list"), {"o": "-score"})
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("agencies:list"), {"o": "-score"})
    for number in range(3, 8):
        scored(make_agency(code(number), name=f"Agency {number}"), 2)
    with django_assert_max_num_queries(8) as many:
        client.get(reverse("agencies:list"), {"o": "-score"})
    assert len(many.captured_queries) == len(few.captured_queries)
