"""Generation through any OpenAI-compatible chat-completions endpoint.

Works with vLLM, Ollama (``http://localhost:11434/v1``), llama.cpp's server
(``http://localhost:8080/v1``) and hosted APIs. The key, when one is needed, is read from
the environment variable named by ``api_key_env`` at each request.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textloop.errors import ConfigError
from textloop.strategies.synth.chat import ChatEndpoint, Message
from textloop.strategies.synth.prompted import PromptedGenerator


def endpoint_from(base_url: str | None, model: str | None, **settings: Any) -> ChatEndpoint:
    """A ``ChatEndpoint``, or ``ConfigError`` when ``base_url`` or ``model`` is missing."""
    for setting, value in (("base_url", base_url), ("model", model)):
        if not value:
            raise ConfigError(
                f"an OpenAI-compatible endpoint needs {setting}, which is not set",
                hint="set base_url (e.g. http://localhost:11434/v1 for Ollama, "
                     "http://localhost:8000/v1 for vLLM) and the model name it serves")
    return ChatEndpoint(str(base_url), str(model), **settings)


class OpenAIGenerator(PromptedGenerator):
    """Asks the endpoint's ``model`` for texts with the versioned generation prompt."""

    def __init__(self, base_url: str | None = None, model: str | None = None, *,
                 api_key_env: str = "OPENAI_API_KEY", temperature: float = 0.9,
                 top_p: float = 0.95, max_tokens: int = 512, timeout: float = 60.0,
                 max_retries: int = 3, backoff: float = 1.0, per_call: int = 10,
                 examples: int = 5, template: str = "generate.v1") -> None:
        super().__init__(temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                         per_call=per_call, examples=examples, template=template)
        self.endpoint = endpoint_from(base_url, model, api_key_env=api_key_env,
                                      timeout=timeout, max_retries=max_retries,
                                      backoff=backoff)
        self.model = self.endpoint.model
        self.source = self.endpoint.url

    def complete(self, messages: list[Message], params: Mapping[str, Any]) -> Any:
        return self.endpoint.complete(messages, **params)
