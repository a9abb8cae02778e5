"""The benchmark's code cannot rot: seed a few hundred cases with the bench's own seeder
and run every scenario once (the real run is `make bench`, see the README)."""

import pytest
from django.test import Client

from bench import measure, report
from bench.seed import DETAIL_EVENTS, seed
from cases.models import Case, CaseEvent


@pytest.fixture
def seeded(db):
    return seed(cases=200, out=lambda text: None)


def test_the_seeder_writes_a_city_of_cases(seeded):
    assert Case.objects.count() == 200
    assert CaseEvent.objects.filter(case__reference=seeded.detail_reference).count() == (
        DETAIL_EVENTS)
    assert seeded.counts["follow_ups"] > 200 and seeded.counts["events"] > 2000
    assert measure.count_due()["follow_up_overdue"] == 200  # at most DUE_CASES, all here
    assert len(seeded.load_users) == 20


def test_every_scenario_runs_once(seeded):
    results = {"cases": 200, "seed_seconds": 0, "data": {}, "scenarios": []}
    for scenario in measure.scenarios(seeded, import_rows=20, extra=[("home", "/")]):
        timing = measure.time_scenario(scenario, repeat=1)
        if not scenario.name.startswith("dashboard"):  # not built yet: skipped while 404
            assert not timing.skipped, timing.skipped
            assert timing.runs and timing.queries, scenario.name
        results["scenarios"].append(timing.as_dict())
    assert Case.objects.count() == 200  # the import and the sweep were rolled back
    text = report.table(results)
    assert "case list / admin changelist" in text
    # the duplicate suggestion found the seeded employer's open cases, in two queries
    [duplicate] = [row for row in results["scenarios"] if row["name"] == "duplicate suggestion"]
    assert duplicate["queries"] == 2 and "duplicate suggestion p95" in text


def test_the_list_reads_as_many_queries_at_10_and_100_rows(seeded):
    rows = {row.name: row for row in (
        measure.time_scenario(scenario, repeat=1)
        for scenario in measure.scenarios(seeded, import_rows=1)
        if scenario.name in ("case list, 10 rows", "case list, 100 rows")
    )}
    assert rows["case list, 10 rows"].queries == rows["case list, 100 rows"].queries


def test_the_export_streams_every_seeded_case(seeded, client_for):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=seeded.city_user))
    response = client.get("/cases/export.csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 201


def test_the_profiler_runs_the_load_tests_mix(seeded):
    from argparse import Namespace

    from bench.profile import run_mix
    from bench.run import load_plan

    plan = load_plan(seeded, Namespace(users=20, port=1, duration=1))
    plan["dashboard"] = True
    follow_ups = Case.objects.values_list("follow_ups", flat=True).count()

    mix = run_mix(plan, requests=120)

    assert mix.unexpected == []
    assert set(mix.cpu) == {"case list", "case detail", "dashboard", "follow-up save"}
    assert sum(len(values) for values in mix.cpu.values()) == 100  # 20 warm-up requests
    assert all(count > 0 for values in mix.queries.values() for count in values)
    assert Case.objects.values_list("follow_ups", flat=True).count() == follow_ups  # undone


def test_the_api_rows_read_as_many_queries_at_10_and_500_and_the_sync_reads_each_once(
        seeded, settings):
    settings.API_THROTTLE_RATE = "100000/minute"
    timings = {scenario.name: measure.time_scenario(scenario, repeat=1)
               for scenario in measure.scenarios(seeded, import_rows=1)
               if scenario.name.startswith("API")}
    assert not any(timing.skipped for timing in timings.values()), timings
    assert timings["API case list, 10 rows"].queries == timings["API case list, 500 rows"].queries
    # the sync of the 100 changed cases (half of 200) checked each came once; its pages
    # of 500 are one here
    assert timings["API sync, 100 changed cases"].status == 200


def test_a_page_that_redirects_is_reported_not_timed(seeded):
    scenario = measure.Scenario("somewhere else", seeded.city_user, "/cases/new")  # to /cases/new/
    timing = measure.time_scenario(scenario, repeat=1)
    assert "redirects to" in timing.skipped and not timing.runs


def test_the_bulk_close_closes_every_case_chosen_and_is_rolled_back(seeded):
    from cases.choices import Status

    closed = Case.objects.filter(status=Status.CLOSED).count()
    timings = {}
    for cases in (20, 40):
        scenario = next(scenario for scenario in measure.scenarios(
            seeded, import_rows=1, bulk_cases=cases) if scenario.name.startswith("bulk close"))
        timings[cases] = measure.time_scenario(scenario, repeat=1)
        assert not timings[cases].skipped and timings[cases].status == 302, scenario.name
    assert Case.objects.filter(status=Status.CLOSED).count() == closed  # rolled back
    # 20 cases more in the same batch of 500 cost no query more: the step is taken for
    # the batch together (one UPDATE, one INSERT of history, one read of subscriptions)
    assert timings[40].queries == timings[20].queries


def test_a_tiny_province_seeds_its_cities_and_its_scenarios_run(db):
    from django.contrib.auth import get_user_model

    from riskdesk.models import District

    seeded = seed(cases=300, cities=2, out=lambda text: None)
    assert seeded.cities == 2 and District.objects.count() == 20
    assert District.objects.filter(code="c02-kundulun", name_zh="第2市昆都仑区").exists()
    # the city supervisor sees one city's cases, the city-wide supervisor the province's
    city = get_user_model().objects.get(username=seeded.city_supervisor)
    in_city = Case.objects.for_user(city).count()
    assert 0 < in_city < 300
    assert not Case.objects.for_user(city).filter(district__code__startswith="c02-").exists()
    client = Client()
    client.force_login(city)
    response = client.get("/cases/export.csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == in_city + 1  # the export of one city is that city's cases

    results = {"cases": 300, "cities": 2, "seed_seconds": 0, "data": {}, "scenarios": []}
    for scenario in measure.province_scenarios(seeded):
        timing = measure.time_scenario(scenario, repeat=1)
        assert not timing.skipped and timing.runs and timing.status == 200, scenario.name
        results["scenarios"].append(timing.as_dict())
    figures = {row["what"]: row for row in report.province_figures(results)}
    assert figures["the province-wide list, p95"]["value"] > 0
    assert figures["dashboard computed for one city, p95"]["value"] > 0
    assert figures["export of one city: peak memory of the process"]["value"] is None
    assert "province (2 cities)" in report.table(results)
    # the growth table of a run against itself: every measured figure grew 1.00 times
    assert report.growth(results, results).count("| 1.00× |") == 5  # lists, ratio, dashboards


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_chunks_written_by_two_processes_make_whole_cases():
    # Outside a transaction the seeder forks workers with a connection each (what a
    # province's million is seeded with); 3 chunks of 100 here, as 50 of 20,000 there.
    lines = []
    seeded = seed(cases=300, cities=2, workers=2, chunk=100, out=lines.append)
    assert sum("cases written" in line for line in lines) == 3
    assert Case.objects.count() == 300 == seeded.counts["cases"]
    assert Case.objects.values("reference").distinct().count() == 300
    # every case has its history, and the chunks' id ranges kept every row its own
    assert not Case.objects.filter(events__isnull=True).exists()
    assert CaseEvent.objects.count() == seeded.counts["events"]
    assert CaseEvent.objects.filter(case__reference=seeded.detail_reference).count() == (
        DETAIL_EVENTS)
    # the reference numbers given on from here never repeat a seeded one
    from cases.models import ReferenceCounter

    for counter in ReferenceCounter.objects.all():
        assert not Case.objects.filter(
            reference__startswith=f"RC-{counter.year}-").exclude(
            reference__lte=f"RC-{counter.year}-{counter.last:05d}").exists()
