"""``rules:``: weak labeling rules (keywords, regex or a function)."""

from __future__ import annotations

import re

from pydantic import Field, model_validator

from textloop.config.base import Strict


class Rule(Strict):
    """A weak labeling rule: votes ``label`` when it matches, abstains otherwise.

    Exactly one of ``keywords`` (any of them, as whole words), ``regex`` (Python syntax,
    searched anywhere) or ``function`` (``module:callable`` importable from the project
    folder, returning a label or None) says when it matches.
    """

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    label: str
    keywords: list[str] = Field(default_factory=list)
    regex: str | None = None
    function: str | None = None
    case_sensitive: bool = False

    @model_validator(mode="after")
    def _one_matcher(self) -> Rule:
        given = [n for n, v in (("keywords", self.keywords), ("regex", self.regex),
                                ("function", self.function)) if v]
        if len(given) != 1:
            raise ValueError(f"rule {self.name!r} needs exactly one of keywords, regex, function "
                             f"(found {', '.join(given) or 'none'})")
        if self.regex is not None:
            try:
                re.compile(self.regex)
            except re.error as exc:
                raise ValueError(f"rule {self.name!r}: invalid regex ({exc})") from None
        if self.function is not None and ":" not in self.function:
            raise ValueError(f"rule {self.name!r}: function must look like module:callable")
        return self
