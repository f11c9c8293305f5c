"""The split: groups whole, every row once, seeded, order-free, stratified, sticky."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from textloop.errors import ConflictError
from textloop.stages.release.split import NEW, SPLITS, apportion, plan_split

FRACTIONS = (0.8, 0.1, 0.1)


@st.composite
def datasets(draw: st.DrawFn) -> dict:
    """Rows with unique ids, texts that sometimes repeat up to case/spacing, optional groups."""
    n = draw(st.integers(1, 60))
    ids = draw(st.lists(st.text("0123456789abcdef", min_size=4, max_size=8), min_size=n,
                        max_size=n, unique=True))
    stems = draw(st.lists(st.sampled_from(["Win cash", "hello", "see  you", "free PRIZE", "ok"]),
                          min_size=n, max_size=n))
    texts = [f"{stem} {i % 7}" if draw(st.booleans()) else stem.upper()
             for i, stem in enumerate(stems)]
    labels = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    groups = draw(st.none() | st.lists(st.none() | st.sampled_from("abcde"), min_size=n,
                                       max_size=n))
    seed = draw(st.integers(0, 2**32 - 1))
    return {"ids": ids, "texts": texts, "labels": labels, "groups": groups, "seed": seed}


def _plan(data: dict, fractions=FRACTIONS, previous=None):
    return plan_split(data["ids"], data["texts"], data["labels"], n_labels=3,
                      fractions=fractions, seed=data["seed"], group_values=data["groups"],
                      previous=previous)


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@given(datasets())
@settings(max_examples=80, deadline=None)
def test_every_row_gets_exactly_one_split_and_groups_never_cross(data: dict) -> None:
    plan = _plan(data)
    assert plan.split.shape == (len(data["ids"]),)
    assert set(plan.split.tolist()) <= {0, 1, 2}
    groups = data["groups"] or [None] * len(data["ids"])
    values_of_text: dict[str, set[str]] = {}
    for text, group in zip(data["texts"], groups, strict=True):
        values_of_text.setdefault(_key(text), set()).update({group} - {None})
    split_of_text: dict[str, set[int]] = {}
    split_of_group: dict[str, set[int]] = {}
    for text, group, split in zip(data["texts"], groups, plan.split.tolist(), strict=True):
        if len(values_of_text[_key(text)]) <= 1:  # a text under several groups follows them
            split_of_text.setdefault(_key(text), set()).add(split)
        if group is not None:
            split_of_group.setdefault(group, set()).add(split)
    assert all(len(s) == 1 for s in split_of_text.values())
    assert all(len(s) == 1 for s in split_of_group.values())
    assert plan.texts_across_groups == sum(len(v) > 1 for v in values_of_text.values())


@given(datasets(), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_same_seed_same_split_in_any_input_order(data: dict, random) -> None:
    order = list(range(len(data["ids"])))
    random.shuffle(order)
    shuffled = {key: (None if data[key] is None else [data[key][i] for i in order])
                for key in ("ids", "texts", "labels", "groups")}
    shuffled["seed"] = data["seed"]
    first = dict(zip(data["ids"], _plan(data).names(), strict=True))
    again = dict(zip(data["ids"], _plan(data).names(), strict=True))
    reordered = dict(zip(shuffled["ids"], _plan(shuffled).names(), strict=True))
    assert first == again == reordered


@given(st.integers(200, 400), st.integers(2, 4), st.integers(0, 10_000))
@settings(max_examples=25, deadline=None)
def test_balanced_data_is_stratified_within_one_row(n: int, n_labels: int, seed: int) -> None:
    labels = [i % n_labels for i in range(n)]
    plan = plan_split([f"{i:05d}" for i in range(n)], [f"text {i}" for i in range(n)], labels,
                      n_labels=n_labels, fractions=FRACTIONS, seed=seed)
    for label in range(n_labels):
        total = labels.count(label)
        got = np.bincount(plan.split[np.asarray(labels) == label], minlength=3)
        target = np.asarray(FRACTIONS) * total
        assert np.all(np.abs(got - target) <= 1.0), (label, got, target)


@given(st.integers(0, 10_000))
@settings(max_examples=15, deadline=None)
def test_small_groups_keep_proportions_close(seed: int) -> None:
    n = 300
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n).tolist()
    groups = [f"author{g}" for g in rng.integers(0, 100, n)]
    plan = plan_split([f"{i:05d}" for i in range(n)], [f"text {i}" for i in range(n)], labels,
                      n_labels=2, fractions=FRACTIONS, seed=seed, group_values=groups)
    share = np.bincount(plan.split, minlength=3) / n
    assert np.all(np.abs(share - FRACTIONS) <= 0.05), share


def test_different_seeds_give_different_splits() -> None:
    ids = [f"{i:04d}" for i in range(200)]
    texts = [f"t{i}" for i in range(200)]
    a = plan_split(ids, texts, [0] * 200, n_labels=1, fractions=FRACTIONS, seed=1)
    b = plan_split(ids, texts, [0] * 200, n_labels=1, fractions=FRACTIONS, seed=2)
    assert not np.array_equal(a.split, b.split)
    assert np.array_equal(np.bincount(a.split), np.bincount(b.split))


@given(datasets(), st.integers(1, 30))
@settings(max_examples=60, deadline=None)
def test_previous_rows_keep_their_split_when_no_group_joins_them(data: dict, extra: int) -> None:
    data["groups"] = None
    first = _plan(data)
    grown = {
        "ids": data["ids"] + [f"new{i}" for i in range(extra)],
        "texts": data["texts"] + [f"brand new text {i}" for i in range(extra)],
        "labels": data["labels"] + [i % 3 for i in range(extra)], "groups": None,
        "seed": data["seed"] + 1,
    }
    previous = first.split.tolist() + [NEW] * extra
    second = _plan(grown, previous=previous)
    assert second.split[: len(data["ids"])].tolist() == first.split.tolist()


def test_a_group_joining_train_and_test_rows_goes_to_test() -> None:
    plan = plan_split(["a", "b", "c"], ["one", "two", "three"], [0, 0, 0], n_labels=1,
                      fractions=FRACTIONS, seed=0, group_values=["g", "g", None],
                      previous=[0, 2, NEW])
    assert plan.names()[:2] == ["test", "test"]


def test_rows_of_a_split_whose_fraction_is_now_zero_are_reassigned() -> None:
    n = 40
    plan = plan_split([f"{i:03d}" for i in range(n)], [f"t{i}" for i in range(n)], [0] * n,
                      n_labels=1, fractions=(0.8, 0.0, 0.2), seed=0, previous=[1] * n)
    assert "validation" not in plan.names()
    assert np.bincount(plan.split, minlength=3).tolist() == [32, 0, 8]


def test_tiny_labels_never_crash_and_land_somewhere() -> None:
    plan = plan_split(["a", "b", "c"], ["x", "y", "z"], [0, 1, 1], n_labels=3,
                      fractions=FRACTIONS, seed=3)
    assert len(plan.names()) == 3
    single = plan_split(["a"], ["x"], [0], n_labels=1, fractions=FRACTIONS, seed=3)
    assert single.names() == ["train"]


def test_few_large_groups_still_fill_the_test_split() -> None:
    n = 500
    groups = [f"video{i % 5}" for i in range(n)]
    plan = plan_split([f"{i:04d}" for i in range(n)], [f"t{i}" for i in range(n)],
                      [i % 2 for i in range(n)], n_labels=2, fractions=FRACTIONS, seed=0,
                      group_values=groups)
    per_split = {s: {g for g, x in zip(groups, plan.names(), strict=True) if x == s}
                 for s in SPLITS}
    assert [len(per_split[s]) for s in SPLITS] == [3, 1, 1]


def test_apportion_rounds_like_the_greedy_rule() -> None:
    target = np.array([8.0, 1.0, 1.0])
    assert apportion(10, np.zeros(3), target).tolist() == [8, 1, 1]
    assert apportion(2, np.zeros(3), target / 5).tolist() == [2, 0, 0]
    assert apportion(5, np.array([0.0, 1.0, 0.0]), target / 2).tolist() == [4, 0, 1]
    assert apportion(10, np.zeros(3), np.array([8.0, 0.0, 2.0])).tolist() == [8, 0, 2]


# --- splits pinned at import ----------------------------------------------------------------

TRAIN, VALIDATION, TEST = range(3)


def _pinned_data(n_free: int, n_test: int) -> dict:
    """``n_free`` unpinned rows (ids f...) and ``n_test`` rows pinned to test (ids t...)."""
    ids = [f"f{i:04d}" for i in range(n_free)] + [f"t{i:04d}" for i in range(n_test)]
    return {"ids": ids, "texts": [f"text {i}" for i in ids],
            "labels": [i % 2 for i in range(len(ids))],
            "pinned": [NEW] * n_free + [TEST] * n_test}


def _pinned_plan(data: dict, seed: int = 0, **kwargs):
    return plan_split(data["ids"], data["texts"], data["labels"], n_labels=2,
                      fractions=kwargs.pop("fractions", FRACTIONS), seed=seed,
                      pinned=data["pinned"], **kwargs)


@given(st.integers(0, 40), st.integers(1, 30), st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_test_is_exactly_the_pinned_rows_and_fractions_share_the_rest(
        n_free: int, n_test: int, seed: int) -> None:
    data = _pinned_data(n_free, n_test)
    names = _pinned_plan(data, seed).names()
    assert [i for i, s in zip(data["ids"], names, strict=True) if s == "test"] == \
        data["ids"][n_free:]
    # the unpinned rows are shared 0.8 : 0.1 between train and validation, per label
    free = np.asarray([SPLITS.index(s) for s in names[:n_free]], dtype=int)
    for label in (0, 1):
        got = np.bincount(free[np.asarray(data["labels"][:n_free]) == label], minlength=3)
        want = np.asarray([0.8, 0.1, 0.0]) / 0.9 * got.sum()
        assert np.all(np.abs(got - want) <= 1.0), (got, want)


def test_pins_are_deterministic_in_any_input_order() -> None:
    data = _pinned_data(60, 10)
    data["pinned"][3] = VALIDATION
    order = np.random.default_rng(7).permutation(len(data["ids"]))
    shuffled = {k: [v[i] for i in order] for k, v in data.items()}
    first = dict(zip(data["ids"], _pinned_plan(data, 5).names(), strict=True))
    again = dict(zip(shuffled["ids"], _pinned_plan(shuffled, 5).names(), strict=True))
    assert first == again
    assert first["f0003"] == "validation"


def test_the_test_split_stays_the_pinned_rows_as_new_rows_arrive() -> None:
    first_data = _pinned_data(50, 8)
    first = _pinned_plan(first_data, 1)
    grown = _pinned_data(120, 8)
    previous = dict(zip(first_data["ids"], first.split.tolist(), strict=True))
    second = _pinned_plan(grown, 2, previous=[previous.get(i, NEW) for i in grown["ids"]])
    for plan, data in ((first, first_data), (second, grown)):
        assert {i for i, s in zip(data["ids"], plan.names(), strict=True) if s == "test"} == \
            {i for i in data["ids"] if i.startswith("t")}
    assert second.split[:50].tolist() == first.split[:50].tolist()  # sticky as before


def test_a_pinned_record_takes_its_group_along() -> None:
    plan = plan_split(["a", "b", "c", "d"], ["Hello there", "hello  THERE", "x", "y"],
                      [0, 0, 0, 0], n_labels=1, fractions=FRACTIONS, seed=0,
                      group_values=[None, None, "g", "g"], pinned=[TEST, NEW, NEW, VALIDATION])
    assert plan.names() == ["test", "test", "validation", "validation"]


def test_a_group_pinned_to_two_splits_is_refused_naming_both_records() -> None:
    with pytest.raises(ConflictError) as info:
        plan_split(["a", "b", "c"], ["one", "two", "three"], [0, 0, 0], n_labels=1,
                   fractions=FRACTIONS, seed=0, group_values=["g", "g", None],
                   pinned=[TRAIN, TEST, NEW])
    assert "a (pinned to train) and b (pinned to test)" in info.value.message
    assert "--group-col" in info.value.hint


def test_a_pin_to_train_of_a_held_out_record_is_refused() -> None:
    with pytest.raises(ConflictError, match="record b is pinned to train, but v1 held it out "
                                            "in test") as info:
        plan_split(["a", "b"], ["one", "two"], [0, 0], n_labels=1, fractions=FRACTIONS,
                   seed=0, previous=[TRAIN, TEST], pinned=[TRAIN, TRAIN], previous_name="v1")
    assert "never trained on" in info.value.message
    with pytest.raises(ConflictError, match="record b is in one group with a, which is pinned"):
        plan_split(["a", "b"], ["one", "two"], [0, 0], n_labels=1, fractions=FRACTIONS,
                   seed=0, group_values=["g", "g"], previous=[NEW, VALIDATION],
                   pinned=[TRAIN, NEW])


def test_a_pin_may_hold_out_a_record_that_was_trained_on() -> None:
    plan = plan_split(["a", "b"], ["one", "two"], [0, 0], n_labels=1, fractions=FRACTIONS,
                      seed=0, previous=[TRAIN, TRAIN], pinned=[TEST, NEW])
    assert plan.names() == ["test", "train"]


def test_unpinned_rows_go_to_train_when_every_held_out_split_is_pinned() -> None:
    data = _pinned_data(30, 5)
    data["pinned"][0] = VALIDATION
    names = _pinned_plan(data).names()
    assert names[1:30] == ["train"] * 29
