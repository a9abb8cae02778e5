"""RiskDesk on several nodes, as real processes on 127.0.0.1, for tests/multinode.

``start()`` brings up, against a PostgreSQL database made for the run and the machine's
Redis:

- two web nodes, each gunicorn with ``riskdesk/gunicorn_conf.py`` (two workers) on a free
  port of its own;
- haproxy (Debian's package) in front, round-robin, checking ``/healthz`` every second,
  retrying a request whose connection failed on the other node (``redispatch``), and a GET
  whose node died before answering;
- two Celery workers and two Celery beats (each beat its own schedule file), the sweeps
  every ``SWEEP_SECONDS``;
- one cache for all (``CACHE_URL``), e-mails written as files (``EMAIL_BACKEND=file``).

The database is not pytest-django's: the processes must see each other's committed rows,
so it is a database of its own (``riskdesk_multinode_<pid>``), migrated by ``manage.py
migrate`` and dropped at the end. The test reads it with psycopg2 (``sql``) and changes it
through the application's own code (``manage``, a ``manage.py shell`` in a subprocess).
"""

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import requests

from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
WEB_WORKERS = 2
START_SECONDS = 90  # a node, a worker, the proxy: up within this, or the run fails with logs


def reachable(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def not_runnable() -> str | None:
    """Why the cluster cannot start here, or None: it needs haproxy (Debian's package),
    and PostgreSQL and Redis on 127.0.0.1."""
    if not Path(HAPROXY).is_file():
        return ("haproxy is not installed (apt-get install haproxy; .ci/run installs it)")
    database = urlsplit(database_url("postgres"))
    if database.hostname not in ("127.0.0.1", "localhost") or not reachable(
            database.port or 5432):
        return f"no PostgreSQL on 127.0.0.1 ({database.hostname}:{database.port or 5432})"
    if not reachable(6379):
        return "no Redis on 127.0.0.1:6379"
    return None


def redis_dbs() -> tuple[int, int]:
    """The Redis databases of the cluster's broker and cache: the two after the test run's
    own broker's (CELERY_BROKER_URL), so parallel runs on one Redis keep apart."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    base = 0
    if url.startswith("redis://"):
        path = urlsplit(url).path.strip("/")
        base = int(path) if path.isdigit() else 0
    return base + 1, base + 2


def database_url(name: str) -> str:
    """The test run's PostgreSQL (DATABASE_URL if it names one) with the database ``name``."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/postgres"
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def connect(url: str, dbname: str | None = None):
    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username,
        password=parts.password, dbname=dbname or parts.path.lstrip("/"))
    connection.autocommit = True
    return connection


@dataclass
class Process:
    name: str
    command: list
    log_path: Path
    process: subprocess.Popen | None = None

    def start(self, env):
        log = open(self.log_path, "a")  # noqa: SIM115 (kept open while the process runs)
        # its own process group: killing a node kills its master and workers together
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        log.close()  # the child has its own copy

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, number):
        if self.alive():
            with contextlib.suppress(ProcessLookupError):  # it died meanwhile
                os.killpg(self.process.pid, number)

    def stop(self, timeout=15):
        if self.process is None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self, tail=4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""


@dataclass
class WebNode(Process):
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    folder: Path
    env: dict
    database: str
    nodes: list = field(default_factory=list)
    workers: list = field(default_factory=list)
    beats: list = field(default_factory=list)
    proxy: Process | None = None
    proxy_port: int = 0

    # ------------------------------------------------------------ what tests use
    @property
    def proxy_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    @property
    def node_urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def mail_folder(self) -> Path:
        return Path(self.env["RISKDESK_VAR_DIR"]) / "mail"

    def sql(self, query: str, params=None) -> list[tuple]:
        """Rows of ``query`` on the cluster's database (committed data, as the nodes see it)."""
        with contextlib.closing(connect(self.database_url)) as connection, \
                connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def manage(self, *args, timeout=120) -> str:
        """``manage.py`` with the cluster's settings; its output. ``manage("shell", "-c",
        code)`` runs the application's own code against the cluster's database."""
        result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode:
            raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def kill(self, index: int):
        """SIGKILL web node ``index`` (its master and workers), as a machine dies."""
        node = self.nodes[index]
        node.signal(signal.SIGKILL)
        node.process.wait(timeout=10)

    def restart(self, index: int):
        """Start web node ``index`` again on its port, and wait until it answers."""
        node = self.nodes[index]
        if node.alive():
            self.kill(index)
        node.start(self.env)
        wait_until_up(node, f"{node.url}/healthz")

    def proxy_retries(self) -> int:
        """Requests the proxy had to send again (its log's retries field, "+n" when sent
        to the other node)."""
        text = self.proxy.log_path.read_text(errors="replace") if self.proxy else ""
        return sum(found != "0" for found in re.findall(
            r" \d+/\d+/\d+/\d+/(\+?\d+) \d+/\d+ ", text))  # ac/fc/bc/sc/rc sq/bq

    def logs(self) -> str:
        parts = [self.proxy, *self.nodes, *self.workers, *self.beats]
        return "\n".join(f"----- {p.name}\n{p.log()}" for p in parts if p is not None)

    # ------------------------------------------------------------ life
    def stop(self):
        processes = [p for p in [self.proxy, *self.beats, *self.workers, *self.nodes] if p]
        for process in processes:  # all at once: each shutdown waits on its own
            process.signal(signal.SIGTERM)
        for process in processes:
            process.stop()
        with contextlib.closing(connect(self.database_url, "postgres")) as connection, \
                connection.cursor() as c:
            c.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def wait_until_up(process: Process, url: str, seconds=START_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.log()}")
        try:
            if requests.get(url, timeout=3).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{process.name} did not answer {url} within {seconds} s:\n"
                       f"{process.log()}")


def haproxy_config(port: int, nodes: list[WebNode]) -> str:
    servers = "\n".join(
        f"  server {node.name} 127.0.0.1:{node.port} check" for node in nodes)
    return f"""global
  maxconn 512
  log stdout format raw local0

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout check 3s
  # a request whose connection failed, or (GET and HEAD only) whose node closed without
  # an answer, is sent again, to the other node (redispatch)
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout 502 503 504

frontend riskdesk
  bind 127.0.0.1:{port}
  default_backend web

backend web
  balance roundrobin
  # a POST is repeated only when it never reached a node: never twice the same save
  http-request disable-l7-retry unless METH_GET || METH_HEAD
  option httpchk
  http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host 127.0.0.1
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
{servers}
"""


def environment(folder: Path, database: str, extra: dict) -> dict:
    broker_db, cache_db = redis_dbs()
    var = folder / "var"
    (var / "static").mkdir(parents=True, exist_ok=True)
    (var / "mail").mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("PYTEST_", "DJANGO_"))}
    env.update({
        "DEBUG": "false",
        "SECRET_KEY": "multinode-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "HTTPS": "false",
        "STATIC_MANIFEST": "false",
        "REQUIRE_TWO_FACTOR": "",
        "LANGUAGE_CODE": "en",
        "LOG_LEVEL": "WARNING",
        "RISKDESK_VAR_DIR": str(var),
        "DATABASE_URL": database_url(database),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{broker_db}",
        "CACHE_URL": f"redis://127.0.0.1:6379/{cache_db}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "WEB_NODES": "2",
        "MEDIA_SHARED": "true",  # both nodes are on this machine: one MEDIA_ROOT
        "EMAIL_BACKEND": "file",
        "SWEEP_SECONDS": "5",
        "DASHBOARD_CACHE_SECONDS": "5",
        "API_THROTTLE_RATE": "100/minute",
        "WEB_CONCURRENCY": str(WEB_WORKERS),
        "SITE_URL": "http://127.0.0.1",
    })
    env.pop("API_THROTTLE_REDIS_URL", None)
    env.update(extra)
    return env


def flush_redis(env):
    import redis

    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        if env.get(name, "").startswith("redis://"):  # the cluster's own databases
            redis.Redis.from_url(env[name]).flushdb()


def start(folder: Path, extra_env: dict | None = None) -> Cluster:
    """The whole cluster, up and answering through the proxy; ``extra_env`` is added to
    every process's environment (e.g. DATABASE_REPLICA_URL, STORAGE=s3)."""
    database = f"riskdesk_multinode_{os.getpid()}"
    env = environment(folder, database, extra_env or {})
    with contextlib.closing(connect(env["DATABASE_URL"], "postgres")) as connection, \
            connection.cursor() as c:
        c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{database}"')
    cluster = Cluster(folder=folder, env=env, database=database)
    try:
        cluster.manage("migrate", "--noinput", timeout=600)
        flush_redis(env)
        for number in (1, 2):
            node = WebNode(
                name=f"web{number}", port=free_port(), log_path=folder / f"web{number}.log",
                command=[str(BIN / "gunicorn"), "riskdesk.wsgi:application",
                         "--config", "python:riskdesk.gunicorn_conf",
                         "--workers", str(WEB_WORKERS), "--timeout", "60"],
            )
            node.command += ["--bind", f"127.0.0.1:{node.port}"]
            cluster.nodes.append(node)
            worker = Process(
                name=f"worker{number}", log_path=folder / f"worker{number}.log",
                command=[str(BIN / "celery"), "-A", "riskdesk", "worker", "-n",
                         f"worker{number}@%h", "--concurrency", "2", "--loglevel", "WARNING",
                         "--without-gossip", "--without-mingle"],
            )
            cluster.workers.append(worker)
            beat = Process(
                name=f"beat{number}", log_path=folder / f"beat{number}.log",
                command=[str(BIN / "celery"), "-A", "riskdesk", "beat", "--loglevel",
                         "WARNING", "-s", str(folder / f"beat{number}-schedule")],
            )
            cluster.beats.append(beat)
        for process in [*cluster.nodes, *cluster.workers, *cluster.beats]:
            process.start(env)
        for node in cluster.nodes:
            wait_until_up(node, f"{node.url}/healthz")
        cluster.proxy_port = free_port()
        config = folder / "haproxy.cfg"
        config.write_text(haproxy_config(cluster.proxy_port, cluster.nodes))
        cluster.proxy = Process(name="haproxy", log_path=folder / "haproxy.log",
                                command=[HAPROXY, "-db", "-f", str(config)])
        cluster.proxy.start(env)
        wait_until_up(cluster.proxy, f"{cluster.proxy_url}/healthz")
        for process in [*cluster.workers, *cluster.beats]:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited:\n{process.log()}")
    except BaseException as error:
        logs = cluster.logs()
        cluster.stop()
        raise RuntimeError(f"the cluster did not start: {error}\n{logs}") from error
    return cluster
