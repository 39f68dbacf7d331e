"""Domain errors. Only the edges (CLI, HTTP) turn these into messages or status codes.

AssistantError
├── IndexError_            the built store cannot be used
│   ├── IndexMissing       nothing built yet
│   ├── IndexMismatch      built with another model or format version
│   └── IndexDamaged       files missing, truncated or inconsistent
├── SettingsError          an environment setting has a value of the wrong kind
├── CorpusError            a source document cannot be read or holds no text
├── InputError             a question or context the caller must fix
│   ├── InvalidQuestion
│   └── InvalidContext
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


class InputError(AssistantError):
    pass


class InvalidQuestion(InputError):
    pass


class InvalidContext(InputError):
    pass


class GroundingError(AssistantError):
    pass
