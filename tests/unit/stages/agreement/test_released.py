"""Agreement on a release's records: measured once at release time, on the released records
only, stored in the manifest, the catalog and the result, and stated on the card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.stages.release.conftest import AddRows, relabel
from tests.unit.stages.release.conftest import add_rows as add_rows  # a fixture
from tests.unit.stages.span_fixtures import (
    ANSWERS,
    LOC,
    ORG,
    PER,
    TEXTS,
    answer,
    import_texts,
    span_project,
)
from textloop.config import Project
from textloop.spans import Span
from textloop.stages.agreement import agreement_report
from textloop.stages.label.queue import adjudicate
from textloop.stages.release import create_release, list_releases, load_release
from textloop.storage import Store

# A record outside the release: a 1-1 tie on spans that no one decided (so not released)
TIED = "Zed joined Initech"
TIED_ANSWERS = {"ann": [(0, 3, PER)], "ben": [(11, 18, ORG)]}


@pytest.fixture
def span_release(tmp_path: Path):
    project = span_project(tmp_path / "ner")
    with Store.for_project(project) as store:
        ids = import_texts(store, project, tmp_path, [*TEXTS, TIED])
        answer(store, ids, [*ANSWERS, TIED_ANSWERS])
        yield project, store, ids


def _card(store: Store, release_id: str) -> str:
    return (load_release(store, release_id).path / "README.md").read_text(encoding="utf-8")


def test_a_span_release_states_the_hand_checked_agreement_of_its_records(span_release) -> None:
    project, store, _ = span_release
    info = create_release(store, project)
    found = info.agreement
    # records 0-2 have two or more annotators; record 3 one; the tie is not released
    assert (found["measured"], found["records_with_overlap"], found["disputed"]) == (True, 3, 1)
    assert found["annotators"] == ["ann", "ben", "cat"]
    # record 0 by span majority (LOC 2 of 3), 1 and 2 unanimous: none adjudicated
    assert (found["adjudicated"], found["majority"]) == (0, 3)
    # pairs ann-ben 0.75, ann-cat 1, ben-cat 0.5 (see tests/.../test_spans.py for each)
    assert found["strict"]["f1"] == pytest.approx((0.75 + 1.0 + 0.5) / 3)
    assert found["partial"]["f1"] == pytest.approx((0.75 + 1.0 + 0.5) / 3)
    assert found["token_kappa"]["value"] == pytest.approx((24 / 29 + 1 + 2 / 3) / 3)
    assert found["token_kappa"]["n_items"] == 10
    by_label = {row["label"]: row for row in found["labels"]}
    assert list(by_label) == [PER, ORG, LOC]
    assert by_label[PER]["spans"] == 5 and by_label[PER]["strict_f1"] == 1.0
    assert by_label[LOC]["strict_f1"] == pytest.approx(1 / 3)

    card = _card(store, info.id)
    section = card.split("## Annotator agreement", 1)[1].split("\n## ", 1)[0]
    assert "on the 3 released records that two or more annotators (ann, ben, cat)" in section
    assert "1 of them differed" in section
    assert "0 decided by an adjudicator or reviewer, 3 by the annotators' own answers" in section
    assert "Strict entity F1 0.75: annotators marked the same spans" in section
    assert "for 75% of the spans" in section
    assert "Token-level kappa 0.83 (over 10 tokens)" in section
    assert "| LOC | 2 | 0.33 | 0.33 |" in section  # ann and cat; F1 0, 1, 0 over pairs
    assert "nan" not in section.lower()
    # stored with the release, read back without measuring again
    manifest = load_release(store, info.id).manifest
    assert manifest["agreement"] == json.loads(json.dumps(found))
    assert list_releases(store)[-1].agreement == manifest["agreement"]


def test_only_released_records_count(span_release) -> None:
    project, store, ids = span_release
    whole = agreement_report(store, project)
    assert whole.n_overlapping == 4 and ids[4] in whole.disputed_records  # the tie counts there
    assert whole.strict.f1 != pytest.approx((0.75 + 1.0 + 0.5) / 3)
    info = create_release(store, project)
    data = load_release(store, info.id)
    released = {rid for split in data.splits.values() for rid in split.ids}
    assert ids[4] not in released
    assert info.agreement["records_with_overlap"] == 3
    assert info.agreement["strict"]["f1"] == pytest.approx((0.75 + 1.0 + 0.5) / 3)


def test_adjudicated_records_are_counted_and_a_release_keeps_its_numbers(span_release
                                                                         ) -> None:
    project, store, ids = span_release
    first = create_release(store, project)
    adjudicate(store, project, "dee", ids[4], spans=[Span(0, 3, PER), Span(11, 18, ORG)])
    second = create_release(store, project)
    assert second.agreement["records_with_overlap"] == 4
    assert (second.agreement["adjudicated"], second.agreement["majority"]) == (1, 3)
    assert second.agreement["disputed"] == 2
    # the first release's card and manifest still say what was true when it was made
    assert load_release(store, first.id).manifest["agreement"] == json.loads(
        json.dumps(first.agreement))
    assert "on the 3 released records" in _card(store, first.id)
    assert "on the 4 released records" in _card(store, second.id)


def test_a_classification_release_states_alpha_and_kappa(project: Project, store: Store,
                                                          add_rows: AddRows) -> None:
    ids = add_rows([{"text": f"message {i}", "label": "ham"} for i in range(6)])
    votes = [("spam", "spam"), ("ham", "ham"), ("spam", "ham"), ("ham", "ham"),
             ("spam", "ham")]  # the last stays a tie nobody decided: not released
    for rid, (alice, bob) in zip(ids, votes, strict=False):
        relabel(store, rid, alice, "alice")
        relabel(store, rid, bob, "bob")
    adjudicate(store, project, "carol", ids[2], labels=["spam"])
    info = create_release(store, project)
    found = info.agreement
    assert info.rows == 5  # message 4 tied; message 5 has its imported label only
    assert (found["records_with_overlap"], found["disputed"]) == (4, 1)
    assert (found["adjudicated"], found["majority"]) == (1, 3)
    # coincidences: spam-spam 2, ham-ham 4, spam-ham 1 + 1; n_spam 3, n_ham 5, n 8
    # alpha = 1 - (2 / 8) / (2 * 3 * 5 / (8 * 7)) = 16 / 30
    assert found["krippendorff_alpha"]["value"] == pytest.approx(16 / 30)
    # Fleiss: P = 3 / 4, P_e = (3/8)^2 + (5/8)^2 = 34 / 64 -> 7 / 15
    assert found["fleiss_kappa"]["value"] == pytest.approx(7 / 15)
    [pair] = found["pairs"]
    assert (pair["a"], pair["b"], pair["shared"], pair["observed"]) == ("alice", "bob", 4, 0.75)
    assert pair["cohen_kappa"]["value"] is None  # fewer shared records than min_shared
    card = _card(store, info.id)
    section = card.split("## Annotator agreement", 1)[1].split("\n## ", 1)[0]
    assert "Krippendorff's alpha 0.53 and Fleiss' kappa 0.47" in section
    assert "| alice / bob | 4 | 0.75 | undefined (only 4 shared records" in section
    assert "nan" not in section.lower()


def test_a_release_without_overlap_says_agreement_was_not_measured(
        project: Project, store: Store, add_rows: AddRows) -> None:
    ids = add_rows([{"text": f"message {i}", "label": "ham"} for i in range(4)])
    relabel(store, ids[0], "spam", "alice")
    relabel(store, ids[1], "spam", "bob")
    info = create_release(store, project)
    assert info.agreement == {"measured": False, "records_with_overlap": 0,
                              "note": "every record has one annotator or came from an import"}
    card = _card(store, info.id)
    section = card.split("## Annotator agreement", 1)[1].split("\n## ", 1)[0]
    assert section.strip() == ("Agreement: not measured — every record has one annotator or "
                               "came from an import.")
    assert info.to_dict()["agreement"]["measured"] is False
