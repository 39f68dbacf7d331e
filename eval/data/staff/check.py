#!/usr/bin/env python3
"""Validate the staff-style evaluation files against the corpus (stdlib only).

Usage: python3 check.py            (exit code 1 if any problem is found)
"""
import collections, json, os, re, string, sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = '/work/shared/corpus/key-messages-2021-2025.txt'
Q_FILES = ['questions-staff-dev.jsonl', 'questions-staff-test.jsonl']
C_FILES = ['conversations-staff-dev.jsonl', 'conversations-staff-test.jsonl']
CC_FILE = 'chitchat-staff.jsonl'
KINDS = {'specific', 'broad', 'compound', 'out_of_scope'}
EXPECTS = {'answered', 'no_answer', 'chitchat'}

problems = []


def bad(where, msg):
    problems.append('%s: %s' % (where, msg))


# ---------------------------------------------------------------- corpus ----
def load_corpus():
    lines = open(CORPUS, encoding='utf-8').read().split('\n')
    msgs, order, cur = {}, [], 'Preamble'
    buf = {cur: []}
    order.append(cur)
    for ln in lines[1:]:           # first line is the document title
        s = ln.strip()
        if not s:
            continue
        if re.fullmatch(r'Key message \d+', s):
            cur = s
            buf[cur] = []
            order.append(cur)
        else:
            buf[cur].append(s)
    for k in order:
        msgs[k] = ' '.join(buf[k])
    return order, msgs


TITLES, MSGS = load_corpus()
assert TITLES == ['Preamble'] + ['Key message %d' % i for i in range(1, 13)], TITLES
SENTS = {t: re.split(r'(?<=[.?!])\s+', MSGS[t]) for t in TITLES}


def is_whole_sentence(sent, text):
    """sent occurs in text starting at a sentence start and ending at a sentence end."""
    if not sent or sent[-1] not in '.?!':
        return False
    if re.search(r'[.?!]\s+[A-Z]', sent):      # spans more than one sentence
        return False
    start = 0
    while True:
        i = text.find(sent, start)
        if i < 0:
            return False
        before_ok = i == 0 or (text[i - 1].isspace() and text[:i].rstrip()[-1:] in ('.', '?', '!'))
        j = i + len(sent)
        after_ok = j == len(text) or text[j].isspace()
        if before_ok and after_ok:
            return True
        start = i + 1


def norm(q):
    return ''.join(ch for ch in q.lower() if ch.isalnum())


# --------------------------------------------------------- lexical overlap --
STOP = set('''a about above after again all also am an and any are aren as at be because been before being
below between both but by can cant could did didnt do does doesnt doing done dont down during each few for from
further get gets getting got had has have having he her here hers him his how i if in into is isnt it its itself
just let like me more most much my no nor not now of off on once only or other our ours out over own pls please
r same she should so some such than that thats the their theirs them then there these they this those through to
too u under until up very was we were weve what whats when where which while who whom why will with would you
your yours yr yrs ok okay any anything say says said tell find found abt w n teh re vs
children child childrens young people person persons staff kids kid families family yp cyp weans wean
key message messages report inspection inspections inspectors inspector'''.split())


def content_stems(text):
    toks = re.findall(r"[a-z]+", text.lower().replace('’', "'").replace("'", ''))
    toks = [t[:-1] if len(t) > 3 and t.endswith('s') and not t.endswith('ss') else t for t in toks]
    return {t[:5] for t in toks if t not in STOP and len(t) > 2}


# ------------------------------------------------------------- checks -------
seen_ids = set()
seen_q = {}
counts = collections.OrderedDict()
coverage = collections.Counter()
overlap_free = collections.Counter()
n_specific = collections.Counter()


def check_q_text(where, q):
    if not isinstance(q, str) or not q.strip():
        bad(where, 'empty question text')
        return
    k = norm(q)
    if k in seen_q:
        bad(where, 'duplicate question text (also %s): %r' % (seen_q[k], q))
    else:
        seen_q[k] = where


def check_id(where, i, pattern):
    if not isinstance(i, str) or not re.fullmatch(pattern, i):
        bad(where, 'bad id %r' % (i,))
    if i in seen_ids:
        bad(where, 'duplicate id %r' % (i,))
    seen_ids.add(i)


def check_gold(where, titles, sents, need_sents):
    if not isinstance(titles, list) or not isinstance(sents, list):
        bad(where, 'messages/sentences must be lists')
        return
    for t in titles:
        if t not in MSGS:
            bad(where, 'unknown title %r' % t)
    if len(set(titles)) != len(titles):
        bad(where, 'duplicate titles in messages')
    if need_sents and not sents:
        bad(where, 'no gold sentences')
    if len(set(sents)) != len(sents):
        bad(where, 'duplicate gold sentence')
    for s in sents:
        homes = [t for t in titles if t in MSGS and is_whole_sentence(s, MSGS[t])]
        if not homes:
            anywhere = [t for t in TITLES if s in MSGS[t]]
            bad(where, 'gold sentence not a whole verbatim sentence of a listed message '
                       '(found in %s): %r' % (anywhere or 'nowhere', s[:80]))
    # every listed title should be backed by a sentence when sentences are given
    if sents:
        for t in titles:
            if t in MSGS and not any(s in MSGS[t] for s in sents):
                bad(where, 'title %r has no gold sentence' % t)


def load_jsonl(name):
    path = os.path.join(HERE, name)
    rows = []
    if not os.path.exists(path):
        bad(name, 'file missing')
        return rows
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                bad('%s:%d' % (name, n), 'blank line')
                continue
            try:
                rows.append(('%s:%d' % (name, n), json.loads(line)))
            except json.JSONDecodeError as e:
                bad('%s:%d' % (name, n), 'JSON error %s' % e)
    return rows


for name in Q_FILES:
    pat = r'q-sd-\d{3}' if 'dev' in name else r'q-st-\d{3}'
    c = collections.Counter()
    for where, r in load_jsonl(name):
        where = '%s[%s]' % (where, r.get('id'))
        extra = set(r) - {'id', 'question', 'kind', 'messages', 'sentences', 'note'}
        if extra:
            bad(where, 'unexpected keys %s' % extra)
        check_id(where, r.get('id'), pat)
        check_q_text(where, r.get('question'))
        kind = r.get('kind')
        if kind not in KINDS:
            bad(where, 'bad kind %r' % kind)
            continue
        c[kind] += 1
        titles, sents = r.get('messages', None), r.get('sentences', None)
        if kind == 'out_of_scope':
            if titles or sents:
                bad(where, 'out_of_scope must have empty messages and sentences')
        elif kind == 'broad':
            if not titles:
                bad(where, 'broad needs messages')
            if sents:
                bad(where, 'broad must have empty sentences')
            check_gold(where, titles or [], [], False)
        elif kind == 'compound':
            if not titles or len(titles) < 2:
                bad(where, 'compound needs >= 2 titles')
            check_gold(where, titles, sents, True)
        else:
            if not titles:
                bad(where, 'specific needs messages')
            check_gold(where, titles, sents, True)
            split = 'dev' if 'dev' in name else 'test'
            for t in titles:
                coverage[(split, t)] += 1
            n_specific[split] += 1
            q = content_stems(r.get('question', ''))
            g = set().union(*[content_stems(s) for s in sents]) if sents else set()
            if not (q & g):
                overlap_free[split] += 1
    c['total'] = sum(c.values())
    counts[name] = c

for name in C_FILES:
    pat = r'c-sd-\d{2}' if 'dev' in name else r'c-st-\d{2}'
    c = collections.Counter()
    for where, r in load_jsonl(name):
        where = '%s[%s]' % (where, r.get('id'))
        check_id(where, r.get('id'), pat)
        turns = r.get('turns')
        if not isinstance(turns, list) or not 4 <= len(turns) <= 7:
            bad(where, 'needs 4-7 turns')
            continue
        c['conversations'] += 1
        for k, t in enumerate(turns, 1):
            tw = '%s turn %d' % (where, k)
            check_q_text(tw, t.get('user'))
            e = t.get('expect')
            if e not in EXPECTS:
                bad(tw, 'bad expect %r' % e)
                continue
            c['turns'] += 1
            c[e] += 1
            titles, sents = t.get('messages'), t.get('sentences')
            if e == 'answered':
                if not titles:
                    bad(tw, 'answered turn needs messages')
                check_gold(tw, titles or [], sents or [], False)
            elif titles or sents:
                bad(tw, '%s turn must have empty messages/sentences' % e)
    counts[name] = c

c = collections.Counter()
rows = load_jsonl(CC_FILE)
for n, (where, r) in enumerate(rows):
    where = '%s[%s]' % (where, r.get('id'))
    check_id(where, r.get('id'), r'cc-s-\d{2}')
    check_q_text(where, r.get('question'))
    if r.get('split') not in ('dev', 'test'):
        bad(where, 'bad split')
    elif r['split'] != ('dev' if n % 2 == 0 else 'test'):
        bad(where, 'split should alternate dev/test')
    if r.get('expect') not in ('chitchat', 'no_answer'):
        bad(where, 'bad expect')
    c[r.get('expect')] += 1
    c[r.get('split')] += 1
c['total'] = len(rows)
counts[CC_FILE] = c

# ------------------------------------------------------- coverage rules -----
for split, minimum_km, minimum_pre in (('dev', 7, 4), ('test', 3, 2)):
    for t in TITLES:
        need = minimum_pre if t == 'Preamble' else minimum_km
        if coverage[(split, t)] < need:
            bad('coverage', '%s: %s has %d specific questions (< %d)' % (split, t, coverage[(split, t)], need))
if counts.get(Q_FILES[0], {}).get('total', 0) < 170:
    bad('counts', 'dev questions < 170')

# ------------------------------------------------------------- report -------
print('Corpus: %d titles, %d sentences' % (len(TITLES), sum(len(v) for v in SENTS.values())))
for name, c in counts.items():
    print('%-34s %s' % (name, ', '.join('%s=%d' % kv for kv in sorted(c.items()))))
for split in ('dev', 'test'):
    print('%s specific coverage: %s' % (split, ', '.join(
        '%s=%d' % (t.replace('Key message ', 'KM'), coverage[(split, t)]) for t in TITLES)))
    if n_specific[split]:
        print('%s specific questions sharing no content word with their gold sentences: %d/%d (%.0f%%)' % (
            split, overlap_free[split], n_specific[split], 100.0 * overlap_free[split] / n_specific[split]))
        if overlap_free[split] * 2 < n_specific[split]:
            bad('overlap', '%s: fewer than half of specific questions are overlap-free' % split)
print('Unique question texts across all files: %d' % len(seen_q))
if problems:
    print('\nPROBLEMS (%d):' % len(problems))
    for p in problems:
        print('  ' + p)
    sys.exit(1)
print('\nALL CHECKS PASSED')
