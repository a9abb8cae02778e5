"""Browser journeys: Playwright drives Debian's Chromium against pytest-django's live server.

The whole folder is skipped, with the reason in the summary, when Chromium or the
``playwright`` package is missing. Setup (districts, users, categories) goes through the
ORM; everything after it goes through the pages.
"""

import importlib.util
import os
from pathlib import Path

import pytest

from tests.cases.conftest import categories  # noqa: F401 (one category of each kind)
from tests.factories import PASSWORD, DistrictFactory, make_user
from tests.oidc.conftest import identity_provider, sso  # noqa: F401 (the identity platform)
from tests.services import say_not_run

CHROMIUM = Path(os.environ.get("RISKDESK_CHROMIUM", "/usr/bin/chromium"))
HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "e2e"
LANGUAGES = ("en", "zh-hans")


def skip_reason() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "browser journeys skipped: the playwright package is not installed"
    if not CHROMIUM.exists():
        return (f"browser journeys skipped: no Chromium at {CHROMIUM} "
                "(apt-get install chromium fonts-noto-cjk)")
    return None


def pytest_collection_modifyitems(config, items):
    # The journeys run last. Playwright keeps an event loop running, so Django's database
    # connection in them is another object (asgiref's Local is per context then), without
    # the serialized test data: their flush re-creates content types with new ids, which
    # a later serialized-rollback test could not load.
    items.sort(key=lambda item: HERE in Path(str(item.fspath)).parents)
    reason = skip_reason()
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    say_not_run(terminalreporter, "BROWSER JOURNEYS NOT RUN", skip_reason())


# ---------------------------------------------------------------- the browser
@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API keeps an event loop running in this thread while it lives,
    and Django refuses ORM calls when it sees one; the tests' own ORM calls (setup,
    checks, the database flush) are plain synchronous code, so they are allowed for as
    long as the browser runs, and only then.
    """
    from playwright.sync_api import sync_playwright

    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            chromium = p.chromium.launch(
                executable_path=str(CHROMIUM), headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(autouse=True)
def _live(transactional_db, live_server, settings, tmp_path):
    """Every journey runs against the live server, with uploads in a temporary folder
    and Celery tasks (e-mail notices) run inline."""
    from riskdesk.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def new_page(browser, live_server):
    """Open a fresh browser (own cookies) at a given width; closed after the test."""
    contexts = []

    def open_page(*, width=1280, height=900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height},
            locale="en-US", timezone_id="Asia/Shanghai",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture(params=LANGUAGES)
def lang(request):
    return request.param


# ---------------------------------------------------------------- people and places
@pytest.fixture
def district(transactional_db):
    return DistrictFactory(code="kundulun", name_en="Kundulun District", name_zh="昆都仑区")


@pytest.fixture
def staff(district):
    return make_user("wang.staff", "staff", district, full_name="王芳")


@pytest.fixture
def supervisor(district):
    return make_user("zhao.supervisor", "supervisor", district, full_name="赵强")


@pytest.fixture
def admin(transactional_db):
    return make_user("sun.admin", "admin", full_name="孙磊")


# ---------------------------------------------------------------- page steps
def switch_language(page, code):
    """Use the language selector in the top bar, as a person would."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.click(".langswitch button[type=submit]")
    assert page.get_attribute("html", "lang") == code


def sign_in(page, user, lang=None):
    page.goto("/accounts/login/")
    if lang:
        switch_language(page, lang)
    page.fill("#id_username", user.get_username())
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action$='/accounts/login/'] button[type=submit]")
    assert "/accounts/login/" not in page.url, page.inner_text(".alert") if page.query_selector(
        ".alert") else "sign-in failed"


def sign_out(page):
    page.click(".usermenu summary")
    with page.expect_navigation():
        page.click(".usermenu__panel form button[type=submit]")


def check_accessibility(page, what):
    """axe-core (vendored) finds no serious or critical violations on this page.

    Evaluated as a script rather than injected as a <script> tag, so a
    Content-Security-Policy that forbids inline scripts does not block it.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert not bad, f"accessibility problems on {what}:\n" + "\n".join(bad)


def unlabelled_controls(page):
    """Form controls (not hidden) that have no accessible name."""
    return page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
      .filter(el => el.type !== 'hidden' && !el.closest('[hidden]'))
      .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                    && !el.getAttribute('aria-labelledby') && !el.title)
      .map(el => el.name || el.id)""")


def submit(page, button):
    """Click a submit button (or a link) and wait for the next page; a refused form fails the test
    with the messages the page shows next to its fields."""
    with page.expect_navigation():
        (page.locator(button) if isinstance(button, str) else button).click()
    errors = page.locator(".alert--error, .message--error").all_inner_texts() + [
        field.inner_text().replace("\n", " ") for field in page.locator(".field--error").all()]
    assert not errors, f"the form was refused on {page.url}: {errors}"


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def visible_text(page):
    return page.evaluate("() => document.body.innerText")

