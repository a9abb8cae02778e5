"""An export written by a real Celery worker, a process of its own with STORAGE=s3 and
its own local disk, downloads through the web process: the file is in the shared bucket,
not on the worker's disk. Needs PostgreSQL and Redis (run under .ci/run)."""

import os
import time

import pytest
from django.db import connection

from cases import jobs
from cases.choices import JobState
from cases.models import Job
from tests.riskdesk.test_backup import url_of
from tests.services import start_celery_worker
from tests.storage.s3server import s3_env

BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_export_written_by_a_worker_downloads_from_the_web_node(
        s3_storage, make_case, owner, client_for, monkeypatch, tmp_path):
    if not BROKER.startswith("redis") or connection.vendor != "postgresql":
        pytest.skip("needs Redis and PostgreSQL (run under .ci/run)")
    monkeypatch.setattr(jobs, "EXPORT_INLINE_ROWS", 1)  # two cases go to the background
    first, second = make_case(title="First wages"), make_case(title="Second wages")
    worker_disk = tmp_path / "worker"
    env = {
        **os.environ, **s3_env(s3_storage.endpoint, s3_storage.name),
        "DATABASE_URL": url_of(connection.settings_dict["NAME"]),
        "RISKDESK_VAR_DIR": str(worker_disk),  # the worker node's own disk
    }
    worker = start_celery_worker(env, "storage")
    try:
        # when the owner exports the list on the web node, and the worker runs the job
        client = client_for(owner)
        response = client.get("/cases/export.csv?q=wages")
        job = Job.objects.get()
        assert response["Location"] == job.get_absolute_url()
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.3)
        else:
            worker.terminate()
            pytest.fail("the job did not finish within 90 s; worker said:\n"
                        + worker.communicate()[0][-3000:])
        # then its result is in the bucket, not on the worker's disk
        assert job.state == JobState.DONE
        assert job.result.name in s3_storage.objects()
        media = worker_disk / "media"
        assert not (media.exists() and [p for p in media.rglob("*") if p.is_file()])
        # and the web node streams it to the owner
        text = b"".join(client.get(f"/cases/jobs/{job.pk}/download/").streaming_content)
        assert text == s3_storage.read(job.result.name)
        assert first.reference.encode() in text and second.reference.encode() in text
    finally:
        worker.terminate()
        worker.wait(timeout=30)
