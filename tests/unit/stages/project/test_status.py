"""``status``: counts per label in spec order, releases and runs."""

from __future__ import annotations

from tests.unit.stages.labeling_fixtures import queued
from tests.unit.stages.pipeline_fixtures import released
from textloop.stages.label import queue as labeling
from textloop.stages.label.annotators import add_annotator
from textloop.stages.project.status import project_status
from textloop.stages.train.training import train


def test_status_of_an_empty_project(project, store) -> None:
    info = project_status(store, project)
    assert (info.records, info.labeled, info.labeled_share) == (0, 0, 0.0)
    assert info.per_label == {"spam": 0, "ham": 0}
    assert info.releases == [] and info.runs == []


def test_status_after_release_and_training(project, store, tmp_path) -> None:
    released(store, project, tmp_path)
    train(store, project)
    info = project_status(store, project)
    assert info.records == info.labeled == 240
    assert info.per_label == {"spam": 80, "ham": 160}
    assert info.label_kinds == {"import": 240}
    assert [r["id"] for r in info.releases] == ["v1"]
    assert info.runs[0]["name"] == "tfidf-lr-1" and "val/macro_f1" in info.runs[0]["metrics"]
    assert info.imports[0]["records_new"] == 240



def test_status_shows_labeling_once_it_has_started(project, store, tmp_path) -> None:
    assert project_status(store, project).labeling is None
    ids = queued(store, project, tmp_path, n=4, overlap=2)
    add_annotator(store, "ann", role="annotator")
    add_annotator(store, "bob", role="annotator")
    for who, label in (("ann", "spam"), ("bob", "ham")):
        item = labeling.next_item(store, who)
        assert item is not None and item.record_id == ids[0]
        labeling.submit(store, project, who, item.record_id, [label])
    overview = project_status(store, project).labeling
    assert overview is not None
    assert (overview.annotators, overview.answered, overview.waiting) == (2, 1, 3)
    assert overview.disputes == 1  # ann said spam, bob said ham


def test_status_of_a_span_project_counts_final_spans_per_label(tmp_path) -> None:
    from tests.unit.stages.rules.span_fixtures import RULES, label_people, opened_span_project
    from textloop.stages.rules import apply_weak_labels

    with opened_span_project(tmp_path, *RULES) as (project, store, ids):
        apply_weak_labels(store, project)
        label_people(store, ids)  # people answer 3 of the 4 records with weak spans
        info = project_status(store, project)
    assert (info.records, info.labeled) == (6, 4)
    assert info.label_kinds == {"human": 3, "weak": 1}
    # human: PHONE+BRAND, PER+PHONE+BRAND, nothing; weak: the Galaxy S24 BRAND
    assert info.per_label == {"PER": 1, "ORG": 0, "PHONE": 2, "BRAND": 3}
