"""Journey 4: the language selector turns every visible text of the main pages into the
chosen language: no English left on the Chinese pages, no Chinese on the English ones."""

import datetime
import re

import pytest
from django.utils import timezone

from cases import actions
from cases.choices import CategoryKind, RiskLevel, Source
from cases.models import Case, WageArrearsDetails
from tests.e2e.conftest import (
    check_accessibility,
    screenshot,
    sign_in,
    switch_language,
    unlabelled_controls,
    visible_text,
)

# Names that are the same in both languages: file formats, and each language's own
# name in the selector.
ALWAYS_ALLOWED = {"English", "CSV", "Excel", "PDF", "Word", "JPG", "PNG", "DOCX", "XLSX",
                  "csv", "xlsx"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u3400-\u9fff]+")


@pytest.fixture
def wage_case(staff, categories):
    """A case with its details, a follow-up and an order: every part of the case page.
    Its data (title, names) is in both languages' neutral form: numbers and the staff's
    own words, which the check below leaves out."""
    case = actions.register_case(
        user=staff,
        case=Case(
            title="WA-2026-17", category=categories[CategoryKind.WAGE_ARREARS],
            district=staff.membership.districts.first(), risk_level=RiskLevel.HIGH,
            source=Source.HOTLINE, owner=staff, people_affected=80, amount_involved=1_234_567,
            target_date=timezone.localdate() + datetime.timedelta(days=30),
        ),
        details=WageArrearsDetails(employer="HD-0042", project="P-7"),
    )
    return case


def pages_to_check(case, *, dashboard):
    ref = case.reference
    pages = ["/", "/cases/", f"/cases/{ref}/", "/cases/new/", f"/cases/{ref}/edit/",
             f"/cases/{ref}/follow-ups/new/", "/cases/import/", "/supervision/",
             "/notifications/", "/notifications/settings/"]
    if dashboard:
        pages.insert(1, "/dashboard/")
    return pages


def leftovers(text, lang, data):
    for value in sorted(data, key=len, reverse=True):  # e-mail before user name
        text = text.replace(value, " ")
    if lang == "zh-hans":
        return sorted({w for w in ENGLISH_WORD.findall(text) if w not in ALWAYS_ALLOWED})
    return sorted(set(CHINESE.findall(text)) - {"简体中文"})


@pytest.mark.parametrize("role", ["staff", "supervisor"])
def test_the_language_switch_translates_every_main_page(
        new_page, lang, role, staff, supervisor, wage_case):
    user = {"staff": staff, "supervisor": supervisor}[role]
    page = new_page()
    other = "en" if lang == "zh-hans" else "zh-hans"
    # Given a user reading the other language
    sign_in(page, user, other)
    page.goto("/cases/")

    # When they switch with the selector in the top bar
    switch_language(page, lang)

    # Then no page has words of the other language left
    data = [wage_case.reference, wage_case.title, "HD-0042", "P-7",
            staff.get_full_name(), supervisor.get_full_name(), user.get_username(),
            staff.get_username(), user.email]
    dashboard = page.goto("/dashboard/").status == 200
    found = {}
    for path in pages_to_check(wage_case, dashboard=dashboard):
        response = page.goto(path)
        if response.status != 200:
            continue  # not this role's page (e.g. staff-only forms for a supervisor)
        assert page.get_attribute("html", "lang") == lang
        placeholders = " ".join(page.eval_on_selector_all(
            "[placeholder]", "els => els.map(e => e.placeholder)"))
        left = leftovers(visible_text(page) + " " + placeholders + " " + page.title(),
                         lang, data)
        if left:
            found[path] = left
        assert not unlabelled_controls(page), path
        check_accessibility(page, path)
    assert not found, f"words of the other language left on {lang} pages: {found}"
    page.goto(f"/cases/{wage_case.reference}/")
    screenshot(page, f"journey4-{role}-{lang}")


def test_sign_in_page_switches_language_and_is_accessible(page, lang):
    page.goto("/accounts/login/")
    switch_language(page, lang)
    assert not leftovers(visible_text(page), lang, [])
    assert not unlabelled_controls(page)
    check_accessibility(page, "the sign-in page")
