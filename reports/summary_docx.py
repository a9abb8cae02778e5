"""The work summary as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式).

A4 with margins of 37 mm (top), 35 mm (bottom), 28 mm (left) and 26 mm (right); the
title in 2号 (22 pt) 小标宋, centred, a blank line below it; the body in 3号 (16 pt) 仿宋,
justified, indented two characters, 22 lines of 28 characters a page; level-1
headings in 黑体 ("一、"), level-2 headings in 楷体 ("（一）") run into their paragraph;
page numbers "— 1 —" in 4号 (14 pt) 宋体 on the outer side (odd pages right, even pages
left, one character in); the issuing office and the date at the end.

python-docx covers the page, margins, paragraph formats and the odd/even footers; the
rest (east-Asian font names, the line grid, condensed characters, the PAGE field,
outline levels, the fallback fonts of the font table) is written as the OOXML elements
Word itself writes.
"""

import io
import zipfile

from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
LEVEL_1_FONT = "黑体"
LEVEL_2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
# What Word uses when a font is missing (w:altName in the font table): the GB2312 fonts
# are often absent on newer systems, whose own 仿宋 (FangSong) and 楷体 (KaiTi) take over.
FALLBACK_FONTS = {
    BODY_FONT: "仿宋",
    LEVEL_2_FONT: "楷体",
    TITLE_FONT: "宋体",
}

TITLE_SIZE = Pt(22)  # 2号
BODY_SIZE = Pt(16)  # 3号
PAGE_NUMBER_SIZE = Pt(14)  # 4号

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
TOP, BOTTOM, LEFT, RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
LINES, CHARACTERS = 22, 28
# 225 mm of text height / 22 lines = 28.95 pt = 579 twips a line: the section's line
# grid and the body's exact line spacing.
LINE_PITCH_TWIPS = 579
LINE = Pt(LINE_PITCH_TWIPS / 20)
# 156 mm of text width / 28 characters = 15.79 pt a character, 0.21 pt less than 3号: the
# body's characters are condensed by 0.25 pt (w:spacing, in 1/20 pt) so 28 fit a line.
# Word's character grid (docGrid linesAndChars with w:charSpace) would do the same in
# Word and WPS, but LibreOffice gives each 16 pt character two of its 15.79 pt cells
# there: 14 characters a line.
CONDENSED_TWENTIETHS = -5
# The page number's top edge sits 7 mm below the text area.
FOOTER_DISTANCE = Mm(35 - 7 - 6)  # less a 4号 line (about 6 mm)

CHINESE_NUMERALS = "一二三四五六七八九十"


def heading_number(level: int, index: int) -> str:
    """"一、" and "（一）" in Chinese, "1. " and "(1) " otherwise."""
    if (get_language() or "").startswith("zh"):
        numeral = chinese_numeral(index)
        return f"{numeral}、" if level == 1 else f"（{numeral}）"
    return f"{index}. " if level == 1 else f"({index}) "


def chinese_numeral(index: int) -> str:
    if index <= 10:
        return CHINESE_NUMERALS[index - 1]
    tens, ones = divmod(index, 10)
    return ((CHINESE_NUMERALS[tens - 1] if tens > 1 else "") + "十"
            + (CHINESE_NUMERALS[ones - 1] if ones else ""))


def summary_docx(title: str, sections: list, *, issuer: str, date: str) -> bytes:
    """The summary as an official document (python-docx escapes whatever the text holds)."""
    document = Document()
    set_up_page(document)
    set_up_styles(document)
    add_page_numbers(document)

    document.add_paragraph(title, style="Document Title")
    for number, section in enumerate(sections, 1):
        document.add_paragraph(heading_number(1, number) + section.heading,
                               style="Heading Level 1")
        for sentence in section.sentences:
            document.add_paragraph(sentence)
        for part_number, part in enumerate(section.parts, 1):
            paragraph = document.add_paragraph()
            paragraph.add_run(heading_number(2, part_number) + part.heading
                              + pgettext("ends a heading run into its paragraph", ". "),
                              style="Heading Level 2 Char")
            paragraph.add_run(part.text)
    if not sections:
        document.add_paragraph(_("No work was recorded for this period."))
    add_signature(document, issuer, date)

    buffer = io.BytesIO()
    document.save(buffer)
    return with_fallback_fonts(buffer.getvalue())


def set_up_page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = TOP, BOTTOM
    section.left_margin, section.right_margin = LEFT, RIGHT
    section.footer_distance = FOOTER_DISTANCE
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))


def set_fonts(element, name: str, *, east_asian_only: bool = False) -> None:
    """Name the font for Chinese text (w:eastAsia) and, unless told, for digits and Latin
    letters too; theme fonts from the template are dropped so the names apply."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)
    fonts.set(qn("w:eastAsia"), name)
    if not east_asian_only:
        for attribute in ("ascii", "hAnsi", "cs"):
            fonts.set(qn(f"w:{attribute}"), name)


def set_character_spacing(element, twentieths: int) -> None:
    """Condense (negative) or expand the characters by so many 1/20 pt (w:spacing)."""
    properties = element.get_or_add_rPr()
    spacing = properties.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        properties.insert_element_before(
            spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
            "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
            "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    spacing.set(qn("w:val"), str(twentieths))


def set_up_styles(document) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults"))
    default_run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for size in default_run.findall(qn("w:sz")) + default_run.findall(qn("w:szCs")):
        size.set(qn("w:val"), str(int(BODY_SIZE.pt * 2)))
    language = default_run.find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")
    default_paragraph = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for spacing in default_paragraph.findall(qn("w:spacing")):
        default_paragraph.remove(spacing)

    normal = styles["Normal"]
    set_fonts(normal.element, BODY_FONT)
    normal.font.size = BODY_SIZE
    set_character_spacing(normal.element, CONDENSED_TWENTIETHS)
    paragraph = normal.paragraph_format
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = LINE
    paragraph.first_line_indent = BODY_SIZE * 2
    paragraph.widow_control = False

    title = styles.add_style("Document Title", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = normal
    set_fonts(title.element, TITLE_FONT)
    title.font.size = TITLE_SIZE
    set_character_spacing(title.element, 0)
    title.font.bold = False
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(35)  # a 2号 title takes more than one line
    title.paragraph_format.space_after = LINE  # 标题下空一行

    level_1 = styles.add_style("Heading Level 1", WD_STYLE_TYPE.PARAGRAPH)
    level_1.base_style = normal
    set_fonts(level_1.element, LEVEL_1_FONT)
    level_1.font.bold = False
    level_1.paragraph_format.keep_with_next = True
    outline = OxmlElement("w:outlineLvl")
    outline.set(qn("w:val"), "0")  # shown in Word's navigation pane
    level_1.element.get_or_add_pPr().append(outline)

    level_2 = styles.add_style("Heading Level 2 Char", WD_STYLE_TYPE.CHARACTER)
    set_fonts(level_2.element, LEVEL_2_FONT)
    level_2.font.bold = False

    signature = styles.add_style("Signature Block", WD_STYLE_TYPE.PARAGRAPH)
    signature.base_style = normal
    signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    signature.paragraph_format.first_line_indent = Pt(0)


def add_page_numbers(document) -> None:
    """"— N —" in 4号 宋体: on odd pages at the right, on even pages at the left, one
    character in from the text area's edge (different odd and even footers)."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Normal"]
        fmt = paragraph.paragraph_format
        fmt.alignment = alignment
        fmt.first_line_indent = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = PAGE_NUMBER_SIZE
        else:
            fmt.left_indent = PAGE_NUMBER_SIZE
        page_number_run(paragraph, "— ")
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None),
                           (None, "1"), ("end", None)):
            run = page_number_run(paragraph, "")
            if kind:
                field = OxmlElement("w:fldChar")
                field.set(qn("w:fldCharType"), kind)
                run._r.append(field)
            elif text == " PAGE ":
                instruction = OxmlElement("w:instrText")
                instruction.set(qn("xml:space"), "preserve")
                instruction.text = text
                run._r.append(instruction)
            else:
                run.text = text
        page_number_run(paragraph, " —")


def page_number_run(paragraph, text: str):
    run = paragraph.add_run(text)
    set_fonts(run._r, PAGE_NUMBER_FONT)
    run.font.size = PAGE_NUMBER_SIZE
    return run


def add_signature(document, issuer: str, date: str) -> None:
    """The issuing office over the date, a blank line below the text; the date ends four
    characters from the right and the office is centred over it (GB/T 9704-2012 7.3.5)."""
    document.add_paragraph(style="Signature Block")
    office = document.add_paragraph(issuer, style="Signature Block")
    dated = document.add_paragraph(date, style="Signature Block")
    dated.paragraph_format.right_indent = BODY_SIZE * 4
    offset = max(0.0, (text_width(date) - text_width(issuer)) / 2)
    office.paragraph_format.right_indent = Pt(BODY_SIZE.pt * (4 + offset))


def text_width(text: str) -> float:
    """Width in characters of the body font: CJK characters are one, others half."""
    return sum(1 if ord(character) > 0x2E7F else 0.5 for character in text)


def with_fallback_fonts(docx: bytes) -> bytes:
    """Add the document's fonts to its font table, each in the GB2312 character set and
    with the font Word uses when it is missing (w:altName), as Word writes them."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/fontTable.xml":
                data = font_table(data)
            target.writestr(item, data)
    return out.getvalue()


def font_table(data: bytes) -> bytes:
    root = etree.fromstring(data)
    for name in (TITLE_FONT, BODY_FONT, LEVEL_1_FONT, LEVEL_2_FONT, PAGE_NUMBER_FONT):
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        if name in FALLBACK_FONTS:
            etree.SubElement(font, qn("w:altName"), {qn("w:val"): FALLBACK_FONTS[name]})
        etree.SubElement(font, qn("w:charset"), {qn("w:val"): "86"})  # GB2312
        etree.SubElement(font, qn("w:family"), {qn("w:val"): "modern"})
        etree.SubElement(font, qn("w:pitch"), {qn("w:val"): "fixed"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
