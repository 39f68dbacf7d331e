"""What a question asks, before retrieval: normalised text, glossary expansion, and the facts the
answerer checks (does it ask for a number? does it name something the documents never mention?)."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .answer_types import AnswerType, focus
from .errors import CorpusError
from .followups import refers_back
from .scene import (ASKS_FIRST, EXAMPLE, GLOSS, MIN_BEFORE_GLOSS, TRAILING_GLOSS, asking_sentence, says_who,
                    signed_bracket)
from .text import STEM_PREFIX, STOP, fold, is_word, normalise, padded, terms, words

_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
# Endings that make a name's adjective or its people ("Californian", "Nepalese", "Kievan", "Danish"): such a word
# names what the documents name by its stem
_DERIVED = ("ian", "an", "n", "ese", "ish")
_MONTHS = {m[:3]: m for m in ("january february march april may june july august september october november "
                                "december").split()} | {"sept": "september"}  # "Feb 2010": February
_GROUPED = re.compile(r"(?<![\d,.])\d++(?:[,.]\d++)+")  # a number written with separators: "1,655,114", "5.9"
_YEAR_RANGE = re.compile(r"\b(1[89]|20)\d\d ?[-–/] ?(\d\d)\b")  # "2021-25": 25 is 2025
# not a contraction in capitals ("ISN'T", "DON'T"): a word said with stress, not an acronym
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}s?\b(?!['’](?i:t|ve|ll|re|d|m)\b)")
_PROPER = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]{2,}\b")
# A common word typed in capitals is stressed ("we ARE the early help offer", "which kids were NOT asked"), not an
# acronym; these few are acronyms as often as words (the WHO, IT, the US), so they may still name something
_NAMES_TOO = frozenset({"who", "it", "us", "am"})
_STRESS = frozenset("no never ever only still just even really actually every always nothing anything everything none "
                    "nobody anybody anyone everyone something not my our your their his her me".split())


def _stressed(candidate: str) -> bool:
    """Whether a name or acronym candidate is a common word in capitals, said with stress (STOP, or _STRESS)."""
    w = candidate.lower()
    return candidate.isupper() and w not in _NAMES_TOO and (w in STOP or w in _STRESS)


# "in plain English, what ...": how the answer is wanted, never a name the question asks about
_PLAIN = re.compile(r"\bin plain (?:english|terms|language|words)\b", re.I)
# "outside of covid, ...", "apart from DV": what follows is what the question is NOT about
# "outwith" (Scots: outside) leaves a thing out only where a clause begins: "and outwith covid - ...", not "pressures
# outwith staff control"
# "perinatal stuff aside, ...": the same, put first in its clause, before a comma or a dash ("set aside" is not)
_EXCEPT = re.compile(r"(?:\b(?:outside of|apart from|other than|except for|except|excluding|aside from|leaving aside|"
                     r"not counting|not including)|(?:^\W*|\b(?:and|but|so) |, )outwith)"
                     r" (?:the |a )?[\w-]+(?: (?:period|times?|pandemic|era|years?))?"
                     r"|(?:^\W{0,3}|[,;:] ?|\s[-–—] ?)(?:[\w'/-]{1,30} ){1,3}aside(?= ?[,;:–—-])", re.I)


# A job is not opened by a preposition or a question word: "without an advocate, ..." asks about advocates
_NOT_A_ROLE = r"(?!(?:without|with|for|about|if|when|whether|does|do|did|is|are|was|were|can|how|what|why|who|where|any|no)\b)"
# verbs of work an asker says they are doing after their job ("... prepping a training session", "... covering three areas")
_DOING = (r"(?:prepping|preparing|writing|drafting|putting together|planning|running|delivering|reviewing|"
          r"updating|covering|working on|doing|pulling together)")


@lru_cache(maxsize=4)
def introduction(roles: tuple[str, ...] = ()) -> re.Pattern:
    """The opening that says who is asking ("as a residential worker, ...", "MARAC coordinator here - ...", "MARAC chair
    asking - ...", and with
    `roles`, the nouns for jobs, "residential worker - ...", "DS in the PPU - ...", "depute head at a primary. ..."): a
    name the documents never use there is the asker's job or workplace, not what is asked about; so is a place the
    asker says they are in ("I'm in Highland, what does it say about advocacy?"), and who told them what they ask to
    check ("my PE says chronologies were strong, true?"). Every repeat is
    bounded and it is matched at the start only, so its cost does not grow with the text. A semicolon that ends it is
    followed by a space ("tl;dr" opens with no job). The role nouns are data
    (prompts/intents.json "roles", cues.asker_intro)."""
    where = r"(?: (?:in|at|from|with|w/|on|for|of) (?:[\w'&/-]+ ){0,5}[\w'&/-]+)?"  # "DS in the PPU", "GP w/ a CP interest"
    # what the asker is doing it for ("reporter prepping a training session for panel members.")
    doing = r"(?: " + _DOING + r"(?: \w[\w'&-]*){1,8})?"  # words, not a dash set off by spaces
    aside = r"(?: ?\([^()\n]{1,40}\))?"  # "CP adviser (NHS board). ...": where the asker works, in brackets
    again = r"(?: again)?"  # "DC again - what are the main concerns?": the same asker as before
    nouns = "(?:" + "|".join(map(re.escape, roles)) + ")"
    unit = r"(?:, (?:[\w'&/-]+ ){0,3}" + nouns + r")?"  # "police inspector, PPU. ...": the unit they are in, a job noun too
    role = r"|" + _NOT_A_ROLE + r"(?:[\w'&/-]+ ){0,4}" + nouns + again + where + unit + aside + doing if roles else ""
    return re.compile(r"^\W{0,3}(?:(?:hi|hiya|hello|hey|morning|afternoon|right|ok|okay)\b[\s,!.]{0,3})?(?:(?:as an?|(?:i'?m|i am) an?|"
                      r"(?:i'?m|i am|we'?re|we are) (?:in|from|based in|based at|working in|working at)) "
                      r"[^,.;:?!\n]{2,40}?|[^,.;:?!\n]{2,40}? (?:here|asking)" + aside + r"|(?:a )?quick (?:one|question|q|query) from (?:[\w'&-]+ ){0,4}[\w'&-]+" + role + r") ?(?:[,.:]|;(?=\s|$)| [-–—]{1,2} |"
                      r" and (?=(?:i|i'd|i'm|would|was|am|wondered|wonder|need|want|we)\b)"
                      # "as a GP I'm curious whether ...": the asker goes on to speak of themselves
                      r"| (?=(?:i'?m|i am|i was|i'?ve|i have|i'?d|i would|i need|i want|i wonder(?:ed)?|i (?!\w+ly\b)[a-z]+)\b))"
                      # who told the asker what they ask to check ("my PE says chronologies are strong now, true?")
                      r"|^\W{0,3}my (?:[\w'&-]+ ){0,2}[\w'&-]+ (?:says|said|told me|tells me|reckons|reckoned|thinks|thought|claims|claimed)"
                      r"(?: that)? (?=\w)", re.I)


# "16 yr olds", "a 15-year-old", "under 5s", "14yo", "14/15 yr olds", "16 and 17 year olds", "13-16s", "16+": an age (or a range of
# ages) describes the child asked about, it is not a number asked for
_AGE = re.compile(r"\b(?:under |over |aged? )?(\d{1,2})(?: ?(?:/|-|–|to|and|&|or| ) ?(\d{1,2}))? ?"
                  r"(?:-? ?(?:yrs?|years?) ?-? ?olds?\b|yo\b|s\b|yrs?\b(?! ago)|\+(?!\s*\d))", re.I)

# "my care leavers are 16-17", "young people aged 12/13": a range said of people, without "year olds"
# and a teenage range set off by a comma or a bracket after the people it is said of ("the young people I work with, 16-21")
_AGE_OF_PEOPLE = re.compile(r"(?:\b(?:aged?|are|they['’]re|theyre|she['’]s|he['’]s|who['’]re) (1?\d)|(?<=[,(]) ?(1\d))"
                            r" ?(?:-|–|/|to) ?(1?\d|2[0-5])\b(?! ?(?:%|per|am|pm|[:.]\d))", re.I)

# "im 17 and nobody listens", "she's 15, is that older?", "17 here, ...", "aged 16", "my grandson is 15 and ...": one age
# said of a person, the asker or someone they speak of (a child named by kin, _KIN), where a clause ends after it or a
# question starts ("im 15 do they ...") (not "I'm 2 weeks in", "she's 1 of 3")
_KIN = (r"(?:son|daughter|grandson|granddaughter|stepson|stepdaughter|niece|nephew|boy|girl|lad|laddie|lassie|kid|child"
        r"|wean|bairn|brother|sister|cousin)")
_AGE_OF_ONE = re.compile(r"(?:\b(?:i['’]?m|i am|she['’]?s|shes|he['’]?s|hes|who['’]?s|who is|aged?|" + _KIN + r"(?:['’]s| is))"
                         r" (?:only |just |nearly |almost "
                         r"|now |turning )?|^\W{0,3}(?=\d{2} here\b))(1\d|2[0-5]|[1-9])"
                         r"(?=\s*(?:[,.;:!?)–—]|-(?!\d)|$|(?:and|but|so|now|here|myself|too|btw|lol)\b"
                         r"|(?:do|does|did|is|are|was|were|how|what|why|can|will|would|should|could|has|have)\s))", re.I)


def _age_words(text: str, wording=None) -> tuple[list[str], list[str]]:
    """The ages a text mentions (as written) and what the documents call children of those ages (the
    profile's age bands, through `wording(age) -> str | None`)."""
    found, called = [], []
    for m in itertools.chain(_AGE.finditer(text), _AGE_OF_PEOPLE.finditer(text), _AGE_OF_ONE.finditer(text)):
        for g in m.groups():
            if g:
                found.append(g)
                said = wording(int(g)) if wording else None
                if said:
                    called.append(said)
    return found, list(dict.fromkeys(called))


@dataclass(frozen=True)
class Query:
    text: str  # as the user wrote it, whitespace folded
    expanded: str  # text plus glossary expansions, what retrieval sees
    asks: tuple[str, ...]  # answer types the question asks for (index/answer_types.json)
    unknown_terms: tuple[str, ...]  # numbers, acronyms and names the documents never use
    own: str = ""  # the user's own words, typing slips mended: what sentence choice sees
    glossed: tuple[tuple[str, str], ...] = ()  # (a glossary term the question uses, the documents' words it stands for)
    stressed: tuple[str, ...] = ()  # what the question asks about in particular ("health visitors specifically"): focus()

    def __post_init__(self):
        if not self.own:
            object.__setattr__(self, "own", self.text)


@lru_cache(maxsize=8)
def load_glossary(path: Path) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        out: dict[str, tuple[str, ...]] = {}
        for k, v in raw.items():
            if not k.startswith("_"):  # a term is read as expand() reads text: "multi-agency" as "multi agency"
                key = " ".join(_as_matched(k).split())
                out[key] = tuple(dict.fromkeys(out.get(key, ()) + tuple(v)))
        return out
    except (ValueError, AttributeError, TypeError) as exc:
        raise CorpusError(f"the glossary {path} is not a JSON object of word → list of phrases: {exc}") from exc


@lru_cache(maxsize=8)
def load_names(path: Path) -> tuple[str, ...]:
    """Places and bodies the documents never name (index/names.json), lower case."""
    if not path.exists():
        return ()
    try:
        return tuple(n.lower() for n in json.loads(path.read_text(encoding="utf-8"))["names"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorpusError(f"the names file {path} is not a JSON object with a list 'names': {exc}") from exc


def _as_matched(text: str) -> str:
    """Text as glossary terms are looked for in it, padded with spaces: lower case, every character but letters,
    digits, spaces and apostrophes a space, possessives dropped ("DV's" is DV, "child's plan" is "child plan")."""
    return re.sub(r"'s? ", " ", " " + re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("’", "'")) + " ")


def expand(text: str, glossary: dict[str, tuple[str, ...]]) -> tuple[str, set[str]]:
    """Text with each glossary term's phrases appended once, and the set of terms that matched."""
    lowered = _as_matched(text)
    lowered += " ".join(w[:-1] for w in lowered.split() if w.endswith("s") and w[:-1] in glossary) + " "  # plurals: LACs
    hits, extra = set(), []
    for term, phrases in glossary.items():
        if f" {term} " in lowered:
            hits.add(term)
            extra.extend(p for p in phrases if p not in extra)
    return (text + " (" + "; ".join(extra) + ")" if extra else text), hits


def vocabulary(texts) -> frozenset[str]:
    """The words the texts use, lower-cased and without accents, their hyphenated parts, and each number written
    with separators whole ("189,863", and "189863"), as a question names them."""
    texts = [fold(t) for t in texts]
    found = {w.lower().strip("'’-") for t in texts for w in _WORDS.findall(t)}
    grouped = {n for t in texts for n in _GROUPED.findall(t)}
    return frozenset(found | {part for w in found for part in re.split(r"['’-]", w) if part} | grouped
                     | {n.replace(",", "") for n in grouped} | {a for t in texts for a in initialisms(t)})


_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?: (?:of |and |for |on |the )?[A-Z][a-z]+)+")
MAX_INITIALISM = 6  # capitalised words an initialism is made of, at most (hand-set)


def initialisms(text: str) -> set[str]:
    """The initials of each run of two or more capitalised words in the text, lower-cased ("Scottish Parliament":
    "sp"; "The National Climate Change Action Plan": "nccap" and the others its runs make): an acronym a question
    uses for a name the documents spell out. Connecting words ("of", "and") have no letter, as in most acronyms."""
    out = set()
    for run in _CAPITALISED_RUN.findall(text):
        caps = [w[0].lower() for w in run.split() if w[0].isupper()]
        for i in range(len(caps)):
            for j in range(i + 2, min(len(caps), i + MAX_INITIALISM) + 1):
                out.add("".join(caps[i:j]))
    return out


class Spellable:
    """The corpus's words grouped by first letter and length, so a slip is looked for among the few words
    that could be it, not the whole vocabulary (a first-letter slip is not mended)."""

    def __init__(self, words):
        self._by: dict[tuple[str, int], list[str]] = {}
        for w in sorted(words):
            self._by.setdefault((w[0], len(w)), []).append(w)

    def near(self, word: str, slips: int) -> list[str]:
        return [w for n in range(len(word) - slips, len(word) + slips + 1) for w in self._by.get((word[0], n), ())]


def slips(text: str, vocab: frozenset[str], spellable) -> dict[str, str]:
    """Each word of the text that nearly spells a corpus word, and that word ('plannng' → 'planning'): one slip in
    words of 5–7 letters, two in longer ones; words the corpus already uses are left alone. The corpus words are
    searched with the question, and a name typed with a slip ("Geordia" for "Geordie") is a name the documents use.
    `spellable`: a Spellable, or a plain list of words (tests)."""
    if not isinstance(spellable, Spellable):
        spellable = Spellable(spellable)
    out = {}
    for word in re.findall(r"[a-z]{5,}", text.lower()):
        if word in vocab:
            continue
        slips = 1 if len(word) <= 7 else 2
        hit = nearest(word, spellable.near(word, slips), slips)
        # 'protection' is not a slip for 'protective': the stemmer joins them already, and adding the
        # corpus word would count that stem twice. A word English uses is no slip for another word ('whole' is
        # not 'while', 'leavers' not 'leaders'), only another form of itself ('responded': 'response')
        if hit and is_word(word) and hit[:STEM_PREFIX] != word[:STEM_PREFIX]:
            continue
        if hit and terms(hit) != terms(word):
            out[word] = hit
    return out


def nearest(word: str, choices, slips: int, swaps: bool = False) -> str | None:
    """The choice within `slips` edits of the word (Levenshtein, rapidfuzz), or None. `swaps`: two letters swapped
    count as one edit ('overveiw'; optimal string alignment)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA, Levenshtein

    hit = process.extractOne(word, choices, scorer=(OSA if swaps else Levenshtein).distance, score_cutoff=slips)
    return hit[0] if hit else None


@lru_cache(maxsize=8)
def trigger_words(types: tuple[AnswerType, ...]) -> list[str]:
    """The words of five or more letters the answer types' question patterns look for ('funding', 'percentage')."""
    return sorted({w for t in types for w in re.findall(r"[a-z]{5,}", t.question.pattern.lower())})


def typed_as_meant(text: str, vocab: frozenset[str], types: tuple[AnswerType, ...]) -> str:
    """The text with slips in answer-type words mended ('how much fundng' → 'how much funding'), so a
    misspelt request for a number, date or name is still recognised as one."""
    triggers = trigger_words(types)
    if not triggers:
        return text

    def fix(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in vocab or word.lower() in triggers or is_word(word.lower()):  # "averaged" is no slip for "average"
            return word
        return nearest(word.lower(), triggers, 1) or word

    # One slip only, in words of six letters or more: 'worse' is not 'worst', 'findings' is not 'funding'.
    return re.sub(r"[A-Za-z]{6,}", fix, text)


def analyse(text: str, glossary: dict[str, tuple[str, ...]], vocab: frozenset[str], types: tuple[AnswerType, ...] = (),
            ordered_vocab=None, names: tuple[str, ...] = (), age_wording=None, phrase_used=None,
            aside=None, chatter: frozenset[str] = frozenset(), intro: re.Pattern | None = None, own=None) -> Query:
    """`phrase_used(name) -> bool`: whether the documents use a listed name of several words as a phrase ("young
    carers" where they say "carers" and "young" apart); without it such a name counts only when one of its words
    is unknown. `aside(words) -> words`: the words less those saying who asks and who the answer is for
    ("for a DA training session next wk - what does it say about domestic abuse?"): a name, acronym or number
    said only there is no topic the question asks about. `chatter`: words that carry no request ("OK", "pls"),
    never a name or acronym asked about however they are typed. `intro`: the opening that says who asks
    (introduction(); without it, one with no role nouns). `own(text) -> words`: the words of the asker's own things said
    where nothing is asked ("my PSW keeps going on about ..."): no topic either."""
    text = normalise(text)
    expanded, hits = expand(_EXCEPT.sub(" ", text), glossary)
    slipped = slips(fold(text), vocab, ordered_vocab) if ordered_vocab else {}
    fixes = list(dict.fromkeys(slipped.values()))
    if fixes:
        expanded += " " + " ".join(fixes)
    ages, age_words = _age_words(text, age_wording)
    if age_words:
        expanded += " (" + "; ".join(age_words) + ")"
    extra = {w for t in hits for w in t.split()} | set(ages)
    known = lambda w: w in vocab or w in extra or w in glossary  # no per-question copy of the vocabulary
    shouting = sum(w[:1].isupper() for w in text.split()) > len(text.split()) / 2  # Title Case or CAPS
    opening = intro or introduction()
    intro = opening.match(text)
    after_intro = text[intro.end():] if intro and intro.end() < len(text) else text
    signed = signed_bracket(after_intro)  # "... every child and family? (researcher for an MSP)": who asks, in brackets
    if signed and after_intro[:signed[0]].strip() and says_who(opening, signed[1]):  # after the question
        after_intro = after_intro[:signed[0]].rstrip()
    asked = GLOSS.sub(" ", _PLAIN.sub(" ", after_intro))
    said = asking_sentence(asked)  # "rural area, barely any MH services within 60 miles. does it mention access to
    if said != asked and not refers_back(said):  # resources being an issue?": what the statements before the question
        asked = said  # name sets its scene; the question, pointing at none of it, is what must be in the documents
    for aside_of in (TRAILING_GLOSS, EXAMPLE, _EXCEPT):  # an example named last or set off; what the question leaves
        # out ("apart from FGM")
        rest = aside_of.sub(" ", asked)
        asked = rest if len(words(rest)) >= MIN_BEFORE_GLOSS else asked
    # a stop word in capitals is part of a name, not a name ("a Who Cares? worker": 'Cares' is the name's word to judge)
    candidates = _NUMBER.findall(asked) + ([] if shouting else _ACRONYM.findall(asked) + [
        p for p in _PROPER.findall(asked) if p.lower() not in STOP])
    # possessives: "Fife's" names Fife, "Bairns' Hoose" the Bairns Hoose; "Safe & Together" is the name "safe and together"
    ws = words(re.sub(r"['’]s\b|(?<=s)['’](?!\w)", "", asked.replace(" & ", " and "), flags=re.I))
    kept = aside(ws) if aside else ws
    mine = own(asked) if own else frozenset()
    kept = [w for w in kept if w not in mine] if mine else kept
    only_aside = set(ws) - set(kept) if len(kept) < len(ws) else frozenset()
    candidates = [c for c in candidates if c.lower() not in only_aside and c.lower() not in chatter and not _stressed(c)]
    said = padded(kept)
    seen = {c.lower() for c in candidates}
    candidates += [n for n in names if f" {n} " in said and n not in seen and (
        not all(known(w) for w in n.split()) or (" " in n and phrase_used is not None and not phrase_used(n)))]
    # each year of a range stands for the year it ends in ("21" of "2020/21" is 2021): a range that ends in a year the
    # documents use overlaps their time, though it starts before it
    short_years: dict[str, str] = {}
    for m in _YEAR_RANGE.finditer(text):
        short_years[m.group(2)] = short_years[m.group(0)[:4]] = m.group(1) + m.group(2)
    named = lambda c: (known(c) or known(c.rstrip("s")) or known(c + "s") or c in slipped or known(_MONTHS.get(c, ""))
                       or any(c.endswith(end) and len(c) - len(end) >= 4 and known(c[:-len(end)]) for end in _DERIVED))
    # a plural or a possessive ("Edmond's" for Edmonds), a slip, a month cut short, or "Nepalese" for Nepal
    unknown = tuple(dict.fromkeys(
        c for c in candidates if not (named(fold(c).lower()) or known(short_years.get(c, ""))) and len(c) > 1
    ))
    # a listed name within a longer one unknown too ("named person" in "named person service") is that one, not a second
    unknown = tuple(c for c in unknown if not any(o != c and f" {c} " in f" {o} " for o in unknown))
    # what the question asks for is judged after who asks ("money advice worker - do they ask the kids ...?" asks for no
    # sum), when the opening is no question itself ("what counts as an 'older young person' here - 16+?")
    meant = typed_as_meant(asking_sentence(text if ASKS_FIRST.match(text) else after_intro), vocab, types)
    return Query(text, expanded, tuple(t.name for t in types if t.asked_by(meant)), unknown,
                 " ".join([text, *fixes]), tuple((t, " ".join(glossary[t])) for t in sorted(hits)) + tuple(
                     (a, w) for a, w in zip(ages, age_words)), focus(asked))
