"""The four journeys of the issue, each in English and in Chinese, through the pages only."""

import datetime
import re

import pytest
from django.utils import timezone

from assessments.choices import DecisionLevel, DecisionType
from assessments.models import Decision, Department
from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source, Status
from cases.models import Case
from tests.e2e.conftest import (
    check_accessibility,
    screenshot,
    sign_in,
    sign_out,
    submit,
    switch_language,
    unlabelled_controls,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def transition(page, name, note):
    """Open a status step on the case page, write its note, confirm."""
    step = page.locator("details.transition", has=page.locator(f"form[action$='/status/{name}/']"))
    step.locator("summary").click()
    step.locator("textarea[name=note]").fill(note)
    submit(page, step.locator("button[type=submit]"))


def status_of(page):
    return page.locator(".casehead__tags .status").get_attribute("class")


# ---------------------------------------------------------------- journey 1
def test_staff_registers_a_wage_case_logs_a_paying_follow_up_and_resolves_it(
        page, lang, staff, categories, tmp_path):
    # Given a district staff member, signed in in the chosen language
    sign_in(page, staff, lang)

    # When they register a wage-arrears case with its details
    page.goto("/cases/")
    check_accessibility(page, "the case list")
    page.click("a[href$='/cases/new/']")
    assert not unlabelled_controls(page)
    check_accessibility(page, "the case form")
    page.fill("#id_title", "城北安置房项目拖欠农民工工资")
    page.fill("#id_description", "分包单位拖欠 80 名农民工工资。")
    page.select_option("#id_category", str(categories[CategoryKind.WAGE_ARREARS].pk))
    page.select_option("#id_risk_level", RiskLevel.HIGH)
    page.select_option("#id_source", Source.PETITION)
    page.fill("#id_responsible_unit", "区人社局")
    page.fill("#id_people_affected", "80")
    page.fill("#id_amount_involved", "1200000")
    page.fill("#id_wa-employer", "宏达建筑劳务有限公司")
    page.fill("#id_wa-project", "城北安置房")
    page.fill("#id_wa-petition_number", "XF-2026-0042")
    submit(page, "form.form button[type=submit].button--primary")
    assert re.search(r"/cases/RC-\d{4}-\d{5,}/$", page.url), page.url
    reference = page.url.rstrip("/").rsplit("/", 1)[1]
    assert "宏达建筑劳务有限公司" in page.inner_text("main")
    check_accessibility(page, "the case page")

    # and log a follow-up with an attachment that pays 40 workers
    page.click(f"a[href$='/cases/{reference}/follow-ups/new/']")
    assert not unlabelled_controls(page)
    page.select_option("#id_method", "site_visit")
    page.fill("#id_summary", "现场协调并发放第一批工资。")
    page.fill("#id_people_helped_added", "40")
    page.fill("#id_amount_recovered_added", "600000")
    receipt = tmp_path / "wage-receipts.pdf"
    receipt.write_bytes(PDF)
    page.set_input_files("#id_files", str(receipt))
    submit(page, "form.form button[type=submit].button--primary")
    assert page.url.endswith(f"/cases/{reference}/")

    # and move it to resolved
    transition(page, "verify", "已核实。")
    transition(page, "start", "开始化解。")
    transition(page, "resolve", "40 名工人工资已全部发放。")

    # Then the case page shows the paid workers, the file and the new status
    figures = page.inner_text(".figures")
    assert re.search(r"\b40\b", figures), figures
    assert "wage-receipts.pdf" in page.inner_text("main")
    assert "status--resolved" in status_of(page)
    case = Case.objects.get(reference=reference)
    assert (case.status, case.people_helped) == (Status.RESOLVED, 40)
    screenshot(page, f"journey1-{lang}")


# ---------------------------------------------------------------- journey 2
@pytest.fixture
def overdue_case(staff, categories):
    """A case in resolution whose follow-up was due three days ago."""
    case = actions.register_case(user=staff, case=Case(
        title="米兰春天小区停工", category=categories[CategoryKind.GENERAL],
        district=staff.membership.districts.first(), risk_level=RiskLevel.MAJOR,
        source=Source.ROLLING, owner=staff, people_affected=300,
    ))
    for name in ("verify", "start"):
        actions.transition(user=staff, case=case, name=name, note="setup")
    Case.objects.filter(pk=case.pk).update(
        next_follow_up_due=timezone.localdate() - datetime.timedelta(days=3))
    return Case.objects.get(pk=case.pk)


def open_overdue_list(page):
    """The dashboard's overdue number when the dashboard exists, else the list's filter."""
    response = page.goto("/dashboard/")
    if response is not None and response.status == 200:
        check_accessibility(page, "the dashboard")
        submit(page, page.locator("a[href*='overdue']").first)
    else:
        page.goto("/cases/?follow_up_overdue=on")
    assert "/cases/" in page.url and "overdue" in page.url, page.url


def test_supervisor_orders_staff_answers_supervisor_closes_and_the_timeline_tells_it(
        new_page, lang, staff, supervisor, overdue_case):
    reference = overdue_case.reference
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()

    # Given a supervisor who follows the overdue number to the list
    boss = new_page()
    sign_in(boss, supervisor, lang)
    open_overdue_list(boss)
    submit(boss, f"a[href$='/cases/{reference}/']")

    # When they issue a supervision order
    boss.click("details.issueorder summary")
    boss.fill("#id_issue-instructions", "三日内提交复工计划。")
    boss.fill("#id_issue-due_date", due)
    submit(boss, "details.issueorder button[type=submit]")
    assert boss.locator("article.order").count() == 1
    sign_out(boss)

    # and the staff member acknowledges and answers it, and marks the case resolved
    sign_in(boss, staff, lang)
    boss.goto(f"/cases/{reference}/")
    submit(boss, "form[action*='/acknowledge/'] button[type=submit]")
    boss.fill("textarea[name='answer-answer']", "复工计划已报送 施工方已进场。")
    submit(boss, "form[action*='/answer/'] button[type=submit]")
    transition(boss, "resolve", "已复工 业主同意分批交付方案。")
    sign_out(boss)

    # and the supervisor closes the order and verifies and closes the case
    sign_in(boss, supervisor, lang)
    boss.goto(f"/cases/{reference}/")
    close_order = boss.locator("form[action^='/supervision/'][action$='/close/']")
    close = boss.locator("details.transition", has=close_order)
    close.locator("summary").click()
    close.locator("textarea").fill("答复属实。")
    submit(boss, close.locator("button[type=submit]"))
    transition(boss, "close", "现场核实 同意销号。")

    # Then the case is closed and its history shows every step
    assert "status--closed" in status_of(boss)
    kinds = boss.eval_on_selector_all(
        ".timeline__item", "items => items.map(i => i.className.split('--')[1])")
    for kind in ("created", "order_issued", "order_acknowledged", "order_answered",
                 "order_closed", "transition"):
        assert kind in kinds, (kind, kinds)
    assert kinds.count("transition") == 4  # verify, start (setup), resolve, close
    check_accessibility(boss, "the closed case page")
    screenshot(boss, f"journey2-{lang}")


# ---------------------------------------------------------------- journey 3
@pytest.fixture
def decision(admin):
    department = Department.objects.create(name_en="City Housing Bureau", name_zh="市住建局")
    return Decision.objects.create(
        title="老旧小区改造", department=department, level=DecisionLevel.CITY,
        decision_type=DecisionType.RENEWAL,
        planned_date=timezone.localdate() + datetime.timedelta(days=60), created_by=admin,
    )


def test_an_agency_applies_an_admin_approves_it_and_it_can_be_assigned(
        new_page, lang, admin, decision):
    # Given an agency that applies through the public form (no sign-in)
    public = new_page()
    public.goto("/agencies/apply/")
    switch_language(public, lang)
    assert not unlabelled_controls(public)
    check_accessibility(public, "the public application form")
    public.fill("#id_name", "北方社会稳定风险评估中心")
    public.fill("#id_credit_code", "91350100M000100Y43")
    public.fill("#id_legal_representative", "王军")
    public.fill("#id_address", "包头市钢铁大街 1 号")
    public.fill("#id_contact_name", "刘芳")
    public.fill("#id_contact_phone", "0472-5100000")
    public.fill("#id_contact_email", "office@example.invalid")
    public.check(f"input[name=scope][value={DecisionType.RENEWAL}]")
    public.fill("#id_experts", "李明, 社会学, 教授")
    submit(public, "form.form button[type=submit]")
    agency_reference = re.search(r"AG-\d{4}-\w+", public.inner_text("main"))
    assert agency_reference, public.inner_text("main")

    # When an admin reviews and approves it
    page = new_page()
    sign_in(page, admin, lang)
    page.goto("/agencies/")
    submit(page, page.locator("main a:has-text('北方社会稳定风险评估中心')").first)
    for step in ("review", "approve"):
        form = page.locator(f"form[action$='/step/{step}/']")
        page.locator("details.transition", has=form).locator("summary").click()
        form.locator(f"textarea[name={step}-note]").fill("材料齐全。")
        if step == "approve":
            form.locator("input[name=approve-valid_until]").fill(
                (timezone.localdate() + datetime.timedelta(days=365)).isoformat())
        submit(page, form.locator("button[type=submit]"))
    assert "status--approved" in page.locator(".casehead__tags .status").get_attribute("class")

    # Then the decision's assessment offers it as an assessor
    page.goto(decision.get_absolute_url())
    options = page.eval_on_selector_all(
        "form[action$='/assessment/start/'] select[name=agency] option",
        "options => options.map(o => o.textContent)")
    assert any("91350100M000100Y43" in text for text in options), options
    screenshot(page, f"journey3-{lang}")
