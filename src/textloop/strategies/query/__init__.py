"""Active-learning query strategies, one module each, registered as ``textloop.query.NAME.vN``."""

from textloop.strategies.query.base import (
    QueryContext,
    QueryStrategy,
    TaggedSequence,
    get_strategy,
    span_strategy_names,
    strategy_task,
)

__all__ = ["QueryContext", "QueryStrategy", "TaggedSequence", "get_strategy",
           "span_strategy_names", "strategy_task"]
