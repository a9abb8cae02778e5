"""The case list's counts per status come from the tally PostgreSQL keeps, and they are
the same numbers as counting the cases, whoever looks and whatever they filter."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.http import QueryDict

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Status, Transition
from cases.counts import recount, status_counts, tally_answers
from cases.filtersets import CaseFilterSet
from cases.models import Case, CaseTally
from tests.cases.test_import import csv_upload, row

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgresql_only(db):
    if connection.vendor != "postgresql":
        pytest.skip("the tally is kept by PostgreSQL triggers (run under .ci/run)")


def counted(user, query):
    """What counting the cases gives: the list's own filters on the user's cases, but
    its status filter (the list counts every status for its chips)."""
    data = QueryDict(query, mutable=True)
    data.pop("status", None)
    filterset = CaseFilterSet(data, queryset=Case.objects.for_user(user), user=user)
    return dict(filterset.qs.order_by().values_list("status").annotate(n=Count("*")))


def from_tally(user, query):
    filterset = CaseFilterSet(QueryDict(query), queryset=Case.objects.for_user(user), user=user)
    assert tally_answers(filterset), query
    return status_counts(filterset)


def walk(case, user, *names):
    for name in names:
        case = actions.transition(user=user, case=case, name=name, note=f"{name} done")
    return case


@pytest.fixture
def mixed_cases(make_case, foreign_case, owner, outsider):
    """Cases of two districts in several categories, risk levels and statuses."""
    make_case(risk_level=RiskLevel.LOW)
    make_case(kind=CategoryKind.REAL_ESTATE, risk_level=RiskLevel.MAJOR)
    walk(make_case(), owner, Transition.VERIFY)
    walk(make_case(kind=CategoryKind.GENERAL), owner, Transition.VERIFY, Transition.START)
    walk(make_case(kind=CategoryKind.MASS_VICTIM), owner,
         Transition.VERIFY, Transition.START, Transition.RESOLVE)
    walk(foreign_case, outsider, Transition.VERIFY)
    return Case.objects.all()


@pytest.mark.parametrize("query", [
    "", "o=-updated&page=2&per_page=50", "risk_level=high", "risk_level=high&risk_level=low",
    "status=verified", "risk_level=nonsense", "category=999999", "district=abc",
])
def test_the_counts_per_status_are_the_counted_ones_for_everyone(
    mixed_cases, query, owner, outsider, district_supervisor, city_supervisor, admin_user
):
    for user in (owner, outsider, district_supervisor, city_supervisor, admin_user):
        assert from_tally(user, query) == counted(user, query), (user, query)


def test_category_and_district_filters_are_counted_from_the_tally(
    mixed_cases, categories, city_supervisor, owner, outsider
):
    wage = categories[CategoryKind.WAGE_ARREARS].pk
    mine = owner.membership.districts.first().pk
    theirs = outsider.membership.districts.first().pk
    for query in (f"category={wage}", f"district={mine}", f"district={theirs}&category={wage}",
                  f"district={mine}&district={theirs}&risk_level=high"):
        assert from_tally(city_supervisor, query) == counted(city_supervisor, query)
    # staff naming another district's id get nothing of it, as the list itself
    assert from_tally(owner, f"district={theirs}") == counted(owner, f"district={theirs}")
    assert sum(from_tally(outsider, "").values()) == 1


def test_other_filters_count_the_cases_themselves(mixed_cases, owner):
    for query in ("q=wages", "mine=on", "follow_up_overdue=on", "created_after=2020-01-01"):
        filterset = CaseFilterSet(QueryDict(query), queryset=Case.objects.for_user(owner),
                                  user=owner)
        assert not tally_answers(filterset)
        assert status_counts(filterset) == counted(owner, query)


def test_the_list_shows_the_tallied_counts(client, mixed_cases, city_supervisor):
    client.force_login(city_supervisor)
    page = client.get("/cases/", {"risk_level": "high"})
    assert page.context["page"].paginator.count == Case.objects.filter(
        risk_level=RiskLevel.HIGH).count()
    shown = {value: n for value, _label, n in page.context["status_counts"]}
    assert shown[Status.VERIFIED] == 1
    assert shown[Status.REPORTED] == Case.objects.filter(
        risk_level=RiskLevel.HIGH, status=Status.REPORTED).count()


def test_the_tally_follows_registering_moving_editing_and_importing(
    make_case, owner, district_supervisor, categories
):
    edited = make_case()
    edited.risk_level = RiskLevel.LOW
    edited.category = categories[CategoryKind.GENERAL]
    actions.update_case(user=owner, case=edited)
    case = make_case()
    walk(case, owner, Transition.VERIFY, Transition.START, Transition.RESOLVE)
    case = walk(Case.objects.get(pk=case.pk), district_supervisor, Transition.CLOSE)
    # an update of columns the tally does not count (as a follow-up makes) changes nothing
    Case.objects.filter(pk=case.pk).update(next_follow_up_due=None)
    from cases.imports import import_cases

    result = import_cases(user=owner, upload=csv_upload(row(source_reference="W-9")))
    assert result.created == 1
    assert recount(repair=False) == []
    assert CaseTally.objects.get(status=Status.CLOSED).cases == 1
    assert CaseTally.objects.get(risk_level=RiskLevel.LOW).cases == 1


def test_a_rolled_back_registration_leaves_the_tally_as_it_was(make_case):
    make_case()
    before = list(CaseTally.objects.values_list("status", "cases"))
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case()
        raise RuntimeError("the request failed")
    assert list(CaseTally.objects.values_list("status", "cases")) == before
    assert recount(repair=False) == []


def test_recount_finds_and_repairs_a_damaged_tally(make_case, capsys):
    make_case()
    make_case(risk_level=RiskLevel.LOW)
    CaseTally.objects.filter(risk_level=RiskLevel.LOW).update(cases=7)
    with pytest.raises(CommandError, match="1 groups differ"):
        call_command("recount_cases")
    assert "tallied 7, counted 1" in capsys.readouterr().out
    call_command("recount_cases", "--repair")
    assert recount(repair=False) == []
    call_command("recount_cases")
    assert "matches" in capsys.readouterr().out
