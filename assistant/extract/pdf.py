"""PDF: pdfplumber's text lines, with their font sizes and page numbers; bookmarks through pypdfium2.

A line is a heading when a bookmark on its page has its text, or its font is clearly larger than the
body text's, or it is short, wholly bold and without closing punctuation. Lines of body text separated
by no more than the usual line spacing are one paragraph (joined by `join_lines`); a paragraph runs on
across a page break unless the page ended a sentence. Lines that are only a page number are left out.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..errors import Unreadable
from . import Block, Extracted, join_lines, sections

LARGER = 1.15  # a heading's font is at least this much larger than the body text's
MAX_HEADING_WORDS = 20
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$", re.I)
_BOLD = re.compile(r"bold|black|heavy|semibold", re.I)


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    top: float
    bottom: float
    size: float
    bold: bool


def read(path: Path) -> Extracted:
    import pdfplumber

    try:
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
            lines = [line for page in pdf.pages for line in _lines(page)]
            title = str((pdf.metadata or {}).get("Title") or "").strip()
    except Exception as exc:  # pdfminer raises many kinds for a damaged or protected file; all mean "cannot read"
        raise Unreadable(path, _why(exc)) from exc
    if not any(line.text for line in lines):
        raise Unreadable(path, "it has no text layer (a scanned image?); run it through OCR first")
    doc_title, found = sections(_blocks(lines, _bookmarks(path)), title)
    return Extracted(doc_title, "pdf", found, count)


def _why(exc: Exception) -> str:
    chain, e = [], exc
    while e is not None and len(chain) < 5:
        chain.append(e)
        e = e.__cause__ or e.__context__
    if any("password" in type(e).__name__.lower() or "encrypt" in type(e).__name__.lower()
           or "password" in str(e).lower() for e in chain):
        return "it is encrypted (password-protected); save an unprotected copy and index that"
    return "it is damaged or not a PDF"


def _lines(page) -> list[Line]:
    out = []
    for raw in page.extract_text_lines(return_chars=True, strip=True):
        chars = [c for c in raw["chars"] if c["text"].strip()]
        text = raw["text"].strip()
        if not chars or not text:
            continue
        size = statistics.median(round(c["size"], 1) for c in chars)
        bold = all(_BOLD.search(c.get("fontname", "")) for c in chars)
        out.append(Line(page.page_number, text, raw["top"], raw["bottom"], size, bold))
    # a page number printed at the top or bottom of the page, in body-sized type, is not text of the document
    body = statistics.median([line.size for line in out]) if out else 0
    return [line for i, line in enumerate(out)
            if not (i in (0, len(out) - 1) and line.size <= body and _PAGE_NUMBER.match(line.text))]


def _bookmarks(path: Path) -> set[tuple[int, str]]:
    """(1-based page, normalised title) of each bookmark; none when pypdfium2 cannot read them."""
    try:
        import pypdfium2

        doc = pypdfium2.PdfDocument(str(path))
        try:
            out = set()
            for mark in doc.get_toc():
                dest = mark.get_dest()
                index = dest.get_index() if dest is not None else None
                if index is not None:
                    out.add((index + 1, _norm(mark.get_title())))
            return out
        finally:
            doc.close()
    except Exception:  # bookmarks only help find headings; the fonts still do without them
        return set()


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_heading(line: Line, body: float, marks: set[tuple[int, str]]) -> bool:
    text = _norm(line.text)
    if (line.page, text) in marks or any(p == line.page and t.startswith(text) and len(text) > 3 for p, t in marks):
        return True
    words = len(line.text.split())
    if line.size >= body * LARGER and words <= MAX_HEADING_WORDS:
        return True
    return line.bold and words <= 12 and not line.text.rstrip("\"'”’)]").endswith((".", "?", "!", ":", ";", ","))


def _blocks(lines: list[Line], marks: set[tuple[int, str]]) -> list[Block]:
    sizes = Counter()
    for line in lines:
        sizes[line.size] += len(line.text)
    body = sizes.most_common(1)[0][0]
    heading = [_is_heading(line, body, marks) for line in lines]
    gaps = [b.top - a.bottom for a, b, h in zip(lines, lines[1:], heading[1:])
            if a.page == b.page and not h and b.top > a.bottom and abs(a.size - b.size) < 0.5]
    usual = statistics.median(gaps) if gaps else body * 0.3
    levels = {s: i + 1 for i, s in enumerate(sorted({l.size for l, h in zip(lines, heading) if h}, reverse=True))}
    groups: list[list[int]] = []
    for i, line in enumerate(lines):
        if groups:
            j = groups[-1][-1]
            prev = lines[j]
            same_kind = heading[i] == heading[j] and abs(line.size - prev.size) < 0.5
            if line.page == prev.page:
                joined = same_kind and line.top - prev.bottom <= usual * 1.5 + 0.3 * body
            else:
                joined = same_kind and not heading[i] and not prev.text.endswith((".", "?", "!", ":"))
            if joined and not (heading[i] and _norm(line.text) in {t for _, t in marks}):
                groups[-1].append(i)
                continue
        groups.append([i])
    out = []
    for g in groups:
        text, starts = join_lines([lines[i].text for i in g])
        pages, last = [], None
        for i, at in zip(g, starts):
            if lines[i].page != last:
                pages.append((at, lines[i].page))
                last = lines[i].page
        first = lines[g[0]]
        out.append(Block(text, heading[g[0]], levels.get(first.size, 0) if heading[g[0]] else 0, tuple(pages)))
    return out
