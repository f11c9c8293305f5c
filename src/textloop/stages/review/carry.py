"""Review decisions outlive the cleaning run they were made on.

Every ``textloop clean`` run flags records afresh. Without carry-over, a record a reviewer
kept on ``c1`` would be flagged again on ``c2`` and the decision would be lost from view. A
decision is keyed on (record, finding kind, the record's label state): the label state is a
fingerprint of the record's standing annotations taken right after the decision, so it
covers a label the decision itself wrote. While all three are unchanged the new finding is
stored already closed with the decision's status and a ``carried`` note naming it; a new
label on the record (or an undone decision) re-opens the question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from textloop.storage import annotation_log, reviews

STATE = "label_state"
"""Key in a decision's details holding the record's label state after the decision."""

Key = tuple[str, str, str]


def label_state(conn: Connection, record_id: str) -> str:
    """The record's label state now (see the module docstring)."""
    return annotation_log.label_states(conn, [record_id]).get(record_id, "")


def carry_decisions(conn: Connection, rows: Sequence[dict[str, Any]],
                    statuses: dict[str, str]) -> int:
    """Close the ``rows`` (new findings: ``record_id``, ``kind``, ``details``) that a
    standing decision already settled, in place; returns how many were closed.

    ``statuses`` maps a decision's action to the finding status it sets.
    """
    settled: dict[Key, dict[str, Any]] = {}
    for decision in reviews.standing_with_kind(conn):
        state = decision["details"].get(STATE)
        if state is not None:  # decisions from before label states were kept carry nothing
            settled[(decision["record_id"], decision["kind"], state)] = decision
    if not settled:
        return 0
    states = annotation_log.label_states(conn, sorted({row["record_id"] for row in rows}))
    carried = 0
    for row in rows:
        standing = settled.get((row["record_id"], row["kind"], states.get(row["record_id"], "")))
        if standing is None:
            continue
        row["status"] = statuses[standing["action"]]
        row["details"] = {**(row.get("details") or {}), "carried": {
            "decision": standing["id"], "cleaning": standing["cleaning_id"],
            "action": standing["action"], "reviewer": standing["reviewer"]}}
        carried += 1
    return carried
