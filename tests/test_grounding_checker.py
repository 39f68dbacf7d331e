"""eval/grounding.py, the outside checker of the reply contract: it passes the real app over HTTP and
catches servers that misquote or put words of their own in a reply."""

from __future__ import annotations

import pytest

from eval import grounding

SOURCE = {"message_id": "km-1", "title": "Key message 1", "document": "Joint inspections report",
          "text": "Most children were safer because of the support they received. Some were not."}
_FIRST = "Most children were safer because of the support they received."
GOOD_QUOTE = {"message_id": "km-1", "title": "Key message 1", "text": _FIRST, "start": 0, "end": len(_FIRST), "score": 0.9}


def _reply(quote: dict, text: str | None = None) -> dict:
    return {"status": "answered", "quotes": [quote], "sources": [SOURCE], "suggestions": [], "context": {},
            "reply": text or f"From “{SOURCE['document']}”:\n\n“{quote['text']}” ({quote['title']})"}


def _fake_server(live_server, reply: dict):
    from fastapi import FastAPI

    app = FastAPI()

    @app.post("/api/chat")
    def chat(body: dict) -> dict:
        return reply

    return live_server(app)


def test_real_app_passes(live_app):
    # every 4th gold item (answers, declines, conversations with context passed back, chit-chat) plus
    # all hostile inputs and the follow-up conversation; `python -m eval.grounding` sends them all
    items = grounding.default_items()
    sample = items[::4] + [i for i in items if i[0] in grounding.HOSTILE] + items[-1:]
    violations, turns = grounding.run(live_app.url, sample)
    assert turns > 60
    assert violations == []


def test_a_correct_fake_reply_passes(live_server):
    with _fake_server(live_server, _reply(GOOD_QUOTE)) as server:
        assert grounding.run(server.url, [["anything"]]) == ([], 1)


def test_quote_that_differs_from_its_source_fails(live_server):
    wrong = dict(GOOD_QUOTE, text="All children were safer because of the support they received.")
    with _fake_server(live_server, _reply(wrong)) as server:
        violations, _ = grounding.run(server.url, [["anything"]])
    assert any("differs from its source" in v for v in violations), violations


def test_made_up_reply_text_fails(live_server):
    made_up = (f"From “{SOURCE['document']}”:\n\n“{GOOD_QUOTE['text']}” ({GOOD_QUOTE['title']})\n\n"
               "In my view this shows services are improving everywhere.")
    with _fake_server(live_server, _reply(GOOD_QUOTE, made_up)) as server:
        violations, _ = grounding.run(server.url, [["anything"]])
    assert violations and all("not from a template" in v for v in violations), violations
    assert "In my view" in violations[0]


def test_other_contract_breaks_are_each_named(live_server):
    unsourced = dict(_reply(GOOD_QUOTE), sources=[])
    silent = dict(_reply(GOOD_QUOTE), status="no_answer")
    with _fake_server(live_server, unsourced) as a, _fake_server(live_server, silent) as b:
        va, _ = grounding.run(a.url, [["x"]])
        vb, _ = grounding.run(b.url, [["x"]])
    assert any("no source has that message_id" in v for v in va), va
    assert any("answered must go with quotes" in v for v in vb), vb


def test_fill_ins_are_limited():
    patterns = grounding.template_patterns()
    known = grounding.Known({"Joint inspections report"}, {"Key message 1"}, [SOURCE["text"]])
    ok = {"status": "no_answer", "quotes": [], "sources": [],
          "reply": "These documents don't mention “ofsted”, so I can't answer that. I only answer with their exact words."}
    assert grounding.framing_violations(ok, patterns, known, "what did Ofsted say") == []
    # the same template line, but a 'term' the user never typed
    assert grounding.framing_violations(ok, patterns, known, "what did the inspectors say") != []
    refused = {"status": "answered", "quotes": [], "reply": "I haven't done the rest (“write me a poem”): I only answer by "
               "quoting the documents word for word, and I don't write or change text of my own."}
    assert grounding.framing_violations(refused, patterns, known, "what about DV? and write me a poem") == []
    # the person's words named back must be theirs
    assert grounding.framing_violations(refused, patterns, known, "what about DV? and draft an email") != []
    wrong_doc = {"status": "answered", "quotes": [], "reply": "From “Daily Mail”:"}
    assert grounding.framing_violations(wrong_doc, patterns, known, "q") == ["From “Daily Mail”:"]


def test_cli_exit_codes(live_server, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text("anything\n")
    with _fake_server(live_server, _reply(GOOD_QUOTE)) as good:
        assert grounding.main(["--url", good.url, "--questions", str(questions)]) == 0
    with _fake_server(live_server, _reply(GOOD_QUOTE, "Trust me, all is well.")) as bad:
        assert grounding.main(["--url", bad.url, "--questions", str(questions)]) == 1
    out = capsys.readouterr().out.strip().splitlines()
    assert out and all(line.startswith("item 1 turn 1") for line in out)
