"""Is a label from the file one the project knows? If not: a close match, or ``--add-labels``.

A label added with ``--add-labels`` must also be a valid name in ``textloop.yaml``; that is
checked on the row that introduces it, so a bad one is reported with its line instead of
failing when the spec is saved at the end of the import.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import ValidationError

from textloop.config import Label
from textloop.stages.ingest.rows import RowError
from textloop.stages.ingest.source import RawRow

_SHOWN = 10


class LabelCheck:
    """Checks each row's label against the spec, collecting new ones when allowed."""

    def __init__(self, known: Iterable[str], column: str | None, add_labels: bool) -> None:
        self.known = set(known)
        self.column = column
        self.add_labels = add_labels
        self._new: dict[str, Label] = {}

    def check(self, row: RawRow, label: str | None) -> None:
        if label is None or label in self.known or label in self._new:
            return
        if self.add_labels:
            self._new[label] = self._valid_label(row, label)
            return
        known = sorted(self.known)
        shown = ", ".join(known[:_SHOWN]) + (" ..." if len(known) > _SHOWN else "")
        close = difflib.get_close_matches(label, known, n=1)
        close = close or [k for k in known if k.lower() == label.lower()]
        guess = f"; did you mean {close[0]!r}?" if close else ""
        raise RowError(row, f"label {label!r} is not in textloop.yaml (labels: {shown or 'none'})"
                            f"{guess}", self.column,
                       fix="add the label to textloop.yaml, map it with --label-map "
                           f"'{label}=NAME', or pass --add-labels")

    def _valid_label(self, row: RawRow, label: str) -> Label:
        try:
            return Label(name=label)
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise RowError(row, f"label {label!r} cannot be added to textloop.yaml: {reason}",
                           self.column, fix="rename it with --label-map "
                                            f"'{label}=NAME'") from None

    def new_labels(self) -> list[Label]:
        """Labels met in the file and not in the spec, in the order first seen."""
        return list(self._new.values())
