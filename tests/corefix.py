"""Shared helpers for the library-level tests (corpus, store, query, answer, reply, conversation,
core, cli, settings). Not a conftest: test modules import what they need from here.

Everything builds tiny indexes in a temporary folder with the deterministic FakeEmbedder, so the
tests need no model and never touch the repository's own index/store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import indexer
from assistant.answer import load_calibration
from assistant.corpus import Message
from assistant.embed import FakeEmbedder
from assistant.reply import Reply
from assistant.text import points_back
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REAL_SOURCES = ROOT / "index" / "sources"
REAL_GLOSSARY = ROOT / "index" / "glossary.json"
REAL_NAMES = ROOT / "index" / "names.json"
REAL_ANSWER_TYPES = ROOT / "index" / "answer_types.json"
CONTRACT_KEYS = {"status", "reply", "quotes", "sources", "suggestions", "context", "id", "reason"}
QUOTE_KEYS = {"message_id", "title", "text", "start", "end", "score", "page", "document"}
SOURCE_KEYS = {"message_id", "title", "document", "text", "document_id", "url"}

SMALL_DOC = """Small test report

This report is about a few made-up findings.

Key message 1

Domestic abuse remained a serious risk for many children. Partnerships must keep working together on it.

Key message 2

Early help and support prevented harm for many families. Staff valued the early help offer.

Key message 3

Independent advocacy was not available to every young person. Advocacy provision varied between areas.
"""


class CountingEmbedder(FakeEmbedder):
    """The fake embedder (same name, so vectors are reused across builds) counting what it embeds."""

    def __init__(self):
        self.texts: list[str] = []

    def embed_batch(self, texts):
        self.texts.extend(texts)
        return super().embed_batch(texts)


class OtherModelEmbedder(FakeEmbedder):
    name = "some-other-model"


def make_index_dir(root: Path, docs: dict[str, str] | None = None, real: bool = False, glossary: bool = True) -> Path:
    """root/sources holding the real corpus (real=True) or the given {file name: text}, plus the glossary."""
    root.mkdir(parents=True, exist_ok=True)
    src = root / "sources"
    if real:
        shutil.copytree(REAL_SOURCES, src)
    else:
        src.mkdir()
        for name, text in (docs if docs is not None else {"small.txt": SMALL_DOC}).items():
            (src / name).write_text(text, encoding="utf-8")
    if glossary:
        shutil.copy(REAL_GLOSSARY, root / "glossary.json")
        for data in (REAL_ANSWER_TYPES, REAL_NAMES, REAL_GLOSSARY.parent / "profile.json", REAL_GLOSSARY.parent / "query_adapter.json"):
            if data.exists():
                shutil.copy(data, root / data.name)
    return root


def fake_settings(index_dir: Path, **overrides) -> Settings:
    # usage rows go beside the test's index, never into the checkout's var/
    return Settings.from_env(env={}, index_dir=index_dir, embedder="fake", **{"db": index_dir / "usage.sqlite3", **overrides})


def build_fake(root: Path, docs: dict[str, str] | None = None, real: bool = False, **overrides) -> Settings:
    settings = fake_settings(make_index_dir(root, docs, real), **overrides)
    indexer.build(settings, export_onnx=False)
    return settings


def lenient(assistant):
    """Answer whenever there is any evidence (threshold 0): the fake embedder's scores are not what
    the shipped calibration was fitted on, and structural tests need answers to inspect."""
    assistant.calibration = dict(load_calibration(), threshold=0.0, within_threshold=0.0, broad_threshold=0.0, broad_margin=0.0)
    return assistant


def grounding_problems(reply: Reply, messages: dict[str, Message]) -> list[str]:
    """An independent re-statement of the grounding invariant (not using reply.check_grounding)."""
    problems = []
    if reply.status not in ("answered", "no_answer", "chitchat"):
        problems.append(f"unknown status {reply.status!r}")
    if (reply.status == "answered") != (len(reply.quotes) > 0):
        problems.append("answered must go with quotes and only with quotes")
    by_id = {s.message_id: s for s in reply.sources}
    if len(by_id) != len(reply.sources):
        problems.append("a source is listed twice")
    for q in reply.quotes:
        src = by_id.get(q.message_id)
        if src is None:
            problems.append(f"quote from {q.message_id} has no source")
            continue
        if src.text[q.start:q.end] != q.text or not q.text:
            problems.append(f"quote {q.text!r} is not its source's text[{q.start}:{q.end}]")
        m = messages.get(q.message_id)
        if m is None:
            problems.append(f"quote from unknown message {q.message_id}")
            continue
        if src.text != m.text or src.title != m.title or q.title != m.title or src.document != m.document:
            problems.append(f"source {q.message_id} does not match the indexed message")
        first = next((i for i, s in enumerate(m.sentences) if s.start == q.start), None)
        last = next((i for i, s in enumerate(m.sentences) if s.end == q.end), None)
        # whole sentences: one; two side by side (a pick with the neighbour the model rated nearly as likely, or with
        # the sentence it points back at); three when the middle one points back at the first (a pick and its
        # neighbour, quoted from the sentence the first of them points back at)
        if first is None or last is None or not (first <= last <= first + 1 or last == first + 2
                                                 and points_back(m.sentences[first + 1].text)):
            problems.append(f"quote {q.message_id}[{q.start}:{q.end}] is not whole sentences the library quotes together "
                            "(one, two side by side, or three whose middle one points back at the first)")
        if f"“{q.text}”" not in reply.reply:
            problems.append(f"quote {q.text!r} is not shown (in quotation marks) in the reply text")
    if reply.status != "answered" and reply.sources:
        problems.append("sources listed without quotes")
    if not isinstance(reply.reply, str) or not reply.reply.strip():
        problems.append("empty reply text")
    if not all(isinstance(s, str) and s for s in reply.suggestions):
        problems.append("suggestions must be non-empty strings")
    if not isinstance(reply.context, dict):
        problems.append("context is not a dict")
    return problems


@pytest.fixture(scope="module")
def real_fake_settings(tmp_path_factory) -> Settings:
    """The real corpus, indexed once per module with the fake embedder."""
    return build_fake(tmp_path_factory.mktemp("realidx"), real=True)


@pytest.fixture(scope="module")
def small_settings(tmp_path_factory) -> Settings:
    """SMALL_DOC, indexed once per module with the fake embedder."""
    return build_fake(tmp_path_factory.mktemp("smallidx"))
