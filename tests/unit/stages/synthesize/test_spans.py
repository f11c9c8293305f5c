"""``textloop synth`` on span projects: span items generated, gated, stored with their
provenance, evaluated on entity F1 and, once accepted, released in train only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

import tests.unit.stages.synthesize.generators  # noqa: F401  (registers the test generators)
from tests.unit.stages.synthesize.span_fixtures import released_people_and_places
from textloop.config.span_rules import SpanRule
from textloop.errors import ConfigError, InvalidInputError
from textloop.spans import Span, decode_spans
from textloop.stages.release import create_release, load_release
from textloop.stages.synthesize import evaluate_batch, show_batch
from textloop.stages.synthesize.browse import class_counts
from textloop.stages.synthesize.gate import GateSettings, RealCorpus, SpanChecks, run_gate
from textloop.stages.synthesize.pool import RealPool, load_pool
from textloop.stages.synthesize.run import SynthOptions, check_generator, synthesize
from textloop.stages.synthesize.spans import mention_pool
from textloop.storage import synth
from textloop.strategies.synth import Candidate
from textloop.types import LabeledRecord

FAST = SynthOptions(embeddings=False, actor="ana", per_class=10)
GEN = "textloop.synth.test-spans.v1"


def test_mention_swap_makes_a_gated_batch_of_span_items_with_provenance(tmp_path) -> None:
    with released_people_and_places(tmp_path) as (project, store, release):
        done = synthesize(store, project, FAST)
        pool = load_pool(store, project)
        with store.read() as conn:
            items = synth.items(conn, done.batch["id"])
        people_only = show_batch(store, done.batch["id"], label="PER")
    assert people_only.items and {i["params"]["target"] for i in people_only.items} == {"PER"}
    assert [c.label for c in class_counts(items, ["PER", "LOC"])] == ["PER", "LOC"]
    assert done.batch["generator"] == "textloop.synth.mention-swap.v1"
    assert done.batch["release_id"] == release
    assert done.batch["config"]["scorer"].startswith("textloop.model.minilm-crf.v1 fitted on")
    assert {t.label for t in done.targets} == {"PER", "LOC"}
    texts = {r.id: r.text for r in pool.records}
    people = {"PER": set(), "LOC": set()}
    for record in pool.records:
        if record.id not in pool.test_ids:
            for span in decode_spans(record.label):
                people[span.label].add(span.text_of(record.text))
    assert len(items) == 20
    for item in items:
        spans = decode_spans(item["label"])
        assert [s.label for s in spans] == ["PER", "LOC"]
        for span in spans:  # every mention is a real train mention of its type
            assert span.text_of(item["text"]) in people[span.label]
        (seed,) = item["seed_ids"]
        assert seed in texts and seed not in pool.test_ids
        assert item["params"]["target"] in {"PER", "LOC"}
        assert item["text"] != texts[seed]
    assert any(i["status"] == "accepted" for i in items)


def test_the_gate_rejects_unreadable_markup_invalid_spans_and_disagreeing_types() -> None:
    def predict(texts):  # a span model that reads every "Lima" as a person
        return [[Span(t.index("Lima"), t.index("Lima") + 4, "PER")] if "Lima" in t else []
                for t in texts]

    made = [
        Candidate("a line the model botched", "LOC", GEN, (),
                  problem=("markup", "unbalanced: '[' never closed")),
        Candidate("Ana flew to Lima at dawn", "LOC", GEN, (), spans=(Span(12, 16, "CITY"),)),
        Candidate("Ana flew to Lima at noon", "LOC", GEN, (), spans=(Span(12, 16, "LOC"),)),
        Candidate("Bo sailed to Quito by night", "LOC", GEN, (), spans=(Span(13, 18, "LOC"),)),
    ]
    real = RealCorpus(["r1"], ["something else entirely"], ['[]'], [False])
    checks = SpanChecks(["PER", "LOC"], False, predict=predict)
    result = run_gate(made, real, GateSettings(), spans=checks)
    reasons = [(v.reason, v.detail) for v in result.verdicts]
    assert reasons[0] == ("markup", "unbalanced: '[' never closed")
    assert reasons[1][0] == "spans-invalid" and "'CITY' is not in textloop.yaml" in reasons[1][1]
    assert reasons[2][0] == "label-inconsistent"
    assert "'Lima' (LOC): the model reads PER" in reasons[2][1]
    assert result.verdicts[3].accepted  # the model marks nothing there: nothing judged
    assert result.verdicts[3].scores["spans_judged"] == 0.0
    assert result.label_checked


def test_the_mentions_offered_for_swapping_never_come_from_test_records() -> None:
    def record(rid, text, spans):
        return LabeledRecord(rid, text, spans, {}, "file", None, "import")

    pool = RealPool([record("a", "Ana in Lima", '[{"start":7,"end":11,"label":"LOC"}]'),
                     record("t", "Bo in Atlantis", '[{"start":6,"end":14,"label":"LOC"}]')],
                    frozenset({"t"}), "v1")

    project = SimpleNamespace(spec=SimpleNamespace(
        span_rules=[SpanRule(name="cities", label="LOC", phrases=["서울"])]))
    assert mention_pool(project, pool) == {"LOC": ("Lima", "서울")}


def test_generators_for_the_other_kind_of_project_are_refused_before_any_work() -> None:
    with pytest.raises(ConfigError, match="makes texts without spans, and this is a span "
                                          "project") as caught:
        check_generator("swap", spans=True)
    assert "mention-swap" in caught.value.hint and "span-llm" in caught.value.hint
    with pytest.raises(ConfigError, match="makes sentences with spans"):
        check_generator("mention-swap", spans=False)


def test_a_span_batch_is_judged_on_entity_f1_and_accepted_items_train_only(tmp_path) -> None:
    with released_people_and_places(tmp_path) as (project, store, _):
        project.spec.synth.evaluate.min_macro_f1_delta = -1.0  # accept: the flow is tested
        project.spec.synth.evaluate.max_class_f1_loss = 1.0
        done = synthesize(store, project, FAST)
        result, decided = evaluate_batch(store, project, done.batch["id"], seeds=1)
        assert result.comparison.metric == "entity_micro_f1"
        assert set(result.comparison.per_class) == {"PER", "LOC"}
        assert result.to_dict()["metric"] == "entity_micro_f1"
        assert result.decision == "accepted" and result.reason.startswith("entity_micro_f1 ")
        assert result.model == "textloop.model.minilm-crf.v1"
        assert decided.added == done.counts["PER"]["accepted"] + done.counts["LOC"]["accepted"]
        data = load_release(store, create_release(store, project).id)
        with store.read() as conn:
            items = [i for i in synth.items(conn, done.batch["id"])
                     if i["status"] == "accepted"]
    made = {i["text"]: i["label"] for i in items}
    train = dict(zip(data.train.texts, data.train.labels, strict=True))
    for text, value in made.items():
        assert decode_spans(train[text]) == decode_spans(value)
    for split in (data.validation, data.test):
        assert not set(split.texts) & set(made)


def test_cross_fitted_evidence_is_refused_for_a_span_batch(tmp_path) -> None:
    with released_people_and_places(tmp_path) as (project, store, _):
        done = synthesize(store, project, FAST)
        project.spec.synth.evaluate.evidence = "cross-fit"
        with pytest.raises(InvalidInputError, match="judged on its release's test split"):
            evaluate_batch(store, project, done.batch["id"], seeds=1)


def test_synth_options_belong_to_the_configured_generator(tmp_path) -> None:
    # options set up for span-llm must not stop a model-free run named on the command line
    from textloop.stages.project.init import init_project
    from textloop.stages.synthesize.run import build_generator

    project = init_project(tmp_path / "ner", labels=[], task="spans")
    project.spec.synth.generator = "span-llm"
    project.spec.synth.options = {"base_url": "http://127.0.0.1:9/v1", "model": "tiny"}
    assert build_generator(project, "mention-swap").name == "textloop.synth.mention-swap.v1"
    assert build_generator(project, "span-context").name == "textloop.synth.span-context.v1"
    llm = build_generator(project)  # the configured generator gets them
    assert llm.name == "textloop.synth.span-llm.v1"
    assert build_generator(project, "span-llm").name == llm.name
    project.spec.synth.generator = None  # options with no generator named: any run takes them
    with pytest.raises(ConfigError, match=r"synth\.options: .*base_url"):
        build_generator(project, "mention-swap")
