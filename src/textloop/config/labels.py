"""``labels:``: the classes of a project, whose descriptions are the labeling guideline."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import Field, field_validator

from textloop.config.base import Strict
from textloop.texts import hidden_character, skeleton

# ',' and ';' separate labels on the command line (``init --labels``), so no name holds them
_LABEL_NAME = re.compile(r"^[^\s,;][^,;]*$")


class Label(Strict):
    """A class: its name, its description (the labeling guideline) and, optionally, example
    texts that ``textloop synth`` shows a generator instead of picking seeds from the store."""

    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    seeds: list[str] = Field(default_factory=list)

    @field_validator("seeds")
    @classmethod
    def _seeds_are_texts(cls, value: list[str]) -> list[str]:
        blank = [i for i, text in enumerate(value) if not text.strip()]
        if blank:
            raise ValueError(f"seed {blank[0]} is empty: write an example text of the label")
        return value

    @field_validator("name")
    @classmethod
    def _name_ok(cls, value: str) -> str:
        if value != value.strip() or not _LABEL_NAME.match(value):
            raise ValueError("a label name must not contain commas or semicolons (they "
                             "separate labels in init --labels) or surrounding spaces")
        hidden = hidden_character(value)
        if hidden is not None:
            raise ValueError(f"a label name must not contain invisible or control characters "
                             f"(found {hidden})")
        return value


def look_alike_problem(name: str, others: Iterable[str]) -> str | None:
    """Why ``name`` cannot join labels ``others``: it looks like one of them, or None.

    'ѕраm' (Cyrillic letters), 'SPAM' or full-width 'ｓｐａｍ' next to 'spam' would split
    one class in two while every screen shows the same word. Checked where labels are
    added (``init --labels``, ``import --add-labels``), not when a spec is loaded, so an
    existing project keeps opening.
    """
    key = skeleton(name)
    other = next((o for o in others if o != name and skeleton(o) == key), None)
    if other is None:
        return None
    spelled = f" (written {name!a})" if not name.isascii() else ""
    return (f"label {name!r}{spelled} looks like the label {other!r}: they differ only in "
            "case, width or look-alike letters of another script")
