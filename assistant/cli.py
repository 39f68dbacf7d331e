"""`assistant` command line: index, documents, search, ask, chat, serve, report, settings. A thin skin: library errors
become one-line messages and exit status 2, never a traceback."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from .errors import AssistantError, InputError
from .settings import Settings, describe


def _assistant(settings: Settings):
    from .core import Assistant

    return Assistant(settings)


def cmd_index(args, settings: Settings) -> None:
    from .indexer import build

    report = build(settings, [Path(p) for p in args.paths] or None, force=args.force)
    for bad in report.skipped:  # one line each; the rest was indexed
        print(f"assistant: skipped {bad.path}: {bad.reason}", file=sys.stderr)
    if report.up_to_date:
        print(f"index is up to date: {report.messages} messages, {report.units} units ({report.path})")
    else:
        how = "added to the live index" if report.appended else "rebuilt"
        print(f"indexed {report.messages} messages, {report.units} units ({how}); embedded {report.embedded} texts, "
              f"reused {report.reused} vectors ({report.path})")
        print("seconds: " + "; ".join(f"{step} {s:.2f}" for step, s in report.seconds))


def cmd_documents(args, settings: Settings) -> None:
    docs = _assistant(settings).documents
    if args.json:
        print(json.dumps({"documents": [{k: getattr(d, k) for k in ("id", "title", "file", "format", "pages", "messages",
                                                                     "indexed_at")} for d in docs]}, ensure_ascii=False, indent=2))
        return
    for d in docs:
        pages = f", {d.pages} pages" if d.pages else ""
        print(f"{d.id}  {d.title}  ({d.file}, {d.format}{pages}, {d.messages} messages, indexed {d.indexed_at})")


def cmd_search(args, settings: Settings) -> None:
    result = _assistant(settings).search(args.question, k=args.k)
    for rank, hit in enumerate(result.hits, 1):
        print(f"{rank:>3}. {hit.score:.3f}  (dense {hit.dense:.3f}, bm25 {hit.lexical:.3f})  {hit.message.title}  [{hit.message.id}]")


def print_reply(reply, as_json: bool) -> None:
    if as_json:
        print(json.dumps(reply.to_dict(), ensure_ascii=False, indent=2))
        return
    print(reply.reply)
    if reply.sources:
        pages = {q.message_id: q.page for q in reversed(reply.quotes) if q.page}
        print("\nSources: " + "; ".join(" · ".join([s.title] + ([f"page {pages[s.message_id]}"] if s.message_id in pages else [])
                                                   + [s.document]) for s in reply.sources))
    if reply.suggestions:
        print("You could also ask: " + " | ".join(reply.suggestions))


def cmd_ask(args, settings: Settings) -> None:
    context = json.loads(args.context) if args.context else None
    print_reply(_assistant(settings).ask(args.question, context, documents=args.document or None), args.json)


def cmd_chat(args, settings: Settings) -> None:
    try:
        import readline  # noqa: F401  (history and line editing for input())
    except ImportError:
        pass
    assistant, context = _assistant(settings), {}
    print("Ask about the key messages. Type quit to leave.")
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line.lower() in {"quit", "exit", ":q"}:
            return
        if not line:
            continue
        try:
            reply = assistant.ask(line, context)
        except InputError as exc:
            print(f"assistant> {exc}")
            continue
        context = reply.context
        print("assistant> " + reply.reply.replace("\n", "\n           "))
        if reply.suggestions:
            print("           (try: " + " | ".join(reply.suggestions) + ")")


def cmd_serve(args, settings: Settings) -> None:
    import uvicorn

    from .indexer import build

    if not args.no_index:
        build(settings)
    # Behind the shipped nginx configuration (deploy/), nginx bounds header size and read time; these bound
    # what reaches uvicorn: open connections and requests, idle keep-alive, and whose forwarded headers count.
    uvicorn.run("assistant.web:create_app", factory=True, host=args.host or settings.host,
                port=args.port or settings.port, workers=args.workers, log_level="info",
                access_log=False,  # the access log would carry query strings (questions) to the logs
                limit_concurrency=settings.limit_concurrency, timeout_keep_alive=settings.keep_alive_seconds,
                timeout_graceful_shutdown=10, h11_max_incomplete_event_size=16384, server_header=False,
                proxy_headers=bool(settings.proxies), forwarded_allow_ips=",".join(sorted(settings.proxies)) or None)


def cmd_report(args, settings: Settings) -> None:
    from . import report

    summary = report.build(settings.db, report.seconds(args.since))
    print(json.dumps(summary.to_dict(), indent=2) if args.json else report.text(summary, report.titles(settings.store_dir)))


def cmd_settings(args, settings: Settings) -> None:
    for name, default, help in describe():
        print(f"{name}={default}\n    {help}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="Answers questions by quoting the indexed documents.")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("index", help="build or refresh the index (no-op when up to date)")
    s.add_argument("paths", nargs="*", help=".pdf/.docx/.html/.htm/.txt/.md files or folders (default: what was indexed last, else index/sources)")
    s.add_argument("--force", action="store_true", help="re-embed everything")
    s.set_defaults(func=cmd_index)
    s = sub.add_parser("search", help="rank messages for a question")
    s.add_argument("question")
    s.add_argument("-k", type=int, default=5)
    s.set_defaults(func=cmd_search)
    s = sub.add_parser("ask", help="answer one question by quoting the documents")
    s.add_argument("question")
    s.add_argument("--json", action="store_true", help="print the reply contract as JSON")
    s.add_argument("--context", help="the context object from a previous --json reply")
    s.add_argument("--document", action="append", metavar="ID", help="search only this document (repeatable; ids from `assistant documents`)")
    s.set_defaults(func=cmd_ask)
    s = sub.add_parser("documents", help="list the indexed documents")
    s.add_argument("--json", action="store_true", help="print the same JSON as GET /api/documents")
    s.set_defaults(func=cmd_documents)
    s = sub.add_parser("chat", help="a conversation in the terminal")
    s.set_defaults(func=cmd_chat)
    s = sub.add_parser("serve", help="serve the web chat, widget and JSON API")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--workers", type=int, default=1)
    s.add_argument("--no-index", action="store_true", help="do not build a missing or stale index first")
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("report", help="usage and feedback counts from the server's database (no question text)")
    s.add_argument("--since", default="7d", help="how far back: 7d, 12h, 30m (default 7d)")
    s.add_argument("--json", action="store_true", help="print the counts as JSON")
    s.set_defaults(func=cmd_report)
    s = sub.add_parser("settings", help="list every setting with its default")
    s.set_defaults(func=cmd_settings)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args.func(args, Settings.from_env())
    except AssistantError as exc:
        print(f"assistant: {exc}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as exc:
        print(f"assistant: --context is not valid JSON ({exc})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
