"""A real OpenAI-compatible chat-completions server on 127.0.0.1 (random port), scripted.

It answers ``POST /v1/chat/completions`` the way vLLM, Ollama or llama.cpp's server do, so
the client is tested over a real socket: each request takes the next scripted ``Step``
(a status, a raw body, headers, a pause before answering); when the script is used up, it
answers 200 with a chat completion whose content is the next of ``replies`` (the last one
repeats). Every request's JSON body and headers are kept.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.unit.loopback import serving


@dataclass
class Step:
    status: int = 200
    body: bytes | None = None  # None: a chat completion with the next reply
    headers: dict[str, str] = field(default_factory=dict)
    pause: float = 0.0  # seconds before answering (a client with a shorter timeout gives up)


@dataclass
class Seen:
    body: dict[str, Any]
    headers: dict[str, str]


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True  # a handler still pausing never holds up shutdown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: list[Step] = []
        self.replies: list[str] = ["1. hello"]
        self.logprobs: list[dict[str, Any]] | None = None  # choices[0].logprobs.content
        self.requests: list[Seen] = []
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def next_answer(self, body: dict[str, Any], headers: dict[str, str]) -> Step:
        with self._lock:
            self.requests.append(Seen(body, headers))
            if self.script:
                step = self.script.pop(0)
                if step.body is not None:
                    return step
            else:
                step = Step()
            reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
            step.body = json.dumps(completion(body.get("model", ""), reply,
                                              self.logprobs)).encode()
            return step


def completion(model: str, content: str, logprobs: list[dict[str, Any]] | None = None,
               finish_reason: str = "stop") -> dict[str, Any]:
    """A chat completion shaped as OpenAI's API returns it."""
    choice: dict[str, Any] = {"index": 0, "finish_reason": finish_reason,
                              "message": {"role": "assistant", "content": content}}
    if logprobs is not None:
        choice["logprobs"] = {"content": logprobs}
    return {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [choice],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20}}


class _Handler(BaseHTTPRequestHandler):
    server: ChatServer

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/v1/chat/completions":
            self._send(Step(404, b'{"error": {"message": "no such route"}}'))
            return
        step = self.server.next_answer(json.loads(raw), dict(self.headers.items()))
        time.sleep(step.pause)
        self._send(step)

    def _send(self, step: Step) -> None:
        body = step.body or b""
        try:
            self.send_response(step.status)
            self.send_header("Content-Type", "application/json")
            for name, value in step.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting: what a timeout test wants

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def running_chat_server() -> Iterator[ChatServer]:
    with serving(ChatServer()) as server:
        yield server
