"""``run_rows``: runs side by side, changed params, metric columns, sorting, release filter."""

from __future__ import annotations

import pytest

from tests.unit.stages.selection_fixtures import noisy_release
from textloop.errors import InvalidInputError
from textloop.stages.runs.table import (
    RunRow,
    metric_columns,
    mixed_releases_note,
    run_rows,
    runs_note,
    sort_rows,
)
from textloop.stages.select.cross_validate import cross_validate
from textloop.stages.train.training import train


def row(name: str, **metrics: float) -> RunRow:
    return RunRow(name=name, kind="train", model="tfidf-lr", release="v1", status="finished",
                  duration=1.0, metrics=metrics)


def test_sort_puts_the_best_first_and_runs_without_the_metric_last() -> None:
    rows = [row("a", **{"val/macro_f1": 0.7}), row("b"), row("c", **{"val/macro_f1": 0.9})]
    assert [r.name for r in sort_rows(rows, "val/macro_f1")] == ["c", "a", "b"]


def test_losses_sort_ascending() -> None:
    rows = [row("a", **{"val/log_loss": 0.5}), row("b", **{"val/log_loss": 0.2})]
    assert [r.name for r in sort_rows(rows, "val/log_loss")] == ["b", "a"]


def test_a_bare_name_uses_cv_then_val_then_test() -> None:
    rows = [row("val-only", **{"val/macro_f1": 0.8}),
            row("cv-and-val", **{"cv/macro_f1": 0.85, "val/macro_f1": 0.5}),
            row("test-only", **{"test/macro_f1": 0.9})]
    assert [r.name for r in sort_rows(rows, "macro_f1")] == ["test-only", "cv-and-val",
                                                             "val-only"]


def test_sorting_by_an_unknown_metric_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="no run has a metric 'val/auc'"):
        sort_rows([row("a", **{"val/macro_f1": 0.8})], "val/auc")


def test_columns_are_the_goal_metric_where_some_run_has_it() -> None:
    rows = [row("a", **{"val/macro_f1": 0.8}), row("b", **{"cv/macro_f1": 0.7})]
    assert metric_columns(rows, "macro_f1") == ["cv/macro_f1", "val/macro_f1"]


def test_rows_from_the_store_show_changed_params_and_filter_by_release(project, store,
                                                                        tmp_path) -> None:
    noisy_release(store, project, tmp_path)
    train(store, project, params={"C": 3.0})
    cross_validate(store, project, folds=3)
    rows = run_rows(store)
    assert [(r.name, r.kind) for r in rows] == [("tfidf-lr-1", "train"), ("cv-tfidf-lr-2", "cv")]
    assert rows[0].changed == {"C": 3.0}  # release and n_train are bookkeeping
    assert rows[1].changed == {"folds": 3}
    assert rows[0].duration is not None and rows[0].duration >= 0.0
    assert not any(k.startswith("fold/") for k in rows[1].metrics)
    assert run_rows(store, release="v9") == []
    by_score = run_rows(store, sort="macro_f1")
    assert {r.name for r in by_score} == {"tfidf-lr-1", "cv-tfidf-lr-2"}


def test_a_note_names_the_releases_when_scores_mix_them() -> None:
    note = mixed_releases_note(["v10", "v2", None, "v2", "v1"], compare="do X")
    assert note is not None and note.startswith("scores come from 3 releases (v1, v2, v10)")
    assert note.endswith("; do X")
    assert mixed_releases_note(["v1", "v1", None], compare="do X") is None


def test_runs_without_scores_do_not_count_as_another_release() -> None:
    scored = row("a", **{"val/macro_f1": 0.8})
    unscored = RunRow(name="b", kind="train", model="m", release="v2", status="failed",
                      duration=None)
    assert runs_note([scored, unscored]) is None
    other = RunRow(name="c", kind="train", model="m", release="v2", status="finished",
                   duration=1.0, metrics={"test/macro_f1": 0.7})
    assert "(--release v2)" in runs_note([scored, other])


def test_old_upper_case_statuses_read_as_the_vocabulary(project, store) -> None:
    from sqlalchemy import text

    from textloop.storage import runs

    with store.write() as conn:
        runs.create(conn, model="textloop.model.tfidf-lr.v1", short_name="tfidf-lr",
                    release_id=None, config={})
        conn.execute(text("UPDATE runs SET status = 'FINISHED'"))
    assert [r.status for r in run_rows(store)] == ["finished"]
    assert run_rows(store)[0].to_json()["status"] == "finished"


def test_the_calibration_choice_is_a_note_not_a_changed_param(project, store, tmp_path) -> None:
    """`textloop train` logs why it kept or dropped the calibrator as a sentence; the table's
    params column is for values changed from the defaults and would wrap that sentence over
    a dozen lines per run. The full set (``--json``) keeps it."""
    noisy_release(store, project, tmp_path)
    result = train(store, project, params={"C": 3.0})
    (shown,) = run_rows(store)
    assert result.calibration_choice and shown.params["calibration_choice"] == (
        result.calibration_choice)
    assert shown.params["calibration"] == result.calibration
    assert shown.changed == {"C": 3.0}


def test_runs_of_releases_with_one_pinned_test_split_say_test_scores_compare(
        project, store, tmp_path) -> None:
    from tests.unit.stages.release.conftest import spam_ham
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.release import create_release

    def add(name: str, rows: list[dict], split: str | None = None) -> None:
        path = tmp_path / f"{name}.csv"
        path.write_text("text,label\n" + "".join(f"{r['text']},{r['label']}\n" for r in rows))
        import_file(store, project, path, ImportOptions(split=split))

    add("train", spam_ham(40))
    add("test", spam_ham(10, prefix="official"), split="test")
    create_release(store, project)
    add("more", spam_ham(30, prefix="later"))
    create_release(store, project)
    runs = [row("a", **{"test/macro_f1": 0.7}), row("b", **{"test/macro_f1": 0.8})]
    runs[1].release = "v2"
    note = runs_note(runs, store)
    assert note is not None and "their test splits hold the same 10 rows" in note
    assert "test/ scores compare" in note and "(--release v2)" in note
    assert "not comparable" in runs_note(runs)  # without the store it cannot tell


def test_releases_with_different_test_rows_keep_the_not_comparable_note(project, store,
                                                                        tmp_path) -> None:
    from tests.unit.stages.release.conftest import spam_ham
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.release import create_release

    for name, n in (("first", 40), ("second", 60)):
        path = tmp_path / f"{name}.csv"
        path.write_text("text,label\n" + "".join(f"{r['text']},{r['label']}\n"
                                                  for r in spam_ham(n, prefix=name)))
        import_file(store, project, path, ImportOptions())
        create_release(store, project)
    runs = [row("a", **{"test/macro_f1": 0.7}), row("b", **{"test/macro_f1": 0.8})]
    runs[1].release = "v2"
    assert "not comparable" in runs_note(runs, store)
