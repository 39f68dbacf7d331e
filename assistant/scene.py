"""What of a question's text is only its scene, not what must be in the documents: examples glossed in brackets or named
last ("(e.g. CSE)", "..., like UNCRC type stuff"), who asks in a bracket after the question ("(researcher for an MSP)"),
and statements before the sentence that asks. query.analyse reads a question less these. Every pattern here runs in
linear time on user text (tests/test_cost.py)."""

from __future__ import annotations

import re


# "(HSB type cases)", "(e.g. CSE)", "(aka IRDs)", "(foster, resi, kinship)": brackets that gloss the question's words with
# an example, a list of the kinds meant or the field's name for them; what is asked is outside them. Bounded on both sides
# of the marker word, and each listed kind at most 20 characters.
GLOSS = re.compile(r"\((?=[^()]{0,60}\))[^()]{0,40}?\b(?:types?|style|kinds?|sort|like|e\.?g|i\.?e|aka|such as)\b[^()]{0,40}\)"
                    r"|\((?:[^(),]{1,20},\s*){1,4}[^(),]{1,20}\)", re.I)
# "what does it say about children's rights, like UNCRC type stuff": an example named last, after a comma, a dash or the
# question's mark ("...? thinking GIRFEC / named person type stuff"), of the kind of thing the question names before it
# (at most three words, a slash joining two, then 'type stuff', 'sort of thing', ...); a
# question naming little else before it keeps it ("DV - MARAC type stuff")
TRAILING_GLOSS = re.compile(r"(?<=\w)\s*(?:,|\s[-–—]|\?+)\s*(?:like |thinking |e\.?g\.? |such as )?(?:[\w'&-]+(?:\s*/\s*| )){0,2}"
                             r"[\w'&-]+[ -](?:type|style|kind|sort)(?: of)? (?:stuff|things?|support|work|issues?|cases?)\W*$", re.I)
# "older teens who are a danger to themselves, e.g. using substances - do they ...?": an example set off by commas or a
# spaced dash after the words it illustrates, as the brackets of GLOSS set one off (e.g. or i.e. only, each bounded)
EXAMPLE = re.compile(r",\s*(?:e\.?g|i\.?e)\b\.?,?\s+[^,()\n;:!?]{1,40}?(?=\s*(?:,|\s[-–—]\s))", re.I)
# an opening that is itself a question ("what counts as an 'older young person' here - 16+?"): no one saying who asks
ASKS_FIRST = re.compile(r"^\W*(?:what|whats|what['’]s|how|why|when|where|which|who|does|do|did|is|are|can|could|would|should)\b", re.I)
MIN_BEFORE_GLOSS = 3  # hand-set: the fewest words before such an example for it to be one
# where a statement ends and the next sentence begins; not after an abbreviation ("anything on FII, e.g. in the health
# findings?" is one sentence)
STATEMENT_END = re.compile(r"(?<=[.!])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\beg\.)(?<!\bie\.)(?<!\bvs\.)\s+", re.I)


MAX_SIGNED_CHARS = 60  # hand-set: the most characters a bracket after the question holds when it says who asks


def signed_bracket(text: str) -> tuple[int, str] | None:
    """Where a bracket of 2 to MAX_SIGNED_CHARS characters the text ends with (bar spaces and punctuation) opens, and
    what it holds; None if there is none. One pass back over what follows the bracket and a bounded look inside it,
    so the cost does not grow faster than the text (a pattern with a leading \\s* would)."""
    end = len(text)
    while end and not (text[end - 1].isalnum() or text[end - 1] in "_)"):
        end -= 1
    if not end or text[end - 1] != ")":
        return None
    start = text.rfind("(", max(0, end - MAX_SIGNED_CHARS - 2), end - 1)
    inner = text[start + 1:end - 1]
    if start < 0 or not 2 <= len(inner) <= MAX_SIGNED_CHARS or "(" in inner or ")" in inner:
        return None
    return start, inner


def says_who(opening: re.Pattern, said: str) -> bool:
    """Whether all of `said` is an opening saying who asks (introduction(): "researcher for an MSP", "SW, Fife"; a
    bracket after the question here, a clause before it in asker.only_says_who_asks)."""
    said = said.strip().rstrip(".!,;:")
    whole = opening.match(said + ".")
    return bool(whole) and whole.end() >= len(said)


def asking_sentence(text: str) -> str:
    """The last sentence, when it asks and every sentence before it states ("we build trust for months and it never
    shows up in stats. did the inspectors notice that kind of thing?" asks for no figure): what is asked for is read
    there; otherwise the whole text."""
    parts = [p for p in STATEMENT_END.split(text.strip()) if p]
    if len(parts) < 2 or not (parts[-1].rstrip().endswith("?") or ASKS_FIRST.match(parts[-1])):
        return text
    return parts[-1] if all(not p.rstrip().endswith("?") and not ASKS_FIRST.match(p) for p in parts[:-1]) else text
