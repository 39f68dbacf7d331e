"""The live index of a server process: one Assistant, loaded once and swapped whole when a new index
is built or a profile file (glossary, names, answer types) is edited, and the health of what it serves.

web.py asks it for the Assistant on each request (`get`), lets it look for changes (`maybe_reload`,
at most every settings.reload_seconds, off the request path) and reports its `health()` at /healthz.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from pathlib import Path

from .errors import IndexError_
from .profile import stamp as profile_stamp
from .settings import Settings

log = logging.getLogger("assistant.web")

# What store.load reads (store.py lists the same files as _FILES, plus the bm25/ folder checked below).
STORE_FILES = ("manifest.json", "messages.jsonl", "units.jsonl", "vectors.faiss", "documents.jsonl")


# -- the assistant, loaded once and swapped whole when a new index appears -------------------------
class Holder:
    """The live Assistant. A re-index is loaded into a *new* Assistant off the request path and swapped
    in with one assignment, so a request in flight keeps using one consistent index throughout.

    When the new index was built with the same model, the new Assistant gets the live one's query
    embedder (one ONNX session for the life of the process, not a second one per reload), and the
    retired Assistant is let go so its build's memory-mapped files can be freed."""

    def __init__(self, settings: Settings, assistant=None):
        self.settings = settings
        self.assistant = assistant
        self.problem = ""
        self._checked = time.monotonic()
        self._busy = threading.Lock()
        self._failed_key: tuple | None = None
        self._loaded_key: tuple | None = None
        self._retired: weakref.ref | None = None
        self._health: tuple[float, str] = (-1.0, "")
        if assistant is None:
            self._build()
        else:
            store = getattr(assistant, "store", None)
            self._loaded_key = (Path(store.path).resolve() if store else None, profile_stamp(settings.index_dir))

    def _build(self) -> bool:
        from .core import Assistant

        key = (self._target(), profile_stamp(self.settings.index_dir))
        try:
            new = Assistant(self.settings, embedder=self._reusable_embedder())
        except Exception as exc:  # no index yet, or a damaged one: serve 503s and keep checking
            self.problem = f"{type(exc).__name__}: {exc}"
            log.error("index not loaded: %s", self.problem)
            return False
        old, self.assistant, self.problem = self.assistant, new, ""
        self._loaded_key, self._health = key, (-1.0, "")
        if old is not None:
            self._retired = weakref.ref(old)
            del old  # this frame must not be what keeps it alive
            self._release_retired()
        return True

    def _reusable_embedder(self):
        """The live Assistant's query embedder if the index now in the store was built with the same
        model as the live one; None (load a fresh one) otherwise, or when in any doubt."""
        from .store import manifest_weights, read_manifest

        live, target = self.assistant, self._target()
        embedder, store = getattr(live, "embedder", None), getattr(live, "store", None)
        if embedder is None or store is None or target is None:
            return None
        try:
            manifest = read_manifest(target)
        except Exception:  # missing or damaged: the fresh load reports it properly
            return None
        same = manifest["model"] == store.model == embedder.name and manifest_weights(manifest) == store.weights
        return embedder if same else None

    def _release_retired(self) -> None:
        """Nothing in an Assistant refers back to it (core.Library), so the retired one and its mmapped index
        are freed as soon as the last request using it ends, by reference counting; no collection is needed.
        A request still in flight keeps it alive: the next reload check looks again."""
        if self._retired is not None and self._retired() is None:
            self._retired = None
            log.info("previous index released")

    def _target(self) -> Path | None:
        try:
            return self.settings.store_dir.resolve()
        except OSError:
            return None

    def _key(self) -> tuple:
        return (self._target(), profile_stamp(self.settings.index_dir))

    def _stale(self) -> bool:
        """A new index in the store, or an edited profile file, that has not failed to load already."""
        if self.assistant is None:
            return True
        key = self._key()
        return key[0] is not None and key != self._failed_key and key != self._loaded_key

    def maybe_reload(self) -> None:
        """Called on each request: at most every reload_seconds, look for a new index in the background."""
        every = self.settings.reload_seconds
        now = time.monotonic()
        if every <= 0 or now - self._checked < every or self._busy.locked():
            return
        self._checked = now
        threading.Thread(target=self._reload, name="index-reload", daemon=True).start()

    def _reload(self) -> None:
        if not self._busy.acquire(blocking=False):
            return
        try:
            self._reload_now()
        except Exception as exc:  # a background thread must never die noisily; the old index keeps serving
            log.warning("index reload check failed: %s", type(exc).__name__)
        finally:
            self._busy.release()

    def _reload_now(self) -> None:
        if self._retired is not None:
            self._release_retired()
        if not self._stale():
            return
        key = self._key()
        if self._build():
            self._failed_key = None
            log.info("index reloaded from %s", self.assistant.store.path)
        else:
            self._failed_key = key

    def get(self):
        a = self.assistant
        if a is None:
            raise IndexError_("the index is not loaded yet")
        return a

    def health(self) -> str:
        """'' while the served index is loaded and its files are readable; else what is wrong, in words
        an operator can act on and without paths. Checked at most once a second."""
        at, problem = self._health
        now = time.monotonic()
        if now - at < 1.0:
            return problem
        problem = self._check_files()
        self._health = (now, problem)
        return problem

    def _check_files(self) -> str:
        a = self.assistant
        if a is None:
            return "The document index is not loaded: build it with `assistant index`."
        folder = Path(a.store.path)
        for name in STORE_FILES:
            try:
                with open(folder / name, "rb") as f:
                    f.read(1)
            except OSError:
                return f"The served index's {name} is missing or unreadable: rebuild it with `assistant index`."
        try:
            if not any((folder / "bm25").iterdir()):
                raise OSError
        except OSError:
            return "The served index's bm25 folder is missing or unreadable: rebuild it with `assistant index`."
        return ""
