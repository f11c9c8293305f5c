"""What every request handler reaches: the project, its store, settings and the refresher."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fastapi import Request

from textloop.config import Project
from textloop.storage import Store
from textloop.web.session import SessionSigner
from textloop.web.settings import WebSettings


class Refresher(Protocol):
    """The part of ``BackgroundRefresher`` the app uses (a test can pass a stand-in)."""

    def start(self) -> None: ...

    def notify_labeled(self, n: int = 1) -> None: ...

    def request_now(self) -> bool: ...

    @property
    def busy(self) -> bool: ...

    def stop(self, timeout: float = 30.0) -> None: ...


@dataclass
class WebContext:
    project: Project
    store: Store
    settings: WebSettings
    signer: SessionSigner
    refresher: Refresher | None = None

    def labeled(self) -> None:
        """Tell the background refresher about a new answer (returns at once)."""
        if self.refresher is not None:
            self.refresher.notify_labeled()

    def queue_ran_dry(self) -> bool:
        """Ask for the next batch at once; True while one is being chosen (worth waiting)."""
        if self.refresher is None:
            return False
        return self.refresher.request_now() or self.refresher.busy


def get_context(request: Request) -> WebContext:
    context: WebContext = request.app.state.context
    return context
