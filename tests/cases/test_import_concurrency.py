"""A big import runs in one transaction; colleagues working on cases of the same district
and category meanwhile neither wait for it nor deadlock with it (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections, transaction

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source, Status
from cases.imports import import_cases
from cases.models import Case
from tests.cases.test_import import csv_upload, row

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROWS = 1_200


def within_seconds(seconds, work):
    """Run ``work`` in a transaction that waits for no lock longer than ``seconds``."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{int(seconds * 1000)}ms'")
        work()


def test_an_edit_and_a_status_change_do_not_wait_for_an_import_in_progress(
    owner, colleague, categories
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks (run under .ci/run)")
    # given a colleague's high-risk wage case in Kundulun
    case = actions.register_case(user=colleague, case=Case(
        title="Wages owed on Steel Street", category=categories[CategoryKind.WAGE_ARREARS],
        district=colleague.membership.districts.first(), risk_level=RiskLevel.HIGH,
        source=Source.ROLLING, owner=colleague, people_affected=80, amount_involved=1000))
    upload = csv_upload(*[row(source_reference=f"KDL-{n:05d}") for n in range(ROWS)])
    imported, release = threading.Event(), threading.Event()
    failures = []

    def import_and_hold():  # the import's rows are written but not yet committed
        try:
            with transaction.atomic():
                assert import_cases(user=owner, upload=upload).created == ROWS
                imported.set()
                release.wait(60)
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            imported.set()
            connections.close_all()

    def edit_and_move_on():
        try:
            def raise_risk():
                edited = Case.objects.get(pk=case.pk)
                edited.risk_level = RiskLevel.MAJOR
                actions.update_case(user=colleague, case=edited)

            def verify():
                actions.transition(user=colleague, case=Case.objects.get(pk=case.pk),
                                   name="verify", note="Checked on site")

            within_seconds(5, raise_risk)
            within_seconds(5, verify)
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            connections.close_all()

    importer = threading.Thread(target=import_and_hold)
    importer.start()
    try:
        assert imported.wait(120)
        # when the colleague raises the case's risk level and verifies it meanwhile
        editor = threading.Thread(target=edit_and_move_on)
        editor.start()
        editor.join(30)
        finished = not editor.is_alive()
    finally:
        release.set()
        importer.join(120)

    # then both went through at once, and the import committed after them
    assert finished
    assert failures == []
    case.refresh_from_db()
    assert (case.risk_level, case.status) == (RiskLevel.MAJOR, Status.VERIFIED)
    assert Case.objects.count() == ROWS + 1
