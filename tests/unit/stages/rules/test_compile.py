"""Rule compilation: whole-word keywords, case, regex search, and errors that name the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from textloop.config import Rule
from textloop.errors import ConfigError
from textloop.stages.rules.compile import compile_rule, compile_rules, keyword_pattern

LABELS = ["spam", "ham"]
HERE = Path()


def matches(pattern, texts: list[str]) -> list[bool]:
    return [pattern.search(t) is not None for t in texts]


def test_keywords_match_whole_words_only() -> None:
    pattern = keyword_pattern(["win", "free"])
    assert matches(pattern, ["You WIN!", "win", "free-entry", "window", "freedom", "carefree",
                             "win2", "_win"]) == [True, True, True, False, False, False, False,
                                                  False]


def test_keywords_ignore_case_unless_case_sensitive() -> None:
    assert matches(keyword_pattern(["Free"]), ["FREE", "free"]) == [True, True]
    assert matches(keyword_pattern(["Free"], case_sensitive=True), ["FREE", "Free"]) == [
        False, True]


def test_phrases_and_punctuation_keywords() -> None:
    pattern = keyword_pattern(["call now", "$$$", "t&c"])
    assert matches(pattern, ["please call   now", "call nowhere", "earn $$$ fast", "a$$$b",
                             "T&C apply", "xt&c"]) == [True, False, True, False, True, False]


def test_regex_rule_searches_anywhere_with_the_case_setting() -> None:
    loose = compile_rule(Rule(name="url", label="spam", regex=r"https?://"), LABELS, HERE)
    strict = compile_rule(Rule(name="caps", label="spam", regex="FREE", case_sensitive=True),
                          LABELS, HERE)
    assert matches(loose.pattern, ["go to HTTP://x", "no link"]) == [True, False]
    assert matches(strict.pattern, ["FREE stuff", "free stuff"]) == [True, False]


def test_rules_keep_their_order_and_labels() -> None:
    compiled = compile_rules([Rule(name="a", label="ham", keywords=["hi"]),
                              Rule(name="b", label="spam", regex="x")], LABELS, HERE)
    assert compiled.names == ["a", "b"] and compiled.labels == ("spam", "ham")
    assert [r.kind for r in compiled.rules] == ["keywords", "regex"]


def test_unknown_label_and_empty_keywords_name_the_rule() -> None:
    with pytest.raises(ConfigError, match="rule 'odd' votes 'eggs'") as found:
        compile_rule(Rule(name="odd", label="eggs", keywords=["x"]), LABELS, HERE)
    assert "spam, ham" in found.value.hint
    with pytest.raises(ConfigError, match="rule 'blank' has only empty keywords"):
        compile_rule(Rule(name="blank", label="spam", keywords=["  "]), LABELS, HERE)


def test_errors_name_the_key_of_the_rule_in_textloop_yaml() -> None:
    rules = [Rule(name="fine", label="ham", keywords=["hi"]),
             Rule(name="odd", label="eggs", keywords=["x"])]
    with pytest.raises(ConfigError, match=r"key `rules.1.label`: rule 'odd' votes 'eggs'") \
            as found:
        compile_rules(rules, LABELS, HERE)
    assert "add 'eggs' under labels:" in found.value.hint


def test_a_regex_that_does_not_compile_names_the_rule_and_the_fix() -> None:
    # Rule validates its regex; a rule built without validation must still fail clearly
    broken = Rule.model_construct(name="money", label="spam", keywords=[], regex="(free",
                                  function=None, case_sensitive=False)
    with pytest.raises(ConfigError, match=r"key `rules.0.regex`: rule 'money' has an invalid "
                                          r"regex '\(free': missing \)") as found:
        compile_rules([broken], LABELS, HERE)
    assert "escape" in found.value.hint and "single quotes" in found.value.hint


def test_keywords_with_regex_characters_are_literal() -> None:
    compiled = compile_rule(Rule(name="sym", label="spam", keywords=["c++", "a.b", "(x)"]),
                            LABELS, HERE)
    assert matches(compiled.pattern, ["I like c++ a lot", "axb", "a.b", "see (x) here",
                                      "cpp"]) == [True, False, True, True, False]
