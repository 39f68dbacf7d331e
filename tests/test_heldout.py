"""Held-out discipline: nothing the assistant runs with was fitted on the test split."""

import ast
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_calibration_records_only_dev_data():
    cal = json.loads((ROOT / "assistant" / "calibration.json").read_text())
    assert cal["fitted_on"], "calibration.json must say what it was fitted on"
    assert all("dev" in f and "test" not in f for f in cal["fitted_on"])


def test_calibration_script_reads_the_dev_split_only():
    tree = ast.parse((ROOT / "eval" / "calibrate.py").read_text())
    strings = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    assigns = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign)
               for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value, ast.Constant)}
    assert assigns.get("SPLIT") == "dev"
    assert not any(s == "test" or "-test" in s for s in strings)


def test_split_files_are_disjoint():
    from eval.gold import questions

    def texts(split):
        return {" ".join(row["question"].lower().split()) for row in questions(split)}

    dev, test, holdout = texts("dev"), texts("test"), texts("holdout")  # test and holdout may share a question
    assert not dev & test and not dev & holdout, (dev & test) | (dev & holdout)


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
