"""The cluster the multi-node tests run against (tests/multinode/cluster.py): two web nodes
behind haproxy, two workers and two beats, one PostgreSQL database and one Redis, started
once per test session.

Without haproxy (/usr/sbin/haproxy, Debian's package), or without PostgreSQL and Redis on
127.0.0.1, these tests are skipped and the run ends saying so. Under CI (CI=true, .ci/run,
which installs haproxy and starts both services) they fail instead: CI never skips them.
"""

import os
from pathlib import Path

import pytest

from tests.multinode import cluster as cluster_
from tests.multinode import postgres_pair as pg
from tests.services import free_port, hooks_when_not_runnable
from tests.storage import s3server

HERE = Path(__file__).parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_reason() -> str | None:
    return None if IN_CI else cluster_.not_runnable()


pytest_collection_modifyitems, pytest_terminal_summary = hooks_when_not_runnable(
    HERE, "cluster", "MULTI-NODE TESTS NOT RUN", skip_reason
)


@pytest.fixture(scope="session")
def object_store():
    """The nodes' shared file storage: an S3-compatible server (moto's, a real process on
    127.0.0.1: tests/storage/s3server.py says why not MinIO) and a bucket of their own;
    yields (endpoint, bucket)."""
    if cluster_.not_runnable():
        yield None, None
        return
    process, endpoint = s3server.start_s3_server(free_port())
    yield endpoint, s3server.new_bucket(endpoint)
    s3server.stop_s3_server(process)


@pytest.fixture(scope="session")
def cluster_env(object_store) -> dict:
    """Extra environment for every process of the cluster (web nodes, workers, beats,
    ``manage``): the files are kept in the object store (STORAGE=s3), as with several
    nodes they must be."""
    endpoint, bucket = object_store
    return s3server.s3_env(endpoint, bucket) if endpoint else {}


@pytest.fixture(scope="session")
def cluster(tmp_path_factory, cluster_env):
    """The running cluster: ``proxy_url``, ``node_urls``, ``kill(i)``/``restart(i)`` a
    web node, ``env`` for subprocesses, ``sql()`` and ``manage()`` on its database."""
    reason = cluster_.not_runnable()
    if reason:
        (pytest.fail if IN_CI else pytest.skip)(f"MULTI-NODE TESTS NOT RUN: {reason}")
    running = cluster_.start(tmp_path_factory.mktemp("cluster"), cluster_env)
    yield running
    running.stop()


@pytest.fixture
def postgres_pair():
    """A fresh primary and its hot standby (tests/multinode/postgres_pair.py), removed
    afterwards; skipped where the PostgreSQL server binaries are not installed (never
    under CI)."""
    reason = pg.missing()
    if reason:
        (pytest.fail if IN_CI else pytest.skip)(reason)
    pair = pg.start_pair()
    yield pair
    pair.stop()
