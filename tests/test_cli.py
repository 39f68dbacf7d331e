"""`assistant` command line, through assistant.cli.main, with the fake embedder."""

from __future__ import annotations

import json

import pytest

from assistant import cli
from corefix import CONTRACT_KEYS, build_fake, make_index_dir


@pytest.fixture
def env(tmp_path, monkeypatch):
    root = make_index_dir(tmp_path / "idx", real=True)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(root))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    return root


@pytest.fixture
def built(env):
    assert cli.main(["index"]) == 0
    return env


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("assistant: ")
    return lines[0]


def test_index_then_up_to_date(env, capsys):
    assert cli.main(["index"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("indexed 13 messages") and "embedded" in out
    assert (env / "store" / "manifest.json").exists()
    assert cli.main(["index"]) == 0
    assert capsys.readouterr().out.startswith("index is up to date: 13 messages")
    assert cli.main(["index", "--force"]) == 0
    assert "reused 0" in capsys.readouterr().out


def test_index_missing_path_is_exit_2(env, capsys, tmp_path):
    assert cli.main(["index", str(tmp_path / "nope")]) == 2
    assert "no such file" in one_line_error(capsys.readouterr().err)


def test_ask_json_prints_exactly_the_contract(built, capsys):
    assert cli.main(["ask", "--json", "is domestic abuse still a problem?"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert set(d) == CONTRACT_KEYS
    assert d["status"] in ("answered", "no_answer", "chitchat")
    assert (d["status"] == "answered") == bool(d["quotes"])


def test_ask_json_context_round_trip(built, capsys):
    assert cli.main(["ask", "--json", "hello"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["status"] == "chitchat"
    assert cli.main(["ask", "--json", "--context", json.dumps(first["context"]), "thanks"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["context"]["turn"] == first["context"]["turn"] + 1


def test_ask_plain_text(built, capsys):
    assert cli.main(["ask", "hello"]) == 0
    out = capsys.readouterr().out
    assert out.strip() and not out.lstrip().startswith("{")


def test_missing_index_is_exit_2_one_line(env, capsys):
    for argv in (["ask", "is early help working"], ["ask", "--json", "hi"], ["search", "early help"]):
        assert cli.main(argv) == 2
        captured = capsys.readouterr()
        assert "assistant index" in one_line_error(captured.err)
        assert captured.out == ""


def test_damaged_index_is_exit_2_one_line(built, capsys):
    (built / "store" / "manifest.json").write_text("{not json")
    assert cli.main(["ask", "hi"]) == 2
    assert "assistant index" in one_line_error(capsys.readouterr().err)


@pytest.mark.parametrize("context", ["{not json", "[1, 2]", '{"v": 2}', '"text"'])
def test_invalid_context_is_exit_2(built, capsys, context):
    assert cli.main(["ask", "--json", "--context", context, "tell me more"]) == 2
    captured = capsys.readouterr()
    one_line_error(captured.err)
    assert captured.out == ""


@pytest.mark.parametrize("question", ["   ", "x" * 1001])
def test_invalid_question_is_exit_2(built, capsys, question):
    assert cli.main(["ask", question]) == 2
    one_line_error(capsys.readouterr().err)


def test_search_lists_k_ranked_messages(built, capsys):
    assert cli.main(["search", "domestic abuse", "-k", "3"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert [line.split(".")[0].strip() for line in lines] == ["1", "2", "3"]
    assert all("[key-messages-2021-2025:" in line for line in lines)


def test_settings_lists_every_variable(capsys, monkeypatch):
    monkeypatch.delenv("ASSISTANT_INDEX_DIR", raising=False)
    assert cli.main(["settings"]) == 0
    out = capsys.readouterr().out
    from assistant.settings import describe

    for name, default, help_text in describe():
        assert f"{name}={default}" in out and help_text in out


def test_usage_error_is_argparse_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["frobnicate"])
    assert exc.value.code == 2


def test_bad_environment_value_is_exit_2_one_line(built, capsys, monkeypatch):
    monkeypatch.setenv("ASSISTANT_PORT", "abc")
    try:
        code = cli.main(["ask", "hi"])
    except ValueError:
        code = None
    assert code == 2
    assert "ASSISTANT_PORT" in one_line_error(capsys.readouterr().err)


def test_chat_loop(built, capsys, monkeypatch):
    lines = iter(["hello", "", "   ", "x" * 2000, "tell me more", "quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert cli.main(["chat"]) == 0
    out = capsys.readouterr().out
    assert out.count("assistant> ") == 3  # hello, the too-long question (an input error), tell me more
    assert "longer than" in out


def test_build_fake_helper_matches_cli(tmp_path, monkeypatch, capsys):
    settings = build_fake(tmp_path / "h", real=True)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    assert cli.main(["index"]) == 0
    assert capsys.readouterr().out.startswith("index is up to date")
