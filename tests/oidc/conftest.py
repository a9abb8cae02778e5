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
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.core.cache import cache
from django.test import Client

from tests.cases.conftest import categories, make_case  # noqa: F401 (fixtures for the tests)
from tests.services import free_port, hooks_when_not_runnable, require, start, stop

HERE = Path(__file__).parent
SCRIPT = HERE / "provider.mjs"
HOST = "127.0.0.1:8000"  # the test client's host: a loopback redirect URI the provider takes
CALLBACK = f"http://{HOST}/accounts/sso/callback/"


def skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "single sign-on tests skipped: Node.js is not installed"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "single sign-on tests skipped: run `npm ci` in tests/oidc (make test does)"
    return None


pytest_collection_modifyitems, pytest_terminal_summary = hooks_when_not_runnable(
    HERE, "identity_provider", "SINGLE SIGN-ON TESTS NOT RUN", skip_reason
)


@dataclass
class IdentityProvider:
    issuer: str
    accounts_file: Path
    process: subprocess.Popen

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
        stop(self.process)


def start_provider(accounts: Path) -> IdentityProvider:
    """provider.mjs on a free port of 127.0.0.1 with the accounts of the file ``accounts``
    (its log beside it). Also used by the sign-in benchmark (bench/signin.py)."""
    port = free_port()
    if not accounts.exists():
        accounts.write_text("{}", encoding="utf-8")
    issuer = f"http://127.0.0.1:{port}"
    process = start(
        ["node", str(SCRIPT)], cwd=HERE, log_path=accounts.with_suffix(".log"),
        env={**os.environ, "OIDC_TEST_PORT": str(port), "OIDC_TEST_ACCOUNTS": str(accounts)},
        ready_url=f"{issuer}/.well-known/openid-configuration",
    )
    return IdentityProvider(issuer, accounts, process)


@pytest.fixture(scope="session")
def identity_provider(tmp_path_factory):
    require(skip_reason())
    provider = start_provider(tmp_path_factory.mktemp("oidc") / "accounts.json")
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
