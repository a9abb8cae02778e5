"""The work summary: sentences only from figures that exist, printable and as .docx."""

import io

import pytest
from django.utils import translation
from docx import Document

from cases.choices import CategoryKind

pytestmark = pytest.mark.django_db


def summary_text(client, user, query):
    client.force_login(user)
    response = client.get(f"/reports/summary/{query}")
    assert response.status_code == 200
    return " ".join(
        " ".join([*section.sentences, *(f"{part.heading}: {part.text}" for part in section.parts)])
        for section in response.context["sections"])


def test_the_year_summary_states_the_figures(year_of_work, client, district_supervisor):
    text = summary_text(client, district_supervisor, "?year=2023")

    assert "In 2023, 3 risk problems were found in 3 categories" in text
    assert "1 of them have been resolved (33.3%)" in text
    assert "1,904 workers were paid 49,960,000 yuan of wages owed." in text


def test_a_month_covers_only_that_month(year_of_work, client, district_supervisor):
    text = summary_text(client, district_supervisor, "?year=2023&month=7")

    assert "1 risk problem was found in 1 categories" in text
    assert "workers" not in text


def test_categories_without_cases_get_no_sentence(year_of_work, client, district_supervisor):
    text = summary_text(client, district_supervisor, "?year=2023")

    assert "Mass-victim" not in text
    assert "victims" not in text
    assert "supervision order" not in text  # none were issued


def test_a_year_without_work_says_so(year_of_work, client, district_supervisor):
    client.force_login(district_supervisor)
    response = client.get("/reports/summary/?year=2021")

    assert response.context["sections"] == []
    assert "No work was recorded for this period." in response.content.decode()


def test_other_districts_stay_out_of_the_summary(year_of_work, client, outsider):
    text = summary_text(client, outsider, "?year=2023")

    assert "1,904" not in text


def test_the_docx_opens_and_holds_the_figures(year_of_work, client, district_supervisor):
    client.force_login(district_supervisor)
    response = client.get("/reports/summary.docx?year=2023")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="riskdesk-summary-2023.docx"'
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Work summary in 2023" in text
    assert "1,904 workers were paid 49,960,000 yuan of wages owed." in text


def test_the_chinese_summary_counts_money_in_wan_yuan(year_of_work, client,
                                                       district_supervisor):
    client.force_login(district_supervisor)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        response = client.get("/reports/summary.docx?year=2023")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)

    assert "4,996万元" in text
    assert "2023年" in text


def test_script_in_a_category_name_is_text_in_page_and_docx(year_of_work, client,
                                                             district_supervisor, categories):
    categories[CategoryKind.GENERAL].name_en = "<script>alert(1)</script>"
    categories[CategoryKind.GENERAL].save()
    client.force_login(district_supervisor)

    html = client.get("/reports/summary/?year=2023").content.decode()
    document = client.get("/reports/summary.docx?year=2023").content

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = "\n".join(p.text for p in Document(io.BytesIO(document)).paragraphs)
    assert "<script>alert(1)</script>. 1 case, 0 resolved." in text


def test_summary_rejects_what_is_not_get(client, district_supervisor):
    client.force_login(district_supervisor)

    assert client.post("/reports/summary/").status_code == 405
