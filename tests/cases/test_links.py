"""Duplicates and links: suggestions at registration, links on both case pages, merging
a duplicate (counted once on the dashboard) and the cluster page."""

from decimal import Decimal

import pytest

from cases import actions
from cases.choices import CategoryKind, EventKind, LinkKind, Status
from cases.models import Case, CaseEvent, CaseLink, WageArrearsDetails
from tests.cases.test_pages import form_data
from tests.world import differences, snapshot


@pytest.fixture
def home_wages(make_case):
    return make_case(title="Kundulun site: 80 workers unpaid",
                     details=WageArrearsDetails(employer="Hengda Construction"))


# ---------------------------------------------------------------- suggestions
def test_registering_a_wage_case_suggests_the_employers_case_elsewhere_by_reference_only(
    client_for, owner, categories, district, foreign_wages
):
    client = client_for(owner)
    data = form_data(categories, district, owner)
    response = client.post("/cases/new/", data)
    page = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 1  # nothing saved yet
    assert foreign_wages.reference in page and "Qingshan District" in page
    assert "Qingshan site" not in page and "Iron Road" not in page

    response = client.post("/cases/new/", {**data, "duplicates": "register"})
    assert response.status_code == 302 and Case.objects.count() == 2


def test_a_visible_suggestion_can_be_linked_while_registering(
    client_for, owner, categories, district, home_wages
):
    data = form_data(categories, district, owner)
    first = client_for(owner).post("/cases/new/", data)
    assert home_wages.title in first.content.decode()
    [suggestion] = first.context["suggestions"]
    assert [str(reason) for reason in suggestion.reasons] == ["same employer"]

    client_for(owner).post("/cases/new/", {
        **data, "duplicates": "link", "link_to": home_wages.reference,
        "link_kind": LinkKind.SAME_EMPLOYER})
    new = Case.objects.exclude(pk=home_wages.pk).get()
    assert CaseLink.objects.get().to_case == home_wages and CaseLink.objects.get().from_case == new


def test_a_similar_address_is_suggested_and_closed_cases_are_not(
    client_for, owner, categories, district, make_case, district_supervisor
):
    similar = make_case(title="Steel Street protest", kind=CategoryKind.GENERAL,
                        address="Kundulun, Steel Street No. 8")
    closed = make_case(title="Old one", kind=CategoryKind.GENERAL,
                       address="Kundulun, Steel Street 8")
    Case.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    response = client_for(owner).post("/cases/new/", form_data(
        categories, district, owner, **{"wa-employer": "Someone else"}))
    suggested = [suggestion.case for suggestion in response.context["suggestions"]]
    assert suggested == [similar]


# ---------------------------------------------------------------- links
def test_a_link_shows_on_both_pages_and_the_other_districts_case_only_by_reference(
    client_for, city_supervisor, outsider, home_wages, foreign_wages
):
    client = client_for(city_supervisor)
    client.post(f"/cases/{home_wages.reference}/links/", {
        "link-other": foreign_wages.reference, "link-kind": LinkKind.SAME_EMPLOYER})
    assert foreign_wages.title in client.get(home_wages.get_absolute_url()).content.decode()
    assert home_wages.title in client.get(foreign_wages.get_absolute_url()).content.decode()
    assert CaseEvent.objects.filter(kind=EventKind.LINKED).count() == 2

    page = client_for(outsider).get(foreign_wages.get_absolute_url()).content.decode()
    assert home_wages.reference in page and "Kundulun District" in page
    assert home_wages.title not in page


def test_staff_cannot_link_to_a_case_they_cannot_see_and_nothing_changes(
    client_for, owner, home_wages, foreign_wages
):
    client = client_for(owner)
    before = snapshot()
    response = client.post(f"/cases/{home_wages.reference}/links/", {
        "link-other": foreign_wages.reference, "link-kind": LinkKind.DUPLICATE_OF},
        follow=True)
    assert "No case with this reference in your districts." in response.content.decode()
    assert differences(before, snapshot()) == []


def test_an_outsider_gets_404_for_linking_unlinking_and_merging(
    client_for, outsider, owner, home_wages, make_case
):
    link = actions.link_cases(user=owner, case=home_wages, other=make_case(title="Second"),
                              kind=LinkKind.SAME_PROJECT)
    client = client_for(outsider)
    for url in (f"/cases/{home_wages.reference}/links/",
                f"/cases/{home_wages.reference}/links/{link.pk}/remove/",
                f"/cases/{home_wages.reference}/merge/"):
        assert client.post(url, {"merge-other": "x", "merge-note": "x"}).status_code == 404


def test_removing_a_link_keeps_it_and_writes_history_on_both(
    client_for, owner, home_wages, make_case
):
    other = make_case(title="Second")
    link = actions.link_cases(user=owner, case=home_wages, other=other,
                              kind=LinkKind.SAME_PROJECT)
    client_for(owner).post(f"/cases/{other.reference}/links/{link.pk}/remove/")
    link.refresh_from_db()
    assert link.removed_by == owner and link.removed_at is not None
    assert CaseEvent.objects.filter(kind=EventKind.UNLINKED).count() == 2
    assert "Removed the link to" in client_for(owner).get(
        home_wages.get_absolute_url()).content.decode()


def test_a_link_of_another_case_is_not_found(client_for, owner, home_wages, make_case):
    third = make_case(title="Third")
    link = actions.link_cases(user=owner, case=home_wages, other=make_case(title="Second"),
                              kind=LinkKind.SAME_PROJECT)
    response = client_for(owner).post(f"/cases/{third.reference}/links/{link.pk}/remove/")
    assert response.status_code == 404 and CaseLink.objects.current().count() == 1


def test_a_case_cannot_be_linked_to_itself(owner, home_wages):
    with pytest.raises(Exception, match="itself"):
        actions.link_cases(user=owner, case=home_wages, other=home_wages,
                           kind=LinkKind.SAME_PROJECT)


# ---------------------------------------------------------------- merge
def test_a_staff_member_cannot_merge(client_for, owner, home_wages, make_case):
    survivor = make_case(title="Survivor")
    response = client_for(owner).post(f"/cases/{home_wages.reference}/merge/", {
        "merge-other": survivor.reference, "merge-note": "same site"})
    assert response.status_code == 403
    home_wages.refresh_from_db()
    assert home_wages.merged_into is None and home_wages.is_open


def test_a_district_supervisor_cannot_merge_into_another_districts_case(
    client_for, district_supervisor, home_wages, foreign_wages
):
    client = client_for(district_supervisor)
    before = snapshot()
    client.post(f"/cases/{home_wages.reference}/merge/", {
        "merge-other": foreign_wages.reference, "merge-note": "same"})
    assert differences(before, snapshot()) == []


def test_merging_closes_the_duplicate_with_a_pointer_and_both_histories(
    client_for, city_supervisor, home_wages, foreign_wages
):
    client = client_for(city_supervisor)
    client.post(f"/cases/{foreign_wages.reference}/merge/", {
        "merge-other": home_wages.reference, "merge-note": "One employer, one problem."})
    foreign_wages.refresh_from_db()
    assert foreign_wages.status == Status.CLOSED and foreign_wages.merged_into == home_wages
    assert CaseEvent.objects.filter(kind=EventKind.MERGED).count() == 2
    page = client.get(foreign_wages.get_absolute_url()).content.decode()
    assert f"Merged into {home_wages.reference}" in page
    survivor_page = client.get(home_wages.get_absolute_url()).content.decode()
    assert "was merged into this case as a duplicate" in survivor_page


def test_the_dashboard_counts_a_merged_duplicates_workers_and_wages_once(
    client_for, city_supervisor, home_wages, foreign_wages
):
    def wages(client):
        context = client.get("/dashboard/").context
        row = next(row for row in context["period_cases"].results
                   if row.kind == CategoryKind.WAGE_ARREARS)
        return row.people_affected, row.amount_involved

    client = client_for(city_supervisor)
    assert wages(client) == (120, Decimal("1700000.00"))
    actions.merge_cases(user=city_supervisor, duplicate=foreign_wages, survivor=home_wages,
                        note="the same site")
    from django.core.cache import cache
    cache.clear()
    assert wages(client) == (80, Decimal("1200000.00"))


# ---------------------------------------------------------------- clusters
@pytest.fixture
def cluster(city_supervisor, make_case, home_wages, foreign_wages):
    third = make_case(title="Third site", people_affected=5, amount_involved=Decimal("1000"),
                      details=WageArrearsDetails(employer="Hengda Construction"))
    actions.link_cases(user=city_supervisor, case=home_wages, other=foreign_wages,
                       kind=LinkKind.SAME_EMPLOYER)
    actions.link_cases(user=city_supervisor, case=third, other=home_wages,
                       kind=LinkKind.SAME_EMPLOYER)
    return third


def test_the_city_supervisor_sees_the_cluster_across_districts_with_its_totals(
    client_for, city_supervisor, cluster, django_assert_max_num_queries
):
    client = client_for(city_supervisor)
    with django_assert_max_num_queries(8):
        response = client.get("/cases/clusters/")
    [found] = response.context["clusters"]
    assert len(found.cases) == 3 and found.workers == 125
    assert found.wages_owed == Decimal("1701000.00")
    assert "Hengda Construction" in response.content.decode()


def test_a_district_supervisor_sees_only_their_districts_part(
    client_for, district_supervisor, cluster, foreign_wages
):
    response = client_for(district_supervisor).get("/cases/clusters/")
    [found] = response.context["clusters"]
    assert len(found.cases) == 2 and foreign_wages.title not in response.content.decode()


def test_staff_have_no_cluster_page(client_for, owner, cluster):
    assert client_for(owner).get("/cases/clusters/").status_code == 404


def test_supervisors_find_the_cluster_page_in_the_navigation(
    client_for, owner, district_supervisor, city_supervisor
):
    link = 'href="/cases/clusters/"'
    for supervisor in (district_supervisor, city_supervisor):
        assert link in client_for(supervisor).get("/cases/").content.decode()
    assert link not in client_for(owner).get("/cases/").content.decode()


def test_the_cluster_pages_queries_do_not_grow_with_clusters(
    client_for, city_supervisor, cluster, make_case, django_assert_max_num_queries
):
    for number in range(5):
        actions.link_cases(user=city_supervisor, case=make_case(title=f"A{number}"),
                           other=make_case(title=f"B{number}"), kind=LinkKind.SAME_PROJECT)
    client = client_for(city_supervisor)
    with django_assert_max_num_queries(8):
        response = client.get("/cases/clusters/")
    assert len(response.context["clusters"]) == 6


def test_the_merge_form_offers_the_linked_open_cases_the_supervisor_sees(
    client_for, city_supervisor, district_supervisor, owner, home_wages, foreign_wages,
    make_case
):
    linked = make_case(title="Kundulun site, second gate")
    actions.link_cases(user=owner, case=home_wages, other=linked, kind=LinkKind.SAME_PROJECT)
    actions.link_cases(user=city_supervisor, case=home_wages, other=foreign_wages,
                       kind=LinkKind.SAME_EMPLOYER)
    page = client_for(city_supervisor).get(home_wages.get_absolute_url()).content.decode()
    assert 'list="merge-candidates"' in page
    assert f'<option value="{linked.reference}">' in page
    assert f'<option value="{foreign_wages.reference}">' in page
    # a district supervisor is offered only what is theirs to see
    page = client_for(district_supervisor).get(home_wages.get_absolute_url()).content.decode()
    assert f'<option value="{linked.reference}">' in page
    assert f'<option value="{foreign_wages.reference}">' not in page
