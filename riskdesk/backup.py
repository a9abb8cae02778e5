"""Backup and restore: the PostgreSQL database and the uploaded files in one archive.

``backup()`` writes ``riskdesk-<timestamp>.tar.gz`` holding ``db.dump`` (``pg_dump
--format=custom`` of the database) and ``media/`` (every stored file, under its storage
name); ``restore()`` puts both back. The files are read and written through Django's
storage API, so the same archive holds and restores them whichever storage is configured
(``MEDIA_ROOT``, a shared mount, or an S3-compatible bucket with ``STORAGE=s3``), and
moves them from one to the other. Used by ``manage.py backup`` / ``manage.py restore`` and by
``make backup`` / ``make restore FILE=...``. Messages are for the operator, in English.
"""

import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

from riskdesk.storage import stored_names

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
    with tempfile.TemporaryDirectory(dir=output_dir) as work:
        dump = Path(work) / DUMP
        args, env = _pg_args(db)
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(dump), *args], env)
        partial = Path(work) / target.name
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DUMP)
            folder = tarfile.TarInfo(MEDIA)
            folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o750, time.time()
            archive.addfile(folder)
            for name in stored_names(default_storage):
                _add_stored_file(archive, name)
        partial.replace(target)  # never a half-written archive under the final name
    return target


def _add_stored_file(archive, name: str) -> None:
    """Copy one stored file into the archive, read through the storage in chunks."""
    with default_storage.open(name, "rb") as handle:
        info = tarfile.TarInfo(f"{MEDIA}/{name}")
        info.size, info.mode = handle.size, 0o640
        try:
            info.mtime = default_storage.get_modified_time(name).timestamp()
        except NotImplementedError:
            info.mtime = time.time()
        archive.addfile(info, handle)


def _where_files_are() -> str:
    bucket = getattr(default_storage, "bucket_name", None)
    if bucket:
        return f"The bucket {bucket}"
    return f"MEDIA_ROOT {default_storage.location}"


def _restore_files(archive, *, force: bool) -> int:
    """Save every file under ``media/`` back into the storage under its own name."""
    restored = 0
    for member in archive:
        if not member.isfile() or not member.name.startswith(f"{MEDIA}/"):
            continue
        name = member.name.removeprefix(f"{MEDIA}/")
        parts = PurePosixPath(name).parts
        if not parts or PurePosixPath(name).is_absolute() or ".." in parts:
            raise BackupError(f"The archive holds a file outside media/: {member.name}")
        if force:
            default_storage.delete(name)  # replaced by the backup's copy
        saved = default_storage.save(name, File(archive.extractfile(member), name=name))
        if saved != name:
            raise BackupError(f"{name} could not be restored under its own name ({saved}).")
        restored += 1
    return restored


def _database_is_empty(db) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
        )
        return cursor.fetchone()[0] == 0


def restore(archive_path: Path, *, force: bool = False) -> dict:
    """Restore the database and the files from ``archive_path``.

    Refuses a database that already has tables (or a storage that already holds files)
    unless ``force``. Returns what was restored: {"media_files": n}.
    """
    db = _database()
    if not archive_path.is_file():
        raise BackupError(f"{archive_path} does not exist.")
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
            if stored_names(default_storage):
                raise BackupError(
                    f"{_where_files_are()} is not empty. Point it at an empty one (MEDIA_ROOT "
                    "or S3_BUCKET), or add FORCE=1 (manage.py restore --force) to "
                    "overwrite its files."
                )
        with tempfile.TemporaryDirectory() as work:
            # The "data" filter refuses absolute paths, "..", links out and device files.
            archive.extract(DUMP, work, filter="data")
            args, env = _pg_args(db)
            clean = ["--clean", "--if-exists"] if force else []
            _run(["pg_restore", "--no-owner", "--exit-on-error", *clean, *args,
                  str(Path(work) / DUMP)], env)
        restored = _restore_files(archive, force=force)
    connection.close()  # the restored schema is new to this process
    return {"media_files": restored}
