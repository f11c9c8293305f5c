"""``synthesize``: targets, seeds, generation and the gate end in one stored batch, or in
nothing at all when generation fails."""

from __future__ import annotations

import pytest

import tests.unit.stages.synthesize.generators  # noqa: F401  (registers the test generators)
from tests.unit.stages.pipeline_fixtures import released
from textloop.errors import ConfigError, ExternalServiceError
from textloop.stages.synthesize.pool import load_pool
from textloop.stages.synthesize.run import SynthOptions, synthesize
from textloop.storage import synth

FAST = SynthOptions(embeddings=False, actor="ana")


@pytest.fixture
def project_v1(project, store, tmp_path):
    released(store, project, tmp_path)
    return project


def use(project, generator: str, **options) -> None:
    project.spec.synth.generator = generator
    project.spec.synth.options = options


def test_a_batch_is_stored_with_provenance_counts_and_rejected_items(project_v1,
                                                                     store) -> None:
    use(project_v1, "swap")
    done = synthesize(store, project_v1, SynthOptions(classes=1, per_class=12,
                                                      embeddings=False, actor="ana"))
    batch = done.batch
    assert (batch["id"], batch["decision"], batch["created_by"]) == ("s1", "pending", "ana")
    assert batch["generator"] == "textloop.synth.swap.v2" and batch["release_id"] == "v1"
    assert [t.label for t in done.targets] == ["spam"]  # the rarer class, no champion yet
    counts = done.counts["spam"]
    assert counts["generated"] == 12 and counts["seeds"] == 8
    assert counts["accepted"] + sum(counts["rejected"].values()) == 12
    assert batch["config"]["scorer"].startswith("textloop.model.tfidf-lr.v1 fitted on")
    assert batch["config"]["embedder"] is None
    pool = load_pool(store, project_v1)
    real = {r.id for r in pool.records}
    with store.read() as conn:
        items = synth.items(conn, "s1")
    assert len(items) == 12
    for item in items:
        assert item["seed_ids"] and set(item["seed_ids"]) <= real - pool.test_ids
        assert item["params"]["seed"] == 0 and item["generator"] == "textloop.synth.swap.v2"
        assert (item["status"] == "accepted") == (item["reason"] is None)


def test_near_copies_of_test_and_train_records_are_rejected_with_reasons(project_v1,
                                                                         store) -> None:
    pool = load_pool(store, project_v1)
    test_text = next(r.text for r in pool.records if r.id in pool.test_ids)
    train_text = next(r.text for r in pool.records if r.id not in pool.test_ids)
    use(project_v1, "fixed-test", texts=[test_text.upper(), train_text,
                                         "a completely new kind of message about prizes"])
    synthesize(store, project_v1, SynthOptions(labels=["spam"], embeddings=False))
    with store.read() as conn:
        items = synth.items(conn, "s1")
    assert [(i["status"], i["reason"]) for i in items[:2]] == [
        ("rejected", "contamination"), ("rejected", "near-duplicate-of-real")]
    assert "test record" in items[0]["detail"]
    assert (items[0]["model"], items[0]["template"]) == ("fixed-model", "fixed.v1")


def test_a_failure_during_generation_stores_nothing(project_v1, store) -> None:
    use(project_v1, "failing-test")
    with pytest.raises(ExternalServiceError, match="stopped answering"):
        synthesize(store, project_v1, SynthOptions(classes=2, embeddings=False))
    with store.read() as conn:
        assert synth.list_batches(conn) == []


def test_an_option_the_generator_does_not_take_names_the_section(project_v1, store) -> None:
    use(project_v1, "swap", temperature=0.9)
    with pytest.raises(ConfigError, match=r"synth\.options: .*temperature"):
        synthesize(store, project_v1, FAST)


def test_a_class_without_seeds_is_skipped_with_a_note(project_v1, store) -> None:
    from textloop.config import Label

    project_v1.spec.labels.append(Label(name="other"))
    use(project_v1, "swap")
    done = synthesize(store, project_v1, SynthOptions(labels=["other", "spam"], per_class=5,
                                                      embeddings=False))
    assert any("'other' skipped" in note for note in done.notes)
    assert done.counts["other"]["generated"] == 0 and done.counts["spam"]["generated"] == 5
    assert done.batch["config"]["notes"] == done.notes


@pytest.mark.parametrize("generator", ["synonym", "insert"])
def test_a_wordnet_generator_on_a_korean_project_is_refused_before_any_work(
        project_v1, store, monkeypatch, generator) -> None:
    import textloop.stages.synthesize.run as run

    def no_work(*args, **kwargs):
        raise AssertionError("the pool was read before the language was checked")

    monkeypatch.setattr(run, "load_pool", no_work)
    project_v1.spec.language = "ko"
    use(project_v1, generator)
    with pytest.raises(ConfigError, match=r"English WordNet.*language is 'ko'") as raised:
        synthesize(store, project_v1, FAST)
    hint = raised.value.hint or ""
    assert all(name in hint for name in ("typo", "swap", "delete", "openai"))
    with store.read() as conn:
        assert synth.list_batches(conn) == []


@pytest.mark.parametrize(("language", "expected"), [(None, "synonym"), ("en", "synonym"),
                                                     ("ko", "typo"), ("ja", "typo")])
def test_a_project_naming_no_generator_gets_its_languages_default(
        project_v1, language, expected) -> None:
    from textloop.stages.synthesize.run import generator_name

    project_v1.spec.language = language
    project_v1.spec.synth.generator = None
    assert generator_name(project_v1) == expected
    assert generator_name(project_v1, "swap") == "swap"


@pytest.mark.parametrize("language", [None, "en", "en-GB", "und-Latn"])
def test_a_wordnet_generator_runs_on_english_or_unset_latin_projects(
        project_v1, store, language) -> None:
    project_v1.spec.language = language
    use(project_v1, "insert")  # without WordNet installed, it inserts words of other seeds
    done = synthesize(store, project_v1, SynthOptions(classes=1, per_class=3,
                                                      embeddings=False))
    assert done.batch["generator"] == "textloop.synth.insert.v2"


def test_the_gate_reads_the_projects_language(project) -> None:
    from textloop.stages.synthesize.run import gate_settings

    project.spec.language = "ko"
    project.spec.synth.gate.near_dup_jaccard = 0.5
    settings = gate_settings(project)
    assert (settings.language, settings.near_dup_jaccard) == ("ko", 0.5)
