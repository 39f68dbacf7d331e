"""Who the answer is for and what it is needed for: the words of a question that say so ("... for a social work team",
"need it for the core group training on tuesday", "GPs want the gist"), and so name no topic the answer must be about.
Every pattern here runs in linear time on user text (tests/test_cost.py)."""

from __future__ import annotations

from functools import lru_cache

from .cues import ASK_WORDS, intents, job_nouns

_AUDIENCE_OPENS = frozenset({"for", "to", "at", "with", "before"})  # "before committee": when it is needed
# "put these findings on a training slide", "quote it in a paper": where the answer will be put, after a verb of putting
# and what is put, at most MAX_AUDIENCE_WORDS words before ('on' alone often names the topic: "anything on secure
# placements"; "put in" may be a verb of its own: "put in a referral")
_PUT_OPENS = frozenset({"on", "in", "into"})
_PUT_VERBS = frozenset("put putting include including quote quoting cite citing add adding paste stick".split())
MAX_AUDIENCE_WORDS = 4  # hand-set: words naming who asks before 'here', or where they are before 'should know'
MAX_AUDIENCE_PHRASE = 5  # hand-set: words between the preposition and the audience word ("for our children's services
# planning partnership meeting")


@lru_cache(maxsize=1)
def _audience() -> frozenset[str]:
    return frozenset(intents()["audience"])


@lru_cache(maxsize=1)
def _audience_when() -> frozenset[str]:
    """Words saying when the answer is needed: they continue an audience phrase, never end one alone."""
    return _audience() | frozenset(intents()["audience_when"])


_AUDIENCE_LEAD = frozenset("a an the our my new any every all".split())  # what may stand before an audience word
_KNOW = (("should", "know"), ("must", "know"), ("need", "to", "know"), ("needs", "to", "know"), ("ought", "to", "know"))
_PLACE_OPENS = frozenset({"on", "in", "at", "from", "with"})


def _knows_at(ws: list[str], i: int) -> int:
    """How many words from i say what the audience word before i should know ("should know about", "need to know"),
    after at most MAX_AUDIENCE_WORDS words saying where they are ("a student on placement should know about"); 0 if
    none."""
    place = i < len(ws) and ws[i] in _PLACE_OPENS  # else the know phrase comes straight after the audience word
    for at in range(i, min(len(ws), i + (MAX_AUDIENCE_WORDS if place else 0) + 1)):
        for k in _KNOW:
            if tuple(ws[at:at + len(k)]) == k:
                end = at + len(k)
                return end - i + (1 if ws[end:end + 1] == ["about"] else 0)
    return 0


_PURPOSE_VERBS = frozenset("need needs needed want wants wanted using use".split())
_PURPOSE_OBJECTS = frozenset("it this that them these those".split())
_ASKED_OF = frozenset("do does did would will should could".split())
_GIST = frozenset("gist headlines headline summary overview rundown highlights basics".split())
_GIST_LEAD = frozenset("the a an some".split())


def _purpose_at(ws: list[str], i: int) -> int:
    """How many words from i say what the answer is for, when they run to the end: "need it for the core group
    training on tuesday" (a verb of needing or using, what is needed, "for", then at most MAX_AUDIENCE_WORDS + 1
    words before any saying when); 0 if none."""
    if ws[i] not in _PURPOSE_VERBS or i + 2 >= len(ws) or ws[i + 1] not in _PURPOSE_OBJECTS or ws[i + 2] != "for":
        return 0
    if i >= 2 and ws[i - 2] in _ASKED_OF:  # "what do we need it for": asked, not said
        return 0
    rest = ws[i + 3:]
    if ASK_WORDS & set(rest):
        return 0
    while rest and rest[-1] in _audience_when():
        rest = rest[:-1]
    return len(ws) - i if 0 < len(rest) <= MAX_AUDIENCE_WORDS + 1 else 0


def _wants_gist_at(ws: list[str], i: int) -> int:
    """How many words from i say that someone wants the gist ("GPs want the gist", "my manager wants a summary"): at
    most two words naming them, a verb of wanting, perhaps an article, a word for a summary; 0 if none."""
    for n in (1, 2):
        verb = i + n
        if verb + 1 < len(ws) and ws[verb] in _PURPOSE_VERBS and not (ASK_WORDS | _GIST) & set(ws[i:verb]):
            thing = verb + 2 if ws[verb + 1] in _GIST_LEAD else verb + 1
            if thing < len(ws) and ws[thing] in _GIST:
                return thing + 1 - i
    return 0


def without_audience(ws: list[str]) -> list[str]:
    """The words less who is asking and who the answer is for: a role the question opens with ('councillor here',
    'CPC lead officer here': at most MAX_AUDIENCE_WORDS words, none a question word, then 'here') and a phrase saying
    where the answer will be used ('for a social work team', 'at our next meeting': a preposition, at most
    MAX_AUDIENCE_PHRASE words, an audience word of prompts/intents.json), what it is needed for, at the end ("need it for
    the core group training on tuesday"), and who wants the gist ("GPs want the gist"). Cost: the words times
    MAX_AUDIENCE_WORDS."""
    here = next((i for i, w in enumerate(ws[:MAX_AUDIENCE_WORDS + 1]) if w == "here"), None)
    if here and not ASK_WORDS & set(ws[:here]):
        ws = ws[here + 1:]
    out, i, audience, going_on = [], 0, _audience(), _audience_when()
    while i < len(ws):
        know = _knows_at(ws, i + 1) if ws[i] in audience else 0  # "... a student on placement should know about"
        if know:
            while out and out[-1] in _AUDIENCE_LEAD:
                out.pop()
            i += 1 + know
            continue
        skip = _purpose_at(ws, i) or _wants_gist_at(ws, i)
        if skip:
            i += skip
            continue
        if ws[i] == "as" and i > 0:  # "as a nurse", "as a new CPC lead": who asks, in a job noun of prompts/intents.json
            end = next((j for j in range(i + 1, min(len(ws), i + 1 + MAX_AUDIENCE_WORDS)) if ws[j] in job_nouns()), None)
            if end is not None and (end + 1 == len(ws) or ws[end + 1] in _AUDIENCE_OPENS):
                i = end + 1
                continue
        if ws[i] in _AUDIENCE_OPENS or (ws[i] in _PUT_OPENS and _PUT_VERBS & set(ws[max(0, i - MAX_AUDIENCE_WORDS):max(0, i - 1)])):
            end = next((j for j in range(i + 1, min(len(ws), i + 2 + MAX_AUDIENCE_PHRASE)) if ws[j] in audience), None)
            if end is not None:
                # "for a core group training session": the phrase runs to its last audience word in reach, unless a
                # question word comes first ("for my team what does the report say")
                for j in range(end + 1, min(len(ws), i + 2 + MAX_AUDIENCE_PHRASE)):
                    if ws[j] in ASK_WORDS:
                        break
                    if ws[j] in audience:
                        end = j
                while end + 1 < len(ws) and ws[end + 1] in going_on:  # "team meeting", "session next wk"
                    end += 1
                i = end + 1
                continue
        out.append(ws[i])
        i += 1
    return out
