"""``review_summary`` on a span project: span findings are reviewed like any others, so a
span project is no longer refused; before any cleaning run it says to run one."""

from __future__ import annotations

import pytest

from tests.unit.stages.rules.span_fixtures import span_project
from textloop.errors import NotFoundError
from textloop.stages.review import review_queue, review_summary
from textloop.storage import Store


def test_review_of_a_span_project_asks_for_a_cleaning_run_first(tmp_path) -> None:
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        with pytest.raises(NotFoundError, match="no cleaning run 'latest'") as caught:
            review_summary(store, project=project)
        assert caught.value.hint == "run `textloop clean` first"
        assert review_queue(store, project).cleaning_id is None
