"""Word (.docx): python-docx paragraphs in document order, with their styles.

"Title" is the document's title; "Heading 1"–"Heading 9" are headings (level from the style); every
other non-empty paragraph is body text, as python-docx gives it (a manual line break is a newline, a
tab a tab). Table cells are read row by row, each cell's paragraphs as body text.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Unreadable
from . import Block, Extracted, sections

_HEADING = re.compile(r"^heading (\d)$", re.I)


def read(path: Path) -> Extracted:
    import docx

    try:
        document = docx.Document(str(path))
        title, blocks = "", []
        for item in document.iter_inner_content():
            if isinstance(item, docx.table.Table):
                blocks.extend(Block(p.text.strip()) for row in item.rows for cell in row.cells for p in cell.paragraphs)
                continue
            text, style = item.text.strip(), (item.style.name if item.style is not None else "")
            level = _HEADING.match(style or "")
            if style == "Title" and not title:
                title = text
            elif level and text:
                blocks.append(Block(text, heading=True, level=int(level.group(1))))
            else:
                blocks.append(Block(text))
        title = title or (document.core_properties.title or "").strip()
    except Exception as exc:  # python-docx raises zip, XML and key errors for a damaged file
        raise Unreadable(path, f"it is damaged or not a Word .docx file ({type(exc).__name__})") from exc
    if not any(b.text for b in blocks):
        raise Unreadable(path, "the Word file holds no text")
    doc_title, found = sections(blocks, title)
    return Extracted(doc_title, "docx", found)
