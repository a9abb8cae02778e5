"""Headers and production settings: CSP, framing, CSRF on every POST, HTTPS-only cookies
and HSTS in production, and Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: part.split()[1:]
        for part in (p.strip() for p in header.split(";")) if part
    }


@pytest.mark.parametrize("url", ["/accounts/login/", "/agencies/apply/"])
def test_public_pages_send_the_content_security_policy(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline': no inline script
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


def test_with_single_sign_on_forms_may_also_reach_the_platform(client_for, owner, settings):
    """Sign-out redirects to the platform's sign-out page, and a browser holds a form's
    redirects to form-action too (tests/e2e/test_single_sign_on.py signs out in Chromium)."""
    settings.OIDC_ISSUER = "https://id.city.example/realms/city"
    response = client_for(owner).get(reverse("home"))
    assert policy(response)["form-action"] == ["'self'", "https://id.city.example"]


def test_signed_in_pages_send_the_policy_and_refuse_framing(client_for, owner):
    response = client_for(owner).get(reverse("home"))
    assert "object-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_script_handlers_or_styles():
    """What the policy would block must not be in the templates at all."""
    problems = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text):
            tag = match.group(0)
            if "src=" not in tag and "application/json" not in tag:
                problems.append(f"{path.name}: inline {tag}")
        if re.search(r"\son[a-z]+\s*=", text):
            problems.append(f"{path.name}: on...= handler")
        if re.search(r"\sstyle\s*=", text):
            problems.append(f"{path.name}: style attribute")
        if "javascript:" in text:
            problems.append(f"{path.name}: javascript: URL")
    assert problems == []


def test_a_post_without_the_csrf_token_is_refused(owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    for url in (
        reverse("cases:create"),
        reverse("password_change"),
        reverse("notifications_read_all"),
        reverse("logout"),
    ):
        assert client.post(url, {"note": "x"}).status_code == 403, url


def test_a_refused_form_says_what_to_do_in_the_layout(client, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("notifications_read_all"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "The form has expired" in text
    assert "reload the page and send it again" in text
    assert "<style" not in text  # Django's own page has inline style, which CSP blocks


def test_no_view_is_exempt_from_csrf():
    # given every module of the apps, in packages too (cases/views/ is one)
    sources = [path for app in ("riskdesk", "cases", "assessments", "reports")
               for path in (BASE_DIR / app).rglob("*.py")]
    assert any(path.parent.name == "views" for path in sources)

    # then none exempts a view from the CSRF check, but the CAS server's single sign-out:
    # a POST from the CAS server itself (no browser, no session, no token to send), which
    # django-cas-ng's view exempts and riskdesk/sso/cas.py keeps exempt
    exempt = [path.relative_to(BASE_DIR).as_posix() for path in sources
              if "csrf_exempt" in path.read_text()]
    assert exempt == ["riskdesk/sso/cas.py"]


def run_production(*args):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "HTTPS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"}}
    env.update(
        DEBUG="false", SECRET_KEY="k" * 40 + "-production-like-secret-for-the-check-9f3a",
        ALLOWED_HOSTS="riskdesk.example.gov.cn", STATIC_MANIFEST="false",
        DJANGO_SETTINGS_MODULE="riskdesk.settings",
    )
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True,
        check=False, timeout=120,
    )


def test_the_deployment_checks_pass_with_production_settings():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_secure_and_hsts_is_sent():
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = run_production("-c", script)
    assert result.stdout.split() == ["True", "True", "True", "True", "31536000", "True"], (
        result.stderr)


def test_hsts_reaches_the_browser_over_https(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
