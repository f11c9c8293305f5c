"""Who is calling: the API key from ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``,
checked against the key ring, then against the key's rate limit."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from textloop.server.state import get_state
from textloop.stages.serving import ApiKey, UnauthorizedError


def presented_key(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("x-api-key") or None


async def api_key(request: Request) -> ApiKey | None:
    """The caller's standing key (None when the server needs none); 401 or 429 otherwise.

    A key seen before (right or wrong) is checked in memory; a new one is hashed (scrypt) off
    the event loop. A client address that failed too many checks gets 429 before its key is
    looked at, so guessing secrets is slow and cannot keep the server hashing.
    """
    state = get_state(request)
    presented = presented_key(request)
    if presented is None:
        if state.keys.required:
            raise UnauthorizedError("this server needs an API key",
                                    hint="send `Authorization: Bearer KEY` (create a key with "
                                         "`textloop keys create NAME`)")
        return None
    client = request.client.host if request.client else "unknown"
    state.auth_failures.check(client)
    try:
        key = state.keys.remembered(presented)
        if key is None:
            key = await run_in_threadpool(state.keys.verify, presented)
    except UnauthorizedError:
        state.auth_failures.failed(client)
        raise
    state.limiter.check(key.name, key.rate)
    return key


Caller = Annotated[ApiKey | None, Depends(api_key)]
