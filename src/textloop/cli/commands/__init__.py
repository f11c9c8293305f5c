"""One module per group of verbs; importing this package registers every command."""

from textloop.cli.commands import (  # noqa: F401
    crawl,
    demo,
    ingest,
    modeling,
    models,
    project,
    release,
    simulate,
    suggest,
)
