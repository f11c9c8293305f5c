"""Running compiled rules over texts: the ``[texts, rules]`` vote matrix every label model reads.

Each rule runs over the whole batch in one pass (one compiled ``search`` per text, no
per-text dispatch on the rule's kind), which keeps 100,000 texts well under a second per
keyword rule on one core.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from textloop.stages.rules.compile import CompiledRule, RuleSet
from textloop.stages.rules.functions import call_rule

ABSTAIN = -1


def apply_rules(texts: Sequence[str], compiled: RuleSet) -> np.ndarray:
    """Class indices ``[len(texts), len(rules)]`` into ``compiled.labels``; -1 = abstain."""
    index = {name: i for i, name in enumerate(compiled.labels)}
    out = np.full((len(texts), len(compiled)), ABSTAIN, dtype=np.int32)
    for column, rule in enumerate(compiled.rules):
        out[:, column] = _rule_votes(rule, texts, index)
    return out


def _rule_votes(rule: CompiledRule, texts: Sequence[str], index: dict[str, int]) -> np.ndarray:
    if rule.pattern is not None:
        search, vote = rule.pattern.search, index[rule.label]
        return np.fromiter((vote if search(text) else ABSTAIN for text in texts),
                           dtype=np.int32, count=len(texts))
    assert rule.function is not None
    function = rule.function
    return np.fromiter((call_rule(rule.name, function, text, index) for text in texts),
                       dtype=np.int32, count=len(texts))
