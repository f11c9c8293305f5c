"""``span_rules:``: how a span rule is declared in ``textloop.yaml``.

A span rule marks spans of one label wherever it matches; together the rules give weak spans
(``spans.rule_votes``) and each is judged on its own (``strategies.span_rules``), as
classification ``rules:`` are.
Exactly one of:

- ``regex``: a Python regular expression searched anywhere in the text; each match is a
  span, or, with ``group``, the part one capture group (a number or a name) matched. A
  match whose group did not take part, or an empty match, gives no span. ``flags`` adds
  ``re`` flags by name (``MULTILINE``, ``DOTALL``, ``VERBOSE``, ``ASCII``).
- ``phrases``: a gazetteer, a list of words or phrases matched as whole words where words
  are separated by spaces (``Apple`` does not fire inside ``Pineapple``) and at any position
  in Hangul, kana and CJK, where no space separates a word from its particle (``삼성전자``
  fires in ``삼성전자가``, and ``Apple`` in ``Apple에서``). Spaces inside a phrase match any
  run of whitespace; the longest phrase at a position wins.

``case_sensitive`` (default false, as for classification rules) applies to both. For example:

.. code-block:: yaml

    span_rules:
      - name: kr-mobile
        label: PHONE
        regex: '(?<!\\d)01[016789]-?\\d{3,4}-?\\d{4}(?!\\d)'
      - name: phone-after-keyword
        label: PHONE
        regex: '(?:전화|연락처|tel)\\s*:?\\s*(?P<number>01[016789]-?\\d{3,4}-?\\d{4})'
        group: number
      - name: brands
        label: BRAND
        phrases: [삼성전자, LG전자, 현대자동차, Apple, Galaxy S24]

Quote a pattern with single quotes in YAML so backslashes stay as written.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

RegexFlag = Literal["ASCII", "DOTALL", "MULTILINE", "VERBOSE"]


class SpanRule(BaseModel):
    """One span rule; the ``span_rules:`` list of ``textloop.yaml`` holds these."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str = Field(min_length=1)
    regex: str | None = None
    group: int | str = 0
    """The capture group whose part of each match is the span (0: the whole match)."""
    flags: list[RegexFlag] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _one_matcher(self) -> SpanRule:
        given = [n for n, v in (("regex", self.regex), ("phrases", self.phrases)) if v]
        if len(given) != 1:
            raise ValueError(f"span rule {self.name!r} needs exactly one of regex, phrases "
                             f"(found {', '.join(given) or 'none'})")
        if self.phrases:
            if self.group != 0 or self.flags:
                raise ValueError(f"span rule {self.name!r}: group and flags apply to regex "
                                 "rules only; remove them")
            if not any(p.strip() for p in self.phrases):
                raise ValueError(f"span rule {self.name!r} has only empty phrases: list at "
                                 "least one word or phrase")
            return self
        try:
            pattern = re.compile(self.regex or "")
        except re.error as exc:
            raise ValueError(f"span rule {self.name!r}: invalid regex ({exc}); quote the "
                             "pattern with single quotes in YAML") from None
        known = pattern.groupindex if isinstance(self.group, str) else range(pattern.groups + 1)
        if self.group not in known:
            groups = [str(g) for g in range(pattern.groups + 1)] + list(pattern.groupindex)
            raise ValueError(f"span rule {self.name!r}: the regex has no group {self.group!r} "
                             f"(it has {', '.join(groups)})")
        return self
