"""Exports and downloads are recorded (who, what filter, when) and visible to admins."""

from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import actions
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry
from tests.cases.conftest import case, categories, make_case  # noqa: F401 (fixtures)

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize("name", ["cases:export_csv", "cases:export_xlsx"])
def test_an_export_is_recorded_with_its_filter(client_for, owner, case, name):  # noqa: F811
    client = client_for(owner)
    with time_machine.travel("2026-05-04 10:15:00+08:00", tick=False):
        response = client.get(reverse(name), {"risk_level": "high", "q": "wages"},
                              REMOTE_ADDR="198.51.100.20")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.user == owner
    assert entry.address == "198.51.100.20"
    assert entry.query == "risk_level=high&q=wages"
    assert entry.object_label.startswith("riskdesk-cases-20260504-1015.")
    assert entry.at == datetime.fromisoformat("2026-05-04 10:15:00+08:00")


def test_an_attachment_download_is_recorded(client_for, owner, case):  # noqa: F811
    attachment = actions.add_attachment(
        user=owner, case=case, upload=SimpleUploadedFile("petition.pdf", PDF)
    )
    response = client_for(owner).get(attachment.get_absolute_url())
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.DOWNLOAD)
    assert (entry.user, entry.object_label) == (owner, f"{case.reference} petition.pdf")


def test_a_refused_download_records_nothing(client_for, owner, outsider, case):  # noqa: F811
    attachment = actions.add_attachment(
        user=owner, case=case, upload=SimpleUploadedFile("petition.pdf", PDF)
    )
    assert client_for(outsider).get(attachment.get_absolute_url()).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_admins_see_the_audit_filtered_by_action_and_user(
    client_for, owner, colleague, admin_user, case  # noqa: F811
):
    client_for(owner).get(reverse("cases:export_csv"), {"status": "reported"})
    client_for(colleague).get(reverse("cases:export_xlsx"))
    client = client_for(admin_user)
    url = reverse("admin:riskdesk_auditentry_changelist")
    everything = client.get(url).content.decode()
    assert "status=reported" in everything and "colleague.staff" in everything
    exports_by_owner = client.get(url, {"action__exact": "export", "user__id__exact": owner.pk})
    shown = list(exports_by_owner.context["cl"].result_list)
    assert [(e.username, e.query) for e in shown] == [("owner.staff", "status=reported")]
    assert client.get(url, {"at__year": "2026"}).status_code == 200


def test_staff_cannot_open_the_audit(client_for, owner):
    response = client_for(owner).get(reverse("admin:riskdesk_auditentry_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
