"""What surrounds a question without being part of what it asks: a letter's salutation and sign-off, an aside set down
with "anyway" or "X aside", a tag asking whether the assistant agrees, laughter typed after it. Each is taken off before
the question is read (conversation.Conversation); who is asking is asker.py. Every pattern here runs in linear time on
user text (tests/test_cost.py)."""

from __future__ import annotations

import re

from .text import words


# A letter's salutation ("Dear Sir/Madam,") and its sign-off with all that follows it ("Yours faithfully, J. McLeod,
# Service Manager"; "Kind regards, A. Nowak"; "Many thanks."): who writes and to whom, no part of what is asked
_SALUTATION = re.compile(r"^\W{0,3}(?:dear|to whom it may concern)\b[^,:\n]{0,40}[,:\n]\s*", re.I)
_SIGN_OFF = re.compile(r"(?:^|(?<=[.?!,\n])\s*)(?:yours (?:faithfully|sincerely|truly)|kind(?:est)? regards|best regards|warm regards|"
                       r"many thanks|thanks in advance|with thanks|best wishes|regards)\b", re.I)
# "my caseload's mental - anyway, did staff say they felt supported?": what comes before "anyway" is set aside
_ANYWAY = re.compile(r"\b(?:but |so |ok |okay )?(?:anyway|anyways|anyhow)\b[\s,:;.!–—-]+", re.I)
MIN_AFTER_ASIDE = 3  # hand-set: the fewest words after "anyway" that are a question of their own


def letter_body(text: str) -> str:
    """What a question pasted from a letter or an email asks: the text less its salutation ("Dear Sir/Madam,") and
    its sign-off with everything after it (name, job, organisation); the text itself when nothing else is left, so a
    turn that is only "Many thanks." is still thanks. Cost: one pass each."""
    body = text
    hello = _SALUTATION.match(body)
    if hello:
        body = body[hello.end():]
    bye = _SIGN_OFF.search(body)
    if bye and bye.start() > 0:
        body = body[:bye.start()]
    body = body.strip()
    return body if words(body) else text


# a question with a tag asking whether the assistant agrees ("is DV still a big issue, do you think?", "are wee ones getting
# a better response than teenagers would you say"): the question is asked and its answer quoted; no opinion is given.
# Not "..., what do you think?", which asks for the assistant's own view (refused: prompts/intents.json "refuse")
_TAG = re.compile(r"(?<=[a-z0-9])(?<!\bwhat)(?<!\bhow)(?<!\bso)(?:\s*,\s*|\s+)(?:do you think|would you say|do you reckon|"
                  r"d'?you reckon|would you agree|do you agree)\W*$", re.I)
MIN_TAGGED_WORDS = 4  # hand-set: the fewest words before such a tag for them to ask a question of their own


# "any good news in it at all lol": laughter after the question says how it is asked, not what (its words would move the
# search); anchored at the end, it reads what is there only
_LAUGHTER = re.compile(r"(?:(?<=\W)|^)(?:lol|lmao|rofl|ha(?:ha)+|he(?:he)+)[\s.!]*$", re.I)


def without_laughter(text: str) -> str:
    """The question less laughter typed after it ("lol", "haha"), when at least MIN_TAGGED_WORDS words come before
    it; else the text."""
    m = _LAUGHTER.search(text)
    return text[:m.start()].rstrip(" ,") if m and len(words(text[:m.start()])) >= MIN_TAGGED_WORDS else text


def without_tag(text: str) -> str:
    """The question less a tag asking whether the assistant agrees (_TAG), when at least MIN_TAGGED_WORDS words come
    before it, and marked as the question the tag made it; else the text. Cost: one pass."""
    tagged = _TAG.search(text)
    return text[:tagged.start()] + "?" if tagged and len(words(text[:tagged.start()])) >= MIN_TAGGED_WORDS else text


# "UNCRC aside, does it say ...", "leaving the Promise aside - ...": a few words the asker sets aside before the question;
# anchored at the start, so it reads a few words whatever follows
_SET_ASIDE = re.compile(r"^\W{0,3}(?:(?:leaving|putting|setting) )?(?:[^\W\d_]+ ){0,2}[^\W\d_]+ (?:aside|apart)\s*[,:;–—-]+\s*",
                        re.I)


def after_aside(text: str) -> str:
    """The question after an aside the asker sets down with "anyway" ("my caseload's mental - anyway, did staff say
    they felt supported?") or opens with ("UNCRC aside, does it say ...?"), when at least MIN_AFTER_ASIDE words follow
    it; else the text."""
    m = _SET_ASIDE.match(text) or _ANYWAY.search(text)
    if m is None or m.end() == len(text) or (m.re is _ANYWAY and m.start() == 0):
        return text
    rest = text[m.end():].strip()
    return rest if len(words(rest)) >= MIN_AFTER_ASIDE else text
