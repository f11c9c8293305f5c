"""Getting text into the store: files (``importer``) and the shared record ``writer``.

The front is lazy (``textloop.lazy``): the CLI reads the list of formats and the default
text length from light submodules without loading the importer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.ingest.formats import span_file_format as span_file_format
    from textloop.stages.ingest.importer import ImportOptions as ImportOptions
    from textloop.stages.ingest.importer import ImportResult as ImportResult
    from textloop.stages.ingest.importer import import_file as import_file
    from textloop.stages.ingest.source import DEFAULT_MAX_CHARS as DEFAULT_MAX_CHARS
    from textloop.stages.ingest.source import FORMATS as FORMATS
    from textloop.stages.ingest.source import ReadOptions as ReadOptions

__all__, __getattr__ = lazy_front(__name__, {
    "formats": ("span_file_format",),
    "importer": ("ImportOptions", "ImportResult", "import_file"),
    "source": ("DEFAULT_MAX_CHARS", "FORMATS", "ReadOptions"),
})
