"""Case references: RC-<year>-<5 digits>, unique, never reused, race-free."""

import threading

import pytest
import time_machine
from django.db import connection, connections

from cases.actions import allocate_references
from cases.models import Case


def test_references_count_up_within_the_year(make_case):
    with time_machine.travel("2026-03-01 10:00 +0800"):
        first, second = make_case(), make_case()
    assert first.reference == "RC-2026-00001"
    assert second.reference == "RC-2026-00002"


def test_a_new_year_starts_again_at_one(make_case):
    with time_machine.travel("2026-12-31 23:00 +0800"):
        make_case()
    with time_machine.travel("2027-01-01 08:00 +0800"):
        assert make_case().reference == "RC-2027-00001"


def test_a_number_is_never_handed_out_twice_even_after_an_import_batch(make_case):
    with time_machine.travel("2026-05-01 10:00 +0800"):
        batch = allocate_references(3)
        after = make_case()
    assert batch == ["RC-2026-00001", "RC-2026-00002", "RC-2026-00003"]
    assert after.reference == "RC-2026-00004"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_saving_at_the_same_moment_get_different_references(
    categories, owner
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (run under .ci/run)")
    from cases import actions
    from cases.choices import CategoryKind, RiskLevel, Source

    district = owner.membership.districts.first()
    barrier = threading.Barrier(8)
    made, failures = [], []

    def register():
        try:
            barrier.wait()
            case = actions.register_case(user=owner, case=Case(
                title="Concurrent", category=categories[CategoryKind.GENERAL],
                district=district, risk_level=RiskLevel.LOW, source=Source.ROLLING,
                owner=owner,
            ))
            made.append(case.reference)
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(made) == 8
    assert len(set(made)) == 8
    assert Case.objects.count() == 8


@pytest.mark.parametrize("mounted_at", ["/", "/riskdesk/"])
def test_a_case_links_to_its_page_also_when_the_site_is_mounted_below_the_root(
    make_case, client_for, owner, mounted_at
):
    from django.urls import reverse, set_script_prefix

    case = make_case()
    try:
        set_script_prefix(mounted_at)
        link = case.get_absolute_url()
        assert link == reverse("cases:detail", args=[case.reference])
        assert link == f"{mounted_at}cases/{case.reference}/"
    finally:
        set_script_prefix("/")
    assert client_for(owner).get(case.get_absolute_url()).status_code == 200
