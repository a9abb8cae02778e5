"""Single sign-on in the browser: Chromium signs in through the real identity provider
(tests/oidc/provider.mjs, its own sign-in form) and comes back to the live server.

The provider is the session's one (``identity_provider``); ``sso`` (both from
tests/oidc/conftest.py) points RiskDesk at it and empties its accounts for each test.
Screenshots go to var/screenshots/e2e/ as ``sso-<step>[-<lang>].png``.
"""

import base64
import re

import pytest
from django.core.cache import cache
from django_otp.oath import TOTP

from tests.e2e.conftest import (
    check_accessibility,
    screenshot,
    sign_in,
    sign_out,
    submit,
    switch_language,
    visible_text,
)
from tests.factories import DistrictFactory, make_user
from tests.oidc.conftest import free_port

PLATFORM_PASSWORD = "platform-pass"  # the test provider's default
PROVIDER_SIGN_IN = "Sign in to the identity platform"
PROVIDER_SIGN_OUT = "Sign out of the identity platform?"
DISTRICT_NAMES = {"en": ("Kundulun District", "Qingshan District"),
                  "zh-hans": ("昆都仑区", "青山区")}
DASHBOARD = {"en": "Dashboard", "zh-hans": "工作台"}


@pytest.fixture
def districts(transactional_db):
    return [DistrictFactory(code="kundulun", name_en="Kundulun District", name_zh="昆都仑区"),
            DistrictFactory(code="qingshan", name_en="Qingshan District", name_zh="青山区")]


@pytest.fixture
def platform_supervisor(sso, districts):
    """An account at the platform: a supervisor of Kundulun and Qingshan, password only."""
    sso.account("gao.supervisor", role="supervisor", districts=["kundulun", "qingshan"],
                name="Gao Min")
    return "gao.supervisor"


def click_sso_button(page):
    """The sign-in page's button: out to the platform (its form, or straight back)."""
    with page.expect_navigation():
        page.click("#sso-sign-in")


def sign_in_at_platform(page, login, password=PLATFORM_PASSWORD):
    """Fill the provider's own form; the redirects bring the browser back to RiskDesk."""
    assert page.locator("h1").inner_text() == PROVIDER_SIGN_IN, visible_text(page)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    with page.expect_navigation(url=re.compile(r"^http://localhost:\d+/")):
        page.click("button[type=submit]")


def path_of(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def totp_now(secret_key_text):
    """The code an authenticator app shows for the key the set-up page prints."""
    key = secret_key_text.replace(" ", "")
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    return f"{TOTP(key).token():06d}"


# ---------------------------------------------------------------- (a) districts from claims
def test_a_supervisor_signs_in_through_the_platform_and_sees_the_districts_of_the_claims(
        page, lang, platform_supervisor, live_server):
    # Given the sign-in page in the chosen language
    page.goto("/accounts/login/")
    switch_language(page, lang)
    check_accessibility(page, "the sign-in page with single sign-on")

    # When the supervisor clicks the platform's button and signs in on its form
    click_sso_button(page)
    screenshot(page, f"sso-provider-form-{lang}")
    sign_in_at_platform(page, platform_supervisor)

    # Then they land on the dashboard of the two districts the claims give
    assert path_of(page) == "/", page.url
    assert page.locator("main h1").inner_text() == DASHBOARD[lang]
    head = page.locator(".pagehead").inner_text()
    for name in DISTRICT_NAMES[lang]:
        assert name in head, head
    assert page.locator(".usermenu summary").inner_text() == "Gao Min"
    screenshot(page, f"sso-dashboard-{lang}")


# ---------------------------------------------------------------- (b) second factor
def test_a_platform_sign_in_without_a_second_factor_must_set_up_an_authenticator_app(
        page, settings, platform_supervisor):
    settings.REQUIRE_TWO_FACTOR = ["admin", "supervisor"]

    # When the supervisor signs in with a password only at the platform (amr ["pwd"])
    page.goto("/accounts/login/")
    click_sso_button(page)
    sign_in_at_platform(page, platform_supervisor)

    # Then RiskDesk sends them to the authenticator app's set-up step
    assert path_of(page).startswith("/accounts/two-factor/enrol/"), page.url
    screenshot(page, "sso-two-factor-enrol")

    # and any other page sends them back to it
    page.goto("/cases/")
    assert path_of(page) == "/accounts/two-factor/enrol/?next=%2Fcases%2F", page.url

    # When they set up the app with its first code
    submit(page, "button[name=start]")
    code = totp_now(page.locator(".secret-key").inner_text())
    page.fill("#id_code", code)
    submit(page, "form[action$='/two-factor/enrol/'] button.button--primary")
    assert "Two-factor authentication is set up." in visible_text(page)
    assert page.locator(".recovery-codes li").count() == 10

    # Then they reach the page they asked for
    with page.expect_navigation():
        page.click("a.button--primary")
    assert path_of(page) == "/cases/", page.url


def test_a_platform_sign_in_with_a_second_factor_lands_on_the_dashboard(
        page, settings, sso, platform_supervisor):
    settings.REQUIRE_TWO_FACTOR = ["admin", "supervisor"]
    sso.account(platform_supervisor, role="supervisor", districts=["kundulun", "qingshan"],
                name="Gao Min", amr=["pwd", "otp"])

    page.goto("/accounts/login/")
    click_sso_button(page)
    sign_in_at_platform(page, platform_supervisor)

    assert path_of(page) == "/", page.url
    assert "Kundulun District" in page.locator(".pagehead").inner_text()
    page.goto("/cases/")
    assert path_of(page) == "/cases/", page.url


# ---------------------------------------------------------------- (c) sign-out
def test_signing_out_of_riskdesk_ends_the_platforms_session_too(page, platform_supervisor):
    # Given a supervisor signed in through the platform
    page.goto("/accounts/login/")
    click_sso_button(page)
    sign_in_at_platform(page, platform_supervisor)
    assert path_of(page) == "/", page.url

    # When they sign out of RiskDesk
    sign_out(page)

    # Then the platform asks whether to sign out there too, and they confirm
    assert page.locator("h1").inner_text() == PROVIDER_SIGN_OUT, visible_text(page)
    screenshot(page, "sso-provider-sign-out")
    with page.expect_navigation(url=re.compile(r"/accounts/login/")):
        page.click("button:has-text('Yes, sign me out')")
    assert path_of(page) == "/accounts/login/", page.url

    # and RiskDesk has forgotten them
    page.goto("/cases/")
    assert path_of(page).startswith("/accounts/login/"), page.url

    # and the platform too: its button shows its sign-in form, not an automatic sign-in
    click_sso_button(page)
    assert page.locator("h1").inner_text() == PROVIDER_SIGN_IN, page.url
    # (signing in there again brings them to the page they had asked for)
    sign_in_at_platform(page, platform_supervisor)
    assert path_of(page) == "/cases/", page.url


# ---------------------------------------------------------------- (d) platform down
def test_when_the_platform_is_down_the_page_says_so_and_the_admin_signs_in_with_a_password(
        page, settings, sso):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    cache.clear()  # the discovery document of the running provider
    admin = make_user("the.admin", "admin")

    page.goto("/accounts/login/")
    click_sso_button(page)

    assert path_of(page) == "/accounts/login/?sso=unavailable", page.url
    refusal = page.locator("#sso-refusal").inner_text()
    assert "does not answer at the moment" in refusal, refusal
    assert "an administrator can still sign in with a password" in refusal
    screenshot(page, "sso-platform-down")

    sign_in(page, admin)
    assert path_of(page) == "/", page.url
    assert page.locator(".usermenu summary").inner_text() == admin.get_full_name()
