"""One module per group of verbs; importing this package registers every command."""

from textloop.cli.commands import (  # noqa: F401
    agreement,
    annotators,
    clean,
    crawl,
    demo,
    export,
    ingest,
    label,
    modeling,
    models,
    project,
    record,
    registry,
    release,
    review,
    rules,
    selection,
    simulate,
    sufficiency,
    suggest,
)
