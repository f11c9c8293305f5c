"""Seeds: textloop.yaml's when given, else real, confident, unflagged, diverse, never test."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from tests.unit.stages.pipeline_fixtures import released
from textloop.errors import ConfigError
from textloop.stages.synthesize.pool import load_pool
from textloop.stages.synthesize.seeds import (
    diverse,
    pick_seeds,
    seeds_for,
    spec_seeds,
    untrusted_ids,
)
from textloop.storage import annotation_log, findings
from textloop.types import LabeledRecord

_VECTORIZER = HashingVectorizer(n_features=256, alternate_sign=False)


def embed(texts) -> np.ndarray:
    """Word-count vectors: close texts share words, enough to test that picks spread out."""
    return _VECTORIZER.transform(list(texts)).toarray().astype(np.float32)


def record(rid: str, text: str, kind: str = "import") -> LabeledRecord:
    return LabeledRecord(id=rid, text=text, label="spam", meta={}, source_kind="file",
                         source_ref=None, label_kind=kind)


@pytest.fixture
def pool(project, store, tmp_path):
    released(store, project, tmp_path)
    return load_pool(store, project)


def test_picked_seeds_are_of_the_class_and_never_from_the_test_split(pool) -> None:
    assert pool.release_id == "v1" and pool.test_ids
    seeds = pick_seeds(pool, "spam", 6, embed, flagged=set(), disputed=set())
    by_id = {r.id: r for r in pool.records}
    assert len(seeds) == 6 and len({s.record_id for s in seeds}) == 6
    assert all(by_id[s.record_id].label == "spam" for s in seeds)
    assert not {s.record_id for s in seeds} & pool.test_ids
    assert all(s.text == by_id[s.record_id].text for s in seeds)


def test_open_findings_and_disputed_answers_keep_records_out(project, store, pool) -> None:
    spam = [r for r in pool.records if r.label == "spam" and r.id not in pool.test_ids]
    with store.write() as conn:
        findings.add(conn, config={}, summary={}, rows=[
            {"record_id": r.id, "kind": "label_issue", "score": 0.1, "details": {}}
            for r in spam[:-3]])
        for annotator, label in (("ana", "spam"), ("bo", "ham")):
            annotation_log.add_one(conn, record_id=spam[-1].id, label=label, kind="human",
                                   annotator=annotator)
    flagged, disputed = untrusted_ids(store)
    assert flagged == {r.id for r in spam[:-3]} and spam[-1].id in disputed
    pool = load_pool(store, project)
    seeds = pick_seeds(pool, "spam", 5, embed, flagged=flagged, disputed=disputed)
    ids = [s.record_id for s in seeds]
    assert not set(ids) & flagged
    # two confident seeds remain; the disputed record fills in only after them
    assert len(ids) <= 3 and set(ids[:2]) == {spam[-3].id, spam[-2].id}


def test_diverse_picks_cover_every_cluster() -> None:
    groups = ["refund order late", "password reset login", "card declined payment"]
    records = [record(f"r{g}{i}", f"{words} {'please ' * (i % 3)}case {i}")
               for g, words in enumerate(groups) for i in range(10)]
    picked = diverse(records, 3, embed)
    assert {r.id[:2] for r in picked} == {"r0", "r1", "r2"}
    assert diverse(records[:2], 5, embed) == records[:2]


def test_yaml_seeds_win_and_a_test_text_among_them_is_refused(project, pool) -> None:
    spec = project.spec.model_copy(deep=True)
    spec.labels[0].seeds = ["win a free prize today", "claim your cash"]
    chosen = seeds_for(spec, pool, ["spam", "ham"], embed, flagged=set(), disputed=set())
    assert [s.text for s in chosen["spam"]] == ["win a free prize today", "claim your cash"]
    assert chosen["spam"][1].record_id == "textloop.yaml:labels.0.seeds.1"
    assert len(chosen["ham"]) == spec.synth.seeds_per_class
    test_text = next(r.text for r in pool.records if r.id in pool.test_ids)
    spec.labels[0].seeds = [test_text]
    with pytest.raises(ConfigError, match=r"labels\.0\.seeds\.0 is the text of record"):
        spec_seeds(spec, "spam", pool.test_ids)
