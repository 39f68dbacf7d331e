#!/bin/bash
# Each staff author's dev set scored by an adapter and answer model refitted without it: what a new person's
# questions get (the in-sample dev figures flatter). Restores the shipped fits at the end.
#   bash eval/loso.sh [q-sd q-s2 q-s3 q-s4 q-s5 q-s6 q-s7 q-s8]
set -e
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
sets=${*:-q-sd q-s2 q-s3 q-s4 q-s5 q-s6 q-s7 q-s8}
cp assistant/calibration.json /tmp/loso-calibration.json
cp index/query_adapter.json /tmp/loso-adapter.json
trap 'cp /tmp/loso-calibration.json assistant/calibration.json; cp /tmp/loso-adapter.json index/query_adapter.json' EXIT
for s in $sets; do
  c=${s/q-/c-}; cc=${s/q-/cc-}
  EVAL_LEAVE_OUT=$s $PY -m eval.adapter >/dev/null 2>&1
  EVAL_LEAVE_OUT=$s $PY -m eval.calibrate >/dev/null 2>&1
  echo "== $s left out"
  $PY -m eval.run --split dev --only $s,$c,$cc 2>&1 | grep -E -A1 "^system|^conversations" | grep -E "^system|^hybrid|^conversations"
done
