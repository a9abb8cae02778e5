"""Backup and restore: `make backup` writes the database and the uploaded files into one
archive; restored into a NEW database and an empty media folder, every case and every
attachment (and its file) is back. Needs PostgreSQL and pg_dump (run under .ci/run)."""

import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from cases import actions
from tests.world import PDF

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.postgres,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def postgres_tools():
    if connection.vendor != "postgresql":
        pytest.skip("backups need PostgreSQL (run under .ci/run)")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")


def url_of(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{name}")


@pytest.fixture
def new_database():
    """A new, empty database next to the test database; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, database: str, media: Path):
    env = {**os.environ, "DATABASE_URL": url_of(database), "MEDIA_ROOT": str(media)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_backup_restored_into_a_new_database_has_every_case_and_attachment(
        postgres_tools, new_database, make_case, owner, settings, tmp_path):
    # given three cases with an attachment each, files under MEDIA_ROOT
    settings.MEDIA_ROOT = tmp_path / "media"
    cases = [make_case(title=f"Case {n} of the backup") for n in range(3)]
    files = {}
    for case in cases:
        attachment = actions.add_attachment(
            user=owner, case=case, upload=SimpleUploadedFile(f"{case.reference}.pdf", PDF))
        files[attachment.file.name] = PDF
    # when they are backed up
    call_command("backup", output_dir=tmp_path / "backups")
    [archive] = (tmp_path / "backups").glob("riskdesk-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "db.dump" in names
    assert {f"media/{name}" for name in files} <= set(names)
    # and restored into a new database and an empty media folder
    restored_media = tmp_path / "restored-media"
    done = manage("restore", str(archive), database=new_database, media=restored_media)
    assert done.returncode == 0, done.stderr
    assert "3 files" in done.stdout
    # then every case and attachment is there, and every file with its content
    with psycopg2.connect(url_of(new_database)) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT reference, title FROM cases_case ORDER BY reference")
        assert cursor.fetchall() == [(c.reference, c.title) for c in cases]
        cursor.execute("SELECT file FROM cases_attachment")
        assert {row[0] for row in cursor.fetchall()} == set(files)
    restored.close()
    for name, content in files.items():
        assert (restored_media / name).read_bytes() == content


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(
        postgres_tools, new_database, make_case, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    case = make_case()
    call_command("backup", output_dir=tmp_path / "backups")
    [archive] = (tmp_path / "backups").glob("riskdesk-*.tar.gz")
    media = tmp_path / "restored-media"
    assert manage("restore", str(archive), database=new_database, media=media).returncode == 0
    # when the same archive is restored over it again
    again = manage("restore", str(archive), database=new_database, media=media)
    # then it is refused with a message that says what to do
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "FORCE=1" in again.stderr
    # and with --force it replaces the contents
    forced = manage("restore", "--force", str(archive), database=new_database, media=media)
    assert forced.returncode == 0, forced.stderr
    with psycopg2.connect(url_of(new_database)) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT reference FROM cases_case")
        assert cursor.fetchall() == [(case.reference,)]
    restored.close()


def test_make_restore_without_a_file_says_how_to_use_it(postgres_tools):
    done = subprocess.run(["make", "-s", "restore"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "make restore FILE=" in done.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(postgres_tools, tmp_path):
    bogus = tmp_path / "riskdesk-bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    done = manage("restore", str(bogus), database=settings.DATABASES["default"]["NAME"],
                  media=tmp_path / "m")
    assert done.returncode == 1
    assert "not a RiskDesk backup" in done.stderr
