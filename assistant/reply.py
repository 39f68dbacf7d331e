"""The reply contract shared by the CLI, the HTTP API, the web chat and evaluation, and the
grounding check every reply passes before it leaves the library."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from .corpus import Message
from .errors import GroundingError
from .text import points_back

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
STATUSES = ("answered", "no_answer", "chitchat")
MAX_TERMS, MAX_TERM_CHARS = 3, 24  # a decline names at most this much of what the user typed


@dataclass(frozen=True)
class Quote:
    message_id: str
    title: str
    text: str
    start: int
    end: int
    score: float
    page: int | None = None  # 1-based page where the quote starts; None for a format without pages
    document: str = ""  # the title of the document it comes from


@dataclass(frozen=True)
class Source:
    message_id: str
    title: str
    document: str
    text: str
    document_id: str | None = None
    url: str | None = None  # opens the original file (at the quote's page for a PDF); None when not served

    @classmethod
    def of(cls, m: Message, quotes=()) -> "Source":
        """The whole message as a source; its link opens the page of the first of `quotes` taken from it."""
        if not m.document_id:
            return cls(m.id, m.title, m.document, m.text)
        page = next((q.page for q in quotes if q.message_id == m.id and q.page), None) or m.page_at(0)
        return cls(m.id, m.title, m.document, m.text, m.document_id, document_url(m.document_id, page))


def document_url(document_id: str, page: int | None = None) -> str:
    """Where the web app serves a document's original file (GET /documents/{id}), at a page when paged."""
    return f"/documents/{quote(document_id, safe='')}" + (f"#page={page}" if page else "")


@dataclass
class Reply:
    status: str
    reply: str
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    context: dict = field(default_factory=dict)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)  # random: names this reply for feedback, says nothing of it
    reason: str = ""  # why it declined (a no_answer's reason: unknown, quantity, weak, …), else ""

    def to_dict(self) -> dict:
        return asdict(self)


def quote_of(message: Message, index: int, score: float) -> Quote:
    """One sentence of a message, quoted."""
    s = message.sentences[index]
    return span_quote(message, s.start, s.end, score)


def answer_quote(message: Message, index: int, score: float) -> Quote:
    """A sentence picked to answer, quoted from the start of the sentence before it when it opens by pointing back
    at that one (text.points_back: "This was also the case for …"): alone it would not say what it is about."""
    if index == 0 or not points_back(message.sentences[index].text):
        return quote_of(message, index, score)
    return span_quote(message, message.sentences[index - 1].start, message.sentences[index].end, score)


def passage_quote(message: Message, index: int, neighbour: int | None, score: float) -> Quote:
    """A picked sentence quoted with its neighbour (None: alone, as answer_quote): the two adjacent sentences as one
    passage, from the start of the sentence before the first when that one points back."""
    if neighbour is None:
        return answer_quote(message, index, score)
    first = answer_quote(message, min(index, neighbour), score)
    return span_quote(message, first.start, message.sentences[max(index, neighbour)].end, score)


def span_quote(message: Message, start: int, end: int, score: float) -> Quote:
    """The message's text from start to end (sentence bounds), quoted."""
    return Quote(message.id, message.title, message.text[start:end], start, end, round(float(score), 4),
                 message.page_at(start), message.document)


@lru_cache(maxsize=1)
def _env():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS)), autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )
    env.filters["few_short"] = few_short
    return env


def few_short(terms) -> list[str]:
    """The user's own words as a reply may repeat them: the first few, each cut short (a decline that
    echoed 985 characters of a question could be made to say anything)."""
    out = []
    for t in list(dict.fromkeys(terms))[:MAX_TERMS]:
        t = " ".join(str(t).split())
        out.append(t if len(t) <= MAX_TERM_CHARS else t[: MAX_TERM_CHARS - 1].rstrip() + "…")
    return out


def render(template: str, **values) -> str:
    """Text of a reviewed template in prompts/: the only words the assistant says in its own voice."""
    return _env().get_template(template + ".j2").render(**values).strip()


def check_grounding(reply: Reply) -> None:
    """Every quote is exactly its source's text[start:end]; answered exactly when there are quotes."""
    if reply.status not in STATUSES:
        raise GroundingError(f"unknown status {reply.status!r}")
    if (reply.status == "answered") != bool(reply.quotes):
        raise GroundingError("status 'answered' must go with quotes, and only with quotes")
    sources = {s.message_id: s for s in reply.sources}
    for q in reply.quotes:
        src = sources.get(q.message_id)
        if src is None:
            raise GroundingError(f"quote from {q.message_id} has no source")
        if not (0 <= q.start < q.end <= len(src.text)) or src.text[q.start : q.end] != q.text:
            raise GroundingError(f"quote from {q.message_id} is not verbatim at [{q.start}:{q.end}]")
        if q.text not in reply.reply:
            raise GroundingError(f"quote from {q.message_id} is missing from the reply text")
