"""Domain errors. Only the edges (CLI, HTTP) turn these into messages or status codes.

AssistantError
├── IndexError_            the built store cannot be used
│   ├── IndexMissing       nothing built yet
│   ├── IndexMismatch      built with another model or format version
│   └── IndexDamaged       files missing, truncated or inconsistent
├── SettingsError          an environment setting has a value of the wrong kind
├── CorpusError            the sources cannot be indexed (none found, none readable, names clash)
│   └── Unreadable         one file cannot be read (damaged, encrypted, no text layer, empty); names file and reason
├── InputError             a question or context the caller must fix
│   ├── InvalidQuestion
│   ├── InvalidContext
│   └── InvalidDocuments   a document filter naming documents that are not indexed
└── GroundingError         a quote failed the verbatim check (a bug; never shown to users)
"""


class AssistantError(Exception):
    """Base of every error the library raises on purpose."""


class IndexError_(AssistantError):
    pass


class IndexMissing(IndexError_):
    pass


class IndexMismatch(IndexError_):
    pass


class IndexDamaged(IndexError_):
    pass


class SettingsError(AssistantError):
    pass


class CorpusError(AssistantError):
    pass


class Unreadable(CorpusError):
    """One source file that yields no text, with the file and the reason, for a one-line message."""

    def __init__(self, path, reason: str):
        self.path, self.reason = path, reason
        super().__init__(f"cannot index {path}: {reason}")

    def __reduce__(self):  # rebuilt from its fields when a parsing process hands it back
        return (type(self), (self.path, self.reason))


class InputError(AssistantError):
    pass


class InvalidQuestion(InputError):
    pass


class InvalidContext(InputError):
    pass


class InvalidDocuments(InputError):
    pass


class GroundingError(AssistantError):
    pass
