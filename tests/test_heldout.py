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
    def questions(name):
        return {json.loads(line)["question"].strip().lower() for line in (ROOT / "eval" / "data" / name).read_text().splitlines() if line.strip()}

    assert not questions("questions-dev.jsonl") & questions("questions-test.jsonl")
