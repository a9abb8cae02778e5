"""Backups with STORAGE=s3: `make backup` copies every object of the bucket into the
archive, and `make restore` puts them back into another (empty) bucket through the same
storage API, with the database. Needs PostgreSQL and pg_dump (run under .ci/run)."""

import os
import subprocess
import sys
import tarfile

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cases import actions
from tests.cases.test_attachments import PDF, PNG
from tests.riskdesk.test_backup import ROOT, url_of
from tests.storage.s3server import Bucket, new_bucket, s3_env

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def restore(archive, *, database, bucket, force=False):
    env = {**os.environ, **s3_env(bucket.endpoint, bucket.name),
           "DATABASE_URL": url_of(database)}
    return subprocess.run([sys.executable, "manage.py", "restore", str(archive),
                           *(["--force"] if force else [])], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_backup_holds_the_buckets_files_and_restores_them_into_a_new_bucket(
        postgres_tools, new_database, s3_storage, make_case, owner, tmp_path):
    # given two cases with attachments kept in the bucket
    first, second = make_case(title="First site"), make_case(title="Second site")
    kept = {}
    for case, name, content in ((first, "report.pdf", PDF), (second, "site.png", PNG)):
        attachment = actions.add_attachment(user=owner, case=case,
                                            upload=SimpleUploadedFile(name, content))
        kept[attachment.file.name] = content
    assert s3_storage.objects() == sorted(kept)
    # when they are backed up
    call_command("backup", output_dir=tmp_path / "backups")
    [archive] = (tmp_path / "backups").glob("riskdesk-*.tar.gz")
    with tarfile.open(archive) as tar:
        assert {f"media/{name}" for name in kept} <= set(tar.getnames())
    # and restored into a new database and a new, empty bucket
    target = Bucket(s3_storage.endpoint, new_bucket(s3_storage.endpoint))
    done = restore(archive, database=new_database, bucket=target)
    assert done.returncode == 0, done.stderr
    assert "2 files" in done.stdout
    # then every object is back under its own name with its bytes, and the cases with it
    assert target.objects() == sorted(kept)
    assert {name: target.read(name) for name in kept} == kept
    with psycopg2.connect(url_of(new_database)) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT file FROM cases_attachment")
        assert {row[0] for row in cursor.fetchall()} == set(kept)
    restored.close()


def test_restore_refuses_a_bucket_that_holds_files_unless_forced(
        postgres_tools, new_database, s3_storage, make_case, owner, tmp_path):
    # given a backup of one attachment, and a bucket that already holds a file
    actions.add_attachment(user=owner, case=make_case(),
                           upload=SimpleUploadedFile("report.pdf", PDF))
    call_command("backup", output_dir=tmp_path / "backups")
    [archive] = (tmp_path / "backups").glob("riskdesk-*.tar.gz")
    # when it is restored into the bucket it came from
    again = restore(archive, database=new_database, bucket=s3_storage)
    # then it is refused, saying which bucket and what to do, and nothing is restored
    assert again.returncode == 1
    assert f"The bucket {s3_storage.name} is not empty" in again.stderr
    assert "FORCE=1" in again.stderr
    with psycopg2.connect(url_of(new_database)) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone() == (0,)
    restored.close()
    # and with --force its files are replaced by the backup's
    forced = restore(archive, database=new_database, bucket=s3_storage, force=True)
    assert forced.returncode == 0, forced.stderr
    assert [s3_storage.read(name) for name in s3_storage.objects()] == [PDF]
