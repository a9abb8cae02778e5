"""With STORAGE=s3 every uploaded file lives in the bucket, not on the node's disk, and
goes back out only through the scoped views, streamed by the app: the owner gets the
bytes, an outsider of another district a 404, and no page names the object store."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Attachment
from tests.cases.test_attachments import PDF
from tests.storage.s3server import client as s3_client


def downloaded(response) -> bytes:
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "local-disk"  # must stay empty: files go to S3


def test_an_attachment_uploaded_on_the_case_page_is_kept_in_the_bucket_and_downloads_whole(
        s3_storage, case, owner, client_for, settings):
    # given the owner on the case page
    client = client_for(owner)
    # when they attach a PDF through the page
    response = client.post(f"/cases/{case.reference}/attachments/",
                           {"files": [SimpleUploadedFile("site visit.pdf", PDF)]})
    assert response.status_code == 302
    attachment = Attachment.objects.get(case=case)
    # then the file is an object in the bucket, private, and nothing is on the local disk
    assert s3_storage.objects() == [attachment.file.name]
    assert s3_storage.read(attachment.file.name) == PDF
    grants = s3_client(s3_storage.endpoint).get_object_acl(
        Bucket=s3_storage.name, Key=attachment.file.name)["Grants"]
    assert not [grant for grant in grants if "URI" in grant["Grantee"]]  # no AllUsers
    assert not settings.MEDIA_ROOT.exists()
    # and it downloads through the case, byte for byte, never cached
    response = client.get(attachment.get_absolute_url())
    assert downloaded(response) == PDF
    assert 'attachment; filename="site visit.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    # and the case page links the scoped view, never the object store
    page = client.get(case.get_absolute_url()).content.decode()
    assert attachment.get_absolute_url() in page
    assert s3_storage.endpoint not in page and s3_storage.name not in page


def test_an_outsider_gets_404_for_a_file_in_the_bucket(
        s3_storage, case, owner, outsider, client_for):
    # given an attachment of the owner's case, in the bucket
    client_for(owner).post(f"/cases/{case.reference}/attachments/",
                           {"files": [SimpleUploadedFile("report.pdf", PDF)]})
    attachment = Attachment.objects.get(case=case)
    # when a user of another district asks for it, on the page and on the API
    page = client_for(outsider).get(attachment.get_absolute_url())
    api = client_for(outsider).get(
        f"/api/v1/cases/{case.reference}/attachments/{attachment.pk}/download/")
    # then it does not exist for them
    assert page.status_code == 404 and api.status_code == 404


def test_every_kind_of_stored_file_downloads_from_the_bucket(
        s3_storage, world, owner, admin_user, client_for):
    # given one of every stored file (attachment, report, agency document, drill file,
    # export result), all saved in the bucket
    w = world
    w.assessment.refresh_from_db()
    stored = {w.attachment.file.name, w.assessment.report.name, w.document.file.name,
              w.drill_file.file.name, w.job.result.name}
    assert stored <= set(s3_storage.objects())
    # when each is downloaded by someone who may see it (the owner, then an admin)
    client = client_for(owner)
    got = {
        "attachment": downloaded(client.get(w.attachment.get_absolute_url())),
        "report": downloaded(client.get(reverse("decisions:report", args=[w.decision.pk]))),
        "drill": downloaded(client.get(
            reverse("drills:attachment", args=[w.drill.pk, w.drill_file.pk]))),
        "job": downloaded(client.get(reverse("cases:job_download", args=[w.job.pk]))),
    }
    got["document"] = downloaded(client_for(admin_user).get(
        reverse("agencies:document", args=[w.agency.pk, w.document.pk])))
    # then each is the file as uploaded (the report: the .docx made for the world)
    report = s3_storage.read(w.assessment.report.name)
    assert b"word/document.xml" in report
    assert got == {"attachment": PDF, "report": report, "document": PDF, "drill": PDF,
                   "job": b"reference\n"}


def test_a_file_missing_from_the_bucket_is_a_404_not_a_500(
        s3_storage, case, owner, client_for):
    client = client_for(owner)
    client.post(f"/cases/{case.reference}/attachments/",
                {"files": [SimpleUploadedFile("report.pdf", PDF)]})
    attachment = Attachment.objects.get(case=case)
    s3_client(s3_storage.endpoint).delete_object(Bucket=s3_storage.name,
                                              Key=attachment.file.name)
    assert client.get(attachment.get_absolute_url()).status_code == 404
