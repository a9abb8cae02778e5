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
from tests.services import hooks_when_not_runnable

HERE = Path(__file__).parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_reason() -> str | None:
    return None if IN_CI else cluster_.not_runnable()


pytest_collection_modifyitems, pytest_terminal_summary = hooks_when_not_runnable(
    HERE, "cluster", "MULTI-NODE TESTS NOT RUN", skip_reason
)


@pytest.fixture(scope="session")
def cluster_env() -> dict:
    """Extra environment for every process of the cluster (web nodes, workers, beats,
    ``manage``): override or extend this fixture to add, e.g., DATABASE_REPLICA_URL or
    STORAGE=s3 with the services they name."""
    return {}


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
