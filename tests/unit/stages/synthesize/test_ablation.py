"""With and without extra rows: paired per-seed deltas, medians, one fit for a model with no
seed."""

from __future__ import annotations

from textloop.models.classifiers import make_model
from textloop.stages.synthesize.ablation import Inputs, compare, seeds_to_run

TRAIN = Inputs([f"win cash prize {i}" for i in range(10)] + [f"lunch at home {i}"
                                                             for i in range(10)],
               ["spam"] * 10 + ["ham"] * 10)
TEST = Inputs(["win a prize", "cash prize now", "home for lunch", "lunch later"],
              ["spam", "spam", "ham", "ham"])


def test_a_model_without_a_seed_is_fitted_once_per_arm() -> None:
    assert seeds_to_run(make_model("tfidf-lr")[1], 5) == [0]
    assert seeds_to_run(make_model("embed-mlp")[1], 3) == [0, 1, 2]


def test_harmful_extra_rows_show_as_negative_deltas(project) -> None:
    wrong = Inputs([f"lunch at home please {i}" for i in range(40)], ["spam"] * 40)
    result = compare(make_model("tfidf-lr")[1], project, TRAIN, wrong, None, TEST,
                     ["spam", "ham"], seeds=5)
    assert result.seeds == [0]
    ham = result.per_class["ham"]
    assert ham["without"] == 1.0 and ham["delta"] < 0 and ham["with"] == ham["delta"] + 1.0
    assert result.macro_f1["delta"] < 0


def test_extra_rows_that_change_nothing_give_zero_deltas(project) -> None:
    same = Inputs(["win cash prize 3"], ["spam"])
    result = compare(make_model("tfidf-lr")[1], project, TRAIN, same, None, TEST,
                     ["spam", "ham"], seeds=1)
    assert result.per_class["spam"] == {"without": 1.0, "with": 1.0, "delta": 0.0}
    assert result.macro_f1 == {"without": 1.0, "with": 1.0, "delta": 0.0}
