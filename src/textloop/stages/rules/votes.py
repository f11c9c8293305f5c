"""The rules' votes on every record of the store, read in batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from textloop.config import Project
from textloop.errors import ConfigError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.rules.apply import apply_rules
from textloop.stages.rules.compile import RuleSet, compile_rules
from textloop.storage import Store, records
from textloop.types import StoredRecord

BATCH = 5000

EXAMPLE_RULES = """\
rules:
  - name: prize_words
    label: spam
    keywords: [free, win, prize, "call now"]
  - name: short_url
    label: spam
    regex: 'https?://\\S+'
  - name: my_rule            # def my_rule(text) -> label or None, in my_rules.py
    label: ham
    function: my_rules:my_rule"""


@dataclass(frozen=True)
class RuleVotes:
    """The vote matrix with the record id of each row and the compiled rules of each column."""

    record_ids: list[str]
    votes: np.ndarray
    rules: RuleSet


def project_rules(project: Project) -> RuleSet:
    """The project's rules compiled; a ``ConfigError`` with an example when there are none."""
    if not project.spec.rules:
        raise ConfigError(f"{project.spec_path} declares no weak labeling rules",
                          hint=f"add a block like this to textloop.yaml:\n{EXAMPLE_RULES}")
    return compile_rules(project.spec.rules, project.spec.label_names, project.root)


def rule_votes(store: Store, project: Project,
               progress: Progress = NULL_PROGRESS) -> RuleVotes:
    """Apply every rule to every record (in id order), ``BATCH`` texts at a time."""
    compiled = project_rules(project)
    ids: list[str] = []
    chunks = [np.empty((0, len(compiled)), dtype=np.int32)]
    with store.read() as conn:
        total = records.count(conn)
        with progress.task(f"Applying {len(compiled)} rules", total=total) as task:
            for batch in _batches(records.iter_all(conn, batch=BATCH), BATCH):
                ids.extend(record.id for record in batch)
                chunks.append(apply_rules([record.text for record in batch], compiled))
                task.advance(len(batch))
    return RuleVotes(ids, np.concatenate(chunks), compiled)


def _batches(items: Iterator[StoredRecord], size: int) -> Iterator[list[StoredRecord]]:
    batch: list[StoredRecord] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
