"""Turning the ``rules:`` block of ``textloop.yaml`` into fast matchers.

A keyword rule becomes one compiled alternation of all its keywords, matched as whole words
(not inside a longer word: ``win`` does not fire on ``window``) and, unless the rule says
``case_sensitive: true``, ignoring case; spaces inside a keyword match any run of
whitespace. A regex rule is searched anywhere in the text, with the same case setting. A
function rule (``module:callable``) is imported from the project folder and may return any
label of the project, or None to abstain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from textloop.config import Rule
from textloop.errors import ConfigError
from textloop.stages.rules.functions import load_function

Matcher = Callable[[str], object]

REGEX_HINT = ("fix the pattern (Python `re` syntax); escape a literal ( [ + ? * . with a "
              "backslash, and quote the pattern with single quotes in YAML so backslashes stay")


@dataclass(frozen=True)
class CompiledRule:
    """A rule ready to run: ``pattern`` for keywords/regex, ``function`` for Python rules."""

    name: str
    label: str
    kind: str  # "keywords" | "regex" | "function"
    pattern: re.Pattern[str] | None = None
    function: Callable[[str], str | None] | None = None


def keyword_pattern(keywords: Sequence[str], case_sensitive: bool = False) -> re.Pattern[str]:
    """One alternation of all keywords, each bounded by non-word characters or the text's ends.

    Lookarounds rather than ``\\b`` so that keywords which start or end with punctuation
    (``$$$``, ``t&c``) still need a boundary; longest keywords first so the longest wins.
    """
    parts = [r"\s+".join(re.escape(word) for word in keyword.split())
             for keyword in sorted({k.strip() for k in keywords if k.strip()}, key=len,
                                   reverse=True)]
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", flags)


def compile_rule(rule: Rule, label_names: Sequence[str], root: Path,
                 position: int | None = None) -> CompiledRule:
    """One rule; a ``ConfigError`` naming the rule (and its key in textloop.yaml when
    ``position``, its index in ``rules:``, is given) when it cannot be used."""
    key = f"rules.{position}" if position is not None else "rules"
    if rule.label not in label_names:
        raise ConfigError(f"key `{key}.label`: rule {rule.name!r} votes {rule.label!r}, which "
                          f"is not a label of this project",
                          hint=f"use one of the labels ({', '.join(label_names)}) or add "
                               f"{rule.label!r} under labels: in textloop.yaml")
    flags = 0 if rule.case_sensitive else re.IGNORECASE
    if rule.keywords:
        if not any(k.strip() for k in rule.keywords):
            raise ConfigError(f"key `{key}.keywords`: rule {rule.name!r} has only empty keywords",
                              hint="list at least one word or phrase under keywords")
        return CompiledRule(rule.name, rule.label, "keywords",
                            pattern=keyword_pattern(rule.keywords, rule.case_sensitive))
    if rule.regex is not None:
        try:
            pattern = re.compile(rule.regex, flags)
        except re.error as exc:
            raise ConfigError(f"key `{key}.regex`: rule {rule.name!r} has an invalid regex "
                              f"{rule.regex!r}: {exc}", hint=REGEX_HINT) from None
        return CompiledRule(rule.name, rule.label, "regex", pattern=pattern)
    assert rule.function is not None  # Rule's validator guarantees exactly one matcher
    return CompiledRule(rule.name, rule.label, "function",
                        function=load_function(rule.name, rule.function, root))


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules in the order ``textloop.yaml`` lists them (the vote matrix's columns),
    and the project's labels, whose positions are the class indices the rules vote."""

    rules: tuple[CompiledRule, ...]
    labels: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [rule.name for rule in self.rules]

    def __len__(self) -> int:
        return len(self.rules)


def compile_rules(rules: Sequence[Rule], label_names: Sequence[str], root: Path) -> RuleSet:
    """Every rule of the spec, or the first ``ConfigError`` (which names its rule)."""
    return RuleSet(tuple(compile_rule(rule, label_names, root, position)
                         for position, rule in enumerate(rules)), tuple(label_names))
