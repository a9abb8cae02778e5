"""Fixtures for the webhook tests: a real receiver process on 127.0.0.1, Celery eager,
and subscriptions made as the pages make them."""

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from riskdesk.celery import app
from tests.api.conftest import api_for  # noqa: F401
from tests.cases.conftest import case, categories, foreign_case, make_case  # noqa: F401
from webhooks.choices import Format
from webhooks.models import Subscription

SECRET = "a-shared-secret-for-the-tests-0123"
RECEIVER = Path(__file__).with_name("receiver.py")


class ReceiverProcess:
    """The receiver in its own process; ``url``, ``received()``, ``fail(n)``, ``stop()``."""

    def __init__(self, tmp_path, *, max_age=300):
        self.log = tmp_path / "received.jsonl"
        port_file = tmp_path / "port.txt"
        self.process = subprocess.Popen(
            [sys.executable, str(RECEIVER), "--secret", SECRET, "--log", str(self.log),
             "--port-file", str(port_file), "--max-age", str(max_age)])
        deadline = time.monotonic() + 10
        while not port_file.exists():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError("the webhook receiver did not start")
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def received(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text().splitlines()]

    def delivered(self) -> list[dict]:
        """What it accepted (answered 200 to)."""
        return [record for record in self.received() if record["status"] == 200]

    def fail(self, times: int) -> None:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/_control", method="POST",
            data=json.dumps({"fail": times}).encode())
        urllib.request.urlopen(request, timeout=5).read()  # noqa: S310 (our own receiver)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=5)


@pytest.fixture
def receiver(tmp_path):
    process = ReceiverProcess(tmp_path)
    yield process
    process.stop()


@pytest.fixture
def patient_receiver(tmp_path):
    """A receiver that takes timestamps from any day: for tests that move RiskDesk's clock
    (time_machine) while the receiver's stays put."""
    process = ReceiverProcess(tmp_path, max_age=10 * 24 * 3600)
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def eager():
    """Celery tasks run at once, in the test (as the worker would run them)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def subscribe(db):
    def make(owner, url, *, kinds, fmt=Format.JSON, districts=(), secret=SECRET):
        subscription = Subscription.objects.create(
            owner=owner, name=f"{owner.username} hook", url=url, kinds=list(kinds),
            format=fmt, secret=secret)
        subscription.districts.set(districts)
        return subscription

    return make
