"""On PostgreSQL, the queries every request runs (riskdesk.db.CompiledQuery: the session,
the signed-in user, a case page's lists) are prepared once per database connection and
then only executed. Whatever happens to the connection, the pages answer as before."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from riskdesk import db
from riskdesk.db import CompiledQuery, PreparedStatement

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="prepared statements are PostgreSQL's")


def prepared_here() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'riskdesk_%%'")
        return {name for (name,) in cursor.fetchall()}


def references_query():
    return CompiledQuery(
        "default", lambda pk: Case.objects.filter(pk=pk).values_list("reference", "title"),
        pk=(Case._meta.pk, -982_451_653))


def test_a_query_is_prepared_once_then_executed(case):
    query = references_query()
    with CaptureQueriesContext(connection) as first:
        assert query.rows(pk=case.pk) == [(case.reference, case.title)]
    with CaptureQueriesContext(connection) as second:
        assert query.rows(pk=case.pk) == [(case.reference, case.title)]

    assert query.statement.name in prepared_here()
    executed = [f"EXECUTE {query.statement.name} ({case.pk})"]
    assert [q["sql"] for q in first.captured_queries] == executed  # one query, as without
    assert [q["sql"] for q in second.captured_queries] == executed


@pytest.mark.django_db(transaction=True)  # the connection is closed: no test transaction
def test_a_new_connection_prepares_again(client_for, owner, case):
    client = client_for(owner)
    assert client.get(f"/cases/{case.reference}/").status_code == 200

    connection.close()  # dropped, or past DATABASE_CONN_MAX_AGE: a new session
    page = client.get(f"/cases/{case.reference}/")

    assert page.status_code == 200 and case.title in page.content.decode()
    assert "Li Wei" in page.content.decode()  # the signed-in user, read by a prepared query


def test_a_refused_statement_runs_as_written_and_the_transaction_goes_on(case):
    query = references_query()
    query.statement.prepare_sql = "PREPARE riskdesk_broken AS SELEKT 1"
    with transaction.atomic():
        assert query.rows(pk=case.pk) == [(case.reference, case.title)]
        assert Case.objects.filter(pk=case.pk).exists()  # the transaction is not spoilt
    with CaptureQueriesContext(connection) as later:
        assert query.rows(pk=case.pk) == [(case.reference, case.title)]

    assert query.statement.refused
    assert later.captured_queries[0]["sql"].startswith("SELECT")


def test_with_prepared_statements_off_queries_run_as_written(settings, case):
    settings.DATABASE_PREPARED_STATEMENTS = False
    query = references_query()
    with CaptureQueriesContext(connection) as queries:
        assert query.rows(pk=case.pk) == [(case.reference, case.title)]

    assert query.statement is None
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


def test_statements_the_database_forgot_fail_once_then_queries_run_as_written(
        monkeypatch, case, caplog):
    monkeypatch.setattr(PreparedStatement, "lost", False)
    query = references_query()
    assert query.rows(pk=case.pk) == [(case.reference, case.title)]
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # what a pooler in transaction mode amounts to
    try:
        with pytest.raises(DatabaseError), transaction.atomic():
            query.rows(pk=case.pk)
        with CaptureQueriesContext(connection) as later:
            assert query.rows(pk=case.pk) == [(case.reference, case.title)]
    finally:
        # the other tests' statements are gone from this connection too: prepare again
        db._prepared_on.pop(connection.connection, None)

    assert later.captured_queries[0]["sql"].startswith("SELECT")
    assert "DATABASE_PREPARED_STATEMENTS=false" in caplog.text
