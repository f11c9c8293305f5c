"""The synthetic-data gate's embedder follows the project's language, as training's does."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import embedded_model_ids, project_in
from textloop.stages.synthesize.scoring import store_embedder
from textloop.storage import Store


@pytest.mark.model
def test_the_gate_embeds_a_korean_projects_texts_with_the_multilingual_encoder(tmp_path) -> None:
    project = project_in("ko", tmp_path)
    with Store.for_project(project) as store:
        vectors = store_embedder(store, language=project.spec.language)(["무료 쿠폰 받으세요"])
        assert vectors.shape == (1, 512)
        assert embedded_model_ids(store) == {"use-multilingual-v3/int8-per-token-exact"}
