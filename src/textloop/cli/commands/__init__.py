"""One module per group of verbs; importing this package registers every command."""

from textloop.cli.commands import ingest, project  # noqa: F401
