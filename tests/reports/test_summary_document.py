"""The work summary as an official document (GB/T 9704-2012): page, fonts, grid, page
numbers, the ending, and Chinese that reads as an office writes it; and the same file
printed to PDF by LibreOffice."""

import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime

import pytest
import time_machine
from django.utils import translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from cases.choices import CategoryKind
from cases.models import Case
from tests.reports.test_dashboard import ZONE, move

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 3, 5, 10, 0, tzinfo=ZONE)
CJK = r"[\u3400-\u9fff]"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"{CJK}[,:;()]|[,:;()]{CJK}")


def download(client, user, *, language="en", query="?year=2023") -> bytes:
    client.force_login(user)
    client.cookies["django_language"] = language
    with translation.override(language), time_machine.travel(ISSUED, tick=False):
        response = client.get(f"/reports/summary.docx{query}")
    assert response.status_code == 200
    return response.content


def chinese_document(client, user, **kwargs):
    return Document(io.BytesIO(download(client, user, language="zh-hans", **kwargs)))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def paragraph_starting(document, start: str):
    return next(p for p in document.paragraphs if p.text.startswith(start))


def style_value(style, read):
    """The first value ``read`` finds on the style or the styles it is based on."""
    while style is not None:
        value = read(style.element)
        if value is not None:
            return value
        style = style.base_style
    return None


def east_asian_font(element):
    fonts = element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def size(element):
    found = element.find(f"{qn('w:rPr')}/{qn('w:sz')}")
    return None if found is None else Pt(int(found.get(qn("w:val"))) / 2)


def paragraph_font(paragraph) -> tuple[str, Pt]:
    return (style_value(paragraph.style, east_asian_font), style_value(paragraph.style, size))


def alignment(paragraph):
    """The paragraph's own alignment, else its style's (or the style's base's)."""
    style = paragraph.style
    while paragraph.alignment is None and style is not None:
        if style.paragraph_format.alignment is not None:
            return style.paragraph_format.alignment
        style = style.base_style
    return paragraph.alignment


def close_to(value, expected) -> bool:
    return abs(value - expected) <= Mm(0.5)


# ------------------------------------------------------------------------- the page


def test_the_document_is_a4_with_the_official_margins(year_of_work, client,
                                                      district_supervisor):
    section = chinese_document(client, district_supervisor).sections[0]

    assert close_to(section.page_width, Mm(210)) and close_to(section.page_height, Mm(297))
    assert close_to(section.top_margin, Mm(37))
    assert close_to(section.bottom_margin, Mm(35))
    assert close_to(section.left_margin, Mm(28))
    assert close_to(section.right_margin, Mm(26))


def test_the_page_holds_22_lines_of_28_characters(year_of_work, client, district_supervisor):
    document = chinese_document(client, district_supervisor)
    section = document.sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    body = document.styles["Normal"].paragraph_format

    assert grid.get(qn("w:type")) == "lines"
    line_pitch = Pt(int(grid.get(qn("w:linePitch"))) / 20)
    text_height = section.page_height - section.top_margin - section.bottom_margin
    assert round(text_height / line_pitch) == 22
    assert body.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(body.line_spacing.pt - 28.95) < 0.05
    condensed = document.styles["Normal"].element.find(f"{qn('w:rPr')}/{qn('w:spacing')}")
    character = 16 + int(condensed.get(qn("w:val"))) / 20  # pt, a 3号 character condensed
    text_width = section.page_width - section.left_margin - section.right_margin
    assert Emu(text_width).pt // character == 28


# ----------------------------------------------------------------- fonts and sizes


def test_the_title_is_2hao_xiaobiaosong_not_the_blue_word_title(year_of_work, client,
                                                                district_supervisor):
    document = chinese_document(client, district_supervisor)
    title = document.paragraphs[0]

    assert title.text == "昆都仑区2023年工作总结"
    assert title.style.name != "Title"
    assert paragraph_font(title) == ("方正小标宋简体", Pt(22))
    assert alignment(title) == WD_ALIGN_PARAGRAPH.CENTER
    assert style_value(title.style, lambda e: e.find(f"{qn('w:rPr')}/{qn('w:color')}")) is None


def test_the_body_is_3hao_fangsong(year_of_work, client, district_supervisor):
    document = chinese_document(client, district_supervisor)
    body = paragraph_starting(document, "2023年共排查出")

    assert paragraph_font(body) == ("仿宋_GB2312", Pt(16))
    assert body.runs[0].font.name is None  # nothing on the run overrides the style


def test_headings_are_heiti_then_kaiti(year_of_work, client, district_supervisor):
    document = chinese_document(client, district_supervisor)
    level_1 = paragraph_starting(document, "一、")
    level_2 = paragraph_starting(document, "（一）")

    assert level_1.text == "一、风险问题排查化解情况"
    assert paragraph_font(level_1) == ("黑体", Pt(16))
    heading_run, text_run = level_2.runs
    assert heading_run.text.endswith("。")
    assert style_value(heading_run.style, east_asian_font) == "楷体_GB2312"
    assert text_run.style.name == "Default Paragraph Font"  # the text after it: 仿宋
    assert paragraph_font(level_2) == ("仿宋_GB2312", Pt(16))


def test_a_reader_without_the_gb2312_fonts_gets_the_named_fallbacks(year_of_work, client,
                                                                    district_supervisor):
    content = download(client, district_supervisor, language="zh-hans")
    font_table = zipfile.ZipFile(io.BytesIO(content)).read("word/fontTable.xml").decode()

    assert re.search(r'w:name="仿宋_GB2312">\s*<w:altName w:val="仿宋"/>', font_table)
    assert re.search(r'w:name="楷体_GB2312">\s*<w:altName w:val="楷体"/>', font_table)


# ------------------------------------------------------------------------ page numbers


def test_page_numbers_are_dashed_4hao_songti_on_the_outer_side(year_of_work, client,
                                                              district_supervisor):
    document = chinese_document(client, district_supervisor)
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]

    assert document.settings.odd_and_even_pages_header_footer
    assert odd.text == even.text == "— 1 —"
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for footer in (odd, even):
        instructions = [t.text.strip() for t in footer._p.iter(qn("w:instrText"))]
        assert instructions == ["PAGE"]
        assert {east_asian_font(run._r) for run in footer.runs} == {"宋体"}
        assert {run.font.size for run in footer.runs} == {Pt(14)}


# -------------------------------------------------------------------------- the ending


def test_the_chinese_document_ends_with_the_office_and_the_date(year_of_work, client,
                                                               district_supervisor):
    document = chinese_document(client, district_supervisor)

    assert texts(document)[-2:] == ["昆都仑区委政法委", "2026年3月5日"]
    assert all(alignment(p) == WD_ALIGN_PARAGRAPH.RIGHT for p in document.paragraphs[-2:])
    everything = "\n".join(texts(document) + [p.text for p in
                                              document.sections[0].footer.paragraphs])
    assert "RiskDesk" not in everything


def test_the_document_properties_name_the_office_not_the_library(year_of_work, client,
                                                                 district_supervisor):
    properties = chinese_document(client, district_supervisor).core_properties

    assert (properties.title, properties.author) == ("昆都仑区2023年工作总结", "昆都仑区委政法委")
    assert "python-docx" not in properties.comments
    assert properties.created.date() == ISSUED.date()  # drawn up today, not in 2013


def test_the_city_summary_is_signed_by_the_office_in_settings(year_of_work, client,
                                                              city_supervisor, settings):
    settings.SUMMARY_ISSUER = "包头市委政法委"

    document = chinese_document(client, city_supervisor)

    assert texts(document)[-2:] == ["包头市委政法委", "2026年3月5日"]


def test_the_chinese_page_ends_with_the_office_and_the_date(year_of_work, client,
                                                           district_supervisor):
    client.force_login(district_supervisor)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"), time_machine.travel(ISSUED, tick=False):
        html = client.get("/reports/summary/?year=2023").content.decode()

    article = html[html.index("<article"):html.index("</article>")]
    assert "RiskDesk" not in article
    assert re.search(r"<p>昆都仑区委政法委</p>\s*<p>2026年3月5日</p>\s*</footer>", article)


# -------------------------------------------------------------------- the Chinese text


def sentences(paragraphs) -> list[str]:
    return [s for text in paragraphs for s in re.split(r"(?<=[。；])", text) if s]


def test_no_sentence_is_said_twice(year_of_work, client, district_supervisor):
    document = chinese_document(client, district_supervisor)

    paragraphs = texts(document)
    assert len(paragraphs) == len(set(paragraphs))
    # Outside the categories' own paragraphs ("（一）…"), where "共1个案件，已化解0个。"
    # may rightly stand for two categories, no sentence comes back.
    said = sentences(p for p in paragraphs if not p.startswith("（"))
    assert len(said) == len(set(said))
    assert "已化解1个（化解率33.3%）" in "".join(said)  # the one resolved case, said once
    assert "标记为已化解" not in "".join(said)


def test_cases_resolved_from_earlier_registrations_get_their_own_figure(
        year_of_work, make_case, client, district_supervisor):
    with time_machine.travel(datetime(2022, 11, 1, 9, 0, tzinfo=ZONE), tick=False):
        earlier = make_case(title="Old wages")
    with time_machine.travel(datetime(2023, 2, 1, 9, 0, tzinfo=ZONE), tick=False):
        move(earlier, "verify", "start", "resolve")

    document = chinese_document(client, district_supervisor)

    said = "".join(texts(document))
    assert "已化解1个（化解率33.3%）" in said
    assert "按化解时间统计，2023年共化解案件2个。" in said


def test_the_chinese_text_uses_full_width_punctuation(year_of_work, client,
                                                      district_supervisor):
    Case.objects.filter(title="Land").update(people_helped=5)
    document = chinese_document(client, district_supervisor)

    text = "\n".join(texts(document))
    assert "2023年共排查出3类风险问题3个，已化解1个（化解率33.3%）。" in text
    assert "（二）拖欠农民工工资。共1个案件，已化解1个。为1,904名农民工追回欠薪4,996万元。" in text
    assert not HALF_WIDTH_NEXT_TO_CJK.findall(text)
    assert "。 " not in text


def test_the_english_document_keeps_english_punctuation(year_of_work, client,
                                                        district_supervisor):
    document = Document(io.BytesIO(download(client, district_supervisor)))

    text = "\n".join(texts(document))
    assert ("(2) Unpaid migrant-worker wages. 1 case, 1 resolved. 1,904 workers were paid "
            "49,960,000 yuan of wages owed.") in text
    assert texts(document)[-2:] == ["Political-Legal Committee of Kundulun District",
                                    "2026-03-05"]  # the project's English dates


def test_the_chinese_page_uses_full_width_punctuation(year_of_work, client,
                                                       district_supervisor):
    client.force_login(district_supervisor)
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        html = client.get("/reports/summary/?year=2023").content.decode()

    page = html[html.index('<header class="pagehead'):html.index("</article>")]
    text = re.sub(r"<[^>]+>", "\n", page)
    assert "下载Word文档（.docx）" in text
    assert "已化解1个（化解率33.3%）。" in text
    assert not HALF_WIDTH_NEXT_TO_CJK.findall(text)
    assert "。 " not in text


# ---------------------------------------------------------- printed by LibreOffice


SOFFICE = "/usr/bin/soffice"
LONG_NAME = "征地拆迁及城市更新改造过程中群众利益诉求和历史遗留问题"  # 27 characters
CHINESE_FONT = re.compile(rf"CJK|GB2312|Song|Fang|Hei|Kai|XBS|WenQuanYi|{CJK}", re.IGNORECASE)


def run(*command, timeout=180) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True,
                          timeout=timeout).stdout


@pytest.mark.skipif(not shutil.which(SOFFICE),
                    reason=f"LibreOffice is not installed ({SOFFICE} missing): "
                           "apt-get install libreoffice-writer-nogui")
@pytest.mark.skipif(not shutil.which("pdffonts"),
                    reason="poppler-utils is not installed (pdfinfo, pdffonts, pdftotext)")
def test_libreoffice_prints_it_on_a4_in_full_lines_with_fonts_embedded(year_of_work, client,
                                                                      categories,
                                                                      district_supervisor,
                                                                      tmp_path):
    categories[CategoryKind.GENERAL].name_zh = LONG_NAME
    categories[CategoryKind.GENERAL].save()
    source = tmp_path / "summary.docx"
    source.write_bytes(download(client, district_supervisor, language="zh-hans"))

    run(SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source))

    pdf = str(tmp_path / "summary.pdf")
    info = run("pdfinfo", pdf)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4
    fonts = [line.split() for line in run("pdffonts", pdf).splitlines()[2:]]
    assert fonts, "the PDF names no font"
    # name, type..., emb, sub, uni, object, generation: every font is embedded and maps
    # its glyphs to Unicode, so the file prints and searches the same on any machine.
    assert all(row[-5] == "yes" and row[-3] == "yes" for row in fonts), fonts
    # A Chinese font did the Chinese text: the official ones where installed, else the
    # substitute LibreOffice found (Noto CJK from fonts-noto-cjk in CI).
    assert any(CHINESE_FONT.search(row[0]) for row in fonts), fonts
    lines = run("pdftotext", pdf, "-").splitlines()
    # A full line holds 28 characters: the two of the indent and 26 more.
    assert "（三）" + LONG_NAME[:23] in lines
    text = re.sub(r"\s+", "", "".join(lines))
    assert "昆都仑区2023年工作总结" in text
    assert "昆都仑区委政法委2026年3月5日" in text  # the ending
    assert "—1—" in text  # the page number
