"""The histories (cases, orders and escalations live in CaseEvent; decisions; agencies) and
the audit log refuse UPDATE and DELETE in PostgreSQL itself, whatever code runs them."""

import pytest
from django.db import DatabaseError, connection, transaction

from assessments.choices import AgencyEventKind
from assessments.models import AgencyEvent, DecisionEvent
from cases.models import CaseEvent
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry

TABLES = ["cases_caseevent", "assessments_decisionevent", "assessments_agencyevent",
          "riskdesk_auditentry"]


@pytest.fixture
def one_row_each(make_case, decision, agency, owner):
    make_case()
    AgencyEvent.objects.create(agency=agency, kind=AgencyEventKind.values[0], user=owner)
    AuditEntry.objects.create(action=AuditAction.values[0], user=owner, username="owner.staff")
    assert CaseEvent.objects.exists() and DecisionEvent.objects.exists()


@pytest.mark.postgres
@pytest.mark.usefixtures("one_row_each")
@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id", "DELETE FROM {table}"])
def test_postgresql_refuses_to_change_or_delete_a_history_row(table, statement):
    if connection.vendor != "postgresql":
        pytest.skip("the guard is a PostgreSQL trigger")
    # given a row in the table; when raw SQL tries to change or delete it
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 (names above)
        rows = cursor.fetchone()[0]
        with (
            pytest.raises(DatabaseError, match=f"Cannot update or delete rows from {table}"),
            transaction.atomic(),
        ):
            cursor.execute(statement.format(table=table))
        # then it is refused and the row is still there
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] == rows > 0
