"""Span rules compiled once into patterns, and applied to texts.

A regex rule compiles its pattern with its flags. A gazetteer compiles all its phrases into
one alternation, longest first, each phrase with the word boundaries its script needs
(``phrase_pattern``). Both then run as one ``finditer`` per text.

A span primitive rather than a strategy: ``textloop rules`` judges the rules
(``strategies.span_rules``), and the ``span-rules`` model (``models.span_rules``) predicts
with them, so both layers import it from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textloop.config.span_rules import SpanRule
from textloop.errors import ConfigError
from textloop.spans import Span, canonical
from textloop.spans.matching import MARK_CHAR, SPACED_WORD_CHAR

SPACED_START = re.compile(SPACED_WORD_CHAR)


def phrase_pattern(phrases: Iterable[str], case_sensitive: bool = False) -> re.Pattern[str]:
    """One alternation of all phrases, longest first, matched as whole words.

    A phrase that starts (ends) with a letter or digit of a script written with spaces
    needs no such character before (after) it, nor a combining mark after it. A phrase that
    starts or ends with Hangul, kana or CJK matches at any position on that side: those
    scripts attach particles and compounds without a space (``삼성전자가``). Lookarounds
    rather than ``\\b``, because ``\\b`` counts Hangul as word characters.

    The phrases that need the look-behind share one, checked once per position: with one per
    phrase, a gazetteer of a few thousand names spent most of its time re-checking the
    character before every position for each phrase. Sharing it finds the same matches,
    because a phrase that needs it and one that does not never start with the same
    character, so at any position only one of the two groups can match.
    """
    bounded: list[str] = []
    free: list[str] = []
    for phrase in sorted({p.strip() for p in phrases if p.strip()}, key=lambda p: (-len(p), p)):
        body = r"\s+".join(re.escape(word) for word in phrase.split())
        after = (f"(?!{SPACED_WORD_CHAR}|{MARK_CHAR})" if SPACED_START.match(phrase[-1])
                 else "")
        (bounded if SPACED_START.match(phrase[0]) else free).append(f"{body}{after}")
    groups = ([f"(?<!{SPACED_WORD_CHAR})(?:{'|'.join(bounded)})"] if bounded else []) + (
        [f"(?:{'|'.join(free)})"] if free else [])
    return re.compile(f"(?:{'|'.join(groups)})", 0 if case_sensitive else re.IGNORECASE)


@dataclass(frozen=True)
class CompiledSpanRule:
    """A span rule ready to run: its pattern and the group that is the span."""

    name: str
    label: str
    kind: str  # "regex" | "phrases"
    pattern: re.Pattern[str]
    group: int | str = 0

    def spans(self, text: str) -> list[Span]:
        """The rule's spans in ``text``, canonical; empty matches and matches whose group
        did not take part give none."""
        found = []
        for match in self.pattern.finditer(text):
            start, end = match.span(self.group)
            if 0 <= start < end:
                found.append(Span(start, end, self.label))
        return canonical(found)


def compile_span_rule(rule: SpanRule) -> CompiledSpanRule:
    if rule.phrases:
        return CompiledSpanRule(rule.name, rule.label, "phrases",
                                phrase_pattern(rule.phrases, rule.case_sensitive))
    flags = 0 if rule.case_sensitive else re.IGNORECASE
    for name in rule.flags:
        flags |= re.RegexFlag[name]
    return CompiledSpanRule(rule.name, rule.label, "regex",
                            re.compile(rule.regex or "", flags), rule.group)


@dataclass(frozen=True)
class SpanRuleSet:
    """Compiled rules in the order ``span_rules:`` lists them (the columns of ``apply``)."""

    rules: tuple[CompiledSpanRule, ...]

    @property
    def names(self) -> list[str]:
        return [rule.name for rule in self.rules]

    @property
    def labels(self) -> list[str]:
        """The label each rule marks, in rule order."""
        return [rule.label for rule in self.rules]

    def __len__(self) -> int:
        return len(self.rules)

    def apply(self, text: str) -> list[list[Span]]:
        """Each rule's spans in ``text``, in rule order."""
        return [rule.spans(text) for rule in self.rules]

    def apply_many(self, texts: Iterable[str]) -> list[list[list[Span]]]:
        """``[texts][rules]`` spans: the input of ``analyze_span_rules``."""
        return [self.apply(text) for text in texts]


def compile_span_rules(rules: Sequence[SpanRule],
                       labels: Sequence[str] | None = None) -> SpanRuleSet:
    """Every rule compiled, or a ``ConfigError`` naming the rule's key in ``span_rules:``:
    a label that is not a span label of the project (when ``labels`` is given) or a name
    used twice (results are reported per name)."""
    seen: dict[str, int] = {}
    for position, rule in enumerate(rules):
        if labels is not None and rule.label not in labels:
            raise ConfigError(f"key `span_rules.{position}.label`: span rule {rule.name!r} "
                              f"marks {rule.label!r}, which is not a span label of this "
                              "project",
                              hint=f"use one of the labels ({', '.join(labels) or 'none'}) "
                                   f"or add {rule.label!r} under labels: in textloop.yaml")
        if rule.name in seen:
            raise ConfigError(f"key `span_rules.{position}.name`: the name {rule.name!r} is "
                              f"already used by span_rules.{seen[rule.name]}",
                              hint="give each span rule its own name")
        seen[rule.name] = position
    return SpanRuleSet(tuple(compile_span_rule(rule) for rule in rules))
