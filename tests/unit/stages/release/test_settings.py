"""Sticky release settings: a release keeps its parent's group column, seed and fractions."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.unit.stages.release.conftest import spam_ham
from textloop.config import ReleaseSettings
from textloop.errors import InvalidInputError
from textloop.stages.release import SPLITS, create_release
from textloop.storage import findings, jsoncol, schema


def _authored(n: int, start: int = 0) -> list[dict]:
    """Rows by 10 authors, three or more rows each."""
    return [{"text": f"post {i}", "label": "spam" if i % 2 else "ham", "author": f"a{i % 10}"}
            for i in range(start, start + n)]


def _splits_per_author(path) -> pd.Series:
    frame = pd.concat(pd.read_parquet(path / f"{s}.parquet").assign(split=s) for s in SPLITS)
    return frame.groupby("author")["split"].nunique()


def test_a_plain_release_after_group_col_keeps_the_group_column(project, store,
                                                                add_rows) -> None:
    add_rows(_authored(60))
    create_release(store, project, group_field="author", seed=5)
    add_rows(_authored(60, start=60))
    v2 = create_release(store, project)
    assert (_splits_per_author(v2.path) == 1).all()
    manifest = json.loads((v2.path / "manifest.json").read_text())
    assert (manifest["group_field"], manifest["seed"]) == ("author", 5)
    assert manifest["settings_sources"]["group_field"] == "inherited from v1"
    card = (v2.path / "README.md").read_text()
    assert "group column: author (inherited from v1)" in card
    assert "seed: 5 (inherited from v1)" in card
    assert "no group column" not in card
    assert v2.settings["group_field"] == ("author", "inherited from v1")


def test_group_col_none_drops_the_inherited_column_and_says_so(project, store,
                                                               add_rows) -> None:
    add_rows(_authored(40))
    create_release(store, project, group_field="author")
    v2 = create_release(store, project, group_field="none")
    manifest = json.loads((v2.path / "manifest.json").read_text())
    assert manifest["group_field"] is None
    assert "group column: none (--group-col none)" in (v2.path / "README.md").read_text()
    assert any("'author'" in w and "v1" in w and "dropped" in w for w in v2.warnings)


def test_an_explicit_option_wins_over_the_parent(project, store, add_rows) -> None:
    add_rows(_authored(40))
    create_release(store, project, seed=5)
    v2 = create_release(store, project, seed=9)
    assert v2.settings["seed"] == (9, "--seed")


def test_an_edit_of_textloop_yaml_since_the_parent_is_followed(project, store,
                                                               add_rows) -> None:
    add_rows(spam_ham(40))
    create_release(store, project)
    project.spec.release = ReleaseSettings(train=0.6, validation=0.2, test=0.2, seed=21)
    v2 = create_release(store, project)
    assert v2.settings["seed"] == (21, "textloop.yaml (changed since v1)")
    assert v2.settings["fractions"][0] == {"train": 0.6, "validation": 0.2, "test": 0.2}
    v3 = create_release(store, project)
    assert v3.settings["seed"] == (21, "inherited from v2")


def test_a_parent_from_before_sticky_settings_is_inherited(project, store, add_rows) -> None:
    """Old catalogs hold the values without the spec snapshot: the values still carry over."""
    add_rows(_authored(40))
    v1 = create_release(store, project, group_field="author")
    with store.write() as conn:
        conn.execute(schema.releases.update().values(config=jsoncol.dumps(
            {"seed": 13, "fractions": {"train": 0.8, "validation": 0.1, "test": 0.1},
             "group_field": "author", "message": "", "labels": v1.labels})))
    assert create_release(store, project).settings["group_field"] == ("author",
                                                                      "inherited from v1")


def test_open_leakage_findings_are_warned_about(project, store, add_rows) -> None:
    ids = add_rows(spam_ham(20))
    create_release(store, project)
    with store.write() as conn:
        findings.add(conn, config={}, summary={}, rows=[
            {"record_id": ids[0], "kind": "leakage", "score": 0.99,
             "details": {"release": "v1", "split": "test"}},
            {"record_id": ids[1], "kind": "duplicate", "score": None, "details": {}}])
    v2 = create_release(store, project)
    warning = next(w for w in v2.warnings if "leakage" in w)
    assert "1 held-out record with open leakage findings" in warning and "c1" in warning
    assert "textloop review" in warning


def test_a_record_flagged_by_several_cleanings_counts_once_in_the_leakage_warning(
        project, store, add_rows) -> None:
    """Running `textloop clean` again flags the same held-out rows again: the warning counts
    records, not findings, or every re-run would seem to double the leakage."""
    ids = add_rows(spam_ham(20))
    create_release(store, project)
    for _ in range(2):
        with store.write() as conn:
            findings.add(conn, config={}, summary={}, rows=[
                {"record_id": rid, "kind": "leakage", "score": 0.99,
                 "details": {"release": "v1", "split": "test"}} for rid in ids[:3]])
    warning = next(w for w in create_release(store, project).warnings if "leakage" in w)
    assert warning.startswith("3 held-out records with open leakage findings (cleaning c1, c2)")


@pytest.mark.parametrize("bad", ["", "  "])
def test_an_empty_group_column_name_is_refused(project, store, add_rows, bad) -> None:
    add_rows(spam_ham(10))
    with pytest.raises(InvalidInputError) as caught:
        create_release(store, project, group_field=bad)
    assert "--group-col none" in caught.value.hint
