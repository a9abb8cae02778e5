"""The identity platforms the sign-in tests run against (tests/oidc, tests/cas): each a
real server, started as its own process on a free port of 127.0.0.1.

When one cannot run here its tests are skipped and the run ends saying so; under
``.ci/run`` (``RISKDESK_REQUIRE_IDENTITY_PROVIDER=true``) they fail instead.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

REQUIRED = os.environ.get("RISKDESK_REQUIRE_IDENTITY_PROVIDER", "").lower() == "true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def mark_not_runnable(items, folder: Path, fixture: str, reason: str | None):
    """Skip the tests of ``folder`` that use ``fixture`` when ``reason`` says why the
    server cannot run (when it is required, its fixture fails them: ``require``)."""
    if not reason or REQUIRED:
        return
    for item in items:
        if folder in Path(str(item.fspath)).parents and fixture in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.skip(reason=reason))


def require(reason: str | None):
    """In a server's fixture: skip, or fail when the server is required, if it cannot run."""
    if reason:
        (pytest.fail if REQUIRED else pytest.skip)(reason)


def say_not_run(terminalreporter, title: str, reason: str | None):
    """Say it out loud at the end of the run: skipped tests are easy to miss."""
    if reason:
        terminalreporter.write_sep("=", title, yellow=True, bold=True)
        terminalreporter.write_line(reason, yellow=True, bold=True)


def hooks_when_not_runnable(folder: Path, fixture: str, title: str, skip_reason):
    """A conftest's two hooks for a server that may not run here: its tests are skipped
    (``mark_not_runnable``) and the run ends with ``title`` and the reason."""

    def pytest_collection_modifyitems(config, items):
        mark_not_runnable(items, folder, fixture, skip_reason())

    def pytest_terminal_summary(terminalreporter, exitstatus, config):
        say_not_run(terminalreporter, title, skip_reason())

    return pytest_collection_modifyitems, pytest_terminal_summary


def start(command, *, env, cwd=None, ready_url: str, log_path: Path) -> subprocess.Popen:
    """Start the server, and wait until ``ready_url`` answers (the test fails with the
    server's log when it does not within 30 s)."""
    log = open(log_path, "w")  # noqa: SIM115 (open while it runs; closed by stop())
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    process.log = log
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(ready_url, timeout=2).ok:
                return process
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            pytest.fail(f"{command[0]} did not start:\n" + log_path.read_text())
        time.sleep(0.2)


def stop(process: subprocess.Popen):
    process.terminate()
    process.wait(timeout=10)
    process.log.close()


# ---------------------------------------------------------------- what a sign-in left
def signed_in_user(web):
    """The user the test client's session is signed in as, or None."""
    from django.contrib.auth import get_user_model

    user_id = web.session.get("_auth_user_id")
    return get_user_model().objects.get(pk=user_id) if user_id else None


def district_codes(user):
    return sorted(d.code for d in user.membership.districts.all())


def start_celery_worker(env: dict, name: str) -> subprocess.Popen:
    """A real Celery worker of RiskDesk, one task at a time, in its own process with the
    environment ``env``; its log is on its stdout (read it when a test fails)."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "riskdesk", "worker", "--pool=solo",
         "--loglevel=INFO", "--without-heartbeat", "--without-mingle", "--without-gossip",
         "--hostname", f"{name}-{os.getpid()}@localhost"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
