"""The key messages (index/sources/key-messages-2021-2025.txt) written out as a PDF, a Word file and a
web page, generated here with fpdf2 and python-docx: no binary fixtures. Also broken files of each kind.

Helpers, not fixtures: tests call them with the folder to write into."""

from __future__ import annotations

import html
import re
from pathlib import Path

from corefix import REAL_SOURCES

KM_TXT = REAL_SOURCES / "key-messages-2021-2025.txt"
STEM = KM_TXT.stem
# Words that appear only in the web page's boilerplate, never in the key messages
NAV = ["Home", "Publications", "About the Care Inspectorate", "Contact us"]
BANNER = "We use cookies to improve your experience on our website. Accept all cookies or manage your preferences."
FOOTER = "Copyright Care Inspectorate 2025. All rights reserved. Privacy policy and accessibility statement."
PAGE_BREAKS = ("Key message 5", "Key message 9")  # Key messages 1–4 on page 1, 5–8 on page 2, 9–12 on page 3


def blocks() -> tuple[str, list[tuple[bool, str]]]:
    """The .txt file's title and its blocks as (is a heading, text)."""
    parts = [b.strip() for b in re.split(r"\n[ \t]*\n", KM_TXT.read_text(encoding="utf-8")) if b.strip()]
    return parts[0], [(re.fullmatch(r"Key message \d+", b) is not None, b) for b in parts[1:]]


def km_pdf(folder: Path, name: str = STEM + ".pdf", bookmarks: bool = True, heading_size: int = 14) -> Path:
    """Three A4 pages; headings in larger bold type (and bookmarked), body text wrapped by fpdf2."""
    from fpdf import FPDF

    title, body = blocks()
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # the text has typographic apostrophes
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for heading, text in body:
        if text in PAGE_BREAKS:
            pdf.add_page()
        if heading:
            if bookmarks:
                pdf.start_section(text)
            pdf.set_font("Helvetica", "B", heading_size)
            pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        else:
            pdf.set_font("Helvetica", "", 11)
            pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    path = folder / name
    pdf.output(str(path))
    return path


def km_docx(folder: Path, name: str = STEM + ".docx") -> Path:
    """Title style for the title, Heading 2 for each key message, Normal paragraphs."""
    import docx

    title, body = blocks()
    d = docx.Document()
    d.add_heading(title, level=0)
    for heading, text in body:
        if heading:
            d.add_heading(text, level=2)
        else:
            d.add_paragraph(text)
    path = folder / name
    d.save(str(path))
    return path


def km_html(folder: Path, name: str = STEM + ".html") -> Path:
    """A page as a council or inspectorate site serves it: cookie banner, navigation, the article, footer."""
    title, body = blocks()
    article = "\n".join(f"<h2>{html.escape(t)}</h2>" if h else f"<p>{html.escape(t)}</p>" for h, t in body)
    nav = "".join(f'<li><a href="/{i}">{html.escape(n)}</a></li>' for i, n in enumerate(NAV))
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | Care Inspectorate</title></head>
<body>
<div id="cookie-banner" class="cookie-consent" role="dialog"><p>{BANNER}</p><button>Accept cookies</button></div>
<header><nav aria-label="Main"><ul>{nav}</ul></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
{article}
</article></main>
<footer><p>{FOOTER}</p></footer>
</body></html>
"""
    path = folder / name
    path.write_text(page, encoding="utf-8")
    return path


def corrupt_pdf(folder: Path, name: str = "broken.pdf") -> Path:
    path = folder / name
    path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a real PDF\n%%EOF\n")
    return path


def encrypted_pdf(folder: Path, name: str = "locked.pdf") -> Path:
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4)
    pdf.add_page()
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 5, "Key message 1\n\nA confidential finding.")
    path = folder / name
    pdf.output(str(path))
    return path


def scanned_pdf(folder: Path, name: str = "scanned.pdf") -> Path:
    """Pages with only drawn shapes, as a scan without OCR has only an image: no text layer."""
    from fpdf import FPDF

    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.rect(20, 20, 170, 250, style="F")
    path = folder / name
    pdf.output(str(path))
    return path


def empty_docx(folder: Path, name: str = "empty.docx") -> Path:
    import docx

    path = folder / name
    docx.Document().save(str(path))
    return path
