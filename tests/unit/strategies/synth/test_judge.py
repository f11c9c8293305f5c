"""The LLM judge against a real chat server on loopback: one row per text, from the named
label or from log probabilities, and a counted note for an answer it cannot read."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.unit.strategies.synth.chat_server import ChatServer, Step
from textloop.strategies.synth.chat import EndpointResponseError
from textloop.strategies.synth.judge import label_row, make_judge, named_label

LABELS = {"spam": "Unwanted ads or scams", "ham": "Anything else"}
TEXTS = ["WIN a prize now", "see you at lunch", "hmm", "call me"]


def judge(server: ChatServer, **settings: object):
    return make_judge("openai", base_url=server.base_url, model="tiny-judge",
                      **{"backoff": 0.01, **settings})


def test_each_text_gets_the_named_label_or_a_uniform_row_with_a_note(
        chat_server: ChatServer) -> None:
    chat_server.replies = ["spam", " Ham.", "I cannot tell", "**spam**"]
    result = judge(chat_server).judge(TEXTS, LABELS)
    assert result.labels == ("spam", "ham")
    np.testing.assert_allclose(result.probabilities,
                               [[1, 0], [0, 1], [0.5, 0.5], [1, 0]])
    assert result.unparsed == 1
    assert result.notes == ("text 2: answer 'I cannot tell' names no single label; "
                            "counted as uniform",)


def test_the_prompt_lists_labels_with_descriptions_and_the_text(
        chat_server: ChatServer) -> None:
    chat_server.replies = ["ham"]
    judge(chat_server, logprobs=False).judge(["see you at lunch"], LABELS)
    body = chat_server.requests[0].body
    prompt = body["messages"][0]["content"]
    assert "- spam: Unwanted ads or scams\n- ham: Anything else" in prompt
    assert 'Text: """see you at lunch"""' in prompt and "class name: spam or ham." in prompt
    assert body["temperature"] == 0.0 and "logprobs" not in body


def test_log_probabilities_of_the_first_token_become_the_row(chat_server: ChatServer) -> None:
    chat_server.replies = ["spam"]
    chat_server.logprobs = [{"token": "spam", "logprob": math.log(0.7), "top_logprobs": [
        {"token": "spam", "logprob": math.log(0.7)},
        {"token": " ham", "logprob": math.log(0.2)},
        {"token": "I", "logprob": math.log(0.1)}]}]
    result = judge(chat_server).judge(["WIN a prize now"], LABELS)
    np.testing.assert_allclose(result.probabilities, [[0.7 / 0.9, 0.2 / 0.9]])
    assert chat_server.requests[0].body["logprobs"] is True
    assert result.unparsed == 0


def test_a_failing_endpoint_raises_rather_than_guessing(chat_server: ChatServer) -> None:
    chat_server.script = [Step(200, b"not json")]
    with pytest.raises(EndpointResponseError):
        judge(chat_server).judge(["x"], LABELS)


@pytest.mark.parametrize(("answer", "expected"), [
    ("spam", "spam"), ("SPAM.", "spam"), ("The label is: ham", "ham"),
    ("not spam", "not spam"), ("It is not spam", "not spam"),
    ("spam or ham", None), ("spammy", None), ("", None)])
def test_named_label(answer: str, expected: str | None) -> None:
    assert named_label(answer, ["spam", "ham", "not spam"]) == expected


def test_log_probabilities_are_read_where_the_answer_names_the_label(
        chat_server: ChatServer) -> None:
    chat_server.replies = ["The class is ham"]
    chat_server.logprobs = [
        {"token": "The", "logprob": -0.1, "top_logprobs": [{"token": "The", "logprob": -0.1}]},
        {"token": " class", "logprob": -0.1, "top_logprobs": []},
        {"token": " is", "logprob": -0.1, "top_logprobs": []},
        {"token": " ham", "logprob": math.log(0.6), "top_logprobs": [
            {"token": " ham", "logprob": math.log(0.6)},
            {"token": " sp", "logprob": math.log(0.3)}]}]
    result = judge(chat_server).judge(["see you at lunch"], LABELS)
    np.testing.assert_allclose(result.probabilities, [[1 / 3, 2 / 3]])


def test_a_token_shared_by_two_label_names_adds_nothing() -> None:
    row = label_row("sports", {"sp": math.log(0.9), "sports": math.log(0.1)},
                    ["spam", "sports"])
    np.testing.assert_allclose(row, [0.0, 1.0])
