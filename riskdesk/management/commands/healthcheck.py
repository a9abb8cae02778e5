"""``manage.py healthcheck web|worker|beat``: the container health checks of
docker-compose.yml, one per role of the image. Exits 0 when healthy, 1 with the reason.

- web: ``/healthz`` of the gunicorn in this container answers 200 (asked as the first
  ``ALLOWED_HOSTS`` name, over HTTPS as the proxy in front would say); what it reports
  down without failing (a replica, the cache) is printed after "healthy";
- worker: the Celery worker of this container answers a ping through the broker;
- beat: beat's schedule file was written lately (beat writes it every few minutes).
"""

import json
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def down_in(body: bytes) -> str:
    """What a /healthz report says is down, as "name: reason; ..." (empty if nothing)."""
    try:
        report = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(report, dict):
        return ""
    return "; ".join(f"{name}: {value}" for name, value in report.items()
                     if str(value).startswith("down"))


def check_web(url: str) -> str:
    """Raise unless ``url`` answers 200; return what it reports down all the same."""
    if not url.startswith(("http://", "https://")):
        raise CommandError(f"Not a web address: {url}")
    hosts = [h.strip().lstrip(".") for h in settings.ALLOWED_HOSTS if h.strip() not in ("", "*")]
    request = urllib.request.Request(url, headers={  # noqa: S310 (http or https, checked)
        "Host": hosts[0] if hosts else "localhost", "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=8) as response:  # noqa: S310
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    except OSError as error:
        raise CommandError(f"{url} did not answer: {error}") from None
    if status != 200:
        down = down_in(body)
        raise CommandError(f"{url} answered {status}" + (f" ({down})" if down else ""))
    return down_in(body)


def check_worker(node: str) -> None:
    from riskdesk.celery import app

    replies = app.control.ping(destination=[node], timeout=5)
    if not any(node in reply for reply in replies):
        raise CommandError(f"The Celery worker {node} did not answer a ping.")


def check_beat(schedule: Path, max_age: int) -> None:
    # The file is written through shelve, which may add a suffix (.db) of its own.
    written = [path.stat().st_mtime for path in schedule.parent.glob(f"{schedule.name}*")]
    if not written:
        raise CommandError(f"Beat has not written its schedule file {schedule} yet.")
    age = time.time() - max(written)
    if age > max_age:
        raise CommandError(f"Beat's schedule file {schedule} was last written {age:.0f} s ago.")


class Command(BaseCommand):
    help = "Health check of this container's role: web, worker or beat."

    def add_arguments(self, parser):
        parser.add_argument("role", choices=["web", "worker", "beat"])
        parser.add_argument("--url", default="http://127.0.0.1:8000/healthz")
        parser.add_argument("--node", default=f"celery@{socket.gethostname()}",
                            help="the worker's node name (default: celery@<this host>)")
        parser.add_argument("--schedule", type=Path,
                            default=Path(settings.CELERY_BEAT_SCHEDULE_FILENAME))
        parser.add_argument("--max-age", type=int, default=600,
                            help="seconds since beat last wrote its schedule (default 600)")

    def handle(self, *args, role, url, node, schedule, max_age, **options):
        degraded = ""
        if role == "web":
            degraded = check_web(url)
        elif role == "worker":
            check_worker(node)
        else:
            check_beat(schedule, max_age)
        self.stdout.write(f"{role}: healthy" + (f", but {degraded}" if degraded else ""))
