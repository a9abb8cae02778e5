"""Long exports and imports run in the background: the user follows the job on its page,
downloads the result there (only they can), and gets a notice when it is done."""

import pytest

from cases import jobs
from cases.choices import JobKind, JobState
from cases.models import Case, Job
from riskdesk.choices import NoticeKind
from riskdesk.models import Notification
from tests.cases.test_import import csv_upload, row

pytestmark = pytest.mark.usefixtures("eager_tasks")


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(jobs, "EXPORT_INLINE_ROWS", 1)
    monkeypatch.setattr(jobs, "IMPORT_INLINE_BYTES", 10)


def body(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


# ---------------------------------------------------------------- exports
def test_a_long_list_is_exported_in_the_background_and_downloaded_by_its_owner(
        client_for, owner, make_case, small_limits, django_capture_on_commit_callbacks):
    first, second = make_case(title="First wages"), make_case(title="Second wages")
    client = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/cases/export.csv?q=wages")

    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.state, job.progress, job.rows) == (JobState.DONE, 100, 2)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "2 cases exported." in page and f"/cases/jobs/{job.pk}/download/" in page
    text = body(client.get(f"/cases/jobs/{job.pk}/download/"))
    assert first.reference in text and second.reference in text
    notice = Notification.objects.get(user=owner, kind=NoticeKind.JOB_DONE)
    assert notice.url == job.get_absolute_url()


def test_the_background_export_holds_only_the_filtered_cases_in_scope(
        client_for, owner, make_case, foreign_case, small_limits,
        django_capture_on_commit_callbacks):
    make_case(title="Wages one"), make_case(title="Wages two"), make_case(title="Housing")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).get("/cases/export.xlsx?q=wages")
    job = Job.objects.get()
    assert (job.kind, job.rows) == (JobKind.EXPORT_XLSX, 2)  # not "Housing", not foreign
    assert job.result_name.endswith(".xlsx")


def test_a_short_list_is_still_exported_at_once(client_for, owner, case):
    response = client_for(owner).get("/cases/export.csv")

    assert response.status_code == 200 and case.reference in body(response)
    assert not Job.objects.exists()


def test_only_the_owner_sees_or_downloads_a_job(
        client_for, owner, colleague, make_case, small_limits,
        django_capture_on_commit_callbacks):
    make_case(), make_case()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(owner).get("/cases/export.csv")
    job = Job.objects.get()

    other = client_for(colleague)  # same district, but not their export
    assert other.get(job.get_absolute_url()).status_code == 404
    assert other.get(f"/cases/jobs/{job.pk}/download/").status_code == 404


def test_a_running_job_refreshes_its_page_and_shows_its_progress(client_for, owner):
    job = Job.objects.create(kind=JobKind.EXPORT_CSV, user=owner, state=JobState.RUNNING,
                             progress=40)

    page = client_for(owner).get(job.get_absolute_url()).content.decode()

    assert '<meta http-equiv="refresh"' in page
    assert '<progress id="job-progress" max="100" value="40">' in page
    assert client_for(owner).get(f"/cases/jobs/{job.pk}/download/").status_code == 404


def test_a_job_runs_once_even_if_its_task_arrives_twice(owner, make_case):
    make_case()
    job = Job.objects.create(kind=JobKind.EXPORT_CSV, user=owner)

    jobs.run_job(job.pk)
    jobs.run_job(job.pk)

    assert Notification.objects.filter(user=owner, kind=NoticeKind.JOB_DONE).count() == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE


# ---------------------------------------------------------------- imports
def test_a_big_file_is_imported_in_the_background(
        client_for, owner, categories, small_limits, django_capture_on_commit_callbacks):
    upload = csv_upload(row(source_reference="B-1"), row(source_reference="B-2"))
    client = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/import/", {"file": upload})

    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert Case.objects.filter(source_reference__in=["B-1", "B-2"]).count() == 2
    page = client.get(job.get_absolute_url()).content.decode()
    assert "2 cases imported." in page


def test_a_background_import_with_bad_rows_lists_them_and_imports_nothing(
        client_for, owner, categories, small_limits, django_capture_on_commit_callbacks):
    upload = csv_upload(row(source_reference="B-1"), row(source_reference="B-2",
                                                         risk_level="dreadful"))
    client = client_for(owner)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cases/import/", {"file": upload})

    job = Job.objects.get()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Nothing was imported: 1 problem was found." in page
    assert not Case.objects.exists()


def test_a_big_file_that_cannot_be_read_is_refused_at_once_not_queued(
        client_for, owner, small_limits, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/import/",
                               {"file": SimpleUploadedFile("list.xls", b"x" * 50)})

    assert response.status_code == 200
    assert "cannot be imported" in response.content.decode()
    assert not Job.objects.exists()


def test_administrators_see_failed_jobs_in_the_admin_site(client_for, admin_user, owner):
    job = Job.objects.create(kind=JobKind.IMPORT, user=owner, state=JobState.FAILED,
                             summary={"error": "list.xls cannot be imported"})
    client = client_for(admin_user)

    listing = client.get("/admin/cases/job/?state__exact=failed")
    detail = client.get(f"/admin/cases/job/{job.pk}/change/")

    assert listing.status_code == 200 and f"/admin/cases/job/{job.pk}/" in listing.content.decode()
    assert "list.xls cannot be imported" in detail.content.decode()
    assert client.get("/admin/cases/job/add/").status_code == 403
