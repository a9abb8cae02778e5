"""Issue 21 in the browser: a supervisor verifies several cases of the list at once with
the keyboard only (select all, space to uncheck one, a note, Enter), sees first what will
be skipped and why, confirms, and each case's history shows the note; in English and in
Chinese, with no word of the other language left."""

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source, Status, Transition
from cases.models import Case, CaseEvent, WageArrearsDetails
from tests.e2e.conftest import check_accessibility, screenshot, sign_in, visible_text
from tests.e2e.test_language import leftovers

NOTE = "B-2026-12"  # neutral in both languages


def wage_case(user, categories, title):
    return actions.register_case(
        user=user,
        case=Case(title=title, category=categories[CategoryKind.WAGE_ARREARS],
                  district=user.membership.districts.first(), risk_level=RiskLevel.HIGH,
                  source=Source.HOTLINE, owner=user, people_affected=12,
                  amount_involved=100_000),
        details=WageArrearsDetails(employer="HD-0042", project="P-7"))


def press_enter_on(page, selector):
    with page.expect_navigation():
        page.focus(selector)
        page.keyboard.press("Enter")


def test_a_supervisor_verifies_cases_at_once_with_the_keyboard(
        page, lang, staff, supervisor, categories):
    # Given three new cases and one already verified, and a fifth left out by the user
    new = [wage_case(staff, categories, f"WA-03{n:02d}") for n in range(1, 5)]
    verified = wage_case(staff, categories, "WA-0399")
    actions.transition(user=supervisor, case=verified, name=Transition.VERIFY, note="seen")
    sign_in(page, supervisor, lang)
    page.goto("/cases/")

    # When they check every row with Space on "select all", uncheck one with Space again,
    page.focus("[data-bulk-page]")
    page.keyboard.press("Space")
    left_out = new[-1]
    page.focus(f"input[data-bulk-case][value^='{left_out.pk}:']")
    page.keyboard.press("Space")
    # the status region says how many are chosen (4 of the 5 rows),
    assert "4" in page.inner_text("[data-bulk-count]")
    # choose "verify", write one note and press Enter on the review button
    page.focus("#bulk_action")
    page.select_option("#bulk_action", "verify")
    page.focus("#bulk_note")
    page.keyboard.type(NOTE)
    press_enter_on(page, "#bulk button[type=submit]")

    # Then the confirmation lists the verified case as skipped, with its reason, first
    skipped = page.locator("section[aria-labelledby=bulk-skipped]")
    assert verified.reference in skipped.inner_text()
    applies = page.inner_text("section[aria-labelledby=bulk-applies]")
    assert all(case.reference in applies for case in new[:3])
    assert left_out.reference not in applies
    check_accessibility(page, "the bulk action's confirmation")
    data = [case.reference for case in [*new, verified]] + [
        f"WA-03{n:02d}" for n in range(1, 5)] + ["WA-0399", NOTE, "HD-0042",
                                                 supervisor.get_full_name(),
                                                 supervisor.get_username()]
    assert not leftovers(visible_text(page), lang, data), leftovers(
        visible_text(page), lang, data)
    screenshot(page, f"bulk-confirm-{lang}")

    # When they confirm with the keyboard
    press_enter_on(page, "section[aria-labelledby=bulk-applies] button[type=submit]")

    # Then the three are verified, each with the note in its own history, the others not
    assert page.locator("[role=status], .messages").count()
    for case in new[:3]:
        case.refresh_from_db()
        assert case.status == Status.VERIFIED
        assert CaseEvent.objects.filter(case=case, data__note=NOTE).count() == 1
    left_out.refresh_from_db()
    assert left_out.status == Status.REPORTED
    assert not CaseEvent.objects.filter(case=verified, data__note=NOTE).exists()
    page.goto(f"/cases/{new[0].reference}/")
    assert NOTE in page.inner_text("main")
