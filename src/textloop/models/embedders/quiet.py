"""Silence a library's advisory log lines for the duration of one call."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_logs(*names: str | None) -> Iterator[None]:
    """Raise the named loggers (``None`` = the root logger) to ERROR, then restore them.

    ONNX Runtime's optimizer and quantizer warn about graphs not exported from torch and
    suggest pre-processing that does not apply to a graph built here; those warnings would
    only confuse a user watching ``textloop models download``.
    """
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
