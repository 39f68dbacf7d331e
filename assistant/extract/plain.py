"""Plain text and Markdown: sections are spans of the verbatim file text, nothing is rewritten.

A plain-text document is blocks separated by blank lines. Its first block is the title; a block that
is a single short line without closing punctuation ("Key message 5") is a heading; text between the
title and the first heading is the preamble. Markdown uses `#` headings.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Unreadable
from . import PREAMBLE, Extracted, Section

_BLOCK = re.compile(r"\S(?:.*?\S)??(?=[ \t]*\n[ \t]*\n|\s*\Z)", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def _is_heading(block: str) -> bool:
    bare = block.rstrip().rstrip("\"'”’)]")
    return "\n" not in block and len(block.split()) <= 12 and not bare.endswith((".", "?", "!", ":", ";", ","))


def sections_txt(text: str) -> tuple[str, list[Section]]:
    blocks = list(_BLOCK.finditer(text))
    if not blocks:
        return "", []
    title, sections, current_title, body = blocks[0].group(0).strip(), [], PREAMBLE, []
    for block in blocks[1:]:
        if _is_heading(block.group(0)):
            sections.append((current_title, body))
            current_title, body = block.group(0).strip(), []
        else:
            body.append(block)
    sections.append((current_title, body))
    # the verbatim span from a section's first block to its last, blank lines between them included
    return title, [Section(t, text[b[0].start() : b[-1].end()]) for t, b in sections if b]


def sections_md(text: str) -> tuple[str, list[Section]]:
    heads = list(_MD_HEADING.finditer(text))
    title, sections = "", []
    spans = [(PREAMBLE, 0, heads[0].start() if heads else len(text))]
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        if not title and h.group(1) == "#":
            title = h.group(2).strip()
            spans[-1] = (PREAMBLE, h.end(), end)
            continue
        spans.append((h.group(2).strip(), h.end(), end))
    for t, s, e in spans:
        body = text[s:e].strip()
        if body:
            sections.append(Section(t, body))
    return title, sections


def parse(path: Path, text: str) -> Extracted:
    """Sections of a .txt or .md document given its text."""
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    md = path.suffix.lower() == ".md"
    title, sections = (sections_md if md else sections_txt)(text)
    return Extracted(title, "md" if md else "txt", sections)


def read(path: Path) -> Extracted:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise Unreadable(path, f"it is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise Unreadable(path, exc.strerror or str(exc)) from exc
    return parse(path, text)
