"""The endpoint generator end to end against a real chat server on loopback: the prompt it
sends, the texts it keeps, and the provenance on every candidate."""

from __future__ import annotations

import json

import pytest

from tests.unit.strategies.synth.chat_server import ChatServer, Step, completion
from tests.unit.strategies.synth.conftest import sms_brief
from textloop.errors import ConfigError
from textloop.progress import NULL_PROGRESS
from textloop.strategies.synth import Request, make_generator
from textloop.strategies.synth.chat import EndpointAuthError


def generator(server: ChatServer, **settings: object):
    return make_generator("openai", base_url=server.base_url, model="tiny-chat",
                          **{"backoff": 0.01, **settings})


def test_texts_are_parsed_from_the_reply_with_full_provenance(chat_server: ChatServer) -> None:
    brief = sms_brief(n=3)
    chat_server.replies = ["Here are 4 texts:\n"
                           '1. "You have WON a £500 voucher! Call 09061 now"\n'
                           '2. {"text": "Claim your free ringtone: txt TONE to 87021"}\n'
                           f"3. {brief.seeds[0].text}\n"  # an echoed seed is dropped
                           "4. URGENT: your mobile number was picked for a prize\n"
                           "Hope these help!"]
    gen = generator(chat_server, temperature=0.7, top_p=0.9, max_tokens=300)
    candidates = gen.generate(Request(brief, count=3, seed=5), NULL_PROGRESS)

    assert [c.text for c in candidates] == [
        "You have WON a £500 voucher! Call 09061 now",
        "Claim your free ringtone: txt TONE to 87021",
        "URGENT: your mobile number was picked for a prize"]
    sent = chat_server.requests[0].body
    first = candidates[0]
    assert first.generator == "textloop.synth.openai.v1" and first.label == "spam"
    assert first.model == "tiny-chat" and first.template == "generate.v1"
    assert sorted(first.seed_ids) == sorted(seed.record_id for seed in brief.seeds)
    assert dict(first.params) == {"temperature": 0.7, "top_p": 0.9, "max_tokens": 300,
                                  "seed": sent["seed"]}
    assert {k: sent[k] for k in ("model", "temperature", "top_p", "max_tokens")} == {
        "model": "tiny-chat", "temperature": 0.7, "top_p": 0.9, "max_tokens": 300}


def test_the_prompt_carries_label_description_other_labels_and_seeds(
        chat_server: ChatServer) -> None:
    brief = sms_brief(n=2)
    generator(chat_server).generate(Request(brief, count=1), NULL_PROGRESS)
    prompt = chat_server.requests[0].body["messages"][0]["content"]
    assert 'examples of the class "spam" (SMS messages that are spam)' in prompt
    assert 'must not belong to any of these other classes: "ham"' in prompt
    assert all(f"- {' '.join(seed.text.split())}" in prompt for seed in brief.seeds)
    assert "Write 1 new examples" in prompt


def test_calls_repeat_until_count_with_at_most_per_call_asked_each_time(
        chat_server: ChatServer) -> None:
    chat_server.replies = ["1. first text\n2. second text", "1. third text\n2. fourth text",
                           "1. fifth text\n2. sixth text"]
    gen = generator(chat_server, per_call=2, examples=2)
    candidates = gen.generate(Request(sms_brief(n=6), count=5, seed=1), NULL_PROGRESS)
    assert [c.text for c in candidates] == ["first text", "second text", "third text",
                                            "fourth text", "fifth text"]
    prompts = [seen.body["messages"][0]["content"] for seen in chat_server.requests]
    assert ["Write 2 new" in p for p in prompts] == [True, True, False]
    assert "Write 1 new" in prompts[2]
    assert all(len(c.seed_ids) == 2 for c in candidates)
    assert len({seen.body["seed"] for seen in chat_server.requests}) == 3


def test_the_last_text_of_an_answer_cut_off_at_max_tokens_is_dropped(
        chat_server: ChatServer) -> None:
    cut = completion("tiny-chat", "1. a whole text\n2. another whole text\n3. a text that st",
                     finish_reason="length")
    chat_server.script = [Step(200, json.dumps(cut).encode())]
    chat_server.replies = ["1. from the second call"]
    candidates = generator(chat_server).generate(Request(sms_brief(), count=3), NULL_PROGRESS)
    assert [c.text for c in candidates] == ["a whole text", "another whole text",
                                            "from the second call"]


def test_the_same_request_shows_the_same_seeds_and_sends_the_same_sampling_seed(
        chat_server: ChatServer) -> None:
    chat_server.replies = ["1. a new text"]
    gen = generator(chat_server, examples=2)
    runs = [gen.generate(Request(sms_brief(), count=1, seed=3), NULL_PROGRESS)[0]
            for _ in range(2)]
    assert runs[0].seed_ids == runs[1].seed_ids and runs[0].params == runs[1].params
    other = gen.generate(Request(sms_brief(), count=1, seed=4), NULL_PROGRESS)[0]
    assert other.params["seed"] != runs[0].params["seed"]


def test_a_model_that_only_echoes_gives_fewer_texts_after_bounded_calls(
        chat_server: ChatServer) -> None:
    brief = sms_brief(n=1)
    chat_server.replies = [f"1. {brief.seeds[0].text}"]
    candidates = generator(chat_server, per_call=5).generate(Request(brief, count=10),
                                                             NULL_PROGRESS)
    assert candidates == []
    assert len(chat_server.requests) == 4  # twice the two calls that ten texts need


def test_a_429_with_retry_after_is_retried_and_generation_succeeds(
        chat_server: ChatServer) -> None:
    chat_server.script = [Step(429, b"{}", {"Retry-After": "1"})]
    chat_server.replies = ["1. a text after waiting"]
    gen = generator(chat_server)
    candidates = gen.generate(Request(sms_brief(), count=1), NULL_PROGRESS)
    assert [c.text for c in candidates] == ["a text after waiting"]
    assert gen.endpoint.attempts == 2 and gen.endpoint.waits == [1.0]


def test_401_stops_generation_with_the_key_hint(chat_server: ChatServer) -> None:
    chat_server.script = [Step(401, b'{"error": "invalid key"}')]
    with pytest.raises(EndpointAuthError, match="HTTP 401") as caught:
        generator(chat_server, api_key_env="MY_LLM_KEY").generate(
            Request(sms_brief(), count=1), NULL_PROGRESS)
    assert "MY_LLM_KEY" in caught.value.hint


@pytest.mark.parametrize("missing", ["base_url", "model"])
def test_base_url_and_model_are_required(missing: str) -> None:
    settings = {"base_url": "http://127.0.0.1:9/v1", "model": "m"}
    del settings[missing]
    with pytest.raises(ConfigError, match=f"needs {missing}"):
        make_generator("openai", **settings)
