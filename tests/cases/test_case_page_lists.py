"""The case page reads its history, follow-ups and attachments with SQL written once per
process (cases.views.case_page_lists): the same objects as the ORM's select_related."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import actions
from cases.choices import FollowUpMethod, Status
from cases.models import FollowUp
from cases.views import case_page_lists

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def busy_case(case, owner, district_supervisor):
    actions.log_follow_up(user=owner, case=case, follow_up=FollowUp(
        date=date.today(), method=FollowUpMethod.CALL, summary="First call"),
        uploads=[SimpleUploadedFile("notes.pdf", PDF)])
    actions.add_attachment(user=owner, case=case, upload=SimpleUploadedFile("site.pdf", PDF))
    actions.transition(user=owner, case=case, name="verify", note="Checked on site")
    for days in (7, 14):
        actions.issue_order(user=district_supervisor, case=case, level="district",
                            instructions=f"Report in {days} days.",
                            due_date=date.today() + timedelta(days=days))
    case.refresh_from_db()
    return case


def fields(instance):
    return None if instance is None else [
        getattr(instance, field.attname) for field in instance._meta.concrete_fields]


@pytest.mark.parametrize(("name", "related", "orm"), [
    ("events", ["user"], lambda case: case.events.select_related("user").order_by("-at", "-id")),
    ("follow_ups", ["created_by"], lambda case: case.follow_ups.select_related("created_by")),
    ("attachments", ["uploaded_by", "follow_up"],
     lambda case: case.attachments.select_related("uploaded_by", "follow_up")),
    ("orders", ["issued_by", "acknowledged_by", "answered_by", "closed_by"],
     lambda case: case.orders.select_related("issued_by", "acknowledged_by", "answered_by",
                                             "closed_by").order_by("-issued_at", "-id")),
])
def test_the_lists_are_the_orms(busy_case, name, related, orm):
    expected = list(orm(busy_case))

    with CaptureQueriesContext(connection) as queries:
        found = case_page_lists(name, busy_case)
        for instance in found:  # relations are read with the row: no query later
            for relation in related:
                getattr(instance, relation)
            assert instance.case is busy_case

    assert len(queries) == 1
    assert len(found) == len(expected) > 0
    for ours, theirs in zip(found, expected, strict=True):
        assert fields(ours) == fields(theirs)
        for relation in related:
            assert fields(getattr(ours, relation)) == fields(getattr(theirs, relation))


def test_the_history_shows_changes_read_from_json(client_for, owner, busy_case):
    page = client_for(owner).get(busy_case.get_absolute_url()).content.decode()
    assert "Checked on site" in page
    assert str(Status.VERIFIED.label) in page
    assert "Report in 7 days." in page and "Report in 14 days." in page


def test_a_list_page_reads_its_cases_as_the_orm_does(make_case, owner):
    from cases.models import Case
    from cases.views import cases_by_ids

    cases = [make_case(title=f"Case {number}") for number in range(4)]
    ids = [cases[2].pk, cases[0].pk, cases[3].pk]
    expected = Case.objects.with_related().in_bulk(ids)

    with CaptureQueriesContext(connection) as queries:
        found = cases_by_ids(ids)
        for case in found:
            case.category, case.district, case.owner  # noqa: B018 (read with the row)

    assert len(queries) == 1
    assert {case.pk for case in found} == set(ids)
    for case in found:
        theirs = expected[case.pk]
        assert fields(case) == fields(theirs)
        for relation in ("category", "district", "owner"):
            assert fields(getattr(case, relation)) == fields(getattr(theirs, relation))
    assert cases_by_ids([]) == []
