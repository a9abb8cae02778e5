"""Staff on site visits read the pages on a phone; supervisors print the case page.

Screenshots of the list, case and form pages at phone (390 px) and desktop width go to
var/screenshots/e2e/ (not committed), named ``<page>-<width>-<lang>.png``.
"""

import datetime

import pytest
from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source
from cases.models import Case, FollowUp, WageArrearsDetails
from tests.e2e.conftest import screenshot, sign_in

PHONE, DESKTOP = 390, 1280


@pytest.fixture
def busy_case(staff, categories):
    case = actions.register_case(
        user=staff,
        case=Case(
            title="城北安置房项目分包单位拖欠 80 名农民工工资",
            description="项目于 2025 年停工 分包单位拖欠工资。" * 3,
            category=categories[CategoryKind.WAGE_ARREARS],
            district=staff.membership.districts.first(), risk_level=RiskLevel.MAJOR,
            source=Source.PETITION, owner=staff, people_affected=80,
            amount_involved=1_234_567, responsible_unit="区人力资源和社会保障局",
            target_date=timezone.localdate() + datetime.timedelta(days=30),
        ),
        details=WageArrearsDetails(employer="宏达建筑劳务有限公司", project="城北安置房"),
    )
    actions.log_follow_up(user=staff, case=case, follow_up=FollowUp(
        case=case, date=timezone.localdate(), method="site_visit",
        summary="现场协调并发放第一批工资。", people_helped_added=40,
        amount_recovered_added=600_000), uploads=[])
    return case


def overflow(page):
    """How far the page itself scrolls sideways (wide tables scroll inside their box)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_list_case_and_form_pages_fit_the_screen(new_page, lang, width, staff, busy_case):
    page = new_page(width=width, height=844 if width == PHONE else 900)
    sign_in(page, staff, lang)
    wide = {}
    for name, path in (("list", "/cases/"), ("case", busy_case.get_absolute_url()),
                       ("form", "/cases/new/"),
                       ("follow-up", f"/cases/{busy_case.reference}/follow-ups/new/")):
        page.goto(path)
        screenshot(page, f"{name}-{width}-{lang}")
        if overflow(page) > 1:
            wide[name] = overflow(page)
    assert not wide, f"pages wider than a {width} px screen: {wide}"


def test_the_case_page_prints_without_navigation_or_buttons(page, lang, staff, busy_case):
    sign_in(page, staff, lang)
    page.goto(busy_case.get_absolute_url())
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.topbar', '.footer', '.transitions', '.actions',
        'form'].map(sel => [...document.querySelectorAll(sel)]
          .filter(el => el.offsetParent !== null).length)""")
    assert hidden == [0, 0, 0, 0, 0], hidden
    text = page.inner_text("main")
    assert busy_case.title in text and "宏达建筑劳务有限公司" in text
    page.pdf(path=str(screenshot_dir() / f"case-print-{lang}.pdf"))


def screenshot_dir():
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def test_the_phone_header_is_compact_and_every_control_readable(new_page, lang, staff):
    # given a staff member on a phone
    page = new_page(width=PHONE, height=844)
    sign_in(page, staff, lang)
    page.goto("/cases/")
    screenshot(page, f"header-{PHONE}-{lang}")

    # then the header leaves the screen to the page, the language list can be read,
    # and the inbox link stays on one line
    header = page.locator(".topbar").bounding_box()
    select = page.locator("#language-select").bounding_box()
    inbox = page.locator(".inboxlink")
    line = float(inbox.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 20"))
    assert header["height"] <= 140, header
    assert select["width"] >= 70, select
    assert inbox.bounding_box()["height"] <= line * 1.6 + 16, inbox.bounding_box()
