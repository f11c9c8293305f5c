"""A client for OpenAI-compatible chat-completions endpoints (vLLM, Ollama, llama.cpp's
server, hosted APIs), and the checks on what such an endpoint answers.

Only ``POST {base_url}/chat/completions`` is used, with plain httpx, so any server speaking
that protocol works. Busy and failing servers are normal: 429, 5xx, timeouts and dropped
connections are retried with exponential backoff and jitter (honouring ``Retry-After``),
and what is still failing after the last try becomes an error that says what happened and
what to check. The API key is read from an environment variable whose *name* is configured,
so the key itself never lands in a config file, a run record or an error message.
"""

from __future__ import annotations

import email.utils
import math
import os
import random
import time
from collections.abc import Mapping
from typing import Any

import httpx

from textloop.errors import ExternalServiceError

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
Message = Mapping[str, str]


class EndpointError(ExternalServiceError):
    """The chat endpoint failed or refused, and retrying did not help."""


class EndpointAuthError(EndpointError):
    """The endpoint refused the credentials (401/403)."""


class EndpointTimeoutError(EndpointError):
    """The endpoint did not answer in time, on every try."""


class EndpointResponseError(EndpointError):
    """The endpoint answered, but not with an OpenAI-shaped chat completion."""


class _Retry(Exception):
    """A try failed in a way worth retrying: ``error`` if it was the last, else wait."""

    def __init__(self, error: EndpointError, wait: float) -> None:
        self.error = error
        self.wait = wait


class ChatEndpoint:
    """One model behind an OpenAI-compatible endpoint, e.g. ``http://localhost:11434/v1``."""

    def __init__(self, base_url: str, model: str, *, api_key_env: str = "OPENAI_API_KEY",
                 timeout: float = 60.0, max_retries: int = 3, backoff: float = 1.0,
                 max_wait: float = 60.0) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.api_key_env = api_key_env
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff  # seconds before the first retry; doubled for each next one
        self.max_wait = max_wait  # the longest single wait, Retry-After included
        self.attempts = 0  # requests sent so far, retries included
        self.waits: list[float] = []  # seconds slept before each retry, Retry-After included

    def complete(self, messages: list[Message], **params: Any) -> dict[str, Any]:
        """The endpoint's chat completion for ``messages``, its shape checked."""
        payload = {"model": self.model, "messages": messages, **params}
        with httpx.Client(timeout=self.timeout) as client:
            for attempt in range(self.max_retries + 1):
                try:
                    return self._send(client, payload, attempt)
                except _Retry as retry:
                    if attempt == self.max_retries:
                        raise retry.error from None
                    self.waits.append(retry.wait)
                    time.sleep(retry.wait)
        raise AssertionError("unreachable: the last try returns or raises")

    def _send(self, client: httpx.Client, payload: dict[str, Any],
              attempt: int) -> dict[str, Any]:
        """One try: the checked body, an error to give up with, or ``_Retry``."""
        self.attempts += 1
        wait = min(self.max_wait, self.backoff * 2 ** attempt) * random.uniform(0.5, 1.0)
        tries = f"{attempt + 1} {'try' if attempt == 0 else 'tries'}"
        try:
            response = client.post(self.url, json=payload, headers=self._headers())
        except httpx.TimeoutException:
            raise _Retry(EndpointTimeoutError(
                f"{self.url} did not answer within {self.timeout:g} s, on {tries}",
                hint="raise timeout (a large model or a long answer takes a while) or check "
                "that the server is not overloaded"), wait) from None
        except httpx.TransportError as exc:
            raise _Retry(EndpointError(
                f"cannot reach {self.url}: {exc}",
                hint="check base_url and that the server is running"), wait) from None
        if response.status_code in RETRY_STATUSES:
            asked = _retry_after(response, self.max_wait)
            raise _Retry(EndpointError(
                f"{self.url} answered HTTP {response.status_code} on {tries}: "
                f"{_snippet(response)}", hint="the server is busy or failing; try again later"),
                wait if asked is None else asked)
        return self._checked(response)

    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.api_key_env)
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _checked(self, response: httpx.Response) -> dict[str, Any]:
        if response.status_code in (401, 403):
            state = "is set" if os.environ.get(self.api_key_env) else "is not set"
            raise EndpointAuthError(
                f"{self.url} refused the credentials: HTTP {response.status_code} "
                f"{_snippet(response)}",
                hint=f"put the API key in the environment variable {self.api_key_env} "
                f"(it {state}), or name another variable with api_key_env")
        if response.status_code >= 400:
            raise EndpointError(
                f"{self.url} answered HTTP {response.status_code}: {_snippet(response)}",
                hint="check base_url (it usually ends in /v1) and the model name "
                f"{self.model!r}")
        try:
            body = response.json()
        except ValueError:
            raise EndpointResponseError(
                f"{self.url} answered with a body that is not JSON: {_snippet(response)}",
                hint="check that base_url points at an OpenAI-compatible API") from None
        message_text(body, self.url)
        return body


def message_text(body: Any, source: str) -> str:
    """``choices[0].message.content`` of a chat completion; ``EndpointResponseError`` naming
    what was there instead."""
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        content = None
    if not isinstance(content, str):
        shape = sorted(body) if isinstance(body, dict) else type(body).__name__
        raise EndpointResponseError(
            f"{source} answered JSON without choices[0].message.content (found {shape})",
            hint="check that base_url points at an OpenAI-compatible chat-completions API")
    return content


def finish_reason(body: Any) -> str | None:
    """Why the model stopped (``"stop"``, ``"length"`` when ``max_tokens`` cut it off)."""
    try:
        reason = body["choices"][0]["finish_reason"]
    except (KeyError, IndexError, TypeError):
        return None
    return reason if isinstance(reason, str) else None


def _retry_after(response: httpx.Response, cap: float) -> float | None:
    """Seconds the server asked to wait (``Retry-After`` in seconds or as a date), capped."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return min(cap, max(0.0, seconds)) if math.isfinite(seconds) else None


def _snippet(response: httpx.Response, limit: int = 300) -> str:
    text = " ".join(response.text.split())
    return text[:limit] + ("…" if len(text) > limit else "")
