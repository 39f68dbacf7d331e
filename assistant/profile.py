"""What the assistant knows about one corpus, as data beside its sources: one typed record.

A fresh index folder has an empty profile and the assistant still answers and declines (the answer model
knows no corpus). The key messages' profile is index/profile.json plus the reviewed files beside it:
glossary.json (staff words → the documents' wording), names.json (places, groups and things the documents
never single out), answer_types.json (kinds of answer the documents never give)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError
from .query import AnswerType, load_answer_types, load_glossary, load_names

PROFILE = "profile.json"
FILES = (PROFILE, "glossary.json", "names.json", "answer_types.json")


@dataclass(frozen=True)
class NumberedTitles:
    """A title scheme such as "Key message 5": how a question names one ("KM5", "msg 5", "key message no. 5")."""
    title: str  # with {n} for the number
    pattern: re.Pattern  # group 1 is the number


@dataclass(frozen=True)
class AgeBand:
    up_to: int  # ages up to and including this one
    wording: str  # what the documents call children of these ages


@dataclass(frozen=True)
class Profile:
    glossary: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: tuple[str, ...] = ()
    answer_types: tuple[AnswerType, ...] = ()
    numbered: NumberedTitles | None = None
    ages: tuple[AgeBand, ...] = ()
    collection: str = "the documents"  # how suggestions name the corpus: "What do {collection} say about X?"
    stop_words: frozenset[str] = frozenset()  # words too common here to make a topic

    @classmethod
    def load(cls, folder: Path) -> "Profile":
        """The profile in an index folder; missing files are empty parts, a malformed one is a CorpusError."""
        path = folder / PROFILE
        raw = {}
        if path.exists():
            try:
                raw = json.loads(path.read_text(encoding="utf-8"))
                numbered = raw.get("numbered_titles")
                numbered = NumberedTitles(numbered["title"], re.compile(numbered["pattern"], re.I)) if numbered else None
                ages = tuple(AgeBand(int(a["up_to"]), str(a["wording"])) for a in raw.get("ages", []))
            except (ValueError, KeyError, TypeError, AttributeError, re.error) as exc:
                raise CorpusError(f"the profile {path} is malformed: {exc}") from exc
        else:
            numbered, ages = None, ()
        # read afresh (not the loaders' caches): an edited file is picked up by the next load
        return cls(load_glossary.__wrapped__(folder / "glossary.json"), load_names.__wrapped__(folder / "names.json"),
                   load_answer_types.__wrapped__(folder / "answer_types.json"), numbered, tuple(sorted(ages, key=lambda a: a.up_to)),
                   raw.get("collection", "the documents"), frozenset(raw.get("stop_words", [])))

    def age_wording(self, age: int) -> str | None:
        return next((a.wording for a in self.ages if age <= a.up_to), None)


def stamp(folder: Path) -> tuple:
    """What changes when a profile file is edited (its size and modification time), for reloading."""
    out = []
    for name in FILES:
        try:
            st = (folder / name).stat()
            out.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((name, None, None))
    return tuple(out)
