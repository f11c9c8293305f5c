"""Span generators: every item's spans lie inside its text, on the strings intended.

Mention replacement and context edits run on seeds mixing Latin, Hangul, emoji (astral and
ZWJ sequences) and combining marks, so an offset counted in anything but code points would
land off its mention. The LLM generator is run against a real local chat server.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.strategies.synth.chat_server import running_chat_server
from textloop.progress import NULL_PROGRESS
from textloop.spans import Span, check_spans
from textloop.strategies.synth import Brief, Request, Seed, make_generator
from textloop.strategies.synth.span_llm import MARKUP

PER = ("Ana", "김철수", "Zoë 👩‍💻", "José")
LOC = ("Lima", "서울", "São Paulo", "😀ville")
FILLER = ("met", "in", "yesterday", "at", "the", "café", "🎉", "정말", "and")


@st.composite
def seeds(draw: st.DrawFn) -> tuple[Seed, ...]:
    """Seeds of filler words and PER/LOC mentions, each mention a span."""
    out = []
    for n in range(draw(st.integers(1, 4))):
        parts = draw(st.lists(st.one_of(st.sampled_from(FILLER),
                                        st.tuples(st.sampled_from(PER), st.just("PER")),
                                        st.tuples(st.sampled_from(LOC), st.just("LOC"))),
                              min_size=2, max_size=9))
        text, spans = "", []
        for part in parts:
            text += " " if text else ""
            if isinstance(part, tuple):
                spans.append(Span(len(text), len(text) + len(part[0]), part[1]))
                part = part[0]
            text += part
        out.append(Seed(f"r{n}", text, tuple(spans)))
    return tuple(out)


def brief(shown: tuple[Seed, ...], label: str = "LOC") -> Brief:
    return Brief(label, "places", shown, guideline={"PER": "people", "LOC": "places"},
                 mentions={"PER": PER, "LOC": LOC})


def strings(text: str, spans: tuple[Span, ...] | list[Span]) -> Counter[tuple[str, str]]:
    return Counter((s.text_of(text), s.label) for s in spans)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(seeds(), st.integers(0, 3))
def test_mention_swap_puts_same_type_strings_exactly_under_the_spans(shown, seed) -> None:
    generator = make_generator("mention-swap")
    made = generator.generate(Request(brief(shown), 6, seed), NULL_PROGRESS)
    by_id = {s.record_id: s for s in shown}
    for candidate in made:
        assert candidate.spans is not None and candidate.seed_ids[0] in by_id
        check_spans(candidate.text, candidate.spans, ["PER", "LOC"], overlapping=False)
        original = by_id[candidate.seed_ids[0]]
        assert len(candidate.spans) == len(original.spans)
        for new, old in zip(candidate.spans, original.spans, strict=True):
            assert new.label == old.label
            assert new.text_of(candidate.text) in {"PER": PER, "LOC": LOC}[new.label]
        assert ([s.text_of(candidate.text) for s in candidate.spans]
                != [s.text_of(original.text) for s in original.spans])


def test_mention_swap_replaces_the_target_type_and_keeps_the_rest() -> None:
    seed = Seed("r1", "Ana flew from Lima to 서울 😀", (Span(0, 3, "PER"), Span(14, 18, "LOC"),
                                                      Span(22, 24, "LOC")))
    made = make_generator("mention-swap").generate(Request(brief((seed,)), 3, 0),
                                                   NULL_PROGRESS)
    assert made
    for candidate in made:
        found = [(s.text_of(candidate.text), s.label) for s in candidate.spans]
        assert found[0] == ("Ana", "PER")
        assert found[1][0] != "Lima" and found[2][0] != "서울"
        assert candidate.generator == "textloop.synth.mention-swap.v1"
        assert candidate.seed_ids == ("r1",) and candidate.params["seed"] == 0


def test_a_seed_without_any_swappable_mention_gives_nothing() -> None:
    seed = Seed("r1", "nothing to see here", ())
    assert make_generator("mention-swap").generate(Request(brief((seed,)), 3, 0),
                                                   NULL_PROGRESS) == []


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(seeds(), st.integers(0, 3), st.sampled_from(["swap", "delete", "typo"]))
def test_context_edits_keep_every_span_on_its_own_string(shown, seed, edit) -> None:
    generator = make_generator("span-context", rate=0.3, edits=[edit])
    made = generator.generate(Request(brief(shown), 6, seed), NULL_PROGRESS)
    by_id = {s.record_id: s for s in shown}
    for candidate in made:
        original = by_id[candidate.seed_ids[0]]
        assert candidate.spans is not None
        check_spans(candidate.text, candidate.spans, ["PER", "LOC"], overlapping=False)
        assert strings(candidate.text, candidate.spans) == strings(original.text,
                                                                   original.spans)
        assert candidate.text != original.text


def test_context_edits_carry_nested_spans_with_the_outer_one() -> None:
    seed = Seed("r1", "they read the New York Times every day in 서울",
                (Span(14, 22, "LOC"), Span(14, 28, "ORG"), Span(42, 44, "LOC")))
    made = make_generator("span-context", rate=0.5, edits=["delete"]).generate(
        Request(Brief("ORG", "", (seed,), overlapping=True), 4, 1), NULL_PROGRESS)
    assert made
    for candidate in made:
        assert sorted((s.text_of(candidate.text), s.label) for s in candidate.spans) == [
            ("New York", "LOC"), ("New York Times", "ORG"), ("서울", "LOC")]


def test_unknown_context_edits_are_refused_naming_the_choices() -> None:
    from textloop.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="swap, delete, typo"):
        make_generator("span-context", edits=["shout"])


def test_the_llm_generator_reads_markup_and_keeps_malformed_lines_with_their_reason(
        ) -> None:
    seed = Seed("r7", "Ana moved to Lima", (Span(0, 3, "PER"), Span(13, 17, "LOC")))
    reply = ("1. [김철수](PER) visited [서울](LOC) 😀\n"
             "2. I flew to [Paris](CITY)\n"
             "3. [Bob](PER) lives in [Oslo\n"
             "4. [Zoë](PER) and [[New](LOC) York](LOC)\n")
    with running_chat_server() as server:
        server.replies = [reply]
        generator = make_generator("span-llm", base_url=server.base_url, model="tiny",
                                   max_retries=0, per_call=4)
        made = generator.generate(Request(brief((seed,)), 4, 0), NULL_PROGRESS)
        prompt = server.requests[0].body["messages"][0]["content"]
    assert "- PER: people" in prompt and "- LOC: places" in prompt
    assert "[Ana](PER) moved to [Lima](LOC)" in prompt
    good, *bad = made
    assert good.text == "김철수 visited 서울 😀" and good.problem is None
    assert [(s.text_of(good.text), s.label) for s in good.spans] == [("김철수", "PER"),
                                                                     ("서울", "LOC")]
    assert good.params["markup"].startswith("[김철수](PER)") and good.seed_ids == ("r7",)
    assert good.template == "spans.v1" and good.model == "tiny"
    assert [(c.spans, c.problem[0], c.problem[1].split(":")[0]) for c in bad] == [
        (None, MARKUP, "unknown-label"), (None, MARKUP, "unbalanced"),
        (None, MARKUP, "nested")]
