"""The case list and detail of the API: scope, filters, the cursor, limits and errors."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind, RiskLevel, SchemeType, Source, Transition
from cases.models import Case, MassVictimDetails, RealEstateDetails, WageArrearsDetails
from tests.factories import make_user

CASES = "/api/v1/cases/"


def bulk_cases(n, *, owner, category, start=0, **fields):
    """``n`` cases of ``owner``'s district made at once (no history: for sizes only)."""
    district = owner.membership.districts.first()
    now = timezone.now()
    return Case.objects.bulk_create([
        Case(reference=f"RC-2031-{start + i:05d}", title=f"Case {start + i}", category=category,
             district=district, risk_level=RiskLevel.MEDIUM, source=Source.HOTLINE, owner=owner,
             created_by=owner, updated_by=owner, created_at=now, updated_at=now, **fields)
        for i in range(n)
    ])


def references(response):
    assert response.status_code == 200, response.content
    return [row["reference"] for row in response.json()["results"]]


def walk(client, url):
    """Every page from ``url`` on, following the next links: the references in order."""
    seen = []
    while url:
        response = client.get(url)
        seen += references(response)
        url = response.json()["next"]
    return seen


# ---------------------------------------------------------------- scope
def test_another_districts_token_sees_nothing_and_gets_404(api_for, outsider, case):
    client = api_for(outsider)
    assert references(client.get(CASES)) == []
    assert client.get(f"{CASES}{case.reference}/").status_code == 404


def test_the_detail_shows_the_case_masked(api_for, owner, make_case):
    case = make_case(contact_name="Wang Fang", contact_id_number="11010519491231002X",
                     contact_phone="13812345678", amount_involved=49_960_000)
    response = api_for(owner).get(f"{CASES}{case.reference}/")
    assert response.status_code == 200
    body = response.json()
    assert body["contact_id_number_masked"] == "1101**********002X"
    assert body["contact_phone_masked"] == "138****5678"
    assert "11010519491231002X" not in response.content.decode()
    assert "13812345678" not in response.content.decode()
    assert body["amount_involved"] == "49960000.00"
    assert body["category"] == "wage-arrears" and body["district"] == "kundulun"
    assert body["owner"] == owner.username
    assert (body["status"], body["status_label"]) == ("reported", "Reported")
    assert body["wage_arrears"] is None or "employer" in body["wage_arrears"]
    assert body["real_estate"] is None and body["mass_victim"] is None


def test_a_district_supervisor_sees_their_districts_only(
        api_for, district_supervisor, case, foreign_case):
    assert references(api_for(district_supervisor).get(CASES)) == [case.reference]


def test_a_city_supervisor_sees_every_district(api_for, city_supervisor, case, foreign_case):
    assert set(references(api_for(city_supervisor).get(CASES))) == {
        case.reference, foreign_case.reference}


def test_an_assessor_sees_no_cases(api_for, case, assessor):
    client = api_for(assessor)
    assert references(client.get(CASES)) == []
    assert client.get(f"{CASES}{case.reference}/").status_code == 404
    assert references(client.get("/api/v1/districts/")) == []


def test_districts_and_categories(api_for, owner, other_district, categories):
    client = api_for(owner)
    districts = client.get("/api/v1/districts/").json()["results"]
    assert [d["code"] for d in districts] == ["kundulun"]
    codes = [c["code"] for c in client.get("/api/v1/categories/").json()["results"]]
    assert set(codes) == {"real-estate", "wage-arrears", "mass-victim", "land"}


# ---------------------------------------------------------------- filters
QUERIES = [
    "status=reported", "status=verified&status=reported", "risk_level=major",
    "q=wages", "q=Milan", "mine=true", "category={category}",
    "district={district}&risk_level=high&risk_level=major", "escalated=true",
    "created_after=2000-01-01&created_before=2100-01-01",
    "updated_after={today}", "updated_before={today}", "updated_after=2100-01-01",
]


@pytest.mark.parametrize("query", QUERIES)
def test_filters_give_the_same_cases_as_the_html_list(
        api_for, client_for, city_supervisor, make_case, categories, query):
    # given cases of several kinds, levels and states
    make_case(title="Owes wages", risk_level=RiskLevel.MAJOR)
    make_case(title="Stalled housing", kind=CategoryKind.REAL_ESTATE, risk_level=RiskLevel.LOW,
              details=RealEstateDetails(project_name="Milan Spring"))
    verified = make_case(title="Fraud", kind=CategoryKind.MASS_VICTIM,
                         details=MassVictimDetails(scheme_type=SchemeType.PYRAMID))
    actions.transition(user=verified.owner, case=verified, name=Transition.VERIFY, note="ok")
    query = query.format(category=categories[CategoryKind.REAL_ESTATE].pk,
                         district=verified.district_id, today=timezone.localdate())
    # when the HTML list and the API are asked the same
    html = client_for(city_supervisor).get(f"/cases/?{query}&per_page=100")
    api = api_for(city_supervisor).get(f"{CASES}?{query}")
    # then they show the same cases
    assert html.status_code == 200
    assert sorted(c.reference for c in html.context["page"].object_list) == sorted(
        references(api))


# ---------------------------------------------------------------- the cursor
def test_a_sync_skips_and_repeats_no_row_while_rows_change(api_for, owner, categories):
    # given 30 cases, ten of them changed at the very same moment (ties on updated_at)
    cases = bulk_cases(30, owner=owner, category=categories[CategoryKind.GENERAL])
    tied = timezone.now() - timedelta(hours=1)
    Case.objects.filter(pk__in=[c.pk for c in cases[5:15]]).update(updated_at=tied)
    client = api_for(owner)
    # when a sync reads pages of 4, and between pages rows it has seen, rows it has not
    # seen yet and rows tied with the page's last one change
    seen, url, changed = [], f"{CASES}?page_size=4", set()
    while url:
        response = client.get(url)
        page = references(response)
        seen += page
        url = response.json()["next"]
        for reference in (seen[0], page[-1], cases[len(seen) % 30].reference):
            if reference not in changed:
                changed.add(reference)
                Case.objects.filter(reference=reference).update(updated_at=timezone.now())
    # then every case came, and only a case changed during the sync came twice (its new
    # version, at the end)
    assert set(seen) == {c.reference for c in cases}
    repeated = {r for r in seen if seen.count(r) > 1}
    assert repeated <= changed
    assert all(seen.count(r) <= 2 for r in seen)


def test_updated_after_gives_the_changes_since_the_last_run(api_for, owner, categories):
    cases = bulk_cases(5, owner=owner, category=categories[CategoryKind.GENERAL])
    client = api_for(owner)
    last_run = timezone.now()
    Case.objects.filter(pk=cases[3].pk).update(updated_at=last_run + timedelta(seconds=1))
    since = last_run.isoformat().replace("+00:00", "Z")
    assert references(client.get(CASES, {"updated_after": since})) == [cases[3].reference]
    # with an offset too (the city's time)
    local = timezone.localtime(last_run).isoformat()
    assert references(client.get(CASES, {"updated_after": local})) == [cases[3].reference]


def test_the_page_size_is_capped_at_500(api_for, owner, categories):
    bulk_cases(501, owner=owner, category=categories[CategoryKind.GENERAL])
    client = api_for(owner)
    assert len(references(client.get(CASES))) == 100
    assert len(references(client.get(CASES, {"page_size": 10_000}))) == 500
    assert len(walk(client, f"{CASES}?page_size=500")) == 501


@pytest.mark.parametrize("query", ["page_size=0", "page_size=lots", "cursor=garbage",
                                   "cursor=WzFd", "updated_after=yesterday",
                                   "status=bogus", "district=99999999999999999999"])
def test_bad_input_is_a_400_naming_the_field(api_for, owner, query):
    response = api_for(owner).get(f"{CASES}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_bad_input_is_answered_in_chinese_for_a_chinese_client(api_for, owner):
    response = api_for(owner).get(f"{CASES}?status=bogus&updated_after=yesterday&page_size=1",
                                  HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"status", "updated_after"}
    assert "选择一个有效的选项" in body["status"][0]
    assert "日期" in body["updated_after"][0]
    assert "，" in body["updated_after"][0] or "（" in body["updated_after"][0]


def test_too_many_requests_get_429_with_retry_after(api_for, owner, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    client = api_for(owner)
    assert [client.get("/api/v1/categories/").status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/v1/categories/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    # another token of another user is counted apart
    assert api_for(make_user("other.staff", "staff", owner.membership.districts.first())).get(
        "/api/v1/categories/").status_code == 200


# ---------------------------------------------------------------- the cost
def list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_at_10_and_500_rows_and_no_more_than_the_page(
        api_for, client_for, owner, categories, make_case, django_assert_num_queries):
    # given a warm token (its last use written) and the HTML list's cost for the same user
    make_case(details=WageArrearsDetails(employer="Builder"))
    make_case(kind=CategoryKind.REAL_ESTATE, details=RealEstateDetails(project_name="Milan"))
    bulk_cases(8, owner=owner, category=categories[CategoryKind.GENERAL])
    api = api_for(owner)
    api.get(CASES)
    html = client_for(owner)
    html.get("/cases/?per_page=100")
    html_queries = list_queries(html, "/cases/?per_page=100")
    # when the API lists 10 rows, then 500
    with django_assert_num_queries(API_LIST_QUERIES):
        assert len(references(api.get(CASES))) == 10
    bulk_cases(490, owner=owner, category=categories[CategoryKind.GENERAL], start=100)
    with django_assert_num_queries(API_LIST_QUERIES):
        assert len(references(api.get(f"{CASES}?page_size=500"))) == 500
    # then the same number of queries, no more than the HTML list's
    assert html_queries >= API_LIST_QUERIES, html_queries


# the token and its user (with their districts), then the page with its related rows
API_LIST_QUERIES = 3
