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
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}s?\b")
_PROPER = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]{2,}\b")


@dataclass(frozen=True)
class Query:
    text: str  # as the user wrote it, whitespace folded
    expanded: str  # text plus glossary expansions, what retrieval sees
    asks: tuple[str, ...]  # answer types the question asks for (index/answer_types.json)
    unknown_terms: tuple[str, ...]  # numbers, acronyms and names the documents never use
    own: str = ""  # the user's own words, typing slips mended: what sentence choice sees

    def __post_init__(self):
        if not self.own:
            object.__setattr__(self, "own", self.text)


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
    lowered = re.sub(r"'s? ", " ", lowered)  # possessives: "DV's" is DV
    lowered += " ".join(w[:-1] for w in lowered.split() if w.endswith("s") and w[:-1] in glossary) + " "  # plurals: LACs
    hits, extra = set(), []
    for term, phrases in glossary.items():
        if f" {term} " in lowered:
            hits.add(term)
            extra.extend(p for p in phrases if p not in extra)
    return (text + " (" + "; ".join(extra) + ")" if extra else text), hits


def vocabulary(texts) -> frozenset[str]:
    words = {w.lower().strip("'’-") for t in texts for w in _WORDS.findall(t)}
    return frozenset(words | {part for w in words for part in w.split("-") if part})


@dataclass(frozen=True)
class AnswerType:
    name: str
    question: re.Pattern
    evidence: re.Pattern | None  # None: the documents never answer this kind of question

    def shown_by(self, sentence: str) -> bool:
        return bool(self.evidence and self.evidence.search(sentence))


@lru_cache(maxsize=8)
def load_answer_types(path: Path) -> tuple[AnswerType, ...]:
    if not path.exists():
        return ()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return tuple(AnswerType(name, re.compile(spec["question"], re.I),
                                re.compile(spec["evidence"], re.I if name != "named" else 0) if spec["evidence"] else None)
                     for name, spec in raw.items() if not name.startswith("_"))
    except (ValueError, KeyError, TypeError, re.error) as exc:
        raise CorpusError(f"the answer types file {path} is malformed: {exc}") from exc


def unmet_type(query: "Query", sentence: str, types: tuple[AnswerType, ...]) -> str | None:
    """The first answer type the question asks for that the sentence does not show, if any."""
    by_name = {t.name: t for t in types}
    return next((name for name in query.asks if not by_name[name].shown_by(sentence)), None)


def mend(text: str, vocab: frozenset[str], ordered: list[str]) -> list[str]:
    """Corpus words the text nearly spells ('plannng' → 'planning'): one slip in words of 5–7
    letters, two in longer ones; words the corpus already uses are left alone."""
    from rapidfuzz import process
    from rapidfuzz.distance import Levenshtein

    out = []
    for word in re.findall(r"[a-z]{5,}", text.lower()):
        if word in vocab:
            continue
        hit = process.extractOne(word, ordered, scorer=Levenshtein.distance, score_cutoff=1 if len(word) <= 7 else 2)
        if hit and hit[0] not in out:
            out.append(hit[0])
    return out


def analyse(text: str, glossary: dict[str, tuple[str, ...]], vocab: frozenset[str], types: tuple[AnswerType, ...] = (),
            ordered_vocab: list[str] | None = None) -> Query:
    text = normalise(text)
    expanded, hits = expand(text, glossary)
    fixes = mend(text, vocab, ordered_vocab) if ordered_vocab else []
    if fixes:
        expanded += " " + " ".join(fixes)
    known = vocab | {w for t in hits for w in t.split()}
    shouting = sum(w[:1].isupper() for w in text.split()) > len(text.split()) / 2  # Title Case or CAPS
    candidates = _NUMBER.findall(text) + ([] if shouting else _ACRONYM.findall(text) + _PROPER.findall(text))
    unknown = tuple(dict.fromkeys(
        c for c in candidates
        if not {c.lower(), c.lower().rstrip("s")} & (known | set(glossary)) and len(c) > 1
    ))
    return Query(text, expanded, tuple(t.name for t in types if t.question.search(text)), unknown,
                 " ".join([text, *fixes]))
