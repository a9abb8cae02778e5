"""Sign-in timings: ``.venv/bin/python -m bench.signin [--runs 30]`` (not part of ``make bench``).

Each way of signing in runs ``--runs`` times (one warm-up run more, not counted), the ways
taking turns so that the machine's noise falls on all of them alike. One sign-in is timed
from the user's submit (or click on the platform's button) to the first page after it, the
dashboard, answered 200; the time the person spends reading and typing is not in it.

RiskDesk answers in this process through Django's test client with the production settings
(``DEBUG=false``, Argon2 passwords) on PostgreSQL, so no HTTP server is timed. The identity
platform is the test provider (tests/oidc/provider.mjs, Node's oidc-provider) started by
this script on 127.0.0.1: it shares the machine's cores with RiskDesk, and a real platform
across the network adds its round trips (the browser's redirects through it; RiskDesk's
token, key and userinfo requests). Its form is filled by ``requests``, as a browser would.

Needs Node.js and ``npm ci`` in tests/oidc, and PostgreSQL: ``SIGNIN_DATABASE_URL`` (default
``postgres://postgres@127.0.0.1:5432/riskdesk_signin``) is dropped and created afresh.
Prints a table and writes ``var/bench/signin-<time>.json``.

The ways:
  password                      POST the sign-in form, GET /
  password + TOTP               ... then the code page, POST the app's code, GET /
  OIDC, returning user          GET /accounts/sso/login/, the platform's form (GET, POST) and
                                redirects, the callback (code exchange, the platform's keys,
                                claims to user), GET /
  OIDC, first sign-in           the same for an account RiskDesk has not seen (user created)
  OIDC + TOTP at RiskDesk       OIDC, then RiskDesk's code page (the user set up an app)
  OIDC, otp from the platform   the platform says ``amr: ["pwd", "otp"]`` and
                                REQUIRE_TWO_FACTOR names the role: no code page
A code from an app is good once per 30-second step, so the TOTP ways sign in a different
user each run; the others sign in the same user again (``first sign-in``: a new one).
"""

import argparse
import json
import os
import platform as platform_
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench.run import BASE_DIR, manage, recreate_database, setup_django

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/riskdesk_signin"
DISTRICTS = [("kundulun", "Kundulun District", "昆都仑区"),
             ("qingshan", "Qingshan District", "青山区")]
ROLE = "supervisor"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed sign-ins per way")
    return parser.parse_args(argv)


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip()
                  for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform_.processor())
    node = subprocess.run(  # noqa: S603 (our own command line)
        [shutil.which("node") or "node", "--version"], capture_output=True, text=True).stdout
    return {"cpus": os.cpu_count(), "cpu": model, "python": platform_.python_version(),
            "node": node.strip(), "load_average_at_start": os.getloadavg(),
            "provider": "tests/oidc/provider.mjs on 127.0.0.1, the same machine"}


class Ways:
    """The users and the steps of each way of signing in."""

    def __init__(self, provider, runs):
        from django.contrib.auth import get_user_model
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from riskdesk.actions import save_user
        from riskdesk.models import District
        from riskdesk.sso.accounts import user_for_claims

        self.provider = provider
        for code, name_en, name_zh in DISTRICTS:
            District.objects.get_or_create(code=code,
                                           defaults={"name_en": name_en, "name_zh": name_zh})
        codes = [code for code, *_names in DISTRICTS]
        self.password = "signin-bench-passphrase-2026"  # noqa: S105 (the bench's own users)
        save_user("bench-password", role=ROLE, district_codes=codes, password=self.password)
        self.devices = {}
        for n in range(runs + 1):  # one more for the warm-up run
            user, _created = save_user(f"bench-totp-{n}", role=ROLE, district_codes=codes,
                                       password=self.password)
            self.devices[user.username] = TOTPDevice.objects.create(user=user, confirmed=True)
            provider.account(f"bench-new-{n}", role=ROLE, districts=codes)
            login = f"bench-sso-totp-{n}"
            provider.account(login, role=ROLE, districts=codes)
            user = user_for_claims(provider.issuer, {
                "sub": login, "preferred_username": login, "riskdesk_role": ROLE,
                "riskdesk_districts": codes},
                role_claim="riskdesk_role", district_claim="riskdesk_districts")
            self.devices[login] = TOTPDevice.objects.create(user=user, confirmed=True)
        provider.account("bench-sso", role=ROLE, districts=codes)
        provider.account("bench-sso-otp", role=ROLE, districts=codes, amr=["pwd", "otp"])
        self.users_before = get_user_model().objects.count()

    # ------------------------------------------------------------ steps
    @staticmethod
    def _follow(client, response):
        """Follow RiskDesk's redirects to the page they end on."""
        for _hop in range(5):
            if response.status_code != 302:
                return response
            response = client.get(response["Location"])
        raise AssertionError(f"redirects in a loop: {response['Location']}")

    def _first_page(self, client, response):
        """The first page after signing in: it must be the dashboard, signed in."""
        response = self._follow(client, response)
        assert response.status_code == 200 and response.request["PATH_INFO"] == "/", (
            response.status_code, response.request["PATH_INFO"])
        assert b'class="usermenu"' in response.content
        return response

    def _code_page(self, client, response, username):
        """RiskDesk's second step: the code page, then the app's code for ``username``."""
        from django_otp.oath import TOTP

        page = self._follow(client, response)
        path = page.request["PATH_INFO"]
        assert page.status_code == 200 and path.endswith("/two-factor/verify/"), (
            page.status_code, path)
        device = self.devices[username]
        code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
        return client.post(f"{path}?{page.request['QUERY_STRING']}", {"code": code})

    def password_only(self, client, n):
        response = client.post("/accounts/login/", {"username": "bench-password",
                                                    "password": self.password})
        assert response.status_code == 302 and response["Location"] == "/", response
        return self._first_page(client, response)

    def password_totp(self, client, n):
        username = f"bench-totp-{n}"
        response = client.post("/accounts/login/", {"username": username,
                                                    "password": self.password})
        return self._first_page(client, self._code_page(client, response, username))

    def _sso(self, client, login):
        from tests.oidc.conftest import HOST, PlatformBrowser, start_sign_on

        callback = PlatformBrowser(self.provider.issuer).sign_in(
            start_sign_on(client), login, "platform-pass")
        assert isinstance(callback, str), getattr(callback, "text", callback)
        return client.get(callback.removeprefix(f"http://{HOST}"))

    def sso_returning(self, client, n):
        return self._first_page(client, self._sso(client, "bench-sso"))

    def sso_first(self, client, n):
        return self._first_page(client, self._sso(client, f"bench-new-{n}"))

    def sso_totp(self, client, n):
        login = f"bench-sso-totp-{n}"
        return self._first_page(client, self._code_page(client, self._sso(client, login),
                                                        login))

    def sso_otp_from_platform(self, client, n):
        from django.test import override_settings

        with override_settings(REQUIRE_TWO_FACTOR=["admin", ROLE]):
            return self._first_page(client, self._sso(client, "bench-sso-otp"))

    def all(self):
        return [("password", self.password_only),
                ("password + TOTP", self.password_totp),
                ("OIDC, returning user", self.sso_returning),
                ("OIDC, first sign-in (user created)", self.sso_first),
                ("OIDC + TOTP at RiskDesk", self.sso_totp),
                ("OIDC, otp from the platform (amr)", self.sso_otp_from_platform)]


def time_ways(ways: Ways, runs: int):
    from django.db import connection
    from django.test import Client

    from bench.measure import QueryCounter, Timing
    from tests.oidc.conftest import HOST

    timings = {name: Timing(name) for name, _way in ways.all()}
    for n in range(runs + 1):
        for name, way in ways.all():
            client = Client(HTTP_HOST=HOST)  # a new browser: no session yet
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                way(client, n)
                elapsed = time.perf_counter() - started
            if n:  # run 0 warms up
                timings[name].runs.append(elapsed)
                timings[name].queries = counter.count
                timings[name].status = 200
    return list(timings.values())


def main(argv=None) -> int:
    args = parse_args(argv)
    from tests.oidc.conftest import skip_reason, start_provider

    reason = skip_reason()
    if reason:
        print(reason.replace("single sign-on tests skipped", "bench.signin cannot run"))
        return 1
    url = os.environ.get("SIGNIN_DATABASE_URL") or DEFAULT_URL
    recreate_database(url)
    folder = Path(tempfile.mkdtemp(prefix="riskdesk-signin-"))
    provider = start_provider(folder / "accounts.json")
    try:
        os.environ.update({
            "OIDC_ISSUER": provider.issuer, "OIDC_CLIENT_ID": "riskdesk",
            "OIDC_CLIENT_SECRET": "riskdesk-test-secret", "REQUIRE_TWO_FACTOR": "",
        })
        setup_django(url)
        from bench.report import line

        manage("collectstatic", "--noinput")
        manage("migrate", "--noinput")
        ways = Ways(provider, args.runs)
        results = {"machine": machine(), "runs": args.runs, "ways": []}
        print(f"{args.runs} sign-ins per way, {results['machine']['cpus']} cores "
              f"({results['machine']['cpu']}); the identity provider runs on this machine.",
              flush=True)
        for timing in time_ways(ways, args.runs):
            print(line(timing), flush=True)
            results["ways"].append(timing.as_dict())
        results["machine"]["load_average_at_end"] = os.getloadavg()
    finally:
        provider.stop()
    out_dir = BASE_DIR / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"signin-{time.strftime('%Y%m%d-%H%M%S')}.json"
    (out_dir / name).write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"Written to var/bench/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
