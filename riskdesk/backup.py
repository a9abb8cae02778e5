"""Backup and restore: the PostgreSQL database and the uploaded files in one archive.

``backup()`` writes ``riskdesk-<timestamp>.tar.gz`` holding ``db.dump`` (``pg_dump
--format=custom`` of the database) and ``media/`` (everything under ``MEDIA_ROOT``);
``restore()`` puts both back. Used by ``manage.py backup`` / ``manage.py restore`` and by
``make backup`` / ``make restore FILE=...``. Messages are for the operator, in English.
"""

import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

DUMP = "db.dump"
MEDIA = "media"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


def _database() -> dict:
    db = connection.settings_dict
    if connection.vendor != "postgresql":
        raise BackupError(
            "Backups need PostgreSQL (DATABASE_URL=postgres://...); this database is "
            f"{connection.vendor}. For the SQLite development database, copy the file "
            f"{db['NAME']} while RiskDesk is stopped."
        )
    return db


def _pg_args(db) -> tuple[list[str], dict]:
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    # The program is pg_dump or pg_restore; the arguments come from the settings.
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                          check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def backup(output_dir: Path) -> Path:
    """Write the archive into ``output_dir`` and return its path."""
    db = _database()
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"riskdesk-{stamp}.tar.gz"
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=output_dir) as work:
        dump = Path(work) / DUMP
        args, env = _pg_args(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env)
        partial = Path(work) / target.name
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DUMP)
            if media_root.is_dir():
                archive.add(media_root, arcname=MEDIA)
            else:
                info = tarfile.TarInfo(MEDIA)
                info.type = tarfile.DIRTYPE
                archive.addfile(info)
        partial.replace(target)  # never a half-written archive under the final name
    return target


def _database_is_empty(db) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        )
        return cursor.fetchone()[0] == 0


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Restore the database and the files from ``archive_path``.

    Refuses a database that already has tables (or a non-empty ``MEDIA_ROOT``) unless
    ``force``. Returns what was restored: {"media_files": n}.
    """
    db = _database()
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} does not exist.")
    media_root = Path(settings.MEDIA_ROOT)
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            names = archive.getnames()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{archive_path} is not a RiskDesk backup archive: {error}") from None
    with tarfile.open(archive_path, "r:gz") as archive:
        if DUMP not in names:
            raise BackupError(f"{archive_path} has no {DUMP}: it is not a RiskDesk backup.")
        if not force:
            if not _database_is_empty(db):
                raise BackupError(
                    f"The database {db['NAME']} is not empty. Restore into a new, empty "
                    "database, or add FORCE=1 (manage.py restore --force) to replace its "
                    "contents with the backup."
                )
            if media_root.is_dir() and any(media_root.iterdir()):
                raise BackupError(
                    f"MEDIA_ROOT {media_root} is not empty. Point MEDIA_ROOT at an empty "
                    "folder, or add FORCE=1 (manage.py restore --force) to overwrite it."
                )
        with tempfile.TemporaryDirectory() as work:
            # The "data" filter refuses absolute paths, "..", links out and device files.
            archive.extractall(work, filter="data")
            args, env = _pg_args(db)
            clean = ["--clean", "--if-exists"] if force else []
            _run(["pg_restore", "--no-owner", "--exit-on-error", *clean, *args,
                  str(Path(work) / DUMP)], env)
            restored = 0
            source = Path(work) / MEDIA
            if source.is_dir():
                media_root.mkdir(parents=True, exist_ok=True)
                shutil.copytree(source, media_root, dirs_exist_ok=True)
                restored = sum(1 for p in source.rglob("*") if p.is_file())
    connection.close()  # the restored schema is new to this process
    return {"media_files": restored}
