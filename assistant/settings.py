"""Every setting, declared once: name, default, help. Read from the environment (ASSISTANT_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

from .errors import SettingsError

ROOT = Path(__file__).resolve().parent.parent


def _setting(default, help: str, choices: tuple = ()):
    return field(default=default, metadata={"help": help, "choices": choices})


@dataclass(frozen=True)
class Settings:
    index_dir: Path = _setting(ROOT / "index", "Folder holding sources/, glossary.json and the built store/.")
    model: str = _setting("", "sentence-transformers model folder; empty means the packaged all-MiniLM-L6-v2.")
    embedder: str = _setting("auto", "Query embedder: auto (ONNX when exported, else torch), onnx, torch, or fake (tests).",
                             ("auto", "onnx", "torch", "fake"))
    onnx_weights: str = _setting("int8", "ONNX model that embeds documents at index time and questions: int8 (8-bit, written only when it agrees with fp32 to cosine >= 0.98) or fp32. A server uses what its index was built with; changing this rebuilds.",
                                 ("int8", "fp32"))
    host: str = _setting("127.0.0.1", "Address `assistant serve` binds to.")
    port: int = _setting(8000, "Port `assistant serve` listens on.")
    allowed_origins: str = _setting("", "Comma-separated origins allowed to embed the widget (CORS and frame-ancestors).")
    log_questions: bool = _setting(False, "Log question text (off by default: staff may type details about a child).")
    max_question_chars: int = _setting(1000, "Longest question accepted, after trimming.")
    max_body_bytes: int = _setting(16384, "Largest request body accepted by the HTTP API.")
    query_cache: int = _setting(512, "Query vectors remembered per process, for follow-ups and suggestions (0 = off; benchmarks use 0).")
    reload_seconds: float = _setting(2.0, "How often the server checks the store for a newly built index (0 = never).")
    concurrency: int = _setting(2, "Chat and search requests computed at once per server process, in threads off the event loop; the rest wait.")
    limit_concurrency: int = _setting(64, "Open connections and requests per server process before uvicorn answers 503 (`--limit-concurrency`).")
    keep_alive_seconds: int = _setting(5, "How long `assistant serve` keeps an idle connection open (uvicorn `--timeout-keep-alive`).")
    trusted_proxies: str = _setting("127.0.0.1", "Comma-separated proxy addresses whose X-Forwarded-For/-Proto are believed (empty = none).")
    rate_limit: str = _setting("", "Requests to /api/* per client address, e.g. 60/minute (empty = no limit). Per server process.")
    api_tokens: str = _setting("", "Comma-separated bearer tokens; when set, /api/* requires `Authorization: Bearer <token>` (empty = open).")
    db: Path = _setting(ROOT / "var" / "assistant.sqlite3", "SQLite file for usage counts and feedback (no question text unless log_questions).")
    retention_days: int = _setting(90, "Usage and feedback rows older than this many days are deleted.")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        values = {}
        for f in fields(cls):
            raw = env.get("ASSISTANT_" + f.name.upper())
            if raw is None:
                continue
            kind = type(f.default)
            if kind is bool:
                values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif issubclass(kind, Path):
                values[f.name] = Path(raw)
            else:
                try:
                    values[f.name] = kind(raw)
                except ValueError:
                    raise SettingsError(f"ASSISTANT_{f.name.upper()}={raw!r} is not a valid {kind.__name__}") from None
        values.update(overrides)
        for f in fields(cls):
            choices = f.metadata["choices"]
            if choices and f.name in values and values[f.name] not in choices:
                raise SettingsError(f"ASSISTANT_{f.name.upper()}={values[f.name]!r} is not one of {', '.join(choices)}")
        return cls(**values)

    @property
    def sources_dir(self) -> Path:
        return self.index_dir / "sources"

    @property
    def store_dir(self) -> Path:
        return self.index_dir / "store"

    @property
    def glossary_path(self) -> Path:
        return self.index_dir / "glossary.json"

    @property
    def names_path(self) -> Path:
        return self.index_dir / "names.json"

    @property
    def answer_types_path(self) -> Path:
        return self.index_dir / "answer_types.json"

    def logged(self, question: str) -> str:
        """The question as a log line may carry it: ' question=...' only when log_questions is on, else ''
        (staff may type details about a child)."""
        return f" question={question.strip()!r}" if self.log_questions else ""

    @property
    def origins(self) -> list[str]:
        return [o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()]

    @property
    def proxies(self) -> frozenset[str]:
        return frozenset(a.strip() for a in self.trusted_proxies.split(",") if a.strip())

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(t.strip() for t in self.api_tokens.split(",") if t.strip())


def describe() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting, for the README and `assistant settings`."""
    return [("ASSISTANT_" + f.name.upper(), str(f.default), f.metadata["help"]) for f in fields(Settings)]
