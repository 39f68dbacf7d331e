"""Words: the one owner of tokenising, stemming, stop words and how rare a word is in English.
Retrieval, question analysis, the answer model, conversation and suggestions all read text through here."""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_WS = re.compile(r"\s+")
_WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s's (and scikit-learn's) default token pattern
_local = threading.local()

# Function words that never make a topic (suggestions, chit-chat detection): general English, no corpus words.
STOP = frozenset("""a an and are as at be been being but by can could did do does for from had has have
however if in into is it its itself made make means meant more most much not of on or our over so such
than that the their them these they this those to under up was we were what when which while who will
with within without would all also any both each either many other some there here how well further
very overall wider across about between after before during through against among being given clear since""".split()) | frozenset(
    # negated auxiliaries, with and without the apostrophe: "what isn't working?" names no topic in "isn't"
    f"{aux}{tail}" for aux in "is are was were do does did ca could wo would should has have had must need".split()
    for tail in ("n't", "nt")) | {"cannot"}


# English plurals the stemmer does not join to their singular ("people" / "person"): general English, read where
# a word asked about must be found in a text (answer_types.unmet_focus), not in the index's terms
IRREGULAR_PLURALS = {"people": "person", "children": "child", "women": "woman", "men": "man", "persons": "person"}


def singular_stem(word: str) -> str:
    """The stem of a word's singular: 'people' and 'person' both give 'person'."""
    return stem(IRREGULAR_PLURALS.get(word, word))


# A sentence that opens by pointing back ("In these, we found...", "This meant that...", "These relationships were
# built on ...") does not say alone what it is about: the index embeds it with the sentence before it
# (units.embedded_text), and an answer quotes it with that sentence (reply.answer_quote). General English.
_POINTS_BACK = re.compile(r"^(?:In|During|From|Of|For|At) (?:these|this|that|those|them)\b|^(?:These|This|That|Those|They|It|Such|Here)\b")


def points_back(sentence: str) -> bool:
    """Whether a sentence opens by pointing back at the sentence before it."""
    return bool(_POINTS_BACK.match(sentence))


def normalise(text: str) -> str:
    """Whitespace folded to single spaces, ends trimmed."""
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """The text with its letters' accents dropped ("Gospić" → "Gospic", "Céloron" → "Celoron"): a name is typed
    with or without them. Compatibility forms are read as their plain letters too (NFKD)."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-case words (letters, digits, apostrophes), punctuation dropped: what phrase matching compares."""
    return re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")).split()


def padded(ws: list[str]) -> str:
    """Words between single spaces, so a phrase matches whole words only: f" {phrase} " in padded(ws)."""
    return f" {' '.join(ws)} "


def _stop_and_stemmer():
    """English stop words and a Snowball stemmer, one stemmer per thread (PyStemmer objects are not shared)."""
    if not hasattr(_local, "stemmer"):
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        _local.stop, _local.stemmer = frozenset(STOPWORDS_EN), Stemmer.Stemmer("english")
    return _local.stop, _local.stemmer


def tokens(text: str) -> list[str]:
    """Lower-cased words of two or more characters, English stop words out (not stemmed)."""
    stop, _ = _stop_and_stemmer()
    return [w for w in _WORD.findall(text.lower()) if w not in stop]


def terms(text: str) -> list[str]:
    """The BM25 terms of a text, for the indexes and the queries alike: tokens() stemmed with Snowball
    (what bm25s.tokenize does, without its progress bars, which cost more than the scoring on a query)."""
    _, stemmer = _stop_and_stemmer()
    return stemmer.stemWords(tokens(text))


STEM_PREFIX = 6  # letters two forms of one word share where the stemmer splits them ("respond"-ing, "respons"-e)


def stem(word: str) -> str:
    return _stop_and_stemmer()[1].stemWord(word)


@lru_cache(maxsize=4096)
def term_run(text: str) -> tuple[str, ...]:
    """terms() in order, remembered: the answerer reads the same candidate sentences on every turn about them."""
    return tuple(terms(text))


@lru_cache(maxsize=4096)
def stems(text: str) -> frozenset[str]:
    """terms() as a set, remembered: the answerer compares a question with the same few messages many times."""
    return frozenset(term_run(text))


@lru_cache(maxsize=65536)
def rarity(word: str) -> float:
    """How much a word says, from general English usage (wordfreq's Zipf scale, data inside the wheel):
    about 0.3 for 'the', 3 for 'prime', 7.5 for a word English text almost never uses. A prior that does
    not depend on any corpus, so a question's words can be weighed even where the index has never seen them."""
    from wordfreq import zipf_frequency

    return max(0.25, 7.5 - zipf_frequency(word, "en"))


def is_word(word: str) -> bool:
    """Whether general English uses the word (wordfreq: at least about once in 100 million words), so it is
    not a slip for another ('averaged' is a word; 'fundng' is not)."""
    return rarity(word) <= 5.5


# A contraction typed without its apostrophe ("didnt", "whats", "theyre"), and the contraction it stands for.
_CONTRACTED = re.compile(r"^([a-z]+?)(nt|s|re|ve|ll|d|m)$")


def is_common(word: str) -> bool:
    """Whether the word is among general English's most used (wordfreq: about once in 200,000 words or more:
    'since', 'last', 'control'), which say nothing of what a question is about. A contraction typed without
    its apostrophe is as common as the contraction ("didnt" as "didn't")."""
    if rarity(word) <= 2.2:
        return True
    m = _CONTRACTED.match(word)
    if not m:
        return False
    head, tail = m.groups()  # a contraction English uses, of one of its most used words
    if tail == "nt":  # "didnt", "cant", "wont"
        return rarity(f"{head}n't") <= 3.6
    return rarity(head) <= 2.2 and rarity(f"{head}'{tail}") <= 3.6
