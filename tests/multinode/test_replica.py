"""The dashboard served from a real hot standby, and from the primary when it stops.

One gunicorn against a fresh primary and its standby (tests/multinode/postgres_pair.py):
migrated and seeded through manage.py with DATABASE_REPLICA_URL set, signed in over HTTP.
With the standby's replay paused, a change on the primary is not on the dashboard and the
page says how far behind it is: the figures come from the standby. Stopped, the dashboard
still answers, from the primary, with one warning in the log; started again, it is read
from the standby again once the back-off has passed. About a minute.
"""

import os
import re
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import requests

from tests.factories import PASSWORD
from tests.multinode.postgres_pair import free_port

ROOT = Path(__file__).resolve().parents[2]
RETRY_SECONDS = 3
FALLBACK_LINE = "The read replica did not answer"
NOTICE = re.compile(r"Figures from the read copy, (\d+) seconds? behind\.")

pytestmark = pytest.mark.multinode

SEED = """
from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source
from cases.models import Case, Category
from riskdesk.models import District
from tests.factories import make_user

district = District.objects.create(code="kundulun", name_en="Kundulun District",
                                   name_zh="昆都仑区")
make_user("city.supervisor", "supervisor", city_wide=True)
owner = make_user("owner.staff", "staff", district)
land = Category.objects.create(code="land", name_en="Land", name_zh="征地拆迁",
                               kind=CategoryKind.GENERAL, sort_order=1)
for number in range(3):
    actions.register_case(user=owner, case=Case(
        title=f"Compensation dispute {number}", category=land, district=district,
        risk_level=RiskLevel.HIGH, source=Source.ROLLING, owner=owner,
        people_affected=10, amount_involved=100_000))
"""


def manage(env, *args, timeout=120):
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"manage.py {args[0]}:\n{done.stdout}\n{done.stderr}"


def rename_category(pair, name):
    """A change on the primary that the dashboard shows (its figures per category)."""
    with closing(pair.connect(pair.primary_port)) as conn, conn.cursor() as cursor:
        cursor.execute("UPDATE cases_category SET name_en = %s WHERE code = 'land'", [name])


def replay(pair, paused: bool):
    with closing(pair.connect(pair.standby_port)) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{'pause' if paused else 'resume'}()")


def test_the_dashboard_is_read_from_the_standby_and_from_the_primary_when_it_stops(
        postgres_pair, tmp_path):
    pair = postgres_pair
    env = {**os.environ, "DATABASE_URL": pair.primary_url,
           "DATABASE_REPLICA_URL": pair.standby_url, "RISKDESK_VAR_DIR": str(tmp_path),
           "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "HTTPS": "false",
           "STATIC_MANIFEST": "false", "REQUIRE_TWO_FACTOR": "", "LANGUAGE_CODE": "en",
           "DASHBOARD_CACHE_SECONDS": "0", "REPLICA_LAG_NOTICE_SECONDS": "1",
           "REPLICA_RETRY_SECONDS": str(RETRY_SECONDS), "NODE_NAME": "node-a",
           "SECRET_KEY": os.environ.get("SECRET_KEY") or "multinode-test-secret-key"}
    # migrations run on the primary only (the standby is read-only: it would refuse them)
    manage(env, "migrate", "--noinput")
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "riskdesk.wsgi:application",
             "--config", "python:riskdesk.gunicorn_conf", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    web = requests.Session()

    def dashboard():
        response = web.get(f"{base}/dashboard/", timeout=20)
        assert response.status_code == 200, response.text[-2000:]
        notice = NOTICE.search(response.text)
        return response.text, int(notice[1]) if notice else None

    def fallback_lines():
        return log_path.read_text().count(FALLBACK_LINE)

    try:
        manage(env, "shell", "-c", SEED)  # while gunicorn starts
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        form = web.get(f"{base}/accounts/login/", timeout=20).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        signed_in = web.post(f"{base}/accounts/login/", timeout=20, data={
            "csrfmiddlewaretoken": token, "username": "city.supervisor", "password": PASSWORD,
        }, headers={"Referer": f"{base}/accounts/login/"})
        assert signed_in.url == f"{base}/", signed_in.text[-2000:]
        pair.wait_until_replayed()
        page, lag = dashboard()
        assert "Land: 3" in page and lag is None
        assert web.get(f"{base}/healthz", timeout=20).json()["replica"] == "ok, lag 0 s"

        # when the standby stops replaying and the primary changes
        replay(pair, paused=True)
        rename_category(pair, "Resettlement")
        time.sleep(1.5)
        # then the dashboard shows the standby's figures, and says they are behind
        page, lag = dashboard()
        assert "Land: 3" in page and "Resettlement" not in page
        assert lag is not None and lag >= 1
        # and once it has caught up, the change, and no notice
        replay(pair, paused=False)
        pair.wait_until_replayed()
        page, lag = dashboard()
        assert "Resettlement: 3" in page and lag is None

        # when the standby stops
        pair.stop_standby()
        rename_category(pair, "Land")
        # then the dashboard answers from the primary, with one line in the log
        page, lag = dashboard()
        assert "Land: 3" in page and lag is None
        failed_at = time.monotonic()
        assert fallback_lines() == 1, log_path.read_text()[-3000:]
        page, lag = dashboard()  # within the back-off: not asked again
        assert "Land: 3" in page and fallback_lines() == 1
        health = web.get(f"{base}/healthz", timeout=20)
        assert health.status_code == 200
        assert health.json()["node"] == "node-a"
        assert health.json()["database"] == "ok"
        assert health.json()["replica"].startswith("down: ")

        # when it is back, after the back-off the dashboard is read from it again
        pair.start_standby()
        pair.wait_until_replayed()
        replay(pair, paused=True)
        rename_category(pair, "Resettlement")
        time.sleep(max(1.5, RETRY_SECONDS - (time.monotonic() - failed_at) + 0.5))
        page, lag = dashboard()
        assert "Land: 3" in page and lag is not None
        replay(pair, paused=False)
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log_path.read_text()
    assert "Traceback" not in output, output[-3000:]
