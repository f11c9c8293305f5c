"""The default strategy, version 3: the noise switch on the most contradicted class, or on
annotators' votes, with the out-of-fold check skipped when it cannot fire."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.unit.strategies.query.pools import blobs, context, logistic
from tests.unit.strategies.query.test_adaptive_default import two_regions
from textloop.strategies.query import get_strategy
from textloop.strategies.query.adaptive_default import AdaptiveDefault
from textloop.strategies.query.class_noise_default import ClassNoiseDefault
from textloop.strategies.query.margin import Margin


def test_default_means_version_3_and_version_2_stays_by_name() -> None:
    full, strategy = get_strategy("default")
    assert full == "textloop.query.default.v3" and isinstance(strategy, ClassNoiseDefault)
    old_name, old = get_strategy("textloop.query.default.v2")
    assert old_name == "textloop.query.default.v2" and type(old) is AdaptiveDefault


def one_noisy_class() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Labeled: 60 "a" and 14 "c" in region 0 (the "c" labels there disagree with their
    neighbours, as crowd labels of a disputed class do), 60 "b" in region 1, 20 "c" in
    region 2. Class "c": 14 of 34 contradicted (41%); all labels: 14 of 154 (9%). Pool: 10
    items near region 0, a hair less sure than 10 near region 1 (plain margin takes them)."""
    X, groups, _ = blobs([84, 70, 20], seed=11)
    labeled = np.r_[0:74, 84:144, 154:174]
    pool = np.r_[74:84, 144:154]
    y = np.array(["a"] * 60 + ["c"] * 14 + ["b"] * 60 + ["c"] * 20, dtype=object)
    assert (groups[labeled] == np.repeat([0, 1, 2], [74, 60, 20])).all()
    first = np.linspace(0.49, 0.495, 10)  # margin 0.02 .. 0.01
    proba = np.concatenate([np.stack([first, 0.99 - first, np.full(10, 0.01)], axis=1),
                            np.tile([0.47, 0.52, 0.01], (10, 1))])
    return X[pool], proba, X[labeled], y


def test_one_class_mostly_contradicted_switches_where_the_overall_share_does_not() -> None:
    pool_X, proba, labeled_X, y = one_noisy_class()
    ctx = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y, make_classifier=logistic)
    assert set(Margin().select(ctx, 5).tolist()) <= set(range(10))
    v2 = AdaptiveDefault()
    assert v2.select(ctx, 5).tolist() == Margin().select(ctx, 5).tolist()
    assert v2.last_choice["noisy"] is False  # 9% of all labels: under version 2's 10%
    strategy = ClassNoiseDefault()
    picks = strategy.select(ctx, 5).tolist()
    choice = strategy.last_choice
    assert choice["noisy"] is True and choice["evidence"] == "out-of-fold"
    assert choice["noisiest_class"] == "c" and choice["noisy_classes"] == ["c"]
    assert choice["class_share"] >= 0.35 > max(
        share for name, share in choice["class_shares"].items() if name != "c")
    assert set(picks) <= set(range(10, 20))


def test_contradictions_spread_over_a_class_do_not_switch() -> None:
    """Version 2's noisy example (10% of all labels, a sixth of class "b") is below the
    per-class threshold: version 3 stays plain margin."""
    pool_X, proba, labeled_X, y = two_regions(flipped=5)
    ctx = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y, make_classifier=logistic)
    v2 = AdaptiveDefault()
    v2.select(ctx, 5)
    assert v2.last_choice["noisy"] is True
    strategy = ClassNoiseDefault()
    assert strategy.select(ctx, 5).tolist() == Margin().select(ctx, 5).tolist()
    assert strategy.last_choice["noisy"] is False
    assert strategy.last_choice["class_shares"]["b"] < 0.35


def test_annotators_votes_are_the_evidence_when_the_project_has_them() -> None:
    """Clean final labels, but half of class "a"'s records got split answers: the votes
    switch the down-weighting on near them, with no classifier fitted at all."""
    pool_X, proba, labeled_X, y = two_regions(flipped=0)
    votes: list[dict[str, str]] = [
        {"ann1": "a", "ann2": "b" if i % 2 else "a"} for i in range(25)]
    votes += [{"ann1": "b", "ann2": "b"} for _ in range(25)]
    ctx = context(pool_X, proba, labeled_X=labeled_X, labeled_y=y)
    ctx.labeled_votes = votes
    strategy = ClassNoiseDefault()
    picks = strategy.select(ctx, 5).tolist()
    assert strategy.last_choice["evidence"] == "votes" and strategy.last_choice["noisy"] is True
    assert strategy.last_choice["class_shares"] == {"a": 0.48, "b": 0.0}
    assert set(picks) <= set(range(10, 20))
    assert strategy.fold_checks == 0
    # unanimous answers: the votes say the labels are sound, so plain margin
    ctx.labeled_votes = [{"ann1": label, "ann2": label} for label in y]
    assert strategy.select(ctx, 5).tolist() == Margin().select(ctx, 5).tolist()
    assert strategy.last_choice["noisy"] is False
    # one answer per record says nothing about disagreement: the out-of-fold proxy decides
    ctx.labeled_votes = [{"ann1": label} for label in y]
    ctx.make_classifier = logistic
    strategy.select(ctx, 5)
    assert strategy.last_choice["evidence"] == "out-of-fold" and strategy.fold_checks == 1


class CountingFactory:
    """A classifier factory that counts the models it makes."""

    def __init__(self) -> None:
        self.made = 0

    def __call__(self) -> Any:
        self.made += 1
        return logistic()


def test_the_fold_check_runs_only_when_the_switch_could_fire() -> None:
    X, groups, _ = blobs([60, 60], seed=2)
    y = np.where(groups == 0, "a", "b").astype(object)
    order = np.r_[0:60:2, 60:120:2, 1:60:2, 61:120:2]  # 30 of each class, then the rest
    X, y = X[order], y[order]
    proba = np.tile([0.6, 0.4], (10, 1))
    factory = CountingFactory()
    strategy = ClassNoiseDefault()

    def query(n: int) -> None:
        strategy.select(context(X[:10], proba, labeled_X=X[:n], labeled_y=y[:n],
                                make_classifier=factory), 2)

    query(24)  # 12 per class: no class can reach 20 records of evidence
    assert strategy.fold_checks == 0 and factory.made == 0
    query(60)  # 30 per class: checked, quiet
    assert strategy.fold_checks == 1 and factory.made == 5
    query(80)  # the same 60 first, a third more: the quiet check stands
    assert strategy.fold_checks == 1 and factory.made == 5
    query(90)  # half again as many: checked anew
    assert strategy.fold_checks == 2
    # another labeled set of the same size (another session): not the checked records
    shuffled = np.random.default_rng(0).permutation(90)
    strategy.select(context(X[:10], proba, labeled_X=X[shuffled], labeled_y=y[shuffled],
                            make_classifier=factory), 2)
    assert strategy.fold_checks == 3
