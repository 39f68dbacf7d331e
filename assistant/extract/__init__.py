"""One reader per document format, each turning a file into an `Extracted` record.

plain.py   .txt and .md   sections found in the verbatim text (blank lines, `#` headings)
pdf.py     .pdf           pdfplumber lines with font sizes and page numbers; bookmarks via pypdfium2
word.py    .docx          python-docx paragraphs and their heading styles
webpage.py .html, .htm    trafilatura's main text (no navigation, cookie banners or footers)

A reader that cannot get text out of a file raises `Unreadable` naming the file and the reason. The
readers for laid-out formats produce `Block`s (paragraphs and headings, each with the page it starts
on); `sections()` groups them under their headings the same way for every format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Unreadable

PREAMBLE = "Preamble"
FORMATS = {".txt": "txt", ".md": "md", ".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}
SOFT_HYPHEN = "\u00ad"

__all__ = ["Block", "Extracted", "FORMATS", "PREAMBLE", "Section", "Unreadable", "extract", "join_lines", "sections"]


@dataclass(frozen=True)
class Section:
    title: str
    text: str
    pages: tuple[tuple[int, int], ...] = ()  # (offset in text, 1-based page starting there); empty when not paged


@dataclass(frozen=True)
class Extracted:
    title: str  # the document's own title; "" when it has none (the file name stands in)
    format: str
    sections: list[Section]
    pages: int | None = None  # number of pages of a paged format


@dataclass(frozen=True)
class Block:
    text: str
    heading: bool = False
    level: int = 0  # 1 is the top level; 0 for body text
    pages: tuple[tuple[int, int], ...] = field(default=())  # as in Section, offsets into this block's text


def join_lines(lines: list[str]) -> tuple[str, list[int]]:
    """The lines of one wrapped paragraph as one line: a soft hyphen ending a line is removed and the
    words joined; a line ending in a hard hyphen is joined as it stands; any other line break becomes one
    space. Returns the text and where each line starts in it."""
    out, starts = "", []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if out and not out.endswith(("-", "\u2010")):
            if out.endswith(SOFT_HYPHEN):
                out = out[:-1]
            else:
                out += " "
        starts.append(len(out))
        out += line
    return out.removesuffix(SOFT_HYPHEN), starts


def sections(blocks: list[Block], title: str = "") -> tuple[str, list[Section]]:
    """Blocks grouped under their headings: (document title, sections). A top-level heading before any
    body text is the title; body text before the first other heading is the preamble. Paragraphs of one
    section are joined by a blank line."""
    blocks = [b for b in blocks if b.text.strip()]
    if blocks and blocks[0].heading and blocks[0].level == 1 and not any(b.heading and b.level == 1 for b in blocks[1:]):
        title, blocks = blocks[0].text, blocks[1:]
    elif blocks and blocks[0].heading and title and _same(blocks[0].text, title):
        title, blocks = blocks[0].text, blocks[1:]
    out: list[Section] = []
    current, parts, pages = PREAMBLE, [], []

    def close():
        if parts:
            out.append(Section(current, "\n\n".join(parts), tuple(pages)))

    for b in blocks:
        if b.heading:
            close()
            current, parts, pages = b.text, [], []
            continue
        offset = sum(len(p) + 2 for p in parts)
        for at, page in b.pages:
            if not pages or pages[-1][1] != page:
                pages.append((offset + at, page))
        parts.append(b.text)
    close()
    return title, out


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def extract(path: Path) -> Extracted:
    """The text of one document, by its suffix; `Unreadable` when none can be had."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise Unreadable(path, f"{path.suffix or 'a file without a suffix'} is not a format that can be indexed")
    if not path.is_file():
        raise Unreadable(path, "it is not a file")
    if kind in ("txt", "md"):
        from .plain import read
    elif kind == "pdf":
        from .pdf import read
    elif kind == "docx":
        from .word import read
    else:
        from .webpage import read
    found = read(path)
    if not found.sections:
        raise Unreadable(path, "it holds no text to index")
    return found
