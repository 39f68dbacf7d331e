"""A message a question names by its title ('what does key message 5 say?', 'the preamble', 'KM7?'), and what else
it asks about that message (conversation.py decides what to do with it). The indexed titles and the profile's
numbered-title scheme decide which message is named."""

from __future__ import annotations

import re

from .text import words

MAX_TITLE_WORDS = 12  # a title longer than this is never matched in a question
_ABOUT_WORDS = frozenset("what does do say says said is in the about tell me show read give whats what's on of it "
                         "cover covers mean number no please can you could saying summarise summarize summary sum up "
                         "nutshell gist explain main point points overview brief briefly quick quickly for all a an exactly actually again".split())


_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
                                      "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_NUMBERS) + r")\b", re.I)
_ORDINALS = {w: i for i, w in enumerate("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                       "twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
                                       "twentieth".split())}
_ORDINAL = re.compile(r"\b(" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+((?:[^\W\d_]+\s+)?[^\W\d_]+)\b", re.I)


def named_message(text: str, titles: dict[str, str], numbered=None) -> tuple[str | None, str]:
    """The message a question names by its title ('what does key message 5 say?', 'the preamble', or 'KM7?'
    through the profile's numbered-title scheme) and what else it asks about it ('' for the whole message); a
    question that names none as typed may name one with its numbers written as words ('key message six'): the titles
    and the profile's scheme decide which words number a message, nothing here does.
    titles: a title's words (text.words, joined by spaces) → id; numbered: the profile's NumberedTitles, if any.
    Cost: the question's word runs looked up, longest first, whatever the number of messages (twice at most)."""
    found = _named(text, titles, numbered)
    if found[0] is None and _NUMBER_WORD.search(text):
        return _named(_NUMBER_WORD.sub(lambda w: str(_NUMBERS[w.group().lower()]), text), titles, numbered)
    if found[0] is None and numbered and _ORDINAL.search(text):  # "the first key message" is "key message 1"
        return _named(_ORDINAL.sub(lambda m: _ordinal_named(m, numbered.words), text), titles, numbered)
    return found


def _ordinal_named(m: re.Match, scheme: frozenset[str]) -> str:
    """'first key message' as 'key message 1', when the words after the ordinal are all the scheme's ('key message',
    'msg'); else as typed ('the first time')."""
    said = words(m.group(2))
    named = len(said) if all(w in scheme or w.rstrip("s") in scheme for w in said) else int(said[0] in scheme)
    if not named:  # "the fifth message on poverty": the scheme's words are the first of the two
        return m.group(0)
    n = _ORDINALS.get(m.group(1).lower())
    return " ".join(said[:named] + [str(n if n is not None else int(m.group(1)[:-2]))] + said[named:])


def unnamed(text: str, numbered) -> str:
    """The question less its mentions of the profile's numbered-title scheme ("KM7 - leadership?" → " - leadership?"):
    once a question has named its message, the name is no term it asks the documents about."""
    return numbered.pattern.sub(" ", text) if numbered else text


# "key message 7 was about advocacy", "KM9 is the poverty one", "key message 3 covers ...": the person says what the
# message they name is about (read with the name left out, so "is key message 5 about ...?" reads "is about")
_SAYS_ABOUT = re.compile(r"\b(?:is|was|['’]s)\s+(?:(?:all|mainly|mostly|just|really)\s+)?(?:(?:the\s+)?one\s+)?(?:about|on|re|regarding)\b"
                         r"|\b(?:is|was|['’]s)\s+the\s+(?:[^\W\d_]+\s+){1,4}?one\b|\b(?:covers|covered|deals with|dealt with)\b", re.I)


def says_what_it_is_about(asked: str) -> bool:
    """Whether a question, its name of a message left out (unnamed), says what that message is about ("key message 7
    was about advocacy, wasn't it?"), a claim the documents can check, rather than asking what it says of something."""
    return bool(_SAYS_ABOUT.search(asked))


def _named(text: str, titles: dict[str, str], numbered) -> tuple[str | None, str]:
    ws = words(text)
    lowered = " ".join(ws)
    m = numbered.pattern.search(text) if numbered else None
    found = titles.get(" ".join(words(numbered.title.format(n=int(m.group(1)))))) if m else None
    rest = lowered if not m else lowered.replace(m.group(0).lower(), " ")
    if found is None:
        for n in range(min(len(ws), MAX_TITLE_WORDS), 0, -1):
            hit = next((i for i in range(len(ws) - n + 1) if " ".join(ws[i:i + n]) in titles), None)
            if hit is not None:
                found, rest = titles[" ".join(ws[hit:hit + n])], " ".join(ws[:hit] + ws[hit + n:])
                break
    if found is None:
        return None, ""
    scheme = numbered.words if numbered else frozenset()
    return found, " ".join(w for w in rest.split() if w not in _ABOUT_WORDS and w not in scheme and not w.isdigit())
