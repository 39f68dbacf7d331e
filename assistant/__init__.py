"""A retrieval assistant that answers only by quoting its documents verbatim."""

__version__ = "0.1.0"
