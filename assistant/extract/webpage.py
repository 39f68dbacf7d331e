"""Web pages (.html, .htm): trafilatura's main text, without navigation, cookie banners, footers or
comments. Its XML output keeps the page's headings (`<h1>`–`<h3>` become headings), paragraphs, list
items and table cells, with whitespace collapsed as a browser shows it."""

from __future__ import annotations

from pathlib import Path

from ..errors import Unreadable
from . import Block, Extracted, sections

HEADINGS = {"h1": 1, "h2": 2, "h3": 3}
_BODY = {"p", "item", "cell", "quote", "code", "head"}


def read(path: Path) -> Extracted:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise Unreadable(path, exc.strerror or str(exc)) from exc
    import trafilatura
    from lxml import etree

    try:
        xml = trafilatura.extract(raw, output_format="xml", include_formatting=True, include_comments=False,
                                  include_tables=True, include_images=False, with_metadata=True, deduplicate=False)
    except Exception as exc:  # a page trafilatura cannot parse at all
        raise Unreadable(path, f"the web page cannot be parsed ({type(exc).__name__})") from exc
    if not xml:
        raise Unreadable(path, "no main text was found in the web page")
    root = etree.fromstring(xml.encode("utf-8"))
    blocks = []
    for el in root.iter(*_BODY):
        if el.tag != "head" and any(a.tag in _BODY for a in el.iterancestors()):
            continue  # a paragraph inside a list item or cell is read with it
        text = _text(el).strip()
        level = HEADINGS.get(el.get("rend", "")) if el.tag == "head" else None
        blocks.append(Block(text, heading=level is not None, level=level or 0))
    title, found = sections(blocks, (root.get("title") or "").strip())
    return Extracted(title, "html", found)


def _text(el) -> str:
    """An element's text; a line break (<br>) stays a newline."""
    out = [el.text or ""]
    for child in el:
        out.append("\n" if child.tag == "lb" else _text(child))
        out.append(child.tail or "")
    return "".join(out)
