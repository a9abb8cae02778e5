"""Issue 21 in the browser: choosing the case list's and the order list's columns and
saving the list as a view, opened again from the navigation (in English and in Chinese,
no word of the other language left), and a supervisor linking two cases and opening the
clusters page."""

import datetime

from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source, SupervisionLevel
from cases.models import Case, WageArrearsDetails
from tests.e2e.conftest import (
    check_accessibility,
    screenshot,
    sign_in,
    submit,
    unlabelled_controls,
    visible_text,
)
from tests.e2e.test_language import leftovers


def wage_case(user, categories, title, employer, people=80):
    """A wage case; its title and employer are neutral in both languages (codes)."""
    return actions.register_case(
        user=user,
        case=Case(title=title, category=categories[CategoryKind.WAGE_ARREARS],
                  district=user.membership.districts.first(), risk_level=RiskLevel.HIGH,
                  source=Source.HOTLINE, owner=user, people_affected=people,
                  amount_involved=1_000_000),
        details=WageArrearsDetails(employer=employer, project="P-7"))


def header_labels(page):
    # the columns chosen, not the bulk actions' "select all" box before them
    return [label.strip() for label in
            page.locator("table.list thead th:not(.select)").all_inner_texts()]


def test_staff_choose_columns_and_save_the_list_as_their_default_view(
        page, lang, staff, categories):
    # Given a staff member with a high-risk case and a low one, signed in in the language
    high = wage_case(staff, categories, "WA-0001", "HD-0042")
    low = wage_case(staff, categories, "WA-0002", "HD-0077")
    Case.objects.filter(pk=low.pk).update(risk_level=RiskLevel.LOW)
    sign_in(page, staff, lang)

    # When they filter the list, show the employer first and hide the people affected
    page.goto(f"/cases/?risk_level={RiskLevel.HIGH}")
    page.click("details.columns summary")
    assert not unlabelled_controls(page)
    page.check("details.columns input[name=columns][value=employer]")
    page.fill("details.columns input[name=order_employer]", "1")
    page.uncheck("details.columns input[name=columns][value=people_affected]")
    submit(page, "details.columns button[type=submit]")

    # Then the list shows the employer's column first, without the people affected
    labels = header_labels(page)
    employer_label = labels[0]
    assert "HD-0042" in page.inner_text("table.list tbody")
    assert "HD-0077" not in page.inner_text("table.list tbody")  # the filter stayed
    shown = "details.columns input[name=columns]:checked"
    assert not page.is_checked("details.columns input[name=columns][value=people_affected]")
    assert len(labels) == page.locator(shown).count()

    # When they save the list as a view and make it their default
    page.click("section.savedviews details summary")
    page.fill("section.savedviews input[name=name]", "V-2026")
    submit(page, "section.savedviews details button[type=submit]")
    assert page.locator("section.savedviews a[aria-current=true]").inner_text() == "V-2026"
    submit(page, "section.savedviews form[action*='/default/'] button[type=submit]")

    # Then the plain list opens with the view: its filter and its columns
    page.goto("/cases/")
    assert page.locator("section.savedviews a[aria-current=true]").inner_text() == "V-2026"
    assert header_labels(page)[0] == employer_label
    body = page.inner_text("table.list tbody")
    assert high.reference in body and low.reference not in body
    # and every word is in the chosen language, the cases' codes aside
    data = [high.reference, low.reference, "HD-0042", "WA-0001", "V-2026", "P-7",
            staff.get_full_name(), staff.get_username()]
    assert not leftovers(visible_text(page), lang, data), leftovers(
        visible_text(page), lang, data)
    check_accessibility(page, "the case list with a saved view")
    screenshot(page, f"saved-view-{lang}")

    # and the saved views page lists it as their default
    page.goto("/views/")
    assert "V-2026" in visible_text(page)
    assert not leftovers(visible_text(page), lang, data), leftovers(
        visible_text(page), lang, data)
    check_accessibility(page, "the saved views page")


def test_a_supervisor_links_two_cases_and_finds_them_on_the_clusters_page(
        page, lang, staff, supervisor, categories):
    # Given two sites of one employer in the district
    first = wage_case(staff, categories, "WA-0101", "HD-0042", people=30)
    second = wage_case(staff, categories, "WA-0102", "HD-0042", people=45)
    sign_in(page, supervisor, lang)

    # When the district supervisor links them on the first case's page
    page.goto(first.get_absolute_url())
    link = page.locator("#links details.transition",
                        has=page.locator("form[action$='/links/']"))
    link.locator("summary").click()
    page.fill("#links input[name=link-other]", second.reference)
    page.select_option("#links select[name=link-kind]", "same_employer")
    submit(page, link.locator("button[type=submit]"))
    assert second.reference in page.inner_text("#links")

    # and opens the clusters page from the navigation
    with page.expect_navigation():
        page.click("nav.mainnav a[href='/cases/clusters/']")

    # Then the two cases are one cluster of the employer, with their workers
    cluster = page.locator("section.cluster")
    assert cluster.count() == 1
    text = cluster.inner_text()
    assert "HD-0042" in text and first.reference in text and second.reference in text
    assert "75" in text
    check_accessibility(page, "the clusters page")
    data = [first.reference, second.reference, "HD-0042", "WA-0101", "WA-0102",
            supervisor.get_full_name(), supervisor.get_username()]
    assert not leftovers(visible_text(page), lang, data), leftovers(
        visible_text(page), lang, data)
    screenshot(page, f"clusters-{lang}")


def test_a_supervisor_chooses_the_order_lists_columns_and_finds_the_view_in_the_menu(
        page, lang, staff, supervisor, categories):
    # Given an order on a wage case of the district
    case = wage_case(staff, categories, "WA-0201", "HD-0042")
    actions.issue_order(user=supervisor, case=case, level=SupervisionLevel.DISTRICT,
                        instructions="I-3141",
                        due_date=timezone.localdate() + datetime.timedelta(days=14))
    sign_in(page, supervisor, lang)

    # When the supervisor shows the instructions first and the state second, only
    page.goto("/supervision/?q=")
    page.click("details.columns summary")
    assert not unlabelled_controls(page)
    for box in page.locator("details.columns input[name=columns]").all():
        box.uncheck()
    page.check("details.columns input[name=columns][value=instructions]")
    page.fill("details.columns input[name=order_instructions]", "1")
    page.check("details.columns input[name=columns][value=state]")
    page.fill("details.columns input[name=order_state]", "2")
    submit(page, "details.columns button[type=submit]")

    # Then the list has those two columns, in that order
    labels = header_labels(page)
    assert len(labels) == 2
    assert page.locator("table.list tbody td").first.inner_text() == "I-3141"

    # When they save it as a view, it appears in the navigation's saved views
    page.click("section.savedviews details summary")
    page.fill("section.savedviews input[name=name]", "V-0201")
    submit(page, "section.savedviews details button[type=submit]")
    page.goto("/")
    page.click("nav.mainnav details.navmenu summary")
    with page.expect_navigation():
        page.click("nav.mainnav details.navmenu a:has-text('V-0201')")
    assert header_labels(page) == labels
    data = [case.reference, "WA-0201", "I-3141", "V-0201", supervisor.get_full_name(),
            supervisor.get_username()]
    assert not leftovers(visible_text(page), lang, data), leftovers(
        visible_text(page), lang, data)
    check_accessibility(page, "the order list with chosen columns")
    screenshot(page, f"order-columns-{lang}")
