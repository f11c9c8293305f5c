"""The vote matrix: one column per rule, class indices of the project's labels, -1 abstains."""

from __future__ import annotations

from pathlib import Path

from tests.unit.stages.rules.rule_fixtures import HAM_WORDS, SPAM_WORDS, TEXTS
from textloop.config import Rule
from textloop.stages.rules.apply import apply_rules
from textloop.stages.rules.compile import compile_rules


def test_vote_matrix_columns_follow_the_rules_and_indices_the_labels() -> None:
    url = Rule(name="url", label="spam", regex=r"https?://\S+")
    compiled = compile_rules([HAM_WORDS, SPAM_WORDS, url], ["spam", "ham"], Path())
    votes = apply_rules([*TEXTS, "see http://x.io"], compiled)
    assert votes.shape == (7, 3) and votes.dtype.kind == "i"
    assert votes.tolist() == [[-1, 0, -1], [-1, 0, -1], [1, -1, -1], [1, -1, -1], [1, 0, -1],
                              [-1, -1, -1], [-1, -1, 0]]


def test_no_texts_give_an_empty_matrix() -> None:
    compiled = compile_rules([SPAM_WORDS], ["spam", "ham"], Path())
    assert apply_rules([], compiled).shape == (0, 1)
