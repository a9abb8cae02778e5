"""The public application form cannot fill the disk or be flooded: at most
AGENCY_APPLICATION_MAX_FILES files and AGENCY_APPLICATION_MAX_MB per application, and at most
AGENCY_APPLICATIONS_PER_HOUR applications per visitor's address, counted in the database."""

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import Agency, AgencyDocument
from riskdesk.choices import AuditAction
from riskdesk.models import AuditEntry

PDF = b"%PDF-1.4\n%demo\n"


def pdf(name="licence.pdf", size=0):
    return SimpleUploadedFile(name, PDF + b"0" * size, content_type="application/pdf")


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()]


# ---------------------------------------------------------------- files and size
def test_an_application_with_six_files_is_refused_and_nothing_is_saved(
        client, application, settings, tmp_path):
    # given the default limit of 5 files
    assert settings.AGENCY_APPLICATION_MAX_FILES == 5
    # when an applicant sends 6
    files = [pdf(f"document-{n}.pdf") for n in range(6)]
    response = client.post("/agencies/apply/", {**application, "documents": files})
    # then they read why, and nothing is kept
    assert response.status_code == 400
    assert "at most 5 files" in response.content.decode()
    assert not Agency.objects.exists() and not AgencyDocument.objects.exists()
    assert stored_files(tmp_path) == []


def test_five_files_are_accepted(client, application, settings):
    files = [pdf(f"document-{n}.pdf") for n in range(5)]
    response = client.post("/agencies/apply/", {**application, "documents": files})
    assert response.status_code == 200
    assert Agency.objects.get().documents.count() == 5


def test_an_application_over_the_size_limit_is_refused_and_nothing_is_saved(
        client, application, settings, tmp_path):
    # given a limit of 1 MB per application
    settings.AGENCY_APPLICATION_MAX_MB = 1
    # when an applicant sends two files of 600 kB
    files = [pdf("a.pdf", 600 * 1024), pdf("b.pdf", 600 * 1024)]
    response = client.post("/agencies/apply/", {**application, "documents": files})
    # then they read why, and nothing is kept
    assert response.status_code == 413
    assert "at most 1 MB" in response.content.decode()
    assert not Agency.objects.exists()
    assert stored_files(tmp_path) == []


def test_an_oversized_request_is_refused_before_its_body_is_read(client, application):
    # given a request that announces 31 MB (the test client's payload refuses to be read
    # past what it holds, so reading it would fail the test)
    # when it is posted
    response = client.post("/agencies/apply/", application,
                           CONTENT_LENGTH=str(31 * 1024 * 1024))
    # then it is refused from its announced length alone
    assert response.status_code == 413
    assert "at most 30 MB" in response.content.decode()
    assert not Agency.objects.exists()


def test_the_size_refusal_speaks_the_users_language(client, application, settings):
    # given a Chinese-speaking applicant and a limit of 1 MB
    settings.AGENCY_APPLICATION_MAX_MB = 1
    # when they send more
    response = client.post("/agencies/apply/", application, CONTENT_LENGTH=str(2 * 1024 * 1024),
                           HTTP_ACCEPT_LANGUAGE="zh-hans")
    # then the refusal is in Chinese, on the form's page
    assert response.status_code == 413
    assert "每份申请的材料合计不得超过1MB" in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


# ---------------------------------------------------------------- applications per hour
def test_the_limit_holds_when_the_process_forgets_its_state(client, application, settings):
    # given 2 applications an hour, and 2 attempts from one address
    settings.AGENCY_APPLICATIONS_PER_HOUR = 2
    for _n in range(2):
        client.post("/agencies/apply/", {**application, "credit_code": ""})
    # when the process's memory is gone (a restart, or another worker) and a third comes
    cache.clear()
    response = client.post("/agencies/apply/", application)
    # then it is still refused
    assert response.status_code == 429
    assert not Agency.objects.exists()


def test_two_addresses_behind_the_proxy_are_counted_separately(client, application, settings):
    # given the proxy's header is trusted and one visitor used up the limit
    settings.CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.AGENCY_APPLICATIONS_PER_HOUR = 2
    for _n in range(2):
        client.post("/agencies/apply/", {**application, "credit_code": ""},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    refused = client.post("/agencies/apply/", application,
                          REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # when another visitor applies through the same proxy
    response = client.post("/agencies/apply/", application,
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9")
    # then only the first is refused
    assert refused.status_code == 429
    assert response.status_code == 200
    assert Agency.objects.count() == 1


def test_the_sixth_attempt_gets_a_clear_message_and_saves_nothing(
        client, application, settings, tmp_path):
    # given five attempts within the hour from one address
    assert settings.AGENCY_APPLICATIONS_PER_HOUR == 5
    for _n in range(5):
        client.post("/agencies/apply/", {**application, "credit_code": ""})
    # when the sixth comes, with a document
    response = client.post("/agencies/apply/", {**application, "documents": pdf()})
    # then it is refused with a message, and nothing is kept
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert not Agency.objects.exists()
    assert stored_files(tmp_path) == []
    attempts = AuditEntry.objects.filter(action=AuditAction.AGENCY_APPLICATION)
    assert attempts.count() == 5
