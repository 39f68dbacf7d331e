"""How the answer model's parts are fitted and saved as JSON (no pickle): boosted trees (LightGBM) flattened to the node
lists assistant/answer.Forest evaluates, and a plain logistic regression (the WikiQA benchmark's baseline). Used by
eval/calibrate.py, which decides what they are fitted on."""

from __future__ import annotations

import numpy as np

from assistant.answer import Forest


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None, l2: float = 0.001, steps: int = 6000,
                 lr: float = 0.5) -> np.ndarray:
    """Weighted, L2-regularised logistic regression by gradient descent; the last weight is the bias."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    weight = np.ones(len(x)) if weight is None else weight
    weight = weight / weight.sum()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-np.clip(xb @ w, -30, 30)))
        w -= lr * (xb.T @ (weight * (p - y)) + l2 * np.r_[w[:-1], 0])
    return w


# The trees of both parts (LightGBM, binary objective). For the ranker, chosen on WikiQA dev MAP and the
# key-message dev split's cross-validated answer sentence against the logistic ranker they replaced
# (2026-11-30: 0.713 -> 0.748 and 0.835 -> 0.858; 15 or 31 leaves, 150 or 600 trees measured within 0.01).
# For the trigger, against a logistic trigger by the worst margin to the targets below, out of fold: -0.023
# (WikiQA answered 0.877 at the threshold it chose) -> +0.019, +0.015 once it also saw `one_message`.
FOREST = dict(objective="binary", n_estimators=300, num_leaves=7, learning_rate=0.05, min_child_samples=20,
              subsample=0.8, subsample_freq=1, colsample_bytree=0.8, reg_lambda=1.0, n_jobs=2,
              deterministic=True, force_row_wise=True, verbose=-1)


# Each part is the mean (in log-odds) of this many forests that differ only in LightGBM's seed, which draws the
# rows and features each tree sees. One forest's fit swung with any change to the examples: leaving one staff
# author's questions out changed 13 of 211 replies on WikiQA dev pages, against 4 with five seeds
# (2026-12-01; dev figures within one question either way, scoring 20 candidates ~1 ms more).
SEEDS = 5


def forest_fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray, names: tuple[str, ...]):
    """Fit boosted trees; returns (the model's JSON record: node lists, see answer.Forest; a function
    x -> probability through the same code the assistant runs)."""
    import lightgbm

    trees = []
    for seed in range(SEEDS):  # the forests' trees side by side, each leaf divided by SEEDS: the sum is their mean log-odds
        booster = lightgbm.LGBMClassifier(**{**FOREST, "random_state": seed}).fit(x, y, sample_weight=weight * len(weight)).booster_
        for t in booster.dump_model()["tree_info"]:
            tree = _flatten(t["tree_structure"])
            tree["leaf"] = [v / SEEDS for v in tree["leaf"]]
            trees.append(tree)
    fitted_with = {k: v for k, v in FOREST.items() if k not in ("verbose", "n_jobs")}
    record = {"kind": "forest", "features": list(names), "fitted_with": {**fitted_with, "random_state": list(range(SEEDS))},
              "trees": trees}
    return record, Forest.of(record, names).probability


def _flatten(root: dict) -> dict:
    """One LightGBM tree as node lists: inner nodes in walk order, a child >= 0 an inner node, < 0 a leaf."""
    tree = {"feature": [], "threshold": [], "left": [], "right": [], "leaf": []}

    def walk(node: dict) -> int:
        if "leaf_index" in node:
            tree["leaf"].append(node["leaf_value"])
            return -len(tree["leaf"])
        if node["decision_type"] != "<=" or node.get("missing_type", "None") not in ("None", "NaN"):
            raise ValueError(f"a tree split the assistant cannot evaluate: {node['decision_type']}, {node.get('missing_type')}")
        i = len(tree["feature"])
        tree["feature"].append(node["split_feature"])
        tree["threshold"].append(node["threshold"])
        tree["left"].append(0)
        tree["right"].append(0)
        tree["left"][i] = walk(node["left_child"])
        tree["right"][i] = walk(node["right_child"])
        return i

    walk(root)
    return tree
