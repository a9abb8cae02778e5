"""Every table stays readable at 1366 px (a clerk's laptop) and 390 px (a phone), in both
languages: either it fits the screen, or its box scrolls sideways to its last column.

Screenshots go to var/screenshots/e2e/tables-<page>-<width>-<lang>.png (not committed).
"""

import datetime

import pytest
from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source, SupervisionLevel
from cases.models import Case, WageArrearsDetails
from tests.e2e.conftest import screenshot, sign_in

# For each table on the page: where its right edge is, and whether the box around it that
# clips it (if any) can scroll to the end. A table is readable if it ends on the screen,
# or if the first box that clips it is on the screen and scrolls sideways.
TABLES = """() => [...document.querySelectorAll("table")].map((table) => {
  let box = table.parentElement;
  while (box && box !== document.body) {
    const style = getComputedStyle(box);
    if (style.overflowX !== "visible") break;
    box = box.parentElement;
  }
  const clipping = box && box !== document.body ? box : null;
  const style = clipping ? getComputedStyle(clipping) : null;
  return {
    caption: (table.querySelector("caption, th") || table).textContent.trim().slice(0, 40),
    right: table.getBoundingClientRect().right,
    boxRight: clipping ? clipping.getBoundingClientRect().right : null,
    scrolls: !!style && ["auto", "scroll"].includes(style.overflowX),
    hidden: clipping ? clipping.scrollWidth - clipping.clientWidth : 0,
  };
})"""


def unreadable(page, width):
    problems = []
    for table in page.evaluate(TABLES):
        if table["right"] <= width + 1:
            continue  # ends on the screen
        if table["boxRight"] is not None and table["boxRight"] <= width + 1 and (
            table["scrolls"] or table["hidden"] <= 1
        ):
            continue  # its box is on the screen and scrolls to the last column
        problems.append(table)
    return problems


@pytest.fixture
def busy_district(staff, supervisor, categories):
    """Cases with long titles and an order: the lists have something wide to show."""
    district = staff.membership.districts.first()
    cases = []
    for number in range(3):
        cases.append(actions.register_case(
            user=staff,
            case=Case(
                title=f"城北安置房项目分包单位拖欠农民工工资问题第{number + 1}批（涉及多个标段）",
                category=categories[CategoryKind.WAGE_ARREARS], district=district,
                risk_level=RiskLevel.MAJOR, source=Source.PETITION, owner=staff,
                people_affected=80 + number, amount_involved=1_234_567,
                responsible_unit="区人力资源和社会保障局",
                target_date=timezone.localdate() + datetime.timedelta(days=30),
            ),
            details=WageArrearsDetails(employer="宏达建筑劳务有限公司", project="城北安置房"),
        ))
    actions.issue_order(
        user=supervisor, case=cases[0], level=SupervisionLevel.DISTRICT,
        instructions="请于十日内反馈工资发放进度。",
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    return district


@pytest.mark.parametrize("width", [1366, 390])
def test_every_table_is_readable_on_a_laptop_and_a_phone(
    new_page, lang, width, supervisor, admin, busy_district
):
    checked = {}
    for user, pages in (
        (supervisor, (("cases", "/cases/"), ("orders", "/supervision/"),
                      ("decisions", "/decisions/"), ("dashboard", "/dashboard/"))),
        (admin, (("agencies", "/agencies/"), ("trainings", "/trainings/"))),
    ):
        page = new_page(width=width, height=900 if width > 400 else 844)
        sign_in(page, user, lang)
        for name, path in pages:
            page.goto(path)
            screenshot(page, f"tables-{name}-{width}-{lang}")
            checked[name] = unreadable(page, width)
    assert {name: found for name, found in checked.items() if found} == {}
    assert set(checked) == {"cases", "orders", "decisions", "dashboard", "agencies",
                            "trainings"}
