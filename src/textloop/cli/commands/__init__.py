"""One module per group of verbs; importing this package registers every command."""

from textloop.cli.commands import crawl, demo, ingest, modeling, models, project, release  # noqa: F401
