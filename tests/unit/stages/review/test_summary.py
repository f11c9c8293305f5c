"""``review_summary`` on a span project: refused up front, naming what spans lack."""

from __future__ import annotations

import pytest

from tests.unit.stages.rules.span_fixtures import span_project
from textloop.errors import ConfigError
from textloop.stages.review import review_summary
from textloop.storage import Store


def test_review_of_a_span_project_is_refused_naming_what_is_missing(tmp_path) -> None:
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store, pytest.raises(ConfigError) as caught:
        review_summary(store, project=project)
    message = str(caught.value)
    assert message.startswith("textloop review (findings of `textloop clean`, which does not "
                              "check spans yet) works on classification and regression")
    assert "ner is a spans project" in message
    assert caught.value.hint == ("spans projects support import, label, suggest, agreement, "
                                 "rules, release, train, evaluate, register and promote")
