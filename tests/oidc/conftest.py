"""A real OpenID Connect provider for the single sign-on tests: provider.mjs (Node's
oidc-provider) started once per test session on a free port of 127.0.0.1.

Without Node.js or the provider's packages (``npm ci`` in tests/oidc, which ``make test``
runs when npm is there), these tests are skipped and the run ends saying so; under
``.ci/run`` (``RISKDESK_REQUIRE_IDENTITY_PROVIDER=true``) they fail instead.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import urljoin

import pytest
import requests
from django.core.cache import cache
from django.test import Client

HERE = Path(__file__).parent
SCRIPT = HERE / "provider.mjs"
HOST = "127.0.0.1:8000"  # the test client's host: a loopback redirect URI the provider takes
CALLBACK = f"http://{HOST}/accounts/sso/callback/"
REQUIRED = os.environ.get("RISKDESK_REQUIRE_IDENTITY_PROVIDER", "").lower() == "true"


def skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "single sign-on tests skipped: Node.js is not installed"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "single sign-on tests skipped: run `npm ci` in tests/oidc (make test does)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = skip_reason()
    if not reason:
        return
    for item in items:
        if HERE in Path(str(item.fspath)).parents and "identity_provider" in getattr(
            item, "fixturenames", ()
        ):
            if REQUIRED:
                item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    reason = skip_reason()
    if reason:
        terminalreporter.write_sep("=", "SINGLE SIGN-ON TESTS NOT RUN", yellow=True, bold=True)
        terminalreporter.write_line(reason, yellow=True, bold=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class IdentityProvider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen
    log: IO | None = None

    def set_accounts(self, accounts: dict):
        self.accounts_file.write_text(json.dumps(accounts), encoding="utf-8")

    def account(self, login, *, role, districts=(), password="platform-pass", amr=None,
                **claims):
        """Add or change one account; the provider reads the file at every sign-in."""
        accounts = json.loads(self.accounts_file.read_text(encoding="utf-8"))
        accounts[login] = {
            "password": password, "amr": amr or ["pwd"],
            "claims": {"preferred_username": login, "name": login.title(),
                       "email": f"{login}@platform.example", "riskdesk_role": role,
                       "riskdesk_districts": list(districts), **claims},
        }
        self.set_accounts(accounts)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        if self.log:
            self.log.close()


def start_provider(accounts: Path) -> IdentityProvider:
    """provider.mjs on a free port of 127.0.0.1 with the accounts of the file ``accounts``
    (its log beside it); RuntimeError with the log when it does not answer within 30 s.
    Also used by the sign-in benchmark (bench/signin.py)."""
    port = free_port()
    if not accounts.exists():
        accounts.write_text("{}", encoding="utf-8")
    log = open(accounts.with_suffix(".log"), "w")  # noqa: SIM115 (open while it runs)
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=HERE, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "OIDC_TEST_PORT": str(port), "OIDC_TEST_ACCOUNTS": str(accounts)},
    )
    issuer = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                return IdentityProvider(issuer, accounts, process, log)
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            log.close()
            raise RuntimeError("the identity provider did not start:\n"
                               + accounts.with_suffix(".log").read_text())
        time.sleep(0.2)


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    try:
        provider = start_provider(tmp_path_factory.mktemp("oidc") / "accounts.json")
    except RuntimeError as error:
        pytest.fail(str(error))
    yield provider
    provider.stop()


@pytest.fixture
def sso(settings, identity_provider, db):
    """RiskDesk configured for the provider, with no accounts at it yet."""
    settings.OIDC_ISSUER = identity_provider.issuer
    settings.OIDC_CLIENT_ID = "riskdesk"
    settings.OIDC_CLIENT_SECRET = "riskdesk-test-secret"
    settings.OIDC_ONLY = False
    identity_provider.set_accounts({})
    cache.clear()  # the discovery document of another test's provider settings
    yield identity_provider
    cache.clear()


@pytest.fixture
def web():
    """A test client on the host the provider's redirect URIs name."""
    return Client(HTTP_HOST=HOST)


class PlatformBrowser:
    """The user's side at the identity platform: its sign-in form, then the redirects
    back to RiskDesk's callback (followed by the Django test client, not requests)."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.session = requests.Session()

    def follow(self, url):
        """Follow the platform's redirects from ``url``: the callback URL when it sends the
        user back, else its page (the sign-in form, or an error)."""
        for _hop in range(20):
            if url.startswith(CALLBACK):
                return url
            response = self.session.get(urljoin(self.issuer, url), allow_redirects=False)
            if not response.is_redirect:
                return response
            url = response.headers["location"]
        raise AssertionError(f"the platform redirects in a loop: last {url}")

    def sign_in(self, authorize_url, login, password):
        """From RiskDesk's redirect to the platform to the callback URL with code and
        state (or the platform's page when it did not send the user back)."""
        page = self.follow(authorize_url)
        if isinstance(page, str):
            return page  # still signed in at the platform: straight back
        action = re.search(r'action="([^"]+)"', page.text).group(1)
        response = self.session.post(urljoin(self.issuer, action),
                                     data={"login": login, "password": password},
                                     allow_redirects=False)
        if not response.is_redirect:
            return response
        return self.follow(response.headers["location"])


def start_sign_on(web, next_url=None):
    """RiskDesk's half of the way out: the redirect to the platform's authorization
    endpoint."""
    url = "/accounts/sso/login/" + (f"?next={next_url}" if next_url else "")
    response = web.get(url)
    assert response.status_code == 302, response
    return response["Location"]


def sign_on(web, provider, login, password="platform-pass", next_url=None, platform=None):
    """The whole way: returns RiskDesk's answer to the callback and the callback URL."""
    platform = platform or PlatformBrowser(provider.issuer)
    callback = platform.sign_in(start_sign_on(web, next_url), login, password)
    assert isinstance(callback, str), callback.text
    return web.get(callback.removeprefix(f"http://{HOST}")), callback
