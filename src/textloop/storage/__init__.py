"""Storage: the only code that touches the database and artifact files."""

from textloop.storage.store import Store

__all__ = ["Store"]
