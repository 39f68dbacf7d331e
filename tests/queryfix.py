"""The key messages' own profile read as query.analyse reads it, shared by the query and answer-type tests (not a
conftest: the modules import what they need from here)."""

from __future__ import annotations

from assistant import corpus
from assistant.asker import own_things
from assistant.cues import asker_intro
from assistant.profile import Profile
from assistant.answer_types import load_answer_types
from assistant.query import analyse, load_glossary, load_names, vocabulary
from corefix import REAL_ANSWER_TYPES, REAL_GLOSSARY, REAL_NAMES, REAL_SOURCES

GLOSSARY = load_glossary(REAL_GLOSSARY)
TYPES = load_answer_types(REAL_ANSWER_TYPES)
QUANTITY = next(t for t in TYPES if t.name == "quantity")
MESSAGES = corpus.load([REAL_SOURCES])
VOCAB = vocabulary(m.text for m in MESSAGES) | vocabulary([MESSAGES[0].document])
NAMES = load_names(REAL_NAMES)
AGES = Profile.load(REAL_GLOSSARY.parent).age_wording  # the key messages' profile: ages in the documents' words


def q(text):
    return analyse(text, GLOSSARY, VOCAB, TYPES, names=NAMES, age_wording=AGES, intro=asker_intro(), own=own_things)
