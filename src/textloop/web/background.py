"""The model retraining beside the app: started and stopped with it, told of each answer.

The refresher itself (``stages.active_learn.BackgroundRefresher``) debounces and runs in a
daemon thread; the app only starts it, calls ``notify_labeled`` (which returns at once)
and stops it on shutdown, so retraining never blocks a request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from textloop.web.context import WebContext

log = logging.getLogger(__name__)


def make_refresher(context: WebContext) -> None:
    """Attach a background refresher to the context unless retraining is switched off."""
    if not context.settings.retrain or context.refresher is not None:
        return
    from textloop.stages.active_learn import BackgroundRefresher

    context.refresher = BackgroundRefresher(context.store, context.project)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the refresher for as long as the app serves requests."""
    context: WebContext = app.state.context
    make_refresher(context)
    if context.refresher is not None:
        context.refresher.start()
    try:
        yield
    finally:
        if context.refresher is not None:
            context.refresher.stop()
