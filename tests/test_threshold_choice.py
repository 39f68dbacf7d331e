"""How eval/calibrate.py chooses the answer model's threshold (best_threshold, worst_margin): the worst margin to the
foreign targets on the dev corpora, the key messages left answered, and of equal worst margins the highest threshold;
and that the shipped threshold was chosen on dev pages cut into short sections too, where the model answers least."""

from __future__ import annotations

import json

from assistant.settings import ROOT
from eval.calibrate import DEV_SECTIONS, best_threshold, worst_margin

DEV = {  # per threshold, per dev corpus: (answered, absent topics declined)
    0.10: {"whole": (0.97, 0.90), "short sections": (0.93, 0.95), "abstracts": (0.97, 0.82)},
    0.12: {"whole": (0.95, 0.92), "short sections": (0.91, 0.96), "abstracts": (0.97, 0.82)},
    0.15: {"whole": (0.95, 0.93), "short sections": (0.86, 0.98), "abstracts": (0.96, 0.84)},
}


def test_the_worst_corpus_decides_and_a_tie_goes_to_the_higher_threshold():
    assert round(worst_margin(0.15, 0.97, DEV), 3) == -0.04  # short sections answer 0.86 of 0.90
    assert round(worst_margin(0.10, 0.97, DEV), 3) == round(worst_margin(0.12, 0.97, DEV), 3) == -0.03  # abstracts
    assert best_threshold({0.10: 0.97, 0.12: 0.97, 0.15: 0.97}, DEV) == 0.12  # declining is the safer error


def test_a_threshold_that_leaves_the_key_messages_unanswered_is_never_chosen():
    assert worst_margin(0.12, 0.94, DEV) < -1
    assert best_threshold({0.10: 0.97, 0.12: 0.94, 0.15: 0.97}, DEV) == 0.10
    assert worst_margin(0.2, 0.99, DEV) == -2.0  # not tried on the dev corpora


def test_the_shipped_threshold_was_chosen_on_whole_pages_and_on_short_sections():
    cal = json.loads((ROOT / "assistant" / "calibration.json").read_text())
    assert 1 in DEV_SECTIONS and min(DEV_SECTIONS) == 1
    wikiqa = [f for f in cal["threshold_chosen_on"] if "WikiQA-dev.tsv" in f]
    assert wikiqa == [f"../shared/extbench/wikiqa/WikiQA-dev.tsv (half its pages, whole and in sections of "
                      f"{' and of '.join(map(str, DEV_SECTIONS))} sentences)"]
