"""``textloop clean --redact``: a new release whose texts have personal data replaced.

Records in the store keep their original text (annotations and provenance point at them);
the release, which is what gets shared and trained on, carries ``[EMAIL]``, ``[PHONE]``,
``[CARD]``, ``[IP]`` and ``[URL]`` instead. Rows keep their record ids, so the release still
links back to the records, and the split planner keeps each record in its previous split.
The release stage writes it (draft, atomic write, catalog), rewriting each record on the way.
"""

from __future__ import annotations

from dataclasses import replace

from textloop.config import Project
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.pii import find_pii, redact
from textloop.stages.release.create import ReleaseInfo, create_release
from textloop.storage import Store
from textloop.types import LabeledRecord

MESSAGE = "personal data redacted (textloop clean --redact)"


def redacted_release(store: Store, project: Project, *, progress: Progress = NULL_PROGRESS
                     ) -> tuple[ReleaseInfo, int]:
    """Release every labeled record with personal data redacted; (release, texts changed).
    Kinds the project declares expected (``clean.pii.expected``) stay as they are."""
    changed = 0
    expected = project.spec.clean.pii.expected

    def without_pii(record: LabeledRecord) -> LabeledRecord:
        nonlocal changed
        found = find_pii(record.text, expected)
        if not found:
            return record
        changed += 1
        return replace(record, text=redact(record.text, found))

    info = create_release(store, project, message=MESSAGE, rewrite=without_pii,
                          progress=progress)
    return info, changed
