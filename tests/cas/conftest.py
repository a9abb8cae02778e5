"""A real CAS server for the CAS sign-in tests: django-mama-cas (a CAS 1/2/3 server) in
a Django project of its own (tests/cas/server: own settings, SQLite in a temporary folder),
started once per test session as its own process on a free port of 127.0.0.1.

Without django-mama-cas (the ``dev`` extra of pyproject.toml) these tests are skipped and
the run ends saying so; under ``.ci/run`` (``RISKDESK_REQUIRE_IDENTITY_PROVIDER=true``)
they fail instead.
"""

import importlib.util
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from django.test import Client

from tests.services import free_port, hooks_when_not_runnable, require, start, stop

HERE = Path(__file__).parent
MANAGE = HERE / "server" / "manage.py"
HOST = "127.0.0.1:8000"  # the test client's host: the service URL names it
SERVICE = f"http://{HOST}/accounts/cas/login/"
PASSWORD = "cas-pass"  # the test CAS server's users


def skip_reason() -> str | None:
    if importlib.util.find_spec("mama_cas") is None:
        return "CAS tests skipped: django-mama-cas is not installed (pip install -e '.[dev]')"
    return None


pytest_collection_modifyitems, pytest_terminal_summary = hooks_when_not_runnable(
    HERE, "cas_server", "CAS TESTS NOT RUN", skip_reason
)


@dataclass
class CASServer:
    url: str
    env: dict
    process: subprocess.Popen

    def manage(self, *args):
        subprocess.run([sys.executable, str(MANAGE), *args], env=self.env, check=True,
                       capture_output=True, timeout=60)

    def user(self, username, *, role=None, districts=()):
        """Create or change a user at the CAS server, with the attributes it releases."""
        args = [username, PASSWORD] + (["--role", role] if role else [])
        for code in districts:
            args += ["--district", code]
        self.manage("casuser", *args)


@pytest.fixture(scope="session")
def cas_server(tmp_path_factory):
    require(skip_reason())
    data = tmp_path_factory.mktemp("cas")
    env = {**os.environ, "CAS_TEST_DATA": str(data)}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # RiskDesk's, set by pytest-django
    port = free_port()
    server = CASServer(f"http://127.0.0.1:{port}/cas/", env, None)
    server.manage("migrate", "--noinput")
    server.process = start(
        [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env, ready_url=f"{server.url}login", log_path=data / "server.log",
    )
    yield server
    stop(server.process)


@pytest.fixture
def cas(settings, cas_server, db):
    """RiskDesk configured for the CAS server."""
    settings.CAS_SERVER_URL = cas_server.url
    settings.CAS_VERSION = "3"
    return cas_server


@pytest.fixture
def web():
    """A test client on the host the service URL names."""
    return Client(HTTP_HOST=HOST)


class CASBrowser:
    """The user's side at the CAS server: its login form (and its single sign-on cookie),
    up to the redirect back to RiskDesk's service URL with the ticket."""

    def __init__(self):
        self.session = requests.Session()

    def sign_in(self, login_url, username, password=PASSWORD):
        """The service URL with the ticket, from RiskDesk's redirect to the CAS login."""
        page = self.session.get(login_url, allow_redirects=False)
        if page.is_redirect:  # still signed in at the CAS server: straight back
            return page.headers["location"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.session.post(page.url, allow_redirects=False, data={
            "csrfmiddlewaretoken": token, "username": username, "password": password,
        })
        assert answer.is_redirect, answer.text
        return answer.headers["location"]

    def visit(self, url):
        return self.session.get(url, allow_redirects=False)


def start_sign_in(web, next_url=None):
    """RiskDesk's half of the way out: the redirect to the CAS server's login."""
    response = web.get("/accounts/cas/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response
    return response["Location"]


def sign_in(web, username, next_url=None, browser=None):
    """The whole way: RiskDesk's answer to the service URL with the ticket, and that URL."""
    browser = browser or CASBrowser()
    back = browser.sign_in(start_sign_in(web, next_url), username)
    assert back.startswith(SERVICE) and "ticket=" in back, back
    return web.get(back.removeprefix(f"http://{HOST}")), back
