"""/api/v1/stats/: the dashboard page's numbers, for the same user, scope and period."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.renderers import JSONRenderer

from api.stats import StatsSerializer, numbers
from assessments import actions
from assessments.choices import Grade, Recommendation
from cases.choices import CategoryKind
from tests.api.test_cases import bulk_cases
from tests.reports.test_dashboard import at_noon, city  # noqa: F401

STATS = "/api/v1/stats/"
PERIODS = ["?year=2026", "?year=2026&month=6", "?year=2026&month=5", "?year=2025"]


@pytest.fixture
def assessed(at_noon, recorded, assessor, settings, tmp_path):  # noqa: F811
    """A Kundulun decision whose assessment concluded on the day (2026-06-15)."""
    settings.MEDIA_ROOT = tmp_path
    return actions.conclude(user=assessor, assessment=recorded, grade=Grade.LOW,
                            recommendation=Recommendation.PROCEED,
                            upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4"))


def as_json(data):
    return json.loads(JSONRenderer().render(data))


def page_numbers(client, user, query):
    """The /dashboard/ page's own context for ``query``, written out as the API writes it."""
    client.force_login(user)
    response = client.get(f"/dashboard/{query}")
    assert response.status_code == 200
    return as_json(StatsSerializer(numbers(response.context)).data)


def api_numbers(api_for, user, query):
    response = api_for(user).get(f"{STATS}{query}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.usefixtures("city", "assessed")
@pytest.mark.parametrize("who", ["district_supervisor", "city_supervisor"])
def test_the_numbers_are_the_pages_for_two_periods(request, client, api_for, who):
    user = request.getfixturevalue(who)
    seen = []
    for query in PERIODS:
        api = api_numbers(api_for, user, query)
        assert api == page_numbers(client, user, query), query
        seen.append((api["period_cases"]["new"], api["period"]["label"]))
    # the periods really differ: June holds this year's cases, May and 2025 none
    assert [new for new, _label in seen] == ([4, 4, 0, 0] if who == "district_supervisor"
                                             else [6, 6, 0, 0])
    assert api["assessed"] is not None and api["week"] is None


@pytest.mark.usefixtures("city", "assessed")
def test_the_numbers_are_as_counted_by_hand(api_for, city_supervisor, district_supervisor):
    city_wide = api_numbers(api_for, city_supervisor, "?year=2026")
    assert city_wide["open"]["total"] == 5 and city_wide["open"]["follow_up_overdue"] == 3
    assert city_wide["period_cases"]["rate"] == pytest.approx(2 / 6)
    assert {row["district"]: row["open"] for row in city_wide["league"]} == {
        "kundulun": 3, "qingshan": 2}
    assert city_wide["assessed"]["total"] == 1
    assert {row["grade"]: row["count"] for row in city_wide["assessed"]["by_grade"]} == {
        "high": 0, "medium": 0, "low": 1}
    wages = next(row for row in city_wide["period_cases"]["results"]
                 if row["kind"] == CategoryKind.WAGE_ARREARS)
    assert (wages["cases"], wages["amount_recovered"]) == (2, "600000.00")
    district = api_numbers(api_for, district_supervisor, "?year=2026")
    assert district["open"]["total"] == 3 and district["districts"] == ["kundulun"]


@pytest.mark.usefixtures("city")
def test_another_districts_token_counts_none_of_kundulun(api_for, outsider):
    body = api_numbers(api_for, outsider, "?year=2026")
    assert body["districts"] == ["qingshan"]
    assert body["open"]["total"] == 2 and body["period_cases"]["new"] == 2
    assert [row["district"] for row in body["league"]] == ["qingshan"]
    assert body["week"]["mine"] == 2
    assert body["assessed"] is None  # staff see no assessment figures, as on the page
    assert "kundulun" not in json.dumps(body).lower()


@pytest.mark.usefixtures("city")
def test_choosing_a_district(api_for, city_supervisor, district_supervisor, other_district):
    narrowed = api_numbers(api_for, city_supervisor, f"?district={other_district.pk}")
    assert narrowed["district"] == "qingshan" and narrowed["open"]["total"] == 2
    refused = api_for(district_supervisor).get(f"{STATS}?district={other_district.pk}")
    assert refused.status_code == 400 and "district" in refused.json()


@pytest.mark.parametrize("query", ["year=abc", "year=1999", "year=2999", "month=13",
                                   "month=0", "sort=bogus", "district=x"])
def test_bad_input_is_a_400_naming_the_field(api_for, city_supervisor, query):
    response = api_for(city_supervisor).get(f"{STATS}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_an_assessor_has_no_dashboard(api_for, assessor):
    assert api_for(assessor).get(STATS).status_code == 404


@pytest.mark.parametrize("who", ["owner", "city_supervisor"])
def test_the_cost_does_not_grow_with_the_cases(
        request, api_for, categories, django_assert_num_queries, who):
    user = request.getfixturevalue(who)
    owner = request.getfixturevalue("owner")
    client = api_for(user)
    client.get(STATS)  # the token's first use is written once
    bulk_cases(3, owner=owner, category=categories[CategoryKind.GENERAL])
    with django_assert_num_queries(STATS_QUERIES[who]):
        assert client.get(STATS).json()["open"]["total"] == 3
    bulk_cases(300, owner=owner, category=categories[CategoryKind.WAGE_ARREARS], start=10)
    with django_assert_num_queries(STATS_QUERIES[who]):
        assert client.get(STATS).json()["open"]["total"] == 303


# the token, its user, the districts, the categories; then one grouped query per figure
# family (open, period, resolved, trend x2, slipping x2, orders x2), and staff's week (4)
# or the supervisors' assessments (3)
STATS_QUERIES = {"owner": 17, "city_supervisor": 16}
