"""A slice declared in textloop.yaml, measured by evaluate, can refuse a promotion."""

from __future__ import annotations

from tests.unit.stages.pipeline_fixtures import released
from tests.unit.stages.registry_fixtures import no_timing, registered
from textloop.config import PromotionSettings, Slice
from textloop.stages.versions.promotion import promote
from textloop.storage import model_versions


def test_a_candidate_worse_on_a_declared_slice_is_not_promoted(project, store,
                                                               tmp_path) -> None:
    released(store, project, tmp_path)
    project.spec.slices = [Slice(name="prize", keywords=["prize"], min_rows=1)]
    project.spec.promotion = PromotionSettings(min_uplift=-1.0, max_slice_drop=0.02,
                                               max_ece=1.0, max_latency_ms=None)
    registered(store, project, c=4.0)
    assert promote(store, project, "1", actor="ana", measure=no_timing).promoted
    registered(store, project, c=0.001)  # so weak that it predicts the majority label (ham)
    decision = promote(store, project, "2", actor="ana", measure=no_timing)
    slices = {r.rule: r for r in decision.rules}["slices"]
    assert not decision.promoted and slices.status == "fail"
    assert "slice 'prize=yes' macro_f1" in slices.sentence
    with store.read() as conn:
        assert model_versions.aliases(conn).get("champion") == 1
