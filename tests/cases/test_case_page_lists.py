"""The case page shows its history, follow-ups, attachments and orders."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import actions
from cases.choices import FollowUpMethod, Status
from cases.models import FollowUp

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


def test_the_history_shows_changes_read_from_json(client_for, owner, busy_case):
    page = client_for(owner).get(busy_case.get_absolute_url()).content.decode()
    assert "Checked on site" in page
    assert str(Status.VERIFIED.label) in page
    assert "Report in 7 days." in page and "Report in 14 days." in page
