"""The history is append-only: every change is recorded and nothing edits or deletes it."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import translation

from cases import actions
from cases.choices import CategoryKind, EventKind, RiskLevel
from cases.models import Case, CaseEvent, WageArrearsDetails


def test_registration_is_the_first_event(case, owner):
    event = CaseEvent.objects.get(case=case)
    assert event.kind == EventKind.CREATED and event.user == owner


def test_an_edit_records_each_changed_field_old_and_new(case, owner):
    edited = Case.objects.get(pk=case.pk)
    edited.title = "Subcontractor owes wages to 95 workers"
    edited.risk_level = RiskLevel.MAJOR
    edited.people_affected = 95
    changes = actions.update_case(user=owner, case=edited)
    assert changes == {
        "title": [
            "Subcontractor owes wages to 80 workers", "Subcontractor owes wages to 95 workers"
        ],
        "risk_level": ["high", "major"],
        "people_affected": ["80", "95"],
    }
    event = CaseEvent.objects.filter(case=case, kind=EventKind.EDITED).get()
    assert event.data["changes"]["risk_level"] == ["high", "major"]


def test_the_history_reads_in_the_readers_language_whoever_edited(
    case, owner, categories, client_for
):
    # given an edit made on the Chinese page: risk level, category and target date
    edited = Case.objects.get(pk=case.pk)
    edited.risk_level = RiskLevel.MAJOR
    edited.category = categories[CategoryKind.GENERAL]
    edited.target_date = datetime.date(2026, 3, 5)
    with translation.override("zh-hans"):
        actions.update_case(user=owner, case=edited)
    client = client_for(owner)

    # when the case page is read in English, then in Chinese
    english = client.get(case.get_absolute_url()).content.decode()
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(case.get_absolute_url()).content.decode()

    # then each reader sees the change in their own words and date format
    assert "<del>High</del> → <ins>Major</ins>" in english
    assert ("<del>Unpaid migrant-worker wages</del> → "
            "<ins>Land acquisition and demolition</ins>") in english
    assert "<ins>2026-03-05</ins>" in english
    assert "<del>较大</del> → <ins>重大</ins>" in chinese
    assert "<del>拖欠农民工工资</del> → <ins>征地拆迁</ins>" in chinese
    assert "<ins>2026年3月5日</ins>" in chinese


def test_an_edit_that_changes_nothing_writes_nothing(case, owner):
    actions.update_case(user=owner, case=Case.objects.get(pk=case.pk))
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.EDITED).exists()


def test_kind_details_changes_are_recorded(make_case, owner):
    case = make_case(details=WageArrearsDetails(employer="Hengda Construction"))
    edited = Case.objects.get(pk=case.pk)
    details = WageArrearsDetails(employer="Hengda Construction No. 3 Co.", petition_number="XF-1")
    actions.update_case(user=owner, case=edited, details=details)
    event = CaseEvent.objects.filter(case=case, kind=EventKind.EDITED).get()
    assert event.data["changes"]["employer"] == [
        "Hengda Construction", "Hengda Construction No. 3 Co."]
    assert WageArrearsDetails.objects.get(case=case).petition_number == "XF-1"
    assert WageArrearsDetails.objects.filter(case=case).count() == 1


def test_events_cannot_be_changed_or_deleted_through_the_orm(case):
    event = CaseEvent.objects.get(case=case)
    event.data = {"forged": True}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).update(data={})
    with pytest.raises(TypeError):
        CaseEvent.objects.filter(case=case).delete()
    assert CaseEvent.objects.get(case=case).data != {"forged": True}


def test_postgresql_refuses_changes_to_history_even_in_raw_sql(case):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL")
    for sql in ("UPDATE cases_caseevent SET data = '{}'", "DELETE FROM cases_caseevent"):
        with (
            pytest.raises(DatabaseError, match="Cannot update or delete rows"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert CaseEvent.objects.filter(case=case).exists()


def test_a_case_with_history_cannot_be_deleted(case):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Case.objects.filter(pk=case.pk).delete()


def test_details_of_another_kind_are_never_stored(make_case):
    case = make_case(kind=CategoryKind.GENERAL,
                     details=WageArrearsDetails(employer="should not be stored"))
    assert not WageArrearsDetails.objects.filter(case=case).exists()
