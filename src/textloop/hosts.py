"""Which ``Host`` header names a server answers to: one rule for the labeling app and the
inference server (both import it from here; neither imports the other).

DNS rebinding: a page on evil.example re-resolves its own name to 127.0.0.1 and so reaches
a loopback server from a browser on this machine, but its requests still say
``Host: evil.example``. A server on loopback therefore answers only loopback names; one
bound to another address answers any name unless it is given a list.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
ANY_HOST = "*"


def allowed_hosts(bind_host: str, configured: Sequence[str] = ()) -> tuple[str, ...]:
    """The names to answer to: ``configured`` when given (an operator's list, e.g. the name
    a reverse proxy forwards), else loopback names on loopback, else any host."""
    if configured:
        return tuple(h.lower() for h in configured)
    if bind_host in LOOPBACK_NAMES:
        return LOOPBACK_NAMES
    return (ANY_HOST,)


def hostname(host: str) -> str:
    """``127.0.0.1:8000`` -> ``127.0.0.1``; ``[::1]:8000`` -> ``::1``."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether a ``Host`` header value (port included or not) names one of ``allowed``."""
    names = {h.lower() for h in allowed}
    return ANY_HOST in names or hostname(host.lower()) in names
