"""The records ``textloop clean`` examines embed with the project's language's embedder."""

from __future__ import annotations

import pytest

from tests.unit.stages.pipeline_fixtures import embedded_model_ids, project_in, released
from textloop.stages.clean.inputs import load_inputs
from textloop.storage import Store

pytestmark = pytest.mark.model


@pytest.mark.parametrize(("language", "dim", "model_id"), [
    ("ko", 512, "use-multilingual-v3/int8-per-token-exact"),
    ("en", 384, "all-MiniLM-L6-v2/int8-per-token-exact")])
def test_clean_embeds_with_the_embedder_training_uses_for_the_language(
        tmp_path, language: str, dim: int, model_id: str) -> None:
    project = project_in(language, tmp_path)
    with Store.for_project(project) as store:
        released(store, project, tmp_path)
        inputs = load_inputs(store, project)
        assert inputs.embeddings is not None
        assert inputs.embeddings.shape == (len(inputs.records), dim)
        assert embedded_model_ids(store) == {model_id}
