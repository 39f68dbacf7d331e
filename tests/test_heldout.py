"""Held-out discipline: nothing the assistant runs with was fitted on the test split."""

import ast
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_the_query_adapter_records_only_dev_data():
    """index/query_adapter.json lists what eval/adapter.py fitted it on: the key-message dev question files."""
    from eval.gold import files

    from eval.gold import NOT_YET_FITTED

    record = json.loads((ROOT / "index" / "query_adapter.json").read_text())
    dev = [str(f.relative_to(ROOT)) for f in files("questions", "dev")]
    assert record["fitted_on"] == [f for f in dev if f not in NOT_YET_FITTED]  # a file written later is named there
    assert set(NOT_YET_FITTED) <= set(dev)  # and it is a dev file
    assert all("-dev" in f and "test" not in f for f in record["fitted_on"])


def test_calibration_records_only_dev_data():
    """fitted_on lists what eval/calibrate.py read: the key-message dev files, the read-and-ask questions written
    on WikiQA's train pages (never those on its dev pages, which eval.foreign --corpus read measures with) and on
    NFCorpus's training abstracts (never the sample eval.foreign --corpus nfcorpus measures with), WikiQA's train
    split and NFCorpus."""
    from eval.examples import nf_files, read_files
    from eval.gold import files

    from eval.gold import NOT_YET_FITTED

    cal = json.loads((ROOT / "assistant" / "calibration.json").read_text())
    assert cal["fitted_on"], "calibration.json must say what it was fitted on"
    ours = [f for f in cal["fitted_on"] if f.startswith("eval/")]
    assert ours == [p for f in files("questions", "dev") + read_files("train") + nf_files()
                    if (p := str(f.relative_to(ROOT))) not in NOT_YET_FITTED]
    assert read_files("train") and read_files("dev") and not set(read_files("train")) & set(read_files("dev"))
    assert nf_files() and all("nfcorpus-train-" in f.name for f in nf_files())
    assert all(("-dev" in f or "wikiqa-train-" in f or "nfcorpus-train-" in f) and "test" not in f for f in ours)
    # the threshold is chosen on dev documents the trees never saw: WikiQA's dev pages and the read-and-ask dev files,
    # and the NFCorpus sample with the read-and-ask dev questions written on it
    assert cal["threshold_chosen_on"] and not any("test" in f.lower() or "train" in f.lower() for f in cal["threshold_chosen_on"])
    assert ([str(f.relative_to(ROOT)) for f in read_files("dev")] + ["eval/data/read/nfcorpus-dev.jsonl"]
            == [f for f in cal["threshold_chosen_on"] if f.startswith("eval/")])
    assert [f for f in cal["fitted_on"] if f not in ours] == [f for f in cal["fitted_on"] if f.endswith("WikiQA-train.tsv")
                                                              or "nfcorpus.zip (the training abstracts" in f]


def test_the_fitting_scripts_leave_out_the_files_not_yet_fitted():
    """eval/adapter.py and eval/calibrate.py read gold.questions("dev", fitting=True): every dev file but those
    NOT_YET_FITTED names, so a refit of one of them alone still matches what the other records."""
    from eval.gold import NOT_YET_FITTED, files, fitting_files, read_jsonl, questions

    dev = {str(f.relative_to(ROOT)) for f in files("questions", "dev")}
    fitting = {str(f.relative_to(ROOT)) for f in fitting_files()}
    assert fitting and fitting | set(NOT_YET_FITTED) == dev and not fitting & set(NOT_YET_FITTED)
    later = {r["id"] for f in NOT_YET_FITTED for r in read_jsonl(ROOT / f)}
    asked = {r["id"] for r in questions("dev", fitting=True)}
    assert later and asked and not asked & later and asked | later == {r["id"] for r in questions("dev")}
    for script in ("adapter.py", "calibrate.py"):
        source = (ROOT / "eval" / script).read_text()
        assert "questions(SPLIT, fitting=True)" in source and "questions(SPLIT)" not in source


@pytest.mark.parametrize("script", ["calibrate.py", "adapter.py"])
def test_fitting_scripts_read_the_dev_split_only(script):
    tree = ast.parse((ROOT / "eval" / script).read_text())
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assigns = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
               for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant)}
    assert assigns.get("SPLIT") == "dev"
    assert not any(s == "test" or "-test" in s for s in strings)


def _norm(text: str) -> str:
    """Lower case, punctuation and spacing ignored: 'DV still a problem??' is 'dv still a problem'."""
    import re

    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower().replace("’", "'").replace("'", "")).split())


def _texts(split: str) -> set[str]:
    """Every question, every conversation turn of five words or more and every chit-chat item of six or more (shorter
    turns such as 'tell me more' or 'thanks', and social phrases such as 'are you a real person', are the same in
    every split by nature)."""
    from eval.gold import chitchat, conversations, questions

    out = {_norm(r["question"]) for r in questions(split)}
    out |= {_norm(t["user"]) for c in conversations(split) for t in c["turns"] if len(_norm(t["user"]).split()) >= 5}
    out |= {_norm(r["question"]) for r in chitchat(split) if len(_norm(r["question"]).split()) >= 6}
    return out


def test_split_files_are_disjoint():
    """No dev question or turn is a held-out one once case and punctuation are ignored (the held-out splits may
    share one: none of them is fitted on)."""
    from eval.gold import HELD_OUT

    dev = _texts("dev")
    for split in HELD_OUT:
        assert not dev & _texts(split), (split, sorted(dev & _texts(split)))


def test_every_gold_sentence_is_a_verbatim_sentence_of_its_listed_messages():
    """Every split file, including the later dev files (eval/data/check_gold.py reads the first two only)."""
    from assistant.corpus import parse_document
    from eval.gold import SPLITS, conversations, questions

    messages = {m.title: {s.text for s in m.sentences} for m in parse_document(ROOT / "index" / "sources" / "key-messages-2021-2025.txt")}
    items = [(r["id"], r["messages"], r["sentences"]) for split in SPLITS for r in questions(split)]
    items += [(f"{c['id']}#{n}", t["messages"], t["sentences"]) for split in SPLITS for c in conversations(split)
              for n, t in enumerate(c["turns"], 1)]
    assert len(items) > 700
    for where, titles, sentences in items:
        assert set(titles) <= set(messages), where
        for s in sentences:
            assert any(s in messages[t] for t in titles), (where, s)


def test_no_held_out_question_is_written_into_a_test():
    """Test and holdout questions stay out of the tests (a rule written for a held-out miss would make its figure
    meaningless): no string in tests/*.py is a held-out question once case and punctuation are ignored (the
    read-and-ask questions on WikiQA's test pages and on the NFCorpus sample's test split included)."""
    from eval.examples import read_files

    from eval.gold import HELD_OUT

    held = set().union(*(_texts(split) for split in HELD_OUT))
    held |= {_norm(json.loads(line)["question"]) for f in read_files("test") + [ROOT / "eval" / "data" / "read" / "nfcorpus-test.jsonl"]
             for line in f.read_text(encoding="utf-8").splitlines() if line.strip()}
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value.split()) >= 3:
                if _norm(node.value) in held:
                    found.append((path.name, node.value))
    assert not found, found
