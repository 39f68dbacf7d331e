"""assistant.extract: each format's reader on the key messages generated as PDF, Word and a web page
(tests/docfix.py), compared with the .txt; what extraction changes; files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import Unreadable
from assistant.extract import Block, extract, join_lines, sections
from assistant.extract.plain import read as read_plain
from docfix import BANNER, FOOTER, KM_TXT, NAV, corrupt_pdf, empty_docx, encrypted_pdf, km_docx, km_html, km_pdf, scanned_pdf

TXT = read_plain(KM_TXT)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("docs")


@pytest.mark.parametrize("make,fmt", [(km_pdf, "pdf"), (km_docx, "docx"), (km_html, "html")])
def test_each_format_gives_the_txt_sections_word_for_word(folder, make, fmt):
    found = extract(make(folder))
    assert found.format == fmt
    assert found.title == TXT.title
    assert [s.title for s in found.sections] == [s.title for s in TXT.sections]
    assert [s.text for s in found.sections] == [s.text for s in TXT.sections]
    assert "Key message 5" in [s.title for s in found.sections]


def test_pdf_pages_are_where_the_messages_start(folder):
    found = extract(km_pdf(folder))
    assert found.pages == 3
    page = {s.title: s.pages[0][1] for s in found.sections}
    assert page["Preamble"] == page["Key message 1"] == page["Key message 4"] == 1
    assert [page[f"Key message {n}"] for n in (5, 6, 7, 8)] == [2, 2, 2, 2]
    assert page["Key message 9"] == page["Key message 12"] == 3


def test_pdf_headings_found_from_bookmarks_when_fonts_do_not_differ(folder):
    # headings in the body's size (bold, as the fallback rule also allows) and bookmarked
    found = extract(km_pdf(folder, "same-size.pdf", heading_size=11))
    assert [s.title for s in found.sections] == [s.title for s in TXT.sections]


def test_pdf_headings_found_from_fonts_without_bookmarks(folder):
    found = extract(km_pdf(folder, "no-marks.pdf", bookmarks=False))
    assert [s.title for s in found.sections] == [s.title for s in TXT.sections]


def test_a_paragraph_running_onto_the_next_page_records_where_that_page_starts(tmp_path):
    from fpdf import FPDF

    pdf = FPDF(format=(148, 210))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, "Long report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "B", 13)
    pdf.multi_cell(0, 7, "Findings", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 5.5, " ".join(f"Finding number {i} was recorded by staff" for i in range(60)) + ".")
    path = tmp_path / "long.pdf"
    pdf.output(str(path))
    (section,) = extract(path).sections
    assert section.title == "Findings" and "\n" not in section.text
    assert [p for _, p in section.pages] == [1, 2]
    at = section.pages[1][0]
    assert 0 < at < len(section.text) and section.text[at - 1] == " "


def test_web_page_keeps_no_navigation_banner_or_footer(folder):
    found = extract(km_html(folder))
    text = "\n".join(s.title + "\n" + s.text for s in found.sections)
    for boiler in NAV + [BANNER, FOOTER, "Accept cookies", "Care Inspectorate"]:
        assert boiler not in text
    assert found.title == TXT.title  # the <h1>, not the <title> with the site's name


def test_join_lines_changes_only_line_ends():
    assert join_lines(["Staff were con-", "fident and compe\u00ad", "tent at identifying", "risks."]) == (
        "Staff were con-fident and competent at identifying risks.", [0, 15, 31, 51])
    assert join_lines(["  one  ", "", "two"]) == ("one two", [0, 4])
    assert join_lines(["ends with a soft hyphen\u00ad"]) == ("ends with a soft hyphen", [0])


def test_sections_take_a_single_top_heading_as_the_title_and_keep_a_preamble():
    title, found = sections([Block("Report", True, 1), Block("Opening words."), Block("Part A", True, 2),
                             Block("First.", pages=((0, 1),)), Block("Second.", pages=((0, 2),))])
    assert title == "Report"
    assert [(s.title, s.text) for s in found] == [("Preamble", "Opening words."), ("Part A", "First.\n\nSecond.")]
    assert found[1].pages == ((0, 1), (8, 2))


def test_sections_with_many_top_headings_have_no_heading_title():
    title, found = sections([Block("One", True, 1), Block("a."), Block("Two", True, 1), Block("b.")], "Meta title")
    assert title == "Meta title" and [s.title for s in found] == ["One", "Two"]


@pytest.mark.parametrize("make,why", [
    (corrupt_pdf, "damaged or not a PDF"),
    (encrypted_pdf, "encrypted"),
    (scanned_pdf, "no text layer"),
    (empty_docx, "holds no text"),
])
def test_unreadable_files_name_the_file_and_the_reason(tmp_path, make, why):
    path = make(tmp_path)
    with pytest.raises(Unreadable) as caught:
        extract(path)
    assert caught.value.path == path and why in caught.value.reason and path.name in str(caught.value)


def test_a_damaged_word_file_and_an_empty_web_page_are_unreadable(tmp_path):
    (tmp_path / "bad.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (tmp_path / "blank.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    for name, why in (("bad.docx", "not a Word"), ("blank.html", "no (main )?text")):
        with pytest.raises(Unreadable, match=why):
            extract(tmp_path / name)


def test_unknown_suffix_is_unreadable(tmp_path):
    (tmp_path / "notes.rtf").write_text("{\\rtf1 hello}")
    with pytest.raises(Unreadable, match="not a format"):
        extract(tmp_path / "notes.rtf")
