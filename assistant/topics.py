"""What a question's words name against the indexed documents: whether it names a topic at all, one the documents
never cover, a subject it shares with the last topic, a topic spread over several messages. The conversation
(conversation.py) asks; this module reads only the library (core.Library) and the cue words (intents.py)."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

from .audience import without_audience
from .cues import ASK_WORDS, broad_cue_words, extent_words, filler, overview_words, stop_stems, vague_words
from .broad_cues import asked_topic
from .polarity import side_words
from .text import STEM_PREFIX, STOP, is_common, stem, stems, words

MAX_GLOSSED = 3  # glossary terms of one topic part whose expansions stand in for it (Topics.spread); at most
MAX_SPREAD_SETS = 16  # word sets a topic asked about may be found as
NEW_TOPIC_SHARE = 0.15  # hand-set: a word this share of the messages use at most names a topic of its own (new_topic_words)
NEW_TOPIC_WORDS = 2  # hand-set: this many words fewer than half the messages use name a topic of their own together
_ASKING = STOP | ASK_WORDS  # a word, or a word's part before an apostrophe ("why's"), that only asks (topic_words)


class Topics:
    """The topic reading of questions against one library (its vocabulary, glossary, message frequencies)."""

    def __init__(self, library):
        self.lib = library

    def spread(self, text: str) -> frozenset[frozenset[str]]:
        """A topic asked about in a few words ("what does it say about staff?") as the stem sets a sentence may hold to
        be about it: each part's words (broad_cues.asked_topic), or the documents' words a glossary term among them stands
        for ("workforce": "staff"). Empty for any other question."""
        found, glossary = set(), self.lib.retriever.glossary
        for part in asked_topic(text):
            own = stems(part) - stop_stems()
            options = [[(frozenset(), frozenset())] + [(stems(term), stems(p)) for p in glossary.get(term, ())]
                       for term, _ in self.lib.retriever.analyse(part).glossed[:MAX_GLOSSED]]
            for chosen in itertools.islice(itertools.product(*options), MAX_SPREAD_SETS):
                drop = frozenset().union(*(t for t, _ in chosen))
                add = frozenset().union(*(p for _, p in chosen))
                alt = ((own - drop) | add) - stop_stems()
                naming = frozenset(w for w in alt if not self.names_little(w))
                if alt:  # words half the messages or more use name nothing there ('services' in 'how services listen')
                    found.add(naming or alt)
        return frozenset(found)

    def shares_subject(self, text: str, topic: str) -> bool:
        """Whether the question and the last topic share a word that names a subject: one used by fewer than
        a third of the messages ('children' or 'staff' in every message names nothing)."""
        freq, n = self.lib.message_freq, max(1, len(self.lib.store.messages))
        shared = (stems(text) & stems(topic)) - stop_stems()
        return any(0 < freq.get(w, 0) and (freq[w] * 3 < n or freq[w] == 1) for w in shared)

    def about_last_topic(self, text: str, topic: str) -> bool:
        """Whether a question in words the documents never use is still about the last question's topic: each such
        word it asks about is one the last question used, in any form, or a word that names no thing of its own
        (prompts/intents.json "vague"): "why does the senior bit matter then?" after a question about senior leaders
        leans on it, and so does "what happens if nothing changes?" (it names nothing of its own); "did they get any
        extra pay for it?" after one about going the extra mile does not (pay is new)."""
        known = self._known_in(text)
        unknown = [w for w in self.topic_words(text) if not known(w)]
        last = {stem(w) for w in self.topic_words(topic)} if topic else set()
        shared = {stem(w) for w in unknown} & last
        return bool(unknown) and all(stem(w) in shared or w in vague_words() for w in unknown)

    def names_little(self, stem_: str) -> bool:
        """Whether half the messages or more use the stem ('services', 'children'): a word that says little of what a
        question is about."""
        return self.lib.message_freq.get(stem_, 0) * 2 > max(1, len(self.lib.store.messages))

    def says_little(self, word: str) -> bool:
        """Whether half the messages or more use the word, or every word the glossary gives for it ("kids": children)."""
        meant = self.lib.retriever.glossary.get(word, ())
        return self.names_little(stem(word)) or bool(meant) and all(
            self.names_little(s) for s in stems(" ".join(meant)) - stop_stems())

    def names_nothing(self, text: str, named: list[str] | None = None) -> bool:
        """Whether every word of the question that could name its topic is one half the messages or more use ("how
        did partnerships do?", "and the staff?"), or there is none ("how did services do?": every word is a stop word or
        the collection's): it asks about something, but says nothing of what. A question with no word the documents use
        at all ("what's 2+2?") is for the caller to tell apart. `named`: the text's topic_words, when the caller has them."""
        return all(self.names_little(stem(w)) for w in (self.topic_words(text) if named is None else named))

    def names_a_topic(self, text: str, glossed: bool = False) -> bool:
        """Whether the question names something the documents speak of: a topic word they use that fewer than half the
        messages use ("is care planning improving?"; not "what did the inspectors find?"). `glossed`: read with the
        documents' words the glossary gives for the field's ("looked after" names care experienced), but not for those
        in a phrase saying who the answer is for or where it is used ("at the start of the core group")."""
        if glossed:
            text = self.lib.retriever.analyse(" ".join(without_audience(words(text)))).expanded
        freq = self.lib.message_freq
        return any(freq.get(stem(w), 0) and not self.names_little(stem(w)) for w in self.topic_words(text))

    def holds_each(self, sentence: str, parts: tuple[str, ...], scene: str = "") -> bool:
        """Whether the sentence holds, for each part, more than half of the words naming most narrowly what that part
        asks about (of the part's words, or the documents' words its glossary terms stand for, in the wording the
        sentence holds most of: _as_held; those the fewest messages use; a word half the messages or more use names
        nothing): "gathering and using data to show impact" is one ask when one sentence speaks of gathering and of
        quantitative information, and "abuse and neglect of younger children than older ones" when one speaks of
        neglect of younger children (all of them asked: dev +2, -0; any one: +8, -2, eight compound questions losing
        their second part). `scene`: a sentence that sets the scene the sentence speaks in (its message's opening); its
        words count too, but the sentence itself must name something of each part ("backed by their bosses and
        co-workers in lockdown" is held by "supported by their line managers and colleagues" after "during the
        pandemic"; "domestic abuse, and separately early help" is not held by a sentence on domestic abuse whose
        scene speaks of early recognition). A part naming nothing the documents use ("what proportion of children")
        asks nothing a sentence could miss."""
        freq, own = self.lib.message_freq, stems(sentence)
        have = own | stems(scene)
        for part in parts:
            naming = {w for w in self._as_held(part, have) - stop_stems() if freq.get(w, 0) and not self.names_little(w)}
            fewest = min((freq[w] for w in naming), default=0)
            narrowest = {w for w in naming if freq[w] == fewest}
            if naming and 2 * len(narrowest & have) <= len(narrowest):  # more than half of them
                return False
            if naming and scene and not naming & own:
                return False
        return True

    def _as_held(self, text: str, have: frozenset[str]) -> frozenset[str]:
        """The stems of the text's own words and, for each glossary term in it, of the one of the term's wordings the
        stems `have` hold most of (the first on ties): the wordings are alternatives, so "backing from bosses"
        (managers, or strategic leaders) is held by a sentence that names managers."""
        query, glossary = self.lib.retriever.analyse(text), self.lib.retriever.glossary
        chosen = [max(glossary.get(term) or [meant], key=lambda wording: len(stems(wording) & have))
                  for term, meant in query.glossed]
        return stems(" ".join([query.own, *chosen]))

    def new_topic_words(self, text: str, topic: str, points_back: bool = False, shown: frozenset[str] = frozenset()) -> set[str]:
        """Words (or glossary expansions) of the text that name a topic of their own, one few messages use
        (NEW_TOPIC_SHARE of them: 'advocacy', 'care experienced', 'early' in "what about early help?"), and that the
        last topic did not mention; a word naming no thing ('is it still a problem?', 'get') or asking how far a
        finding holds ('everywhere') names none. `points_back`: the text refers back ("does advocacy help with
        that?"), so only a word one message alone uses is a topic of its own. `shown`: the ids of the messages the last
        answer quoted; words one of them holds every one of name no new topic together ("were families helped?" after a quote that says
        families were helped)."""
        analyse = self.lib.retriever.analyse
        said = stems(analyse(topic).expanded) if topic else frozenset()
        nothing = _naming_nothing()
        few = 1 if points_back else max(1, round(NEW_TOPIC_SHARE * len(self.lib.store.messages)))
        fresh = {w for w in stems(analyse(text).expanded)
                 if len(w) >= 4 and 0 < self.lib.message_freq.get(w, 0) and w not in said and w not in nothing}
        own = {w for w in fresh if self.lib.message_freq[w] <= few}
        if own or points_back:
            return own
        # no one word is rare enough, but several together name a topic the last one did not ("what about young people's
        # views shaping services?" after domestic abuse: 'views' and 'services' are each used by a few messages)
        several = {w for w in fresh if not self.names_little(w)}
        if any(several <= h for h in self._held(shown)):
            return set()
        return several if len(several) >= NEW_TOPIC_WORDS else set()

    def all_shown(self, found: set[str], shown: frozenset[str]) -> bool:
        """Whether every one of the words (stems) is held by a message just shown."""
        held = self._held(shown)
        return bool(found) and all(any(w in h for h in held) for w in found)

    def _held(self, shown: frozenset[str]) -> list[frozenset[str]]:
        """The terms of each of the messages `shown` (ids; one not in the index is left out)."""
        corpus, messages = self.lib.retriever.corpus, self.lib.store.messages
        return [corpus.message_terms(mid, messages[mid].text) for mid in shown if mid in messages]

    def is_overview(self, text: str) -> bool:
        """'Sum up the key messages', 'give me an overview': a broad request with no topic of its own. A request
        that names the collection may say who is asking and why ("headline findings from the joint inspections for
        my elected member briefing tomorrow"): words the documents never use are no topic there (a word they use
        is, however common: "what are the key messages about early help")."""
        skip = filler() | self.lib.collection_words | overview_words()
        ws = words(text)
        left = [w for w in without_audience(ws) if w not in skip and w.split("'")[0] not in _ASKING and not w.isdigit()]
        if not left:  # ('should' in "what are the headlines i should know" only asks)
            return True
        if not any(w in self.lib.collection_words and w not in STOP for w in ws):
            return False
        return not self.any_known(text, left)

    def off_topic(self, text: str, collection: bool = False) -> bool:
        """A question (broad, or leaning on the last topic) whose own topic words are all unknown to the documents and
        the glossary; the most used English words and single letters are no topic ("what's got better since the
        last inspections?", "quick q - ..."). `collection`: the words of the collection's name count as known topic words
        ("do young people rate them?" speaks of the documents' young people, whatever else it asks)."""
        left = self.topic_words(text, collection)
        return any(not is_common(w) for w in left) and not self.any_known(text, left)

    def topic_words(self, text: str, collection: bool = False) -> list[str]:
        """The words of a question that may name its topic: not filler, the collection's name (unless `collection`), a
        word of an overview or broad cue, a word asking how far a finding holds ("everywhere"), one asking for a side of
        the findings ("strength", "worst"), a stop word or a word a question begins with ("why", "should"), also with a
        verb run into it ("why's", "where's"), a number or a single letter ("quick q")."""
        skip = (filler() | (frozenset() if collection else self.lib.collection_words) | overview_words() | STOP
                | broad_cue_words() | extent_words() | side_words())
        return [w for w in without_audience(words(text)) if w not in skip and not w.isdigit() and len(w) > 1
                and w.split("'")[0] not in _ASKING]

    def names_an_age(self, text: str) -> bool:
        """Whether the text names an age the profile reads as the documents' wording ("what about under 10s?")."""
        wordings = {a.wording for a in self.lib.profile.ages}
        return bool(wordings) and any(meant in wordings for _, meant in self.lib.retriever.analyse(text).glossed)

    def any_known(self, text: str, ws: list[str]) -> bool:
        """Whether any of these words of `text` is one the documents use, in this or another form ('responding' where
        they say 'response'), or the glossary explains there."""
        known = self._known_in(text)
        return any(known(w) for w in ws)

    def _known_in(self, text: str) -> Callable[[str], bool]:
        """A word of `text` -> whether the documents use it in some form or the glossary explains it there (any_known);
        the text is analysed once."""
        idf, starts = self.lib.retriever.corpus.idf, self.lib.stem_starts
        glossed = {w for term, _ in self.lib.retriever.analyse(text).glossed for w in words(term)}
        # an age read as the documents' wording is glossed as typed, less a plural's s ("under 10s": "10")
        return lambda w: (s := stem(w)) in idf or w in glossed or w[:-1] in glossed and w[-1:] == "s" or \
            len(s) >= STEM_PREFIX and s[:STEM_PREFIX] in starts


@functools.lru_cache(maxsize=1)
def _naming_nothing() -> frozenset[str]:
    """The stems of the words that name no thing or ask how far a finding holds (prompts/intents.json), and of the stop
    words ('when' in "what happens when kids dont get it", 'means' in "what it means for kids")."""
    return frozenset(stem(w) for w in extent_words() | vague_words()) | stop_stems()
