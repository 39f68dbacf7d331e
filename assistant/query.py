"""What a question asks, before retrieval: normalised text, glossary expansion, and the facts the
answerer checks (does it ask for a number? does it name something the documents never mention?)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import CorpusError

_WS = re.compile(r"\s+")
_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_QUANTITY_Q = re.compile(r"\b(how many|how much|what number|what percentage|what proportion|how often|what %|what per ?cent|how long)\b", re.I)
_QUANTITY_A = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|hundred|thousand|million|half|third|quarter|percent|per cent)\b", re.I)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}s?\b")
_PROPER = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]{2,}\b")


@dataclass(frozen=True)
class Query:
    text: str  # as the user wrote it, whitespace folded
    expanded: str  # text plus glossary expansions, what retrieval sees
    asks_quantity: bool
    unknown_terms: tuple[str, ...]  # numbers, acronyms and names the documents never use


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=8)
def load_glossary(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {k.lower(): tuple(v) for k, v in raw.items() if not k.startswith("_")}
    except (ValueError, AttributeError, TypeError) as exc:
        raise CorpusError(f"the glossary {path} is not a JSON object of word → list of phrases: {exc}") from exc


def expand(text: str, glossary: dict[str, tuple[str, ...]]) -> tuple[str, set[str]]:
    """Text with each glossary term's phrases appended once, and the set of terms that matched."""
    lowered = " " + re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")) + " "
    hits, extra = set(), []
    for term, phrases in glossary.items():
        if f" {term} " in lowered:
            hits.add(term)
            extra.extend(p for p in phrases if p not in extra)
    return (text + " (" + "; ".join(extra) + ")" if extra else text), hits


def vocabulary(texts) -> frozenset[str]:
    return frozenset(w.lower().strip("'’-") for t in texts for w in _WORDS.findall(t))


def analyse(text: str, glossary: dict[str, tuple[str, ...]], vocab: frozenset[str]) -> Query:
    text = normalise(text)
    expanded, hits = expand(text, glossary)
    known = vocab | {w for t in hits for w in t.split()}
    candidates = _NUMBER.findall(text) + _ACRONYM.findall(text) + _PROPER.findall(text)
    unknown = tuple(dict.fromkeys(
        c for c in candidates
        if c.lower().rstrip("s") not in known and c.lower() not in known and c.lower() not in glossary and len(c) > 1
    ))
    return Query(text, expanded, bool(_QUANTITY_Q.search(text)), unknown)


def gives_quantity(sentence: str) -> bool:
    return bool(_QUANTITY_A.search(sentence))
