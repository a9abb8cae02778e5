"""The read replica's router (riskdesk/replica.py): which reads go to it, the lag notice,
and the fall back to the primary when it does not answer.

The replica here is the test database reached through another address (``localhost``
instead of ``127.0.0.1``): a connection of its own that sees only committed rows, as a
standby does. A real hot standby, its lag and its stop are in tests/multinode.
"""

import copy
import logging
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connection, connections, router
from django.test.utils import CaptureQueriesContext

from cases import jobs
from cases.choices import JobKind, JobState
from cases.models import Case, Job
from riskdesk import replica
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry, District
from riskdesk.replica import REPLICA, reading_from_replica
from tests.services import free_port

# The replica alias exists for this module only (the rest of the suite runs without
# one), so the tests name it: Django's test case allows queries to the aliases it is told.
# Committed rows (transaction=True), as a standby sees them; and no test transaction is
# held open on the replica's connection, which the tests point elsewhere.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True,
                          databases=[DEFAULT_DB_ALIAS, REPLICA]),
]

FALLBACK_LINE = "The read replica did not answer"


@pytest.fixture(scope="module", autouse=True)
def replica_alias():
    """A ``replica`` alias as DATABASE_REPLICA_URL makes (a MIRROR of the test database
    under test), added before the tests' database set-up so they may use it."""
    if settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a read replica is a PostgreSQL hot standby (run under .ci/run)")
    configured = connections.settings.get(REPLICA)  # DATABASE_REPLICA_URL, if set
    if configured:
        connections[REPLICA].close()
        del connections[REPLICA]
    connections.settings[REPLICA] = {
        **copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict),
        "ATOMIC_REQUESTS": False, "TEST": {"MIRROR": DEFAULT_DB_ALIAS},
    }
    yield
    connections[REPLICA].close()
    del connections[REPLICA]
    if configured:
        connections.settings[REPLICA] = configured
    else:
        del connections.settings[REPLICA]


@pytest.fixture
def point_replica():
    """``point_replica(**settings)``: the replica alias reaches the test database through
    another address unless ``settings`` say otherwise."""
    primary = connections[DEFAULT_DB_ALIAS].settings_dict

    def point(**changes):
        connections[REPLICA].close()
        connections[REPLICA].settings_dict.update({
            "NAME": primary["NAME"], "PORT": primary["PORT"],
            "HOST": "localhost" if primary["HOST"] != "localhost" else "127.0.0.1",
            **changes,
        })
        replica.forget_back_off()
        replica.begin_unit()

    yield point
    connections[REPLICA].close()
    replica.forget_back_off()
    replica.begin_unit()


@pytest.fixture
def up(point_replica):
    point_replica()


@pytest.fixture
def down(point_replica, settings):
    """The replica alias on a port where nothing listens."""
    settings.REPLICA_RETRY_SECONDS = 1
    point_replica(PORT=str(free_port()))


def new_request():
    """What the handler does at the start of each request."""
    request_started.send(sender=None)


# ---------------------------------------------------------------- which reads go where
def test_reads_come_from_the_replica_only_inside_the_replica_context(up, case):
    new_request()
    assert Case.objects.all().db == DEFAULT_DB_ALIAS
    with reading_from_replica():
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert Case.objects.count() == 1
        assert any("cases_case" in query["sql"] for query in on_replica.captured_queries)
    assert Case.objects.all().db == DEFAULT_DB_ALIAS


def test_after_a_write_the_request_reads_from_the_primary(up):
    new_request()
    with reading_from_replica():
        assert Case.objects.all().db == REPLICA
        District.objects.create(code="donghe", name_en="Donghe District", name_zh="东河区")
        # what it reads next must include what it wrote: the replica may not have it yet
        assert Case.objects.all().db == DEFAULT_DB_ALIAS
        assert District.objects.filter(code="donghe").exists()
    new_request()  # the next request starts afresh
    with reading_from_replica():
        assert Case.objects.all().db == REPLICA


def test_bookkeeping_rows_nothing_reads_back_do_not_keep_the_request_on_the_primary(up):
    new_request()
    with reading_from_replica():
        AuditEntry.objects.create(action=AuditAction.EXPORT, username="someone")
        assert Case.objects.all().db == REPLICA


def test_sessions_are_always_read_from_the_primary(up):
    new_request()
    with reading_from_replica():
        assert Session.objects.all().db == DEFAULT_DB_ALIAS
        assert Case.objects.all().db == REPLICA


def test_writes_and_migrations_go_to_the_primary_only(up):
    new_request()
    with reading_from_replica():
        assert router.db_for_write(Case) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "cases", model_name="case")
    assert not router.allow_migrate(REPLICA, "cases", model_name="case")


def test_a_replica_that_is_the_primary_itself_is_not_used(point_replica):
    # under test, DATABASE_REPLICA_URL is a MIRROR of the test database: the same one
    point_replica(HOST=connections[DEFAULT_DB_ALIAS].settings_dict["HOST"])
    with reading_from_replica():
        assert Case.objects.all().db == DEFAULT_DB_ALIAS


def test_the_dashboard_is_read_from_the_replica(up, case, city_supervisor, client_for):
    web = client_for(city_supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica, \
            CaptureQueriesContext(connection) as on_primary:
        response = web.get("/dashboard/")
    assert response.status_code == 200
    assert any("cases_case" in query["sql"] for query in on_replica.captured_queries)
    assert not any("cases_case" in query["sql"] for query in on_primary.captured_queries)


def test_a_list_page_outside_the_replica_context_reads_from_the_primary(
        up, city_supervisor, client_for):
    web = client_for(city_supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert web.get("/cases/").status_code == 200
    assert on_replica.captured_queries == []


def test_the_api_case_list_is_read_from_the_replica_and_one_case_from_the_primary(
        up, case, city_supervisor, client_for):
    web = client_for(city_supervisor)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert web.get("/api/v1/cases/").status_code == 200
    assert any("cases_case" in query["sql"] for query in on_replica.captured_queries)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        # one case is no list: read from the primary
        assert web.get(f"/api/v1/cases/{case.reference}/").status_code == 200
    assert on_replica.captured_queries == []


def test_a_background_export_reads_the_cases_from_the_replica(
        up, case, city_supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(kind=JobKind.EXPORT_CSV, user=city_supervisor)
    replica.begin_unit()  # as Celery's task_prerun does
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        jobs.run_job(job.pk)  # claims the job (a write of its own row) first
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.rows == 1
    assert case.reference in job.result.read().decode("utf-8-sig")
    assert any("cases_case" in query["sql"] for query in on_replica.captured_queries)


# ---------------------------------------------------------------- the lag notice
@pytest.fixture
def lagging(up, monkeypatch):
    """The replica answers that it is 42.4 s behind (the real lag of a paused standby is
    measured in tests/multinode: the test database is no standby)."""
    monkeypatch.setattr(replica, "LAG_SQL", "SELECT 42.4")


def test_a_page_read_from_a_lagging_replica_says_how_far_behind_it_is(
        lagging, city_supervisor, client_for, settings):
    settings.REPLICA_LAG_NOTICE_SECONDS = 5
    page = client_for(city_supervisor).get("/dashboard/").content.decode()
    assert "Figures from the read copy, 42 seconds behind." in page


def test_no_notice_while_the_lag_is_within_the_setting(
        lagging, city_supervisor, client_for, settings):
    settings.REPLICA_LAG_NOTICE_SECONDS = 60
    page = client_for(city_supervisor).get("/dashboard/").content.decode()
    assert "read copy" not in page


def test_no_notice_on_a_page_read_from_the_primary(lagging, city_supervisor, client_for):
    page = client_for(city_supervisor).get("/cases/").content.decode()
    assert "read copy" not in page


def test_the_lag_is_asked_once_per_request(lagging, city_supervisor, client_for):
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        client_for(city_supervisor).get("/dashboard/")
    asked = [q for q in on_replica.captured_queries if q["sql"] == "SELECT 42.4"]
    assert len(asked) == 1


# ---------------------------------------------------------------- the replica is down
def test_reads_fall_back_to_the_primary_with_one_warning_and_retry_later(
        down, city_supervisor, client_for, caplog):
    web = client_for(city_supervisor)
    caplog.set_level(logging.WARNING, logger="riskdesk.replica")
    response = web.get("/dashboard/")
    assert response.status_code == 200
    assert "read copy" not in response.content.decode()
    warnings = [r for r in caplog.records if FALLBACK_LINE in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    # within the back-off the replica is not asked again: no second line
    assert web.get("/dashboard/").status_code == 200
    assert len([r for r in caplog.records if FALLBACK_LINE in r.getMessage()]) == 1
    # after it, it is tried again (still down here: a second line)
    time.sleep(1.1)
    assert web.get("/dashboard/").status_code == 200
    assert len([r for r in caplog.records if FALLBACK_LINE in r.getMessage()]) == 2


def test_an_export_falls_back_to_the_primary_too(down, case, city_supervisor, client_for):
    response = client_for(city_supervisor).get("/cases/export.csv")
    assert response.status_code == 200
    assert case.reference in b"".join(response.streaming_content).decode("utf-8-sig")


# ---------------------------------------------------------------- /healthz
def test_healthz_reports_the_replica_and_its_lag(up, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["replica"] == "ok, lag 0 s"


def test_a_replica_down_is_reported_but_the_node_stays_healthy(down, live_server, capsys):
    # /healthz says so, with 200: reads go to the primary meanwhile
    call_command("healthcheck", "web", "--url", f"{live_server.url}/healthz")
    assert capsys.readouterr().out.strip() == (
        "web: healthy, but replica: down: OperationalError")


def test_a_request_starts_outside_the_replica_context_whatever_the_last_one_left(up):
    # an API list that failed with an unhandled error never closed its context
    replica._reading.set(True)
    new_request()
    assert Case.objects.all().db == DEFAULT_DB_ALIAS
