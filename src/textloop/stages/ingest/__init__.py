"""Getting text into the store: files (``importer``) and the shared record ``writer``."""

from textloop.stages.ingest.importer import ImportOptions, ImportResult, import_file

__all__ = ["ImportOptions", "ImportResult", "import_file"]
