"""The pages work with the keyboard alone: sign in, skip to the content, open a step and
confirm it, without a mouse."""

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source, Status
from cases.models import Case
from tests.factories import PASSWORD


def focused(page):
    return page.evaluate(
        "() => { const el = document.activeElement;"
        " return el ? (el.id || el.name || el.className || el.tagName) : null; }")


def tab_to(page, predicate_js, limit=80):
    """Press Tab until the focused element matches; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        script = f"() => {{ const el = document.activeElement; return !!({predicate_js}); }}"
        if page.evaluate(script):
            return
    raise AssertionError(f"never reached by Tab: {predicate_js}")


def test_a_staff_member_signs_in_and_moves_a_case_on_with_the_keyboard_only(
        page, lang, staff, categories):
    case = actions.register_case(user=staff, case=Case(
        title="K-1", category=categories[CategoryKind.GENERAL],
        district=staff.membership.districts.first(), risk_level=RiskLevel.LOW,
        source=Source.ROLLING, owner=staff,
    ))
    page.goto("/accounts/login/")
    # The language selector works from the keyboard too
    tab_to(page, "el.id === 'language-select'")
    page.keyboard.press("End" if lang == "zh-hans" else "Home")
    tab_to(page, "el.closest('.langswitch') && el.type === 'submit'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == lang

    # Sign in: Tab to the fields, type, Enter
    tab_to(page, "el.id === 'id_username'")
    page.keyboard.type(staff.get_username())
    page.keyboard.press("Tab")
    assert focused(page) == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/accounts/login/" not in page.url

    # The first Tab on a page offers the skip link, which moves focus to the content
    page.goto(f"/cases/{case.reference}/")
    page.keyboard.press("Tab")
    assert "skip-link" in focused(page)
    page.keyboard.press("Enter")
    assert focused(page) == "main"

    # A status step opens with Enter on its button and is confirmed from the keyboard
    tab_to(page, "el.tagName === 'SUMMARY' && el.closest('details.transition')"
                 " && el.closest('details').querySelector(\"form[action$='/status/verify/']\")")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page) == "note-verify"
    page.keyboard.type("checked on site")
    tab_to(page, "el.type === 'submit' && el.form && el.form.action.endsWith('/status/verify/')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    case.refresh_from_db()
    assert case.status == Status.VERIFIED
