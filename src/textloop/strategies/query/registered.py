"""Importing this module registers every built-in query strategy."""

from textloop.strategies.query import (  # noqa: F401
    cluster_margin,
    cold_start,
    default,
    entropy,
    least_confidence,
    margin,
    qbc,
    random_sampling,
)
