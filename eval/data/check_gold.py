"""Sanity checks for the gold evaluation data. Run: python3 eval/data/check_gold.py"""
import json, re, sys, collections, pathlib

HERE = pathlib.Path(__file__).resolve().parent
CORPUS = pathlib.Path("/work/shared/corpus/key-messages-2021-2025.txt")
text = CORPUS.read_text(encoding="utf-8")

# sentence -> message title, built independently from the corpus
titles = ["Preamble"] + [f"Key message {i}" for i in range(1, 13)]
sent2msg, cur = {}, None
for line in [l.strip() for l in text.splitlines() if l.strip()][1:]:
    if re.fullmatch(r"Key message \d+", line):
        cur = line; continue
    for s in re.split(r"(?<=\.)\s+", line):
        sent2msg[s] = cur or "Preamble"

errors = []
def err(m): errors.append(m)

def load(name):
    rows = []
    for n, line in enumerate((HERE / name).read_text(encoding="utf-8").splitlines(), 1):
        try: rows.append(json.loads(line))
        except Exception as e: err(f"{name}:{n} does not parse: {e}")
    return rows

def check_ms(where, msgs, sents, need_msgs):
    for m in msgs:
        if m not in titles: err(f"{where}: bad title {m!r}")
    if len(set(msgs)) != len(msgs): err(f"{where}: duplicate titles")
    if need_msgs and not msgs: err(f"{where}: no messages")
    for s in sents:
        if s not in text: err(f"{where}: sentence not in corpus: {s[:60]!r}")
        elif s not in sent2msg: err(f"{where}: not a full sentence: {s[:60]!r}")
        elif sent2msg[s] not in msgs: err(f"{where}: sentence from {sent2msg[s]} not in messages {msgs}")

ids = set()
def uid(i, where):
    if i in ids: err(f"{where}: duplicate id {i}")
    ids.add(i)

kinds = collections.Counter(); per_msg = collections.Counter(); per_msg_primary = collections.Counter()
qs_text = collections.Counter()
for split in ("dev", "test"):
    for r in load(f"questions-{split}.jsonl"):
        w = f"questions-{split} {r.get('id')}"
        uid(r["id"], w)
        if not r["id"].startswith(f"q-{split}-"): err(f"{w}: id prefix")
        k = r["kind"]; kinds[(split, k)] += 1
        qs_text[r["question"].strip().lower()] += 1
        if k == "specific":
            if not r["sentences"]: err(f"{w}: specific without sentences")
            check_ms(w, r["messages"], r["sentences"], True)
            per_msg_primary[(split, r["messages"][0])] += 1
            for m in r["messages"]: per_msg[(split, m)] += 1
        elif k == "broad":
            if r["sentences"]: err(f"{w}: broad with sentences")
            check_ms(w, r["messages"], [], True)
        elif k == "out_of_scope":
            if r["messages"] or r["sentences"]: err(f"{w}: oos with messages/sentences")
        else: err(f"{w}: bad kind {k}")
for q, n in qs_text.items():
    if n > 1: err(f"duplicate question text across dev/test: {q!r}")

conv_n = collections.Counter(); turn_n = collections.Counter(); expects = collections.Counter()
for split in ("dev", "test"):
    for r in load(f"conversations-{split}.jsonl"):
        w = f"conversations-{split} {r.get('id')}"
        uid(r["id"], w)
        conv_n[split] += 1; turn_n[split] += len(r["turns"])
        if not 3 <= len(r["turns"]) <= 6: err(f"{w}: {len(r['turns'])} turns")
        for t_i, t in enumerate(r["turns"]):
            tw = f"{w} turn {t_i}"
            e = t["expect"]; expects[(split, e)] += 1
            if e == "answered": check_ms(tw, t["messages"], t["sentences"], True)
            elif e in ("no_answer", "chitchat"):
                if t["messages"] or t["sentences"]: err(f"{tw}: {e} with messages")
            else: err(f"{tw}: bad expect {e}")

cc = collections.Counter()
for r in load("chitchat.jsonl"):
    uid(r["id"], f"chitchat {r.get('id')}")
    if r["split"] not in ("dev", "test") or r["expect"] not in ("chitchat", "no_answer"): err(f"chitchat {r['id']}: bad fields")
    cc[(r["split"], r["expect"])] += 1

# minimums
spec = kinds[("dev", "specific")] + kinds[("test", "specific")]
tot = sum(kinds.values())
oos = kinds[("dev", "out_of_scope")] + kinds[("test", "out_of_scope")]
if tot < 130: err(f"only {tot} questions")
if spec < 80: err(f"only {spec} specific")
if oos < 40 or min(kinds[("dev", "out_of_scope")], kinds[("test", "out_of_scope")]) < 20: err("too few out_of_scope")
for m in titles[1:]:
    if per_msg_primary[("dev", m)] + per_msg_primary[("test", m)] < 5: err(f"{m}: <5 specific")
    if min(per_msg_primary[("dev", m)], per_msg_primary[("test", m)]) < 2: err(f"{m}: <2 specific in a half")
if sum(per_msg_primary[(s, "Preamble")] for s in ("dev", "test")) < 1: err("Preamble not covered")
if sum(conv_n.values()) < 20 or sum(turn_n.values()) < 80: err("too few conversations/turns")
if sum(cc.values()) < 40: err("too few chitchat items")

print("questions by split/kind:")
for s in ("dev", "test"):
    print(f"  {s}: " + ", ".join(f"{k}={kinds[(s, k)]}" for k in ("specific", "broad", "out_of_scope")) + f", total={sum(v for (x, _), v in kinds.items() if x == s)}")
print(f"  all: total={tot}, specific={spec}, broad={tot - spec - oos}, out_of_scope={oos}")
print("specific questions per message (primary title dev/test | any listed title dev/test):")
for m in titles:
    print(f"  {m:15s} {per_msg_primary[('dev', m)]:2d}/{per_msg_primary[('test', m)]:2d} | {per_msg[('dev', m)]:2d}/{per_msg[('test', m)]:2d}")
print("conversations:", dict(conv_n), "turns:", dict(turn_n), "total turns:", sum(turn_n.values()))
print("conversation turn expects:", {f"{s}/{e}": n for (s, e), n in sorted(expects.items())})
print("chitchat:", {f"{s}/{e}": n for (s, e), n in sorted(cc.items())}, "total:", sum(cc.values()))
print("ERRORS:" if errors else "OK: all checks passed")
for e in errors: print("  " + e)
sys.exit(1 if errors else 0)
