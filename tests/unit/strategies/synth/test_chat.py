"""The OpenAI-compatible client against a real server on loopback: retries, backoff,
Retry-After, and a clear error for each way an endpoint fails."""

from __future__ import annotations

import email.utils
import socket
import time

import httpx
import pytest

from tests.unit.strategies.synth.chat_server import ChatServer, Step
from textloop.errors import ExternalServiceError
from textloop.strategies.synth.chat import (
    ChatEndpoint,
    EndpointAuthError,
    EndpointError,
    EndpointResponseError,
    EndpointTimeoutError,
    _retry_after,
    message_text,
)

HELLO = [{"role": "user", "content": "hello"}]


def endpoint(server: ChatServer, **settings: object) -> ChatEndpoint:
    return ChatEndpoint(server.base_url, "tiny-chat", **{"backoff": 0.01, **settings})


def test_a_completion_is_returned_and_the_key_sent_from_the_named_variable(
        chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTH_TEST_KEY", "sk-secret")
    chat_server.replies = ["hi there"]
    client = endpoint(chat_server, api_key_env="SYNTH_TEST_KEY")
    body = client.complete(HELLO, temperature=0.5, seed=7)
    assert message_text(body, "test") == "hi there"
    seen = chat_server.requests[0]
    assert seen.body == {"model": "tiny-chat", "messages": HELLO, "temperature": 0.5, "seed": 7}
    assert seen.headers["Authorization"] == "Bearer sk-secret"
    assert "sk-secret" not in repr(vars(client))  # only the variable's name is kept


def test_no_key_sends_no_authorization_header(chat_server: ChatServer,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SYNTH_TEST_KEY", raising=False)
    endpoint(chat_server, api_key_env="SYNTH_TEST_KEY").complete(HELLO)
    assert "Authorization" not in chat_server.requests[0].headers


def test_a_timeout_is_retried_then_reported(chat_server: ChatServer) -> None:
    chat_server.script = [Step(pause=1.0), Step(pause=1.0)]
    client = endpoint(chat_server, timeout=0.2, max_retries=1)
    with pytest.raises(EndpointTimeoutError) as caught:
        client.complete(HELLO)
    assert len(chat_server.requests) == 2 and client.attempts == 2
    assert "did not answer within 0.2 s, on 2 tries" in caught.value.message
    assert "timeout" in caught.value.hint
    assert isinstance(caught.value, ExternalServiceError)


def test_a_timeout_then_an_answer_succeeds(chat_server: ChatServer) -> None:
    chat_server.script = [Step(pause=1.0)]
    chat_server.replies = ["late but fine"]
    client = endpoint(chat_server, timeout=0.3, max_retries=2)
    assert message_text(client.complete(HELLO), "test") == "late but fine"
    assert client.attempts == 2


def test_429_waits_as_long_as_retry_after_says_then_succeeds(chat_server: ChatServer) -> None:
    chat_server.script = [Step(429, b'{"error": {"message": "slow down"}}',
                               {"Retry-After": "1"})]
    chat_server.replies = ["after the wait"]
    client = endpoint(chat_server, backoff=30.0)  # without Retry-After it would wait 15-30 s
    assert message_text(client.complete(HELLO), "test") == "after the wait"
    assert len(chat_server.requests) == 2
    assert client.waits == [1.0]


def test_server_errors_back_off_exponentially_and_give_up(chat_server: ChatServer) -> None:
    chat_server.script = [Step(503, b"busy")] * 3
    client = endpoint(chat_server, max_retries=2, backoff=0.02)
    with pytest.raises(EndpointError, match=r"answered HTTP 503 on 3 tries: busy"):
        client.complete(HELLO)
    first, second = client.waits
    assert 0.01 <= first <= 0.02 and 0.02 <= second <= 0.04  # doubled, with jitter


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_not_retried_and_hint_at_the_variable(
        chat_server: ChatServer, monkeypatch: pytest.MonkeyPatch, status: int) -> None:
    monkeypatch.delenv("SYNTH_TEST_KEY", raising=False)
    chat_server.script = [Step(status, b'{"error": {"message": "Incorrect API key"}}')]
    with pytest.raises(EndpointAuthError) as caught:
        endpoint(chat_server, api_key_env="SYNTH_TEST_KEY").complete(HELLO)
    assert len(chat_server.requests) == 1
    assert f"HTTP {status}" in caught.value.message
    assert "Incorrect API key" in caught.value.message
    assert "SYNTH_TEST_KEY" in caught.value.hint and "is not set" in caught.value.hint


def test_a_body_that_is_not_json_is_a_clear_error(chat_server: ChatServer) -> None:
    chat_server.script = [Step(200, b"<html>502 Bad Gateway</html>")]
    with pytest.raises(EndpointResponseError, match="body that is not JSON: <html>502"):
        endpoint(chat_server).complete(HELLO)
    assert len(chat_server.requests) == 1


def test_json_of_another_shape_is_a_clear_error(chat_server: ChatServer) -> None:
    chat_server.script = [Step(200, b'{"result": "hi", "status": "ok"}')]
    with pytest.raises(EndpointResponseError) as caught:
        endpoint(chat_server).complete(HELLO)
    assert "without choices[0].message.content (found ['result', 'status'])" in str(caught.value)


def test_a_wrong_path_names_base_url_and_model(chat_server: ChatServer) -> None:
    client = ChatEndpoint(chat_server.base_url.removesuffix("/v1"), "tiny-chat")
    with pytest.raises(EndpointError, match="answered HTTP 404") as caught:
        client.complete(HELLO)
    assert "base_url" in caught.value.hint and "'tiny-chat'" in caught.value.hint


def test_an_unreachable_server_is_retried_then_reported() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ChatEndpoint(f"http://127.0.0.1:{port}/v1", "m", max_retries=1, backoff=0.01)
    with pytest.raises(EndpointError, match=r"cannot reach http://127\.0\.0\.1"):
        client.complete(HELLO)
    assert client.attempts == 2


def test_retry_after_reads_seconds_and_dates_and_is_capped() -> None:
    def asked(value: str) -> float | None:
        return _retry_after(httpx.Response(429, headers={"Retry-After": value}), cap=60)

    assert asked("2.5") == 2.5
    assert asked("-3") == 0.0
    assert asked("3600") == 60
    assert asked("soon") is None
    in_ten = email.utils.formatdate(time.time() + 10, usegmt=True)
    assert 5 <= asked(in_ten) <= 10
