"""A fresh PostgreSQL primary and its hot standby, for tests that need a real replica.

Two clusters of the machine's PostgreSQL 15 (``/usr/lib/postgresql/15/bin``) in a temporary
folder, on free ports of 127.0.0.1, trust authentication: the primary made with
``initdb`` (``wal_level=replica``), the standby with ``pg_basebackup -R`` from it
(``hot_standby=on``), streaming. Nothing is copied from the machine's own cluster.
PostgreSQL refuses to run as root: under root the binaries run as the ``postgres`` user
(``runuser``), and the folder is theirs.

``start_pair()`` returns a ``Pair`` with both URLs and the standby's stop and start; the
``postgres_pair`` fixture (tests/multinode/conftest.py) stops and removes it afterwards.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import psycopg2

BIN = Path(os.environ.get("RISKDESK_PG_BIN", "/usr/lib/postgresql/15/bin"))
TOOLS = ("initdb", "pg_ctl", "pg_basebackup")
DATABASE = "riskdesk"
SETTINGS = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
max_connections = 40
shared_buffers = 32MB
fsync = off
full_page_writes = off
"""


def missing() -> str | None:
    """Why a pair cannot be made here, or None."""
    absent = [tool for tool in TOOLS if not (BIN / tool).exists()]
    if absent:
        return f"the PostgreSQL 15 server binaries are not installed ({', '.join(absent)} " \
               f"missing in {BIN}: apt-get install postgresql-15)"
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            return "runuser is missing (util-linux): PostgreSQL cannot run as root"
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "there is no postgres user to run PostgreSQL as (not as root)"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run(*command, timeout=120):
    """A PostgreSQL tool, as the postgres user when we are root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    done = subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{done.stdout}{done.stderr}")
    return done


@dataclass
class Pair:
    folder: Path
    primary_port: int
    standby_port: int

    @property
    def primary(self) -> Path:
        return self.folder / "primary"

    @property
    def standby(self) -> Path:
        return self.folder / "standby"

    def url(self, port: int, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_port)

    @property
    def standby_url(self) -> str:
        return self.url(self.standby_port)

    def connect(self, port: int, database: str = DATABASE):
        """A psycopg2 connection (autocommit) to ``port``'s copy of ``database``; close it
        (``contextlib.closing``)."""
        conn = psycopg2.connect(host="127.0.0.1", port=port, user="postgres",
                                dbname=database, connect_timeout=5)
        conn.autocommit = True
        return conn

    def stop_standby(self) -> None:
        _run(BIN / "pg_ctl", "-D", self.standby, "-m", "fast", "-w", "stop")

    def start_standby(self) -> None:
        _run(BIN / "pg_ctl", "-D", self.standby, "-l", self.folder / "standby.log",
             "-w", "-t", "60", "start")

    def wait_until_replayed(self, seconds: float = 20) -> None:
        """Until the standby has replayed all the primary has written so far."""
        with closing(self.connect(self.primary_port)) as primary, primary.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()")
            target = cursor.fetchone()[0]
        deadline = time.monotonic() + seconds
        with closing(self.connect(self.standby_port)) as standby, standby.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
                if cursor.fetchone()[0]:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the standby did not replay up to {target} "
                                       f"within {seconds} s")
                time.sleep(0.05)

    def log(self, which: str) -> str:
        path = self.folder / f"{which}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop both (immediately: nothing to keep) and remove the folder."""
        for data in (self.standby, self.primary):
            if (data / "postmaster.pid").exists():
                subprocess.run(
                    [*(["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []),
                     str(BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                    capture_output=True, timeout=60, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_pair() -> Pair:
    """Make and start a primary with an empty database ``riskdesk``, and its standby."""
    folder = Path(tempfile.mkdtemp(prefix="riskdesk-pg-pair-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    pair = Pair(folder, free_port(), free_port())
    try:
        _run(BIN / "initdb", "-D", pair.primary, "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        with (pair.primary / "postgresql.conf").open("a") as conf:
            conf.write(SETTINGS.format(port=pair.primary_port, sockets=folder))
        _run(BIN / "pg_ctl", "-D", pair.primary, "-l", folder / "primary.log", "-w", "start")
        with closing(pair.connect(pair.primary_port, "postgres")) as conn, \
                conn.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
        _run(BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", pair.primary_port,
             "-U", "postgres", "-D", pair.standby, "-R", "-X", "stream",
             "--checkpoint=fast", "--no-sync")
        with (pair.standby / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {pair.standby_port}\n")
        pair.start_standby()
    except BaseException:
        pair.stop()
        raise
    return pair
