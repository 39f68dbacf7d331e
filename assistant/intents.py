"""What a turn says before anything is searched, read with the reviewed cue phrases (prompts/intents.json, loaded by
cues.py: greetings, thanks, refusals, "tell me more", overview cues). Broad cues: broad_cues.py. A message named by its
title: titles.py.
Who is asking and who the answer is for: asker.py. How a follow-up leans on the last topic: followups.py. Every pattern
here runs in linear time on user text (tests/test_cost.py). The conversation (conversation.py) decides what to do with
what this module reads."""

from __future__ import annotations

import re
from functools import lru_cache

from .audience import without_audience
from .broad_cues import is_broad
from .cues import ASK_WORDS, filler, has_any, intents, introduction_openings, job_nouns, whole_phrases
from .followups import PEOPLE
from .text import STOP, fold, padded, words


_POLITE = frozenset("please pls plz kindly now ok okay right so and then also".split())  # may come before the verb
_CAN = frozenset("can could would will".split())  # "can you ..." puts a request as a question


def _put_to_you(ws: list[str]) -> int:  # how many words put a request to the assistant as a question ("can you", "could u")
    return 2 if len(ws) > 2 and ws[0] in _CAN and ws[1] in _YOU else 0


def opens_refusal(ws: list[str], data: dict) -> bool:
    """Whether the words open, after a polite word or two ("please", "ok then"), with a verb asking the assistant to
    compose something (prompts/intents.json "refuse_opening": "draft supervision notes ...", "pls write up ..."), a
    request put as a question to the assistant too ("can you rank those from worst to best?")."""
    ws = ws[_put_to_you(ws):]
    at = next((i for i, w in enumerate(ws[:3]) if w not in _POLITE), None)
    if at is None or ws[at] not in data.get("refuse_opening", ()):
        return False
    return not (at + 1 < len(ws) and ws[at + 1].endswith("ly"))  # "put simply, is DV an issue?" says how it is asked


def route(text: str, content: frozenset[str] = frozenset(), collection: frozenset[str] = frozenset()) -> str | None:
    """The intent of a turn that is not a plain question: greeting, thanks, goodbye, help, refuse, more, else, which,
    plainer; None for a question. `content` is the corpus's own topic words: a short turn with a social word and none
    of them ("cheers mate") is chit-chat, and so is a question put to the assistant itself ("are you a robot?").
    `collection`: the words of the documents' titles, which ask for nothing after an opening ("can you help me with
    the joint inspection key messages?")."""
    data, ws = intents(), [_DRAWN_OUT.sub(r"\1", w) for w in words(fold(text))]  # "helloooo", "thanksss", "halò"
    if not ws:
        return None
    for name, phrases in data["contains"].items():
        if has_any(ws, phrases):
            return name
    if opens_refusal(ws, data):  # "draft supervision notes for my worker based on ..."
        return "refuse"
    if has_any(ws, data["override"]):  # getting round the instructions: refused (whole: refusal.refused_part)
        return "refuse"
    if _PLAINER.match(text):  # "and in plain English?": the last answer again, in the documents' own words
        return "plainer"
    if _WHICH.match(text):
        return "which"
    if _ELSE_BUT.match(text):
        return "else"
    no_request = filler()
    put = _put_to_you(ws)  # "can you say a bit more?": the phrase after it must cover every non-filler word
    others = [i for i, w in enumerate(ws) if i >= put and w not in no_request]
    first, last = (others[0], others[-1]) if others else (len(ws), -1)
    said = padded(ws)
    for name, phrases in whole_phrases():
        for pw in phrases:
            if f" {' '.join(pw)} " not in said:  # one C-speed scan, not a slice per word per phrase
                continue
            n = len(pw)
            for i in range(max(0, last - n + 1), min(first, len(ws) - n) + 1):
                if ws[i : i + n] == pw:
                    return name
    if (asked := _for_someone(ws, no_request)) is not None:  # "anything else I should flag to the committee?"
        return asked
    if not others and len(ws) <= 4:
        return "thanks" if {"thanks", "cheers", "ta", "helpful", "useful"} & set(ws) else None
    if (social := _social_run(ws, no_request)) is not None:
        return social
    if _opens(ws, said, collection) or (_introduces(ws, text) and "?" not in text) or _greets_from(ws, text):
        return "greeting"
    if content and not any(w in content for w in ws):
        if len(ws) <= 4:
            for name in ("greeting", "thanks", "goodbye"):
                if any(w in ws for w in data["whole"][name] if " " not in w):
                    return name
        # a social word first, then a remark that asks nothing and names nothing the documents speak of ("morning from
        # a very wet Paisley", "cheers, that's sorted me out")
        if len(ws) <= MAX_SOCIAL_WORDS and "?" not in text and not ASK_WORDS & set(ws):
            opening = next((name for name, pw in _social_phrases() if name in SOCIAL and ws[:len(pw)] == pw), None)
            if opening:  # a phrase of one word or more ("good morning from the ward")
                return opening
            if ws[0] in data["interjections"]:  # "lol sorry, typing on my phone on the train"
                return "acknowledge"
        if _YOU & set(ws) and len(ws) <= 10 and not is_broad(text) and not _TELL_ME_ASK.search(text) and \
                not any(_in_content(w, content) for w in ws):  # "the council's chronology template" names a topic
            return "help"  # not "can you give me the main points" (an overview) or "can you tell me what X got" (a question)
    return None


_FOR_SOMEONE = ("else", "more")  # the intents a turn may ask for someone else's use ("tell me more for my team briefing")


@lru_cache(maxsize=1)
def _for_someone_phrases() -> tuple[tuple[str, frozenset[tuple[str, ...]]], ...]:
    """(intent, its phrases' words less filler) of the _FOR_SOMEONE intents, built once."""
    skip = filler()
    return tuple((name, frozenset(tuple(w for w in pw if w not in skip) for pw in pws))
                 for name, pws in whole_phrases() if name in _FOR_SOMEONE)


def _for_someone(ws: list[str], no_request: frozenset[str]) -> str | None:
    """A turn that is one of the "else" or "more" phrases once who the answer is for is set aside (audience.py:
    "anything else I should flag to the committee?", "anything else for my team meeting?"); None otherwise.
    `no_request`: the filler words (cues.filler), which the phrases are compared without."""
    kept = without_audience(ws)
    if len(kept) == len(ws):
        return None
    said = tuple(w for w in kept if w not in no_request)
    if not said:  # "hiya, CPC lead officer here": nothing but who asks
        return None
    return next((name for name, phrases in _for_someone_phrases() if said in phrases), None)


def _in_content(word: str, content: frozenset[str]) -> bool:
    """Whether the word, or its plural, is one of the corpus's topic words ("chronology" where the documents say
    "chronologies")."""
    return word in content or len(word) > 3 and (word + "s" in content or word.endswith("y") and word[:-1] + "ies" in content)


SOCIAL = ("goodbye", "thanks", "greeting")  # the social intents, in the order a turn made of several is named by
_RUN = ("goodbye", "more") + SOCIAL[1:]  # in a run, asking for more outranks all but leaving ("go on, tell me a bit more")
MAX_SOCIAL_WORDS, _FOR_MINE = 16, 6  # hand-set: the most words of a run of social phrases, and of "for our X" ending it
_USEFUL = frozenset("useful helpful handy perfect great brilliant ideal".split())  # "useful for the COG" says a use


@lru_cache(maxsize=1)
def _social_phrases() -> tuple[tuple[str, list[str]], ...]:
    """(intent, phrase words) of _RUN's "whole" cues and "acknowledge", longest first in each; a bare 'and' joins them."""
    return tuple((name, pw) for name, pws in whole_phrases() if name in _RUN + ("acknowledge",) for pw in pws if pw != ["and"])


def _social_run(ws: list[str], no_request: frozenset[str]) -> str | None:
    """A turn of social phrases, requests for more and filler words ("thanks, bye", "go on, tell me more"), perhaps
    ending with its use ("thanks, that's helpful for our CPC plan"): named by the first of _RUN it uses, else an
    acknowledgement. Phrases are tried longest first at each word; cost: words times phrases, under MAX_SOCIAL_WORDS."""
    if len(ws) > MAX_SOCIAL_WORDS:
        return None
    phrases, used, i = _social_phrases(), set(), 0
    while i < len(ws):
        hit = next(((name, len(pw)) for name, pw in phrases if ws[i:i + len(pw)] == pw), None)  # "for your help" too
        if hit is None and used and ws[i] == "for" and len(ws) - i <= _FOR_MINE and (
                ws[i + 1:i + 2] in (["my"], ["our"]) or ws[i + 1:i + 2] == ["the"] and ws[i - 1] in _USEFUL):
            break  # "... for our team briefing", "that's useful for the COG": the asker's own use, at the end
        if hit is None and ws[i] in no_request:
            i += 1
            continue
        if hit is None:
            return None
        used.add(hit[0])
        i += hit[1]
    return next((name for name in _RUN if name in used), "acknowledge" if used else None)


_DRAWN_OUT = re.compile(r"([a-z])\1{2,}")  # a letter typed three times or more: no English word has that
_YOU = frozenset({"you", "your", "yourself", "u", "ur", "you're", "youre", "yours"})
# "can you tell me what Aberdeen's grade was?" asks about something, not about the assistant ("tell me what you can do"),
# and so does "can you define contextual safeguarding for me" (not "can you explain how you work")
_TELL_ME_ASK = re.compile(r"\b(?:tell|show|let) (?:me|us)(?: know)? (?:what|which|who|when|where|why|how|whether|if)\b(?!\s+(?:you|u)\b)"
                          r"|\b(?:advise|recommend) (?:me|us)\b"  # "what would you advise me to tell the chief exec?"
                          r"|\b(?:define|explain|describe|clarify) (?!(?:yourself|you|u|your|ur|it|this|that|"
                          r"(?:what|how) (?:you|u|this|it|to|i)|me|us)\b)\w", re.I)
_HAVE = frozenset("have has ive i've got".split())  # what may stand before an announcement of questions alone
_OPENING_TAIL = frozenset("with about on regarding re please pls".split())  # "can you help [me] with/about ..."
# general words for documents and for asking of them, which name no topic after an opening ("can you help me with
# questions about the joint inspection report?")
_OF_DOCUMENTS = frozenset("report reports document documents doc docs paper papers findings questions question qs "
                          "queries".split())


@lru_cache(maxsize=1)
def _greeting_words() -> frozenset[str]:
    """The one-word greetings of the "whole" cues ("hi", "hiya", "morning")."""
    return frozenset(p for p in intents()["whole"]["greeting"] if " " not in p)


@lru_cache(maxsize=1)
def _openings() -> tuple[str, ...]:
    """The "opening" phrases, longest first: the longest that fits is the one read ("couple of quick qs")."""
    return tuple(sorted(intents()["opening"], key=len, reverse=True))


def _opens(ws: list[str], said: str, collection: frozenset[str] = frozenset()) -> bool:
    """A turn that only announces a question ("hello, can you help with the key messages?", "hi, I've got a question
    about the findings"): it opens with a greeting word, has one of the "opening" phrases, and nothing after that phrase
    asks anything yet; or, with no greeting, it opens with the phrase and what follows names only the documents
    (`collection`: "can you answer questions about the 2021-25 joint inspection key messages?", not "can you help with
    my excel formula")."""
    if not ws:
        return False
    greeted = ws[0] in _greeting_words()
    for phrase in _openings():
        at = said.find(f" {phrase} ")
        if at >= 0:
            after = said[at + len(phrase) + 2:].split()
            if after[:1] == ["me"]:
                after = after[1:]
            if not greeted and not after and all(w in filler() or w in _HAVE for w in said[:at].split()):
                return True  # "i have a few questions", "couple of quick qs": nothing but the announcement
            if not greeted:
                return at == 0 and bool(collection and after) and after[0] in _OPENING_TAIL and \
                    all(w in collection or w in STOP or w in _OF_DOCUMENTS or w.isdigit() for w in after[1:])
            return not after or after[0] in _OPENING_TAIL and not any(w in ASK_WORDS for w in after)
    return False


def _greets_from(ws: list[str], text: str) -> bool:
    """A greeting and where it comes from, asking nothing ("good morning from the night shift in the kids house"): the
    place may name what the documents speak of, and still nothing is asked."""
    if len(ws) > MAX_SOCIAL_WORDS or "?" in text or ASK_WORDS & set(ws):
        return False
    return any(ws[:len(pw)] == pw and ws[len(pw):len(pw) + 1] == ["from"] for name, pw in _social_phrases()
               if name == "greeting")


# "... and have a few questions before our meeting", "..., couple of quick qs", "..., quick q": announcing questions asks
# none ('have' may open one)
_ANNOUNCED = re.compile(r"\b(?:(?:have|got) (?:a few|a couple of|a couple|some|few|a wee few)|(?:a )?(?:few|couple of))"
                        r"(?: quick)? (?:questions|qs|q's|queries)\b|\b(?:(?:have|got) )?(?:a |one )?quick (?:question|q|query)\b")
_I_AM = (("im",), ("i'm",), ("i", "am"))
# what a person says they are after is an ask ("hi, I'm looking for the bit on neglect"), not who they are or what
# they are doing ("hi, I'm writing a literature review on child protection inspections"): the -ing verbs that say so
_SEEKING = frozenset("looking wondering trying hoping asking needing searching struggling wanting seeking checking".split())
_WHERE = frozenset("in at w with for from on".split())  # "… worker in a small unit", "… worker w a charity"
MAX_INTRODUCTION_WORDS = 10  # hand-set: "hi, family support worker w a charity"; a longer turn says more than who asks


_RELATIVE = frozenset("who which".split())  # question words that, after the people they describe, open a clause instead
_STATES = frozenset("is are was were has have".split())  # ask when opening a clause, not inside one ("my patients are parents")
_CLAUSES = re.compile(r"[,.;:!?]|\s[-–—]+\s|\band\b")  # where a clause of a turn begins


def _introduces(ws: list[str], text: str) -> bool:
    """A greeting and who is asking, nothing asked yet ("hello, I'm a team manager in a children and families team",
    "good morning. I sit on the scrutiny committee", "hiya, CPC lead officer here", "hi, family support worker w a
    charity": a job noun of prompts/intents.json "roles")."""
    two = " ".join(ws[:2]) in intents()["whole"]["greeting"]  # "good morning", "hi there"
    lowered = text.lower()
    announced = list(_ANNOUNCED.finditer(lowered))
    low = _ANNOUNCED.sub(" ", lowered) if announced else lowered
    said = words(low)
    greeted = two or ws[0] in _greeting_words()
    # without a greeting, announcing questions last says the same ("HV team leader from a rural patch, couple of quick qs")
    if len(ws) < 3 or not (greeted or announced and not lowered[announced[-1].end():].strip(" .!:;-")):
        return False
    # "kids who have communication difficulties": 'who' after the people it describes opens no question
    if any(w in ASK_WORDS and w not in _STATES and not (w in _RELATIVE and said[k - 1] in PEOPLE)
           for k, w in enumerate(said) if k) or \
            _STATES & {c.split()[0] for c in _CLAUSES.split(low) if c.split()}:
        return False
    rest = said[2:] if two else said[1:] if greeted else said  # less any announcement of questions
    if " ".join(rest).startswith(introduction_openings()) or (said[-1:] == ["here"] and len(said) <= MAX_INTRODUCTION_WORDS):
        return True
    here = rest.index("here") + 1 if "here" in rest[:MAX_INTRODUCTION_WORDS] else 0  # "paediatrician here, prepping for …"
    if here and rest[here:] and (rest[here].endswith("ing") and rest[here] not in _SEEKING or
                                 " ".join(rest[here:]).startswith(introduction_openings())):  # "…, I work with dads"
        return True
    doing = next((rest[len(i):] for i in _I_AM if tuple(rest[:len(i)]) == i), [])  # "I'm putting together a CPD session"
    if doing and doing[0].endswith("ing") and (doing[0] not in _SEEKING or doing[:2] == ["looking", "after"]) or \
            _who_then_doing(low):  # "I'm looking after my sister's girls" says what they do, not what they seek
        return True
    job = max((i for i, w in enumerate(rest) if w in job_nouns()), default=None)  # then nothing or where they work
    return len(said) <= MAX_INTRODUCTION_WORDS and job is not None and (job + 1 == len(rest) or rest[job + 1] in _WHERE)


def _who_then_doing(low: str) -> bool:
    """After a greeting, a clause saying who asks (ending with a job noun or "here", or opening "I'm") and a later one
    saying what they are doing, its verb first ("evening. police inspector, rural division, just having a look at this
    before our CPC meeting", "hey, i'm care experienced and doing a uni project on this"); not what they are after
    ("… and looking for the bit on neglect": _SEEKING). The caller has made sure nothing is asked."""
    who = False
    for clause in (words(c) for c in _CLAUSES.split(low)):
        if not clause:
            continue
        verb = clause[1] if clause[0] == "just" and len(clause) > 1 else clause[0]
        if who and verb.endswith("ing") and verb not in _SEEKING:
            return True
        who = who or clause[-1] in job_nouns() or clause[-1] == "here" or any(
            tuple(clause[:len(i)]) == i for i in _I_AM)
    return False


# "which key message is that from?", "which msg?", "where does it say this?", "could you tell me which key message that
# comes from?": name the last answer's message(s)
# "and in plain English?", "can you say that more simply?", "what does that mean in layman's terms": the last answer put
# more simply, which only its own words can do (the same quotes again, saying so: prompts/answered.j2)
_PLAINER = re.compile(
    r"^\s*(?:so |and |ok |okay |but |sorry,? |right,? )?(?:(?:can|could|would) (?:you|u) )?(?:please |pls )?"
    r"(?:(?:say|put|explain|rephrase|word|tell me|give me|give) (?:that|this|it|me that|me it)(?: again)? "
    r"|what (?:does|did) (?:that|this|it) (?:mean|say) |(?:so )?what(?:'s|’s| is) (?:that|this|it) "
    r"|(?:that|this|it) |explain )?"
    r"(?:in (?:plain|simple|simpler|plainer|everyday|normal|easy|lay|layman'?s|layman’s|laymans|ordinary) "
    r"(?:english|terms|words|language|speak)|(?:more )?(?:simply|plainly)|(?:in )?(?:simpler|plainer) (?:terms|words))"
    r"(?:\s*(?:please|pls))?\W*$", re.I)

_WHICH = re.compile(
    r"^\s*(?:so |and |ok |okay |but |sorry,? )?(?:(?:can|could|would) (?:you|u) (?:please |pls )?(?:tell|show) me )?(?:"
    r"(?:which|what)(?: of the)? (?:number )?(?:key )?(?:messages?|msg|km)(?: number| no\.?)?"  # "what number message"
    r"(?: (?:is|was) (?:that|this|it)(?: one)?(?: from| in)?| (?:says|said|covers|mentions|has|had) (?:that|this|it)(?: one)?"
    r"| (?:did|does) (?:that|this|it) (?:come|comes) from| (?:that|this|it) (?:is|was|came|comes) from"
    # "which message number should I cite for that?"
    r"| (?:should|do|would|can|could) (?:i|we) (?:cite|quote|reference|credit|attribute)(?: (?:for|with))? (?:that|this|it))?"
    r"|(?:which|what) (?:bit|part|section|page|paragraph|chapter|sentence|line)(?: of (?:the|this) (?:report|document|doc|text))?"
    r" (?:says|said|covers|mentions|is|was) (?:that|this|it)(?: from| in)?"
    r"|where(?:'s|’s| is| was)? (?:that|this|it) from|where (?:does|did) (?:that|this|it) (?:say (?:that|this|it)|come from)"
    r"|(?:what(?:'s|’s| is) the )?source)"
    r"(?:,? (?:so (?:that )?(?:i|we) can|(?:i|we) (?:need|want) to|for (?:my|our|the)) [\w' ]{1,40}?)?"  # "so I can cite it"
    r"(?:\s*(?:please|pls))?\W*$", re.I)  # not \s*…\W*: both match spaces, quadratic


# "anything apart from covid?", "is there anything besides the DV stuff": something not yet shown, like "anything else?"
_ELSE_BUT = re.compile(
    r"^\W{0,3}(?:so |and |ok |okay |but )?(?:is there |are there |was there )?(?:anything|something|any other (?:messages?|findings?|"
    r"points?|themes?))(?: else)? (?:apart from|other than|besides|except(?: for)?|aside from|outside of|outwith) [\w'’-]+(?: [\w'’-]+){0,4}\W{0,3}$",
    re.I)


