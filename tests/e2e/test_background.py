"""A long export runs in the background: the page says so, shows the result when ready,
and the inbox has a notice."""


from pathlib import Path

from cases import actions, jobs
from cases.choices import CategoryKind, RiskLevel, Source
from cases.models import Case
from tests.e2e.conftest import check_accessibility, sign_in, submit


def test_a_long_export_runs_in_the_background_and_is_downloaded_from_its_page(
        page, lang, staff, categories, monkeypatch):
    monkeypatch.setattr(jobs, "EXPORT_INLINE_ROWS", 1)  # two cases make a "long" list
    for number in (1, 2):
        actions.register_case(user=staff, case=Case(
            title=f"E-{number}", category=categories[CategoryKind.GENERAL],
            district=staff.membership.districts.first(), risk_level=RiskLevel.LOW,
            source=Source.ROLLING, owner=staff))
    sign_in(page, staff, lang)
    page.goto("/cases/")

    submit(page, "a[href^='/cases/export.csv']")

    assert "/cases/jobs/" in page.url
    check_accessibility(page, "the job page")
    with page.expect_download() as download:
        page.click("a[href$='/download/']")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "E-1" in text and "E-2" in text
    assert page.locator(".inboxlink__count").inner_text() == "1"
