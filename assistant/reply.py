"""The reply contract shared by the CLI, the HTTP API, the web chat and evaluation, and the
grounding check every reply passes before it leaves the library."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from .corpus import Message
from .errors import GroundingError

PROMPTS = Path(__file__).resolve().parent.parent / "prompts"
STATUSES = ("answered", "no_answer", "chitchat")


@dataclass(frozen=True)
class Quote:
    message_id: str
    title: str
    text: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Source:
    message_id: str
    title: str
    document: str
    text: str

    @classmethod
    def of(cls, m: Message) -> "Source":
        return cls(m.id, m.title, m.document, m.text)


@dataclass
class Reply:
    status: str
    reply: str
    quotes: list[Quote] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    context: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def quote_of(message: Message, index: int, score: float) -> Quote:
    s = message.sentences[index]
    return Quote(message.id, message.title, message.text[s.start : s.end], s.start, s.end, round(float(score), 4))


@lru_cache(maxsize=1)
def _env():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PROMPTS)), autoescape=False, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )


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
