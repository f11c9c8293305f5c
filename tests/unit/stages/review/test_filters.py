"""Filtering the review queue by kind, current label and score, with counts per kind."""

from __future__ import annotations

import pytest

from tests.unit.stages.review_fixtures import cleaned
from textloop.errors import InvalidInputError
from textloop.stages import review
from textloop.stages.label.resolution import current_labels
from textloop.storage import annotation_log, findings


@pytest.fixture
def run(project, store, tmp_path):
    return cleaned(store, project, tmp_path)


def open_findings(store, kind: str) -> list[dict]:
    with store.read() as conn:
        return findings.list_for(conn, "c1", kind=kind, status="open")


def test_a_kind_filter_shows_that_kind_and_still_counts_every_kind(run, project,
                                                                    store) -> None:
    queue = review.review_queue(store, project, flt=review.ReviewFilter(kind="duplicate"))
    assert queue.current.kind == "duplicate" and queue.matching == 3
    assert queue.open_by_kind == {"label_issue": 7, "conflict": 2, "duplicate": 3}
    unfiltered = review.review_queue(store, project)
    assert unfiltered.current.kind == "label_issue" and unfiltered.matching == 12


def test_the_label_filter_follows_the_records_current_label(run, project, store) -> None:
    conflicts = open_findings(store, "conflict")
    with store.read() as conn:
        labels = current_labels(conn)
    spam = [f for f in conflicts if labels[f["record_id"]].label == "spam"]
    flt = review.ReviewFilter(kind="conflict", label="spam")
    queue = review.review_queue(store, project, flt=flt)
    assert queue.matching == len(spam) == 1
    assert queue.current.record_id == spam[0]["record_id"]
    assert queue.current.label.label == "spam"
    other = next(f for f in conflicts if f is not spam[0])
    with store.write() as conn:  # an adjudicator settles the other record as spam
        annotation_log.add_one(conn, record_id=other["record_id"], label="spam",
                               kind="adjudicated", annotator="ada")
    assert review.review_queue(store, project, flt=flt).matching == 2


def test_score_bounds_keep_scored_findings_within_them(run, project, store) -> None:
    scores = sorted(f["score"] for f in open_findings(store, "label_issue"))
    bound = scores[2]
    flt = review.ReviewFilter(kind="label_issue", max_score=bound)
    queue = review.review_queue(store, project, flt=flt)
    assert queue.matching == sum(s <= bound for s in scores) == 3
    assert queue.current.score == scores[0]  # lowest label quality first
    unscored = {f["kind"] for kind in ("conflict", "duplicate")
                for f in open_findings(store, kind) if f["score"] is None}
    counted = review.review_queue(store, project,
                                  flt=review.ReviewFilter(min_score=-1.0)).open_by_kind
    assert not unscored & set(counted)  # a score bound leaves unscored findings out


def test_the_summary_counts_and_lists_what_the_filter_keeps(run, project, store) -> None:
    issue = open_findings(store, "label_issue")[0]
    review.keep(store, "rita", issue["id"])
    summary = review.review_summary(store, project=project,
                                    flt=review.ReviewFilter(kind="label_issue"))
    assert summary.by_kind == {"label_issue": {"open": 6, "kept": 1}}
    assert summary.filter["kind"] == "label_issue" and len(summary.first_open) == 6
    assert [row["kind"] for row in summary.first_open] == ["label_issue"] * 6
    listed = [row["score"] for row in summary.first_open]
    assert listed == sorted(listed)


@pytest.mark.parametrize(("values", "message", "hint"), [
    ({"kind": "url"}, "unknown finding kind 'url'", "label_issue"),
    ({"label": "eggs"}, "unknown label 'eggs'", "spam"),
    ({"min_score": 0.9, "max_score": 0.1}, "min_score 0.9 is above max_score 0.1", "swap"),
])
def test_a_filter_the_project_cannot_have_is_refused(project, values, message, hint) -> None:
    with pytest.raises(InvalidInputError, match=message) as info:
        review.ReviewFilter(**values).check(project)
    assert hint in (info.value.hint or "")


def test_text_fields_parse_blank_as_no_filter_and_refuse_non_numbers() -> None:
    assert review.ReviewFilter.parse(kind=" ", label="", min_score="", max_score=None) \
        == review.ReviewFilter()
    assert review.ReviewFilter.parse(min_score="0.25").min_score == 0.25
    with pytest.raises(InvalidInputError, match="min_score 'abc' is not a number"):
        review.ReviewFilter.parse(min_score="abc")
    with pytest.raises(InvalidInputError, match="max_score 'nan' is not a number"):
        review.ReviewFilter.parse(max_score="nan")
