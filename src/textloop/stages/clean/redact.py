"""``textloop clean --redact``: a new release whose texts have personal data replaced.

Records in the store keep their original text (annotations and provenance point at them);
the release, which is what gets shared and trained on, carries ``[EMAIL]``, ``[PHONE]``,
``[CARD]``, ``[IP]`` and ``[URL]`` instead. Rows keep their record ids, so the release still
links back to the records, and the split planner keeps each record in its previous split.
The release is written by the release stage's own steps (draft, atomic write, catalog).
"""

from __future__ import annotations

from dataclasses import replace

from textloop.config import Project
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.clean.pii import find_pii, redact
from textloop.stages.release import create as release_create
from textloop.stages.release.files import RELEASES
from textloop.stages.release.split import SPLITS
from textloop.storage import Store

MESSAGE = "personal data redacted (textloop clean --redact)"


def redacted_release(store: Store, project: Project, *, progress: Progress = NULL_PROGRESS
                     ) -> tuple[release_create.ReleaseInfo, int]:
    """Release every labeled record with personal data redacted; (release, texts changed)."""
    defaults = project.spec.release
    settings = release_create._Settings(
        seed=defaults.seed, fractions={s: float(getattr(defaults, s)) for s in SPLITS},
        group_field=defaults.group_field, message=MESSAGE)
    with progress.task("Reading labeled records"):
        snap = release_create._read_snapshot(store, project.spec.labeling.policy)
    changed = 0
    records = []
    with progress.task("Redacting personal data", total=len(snap.records)) as task:
        for record in snap.records:
            found = find_pii(record.text)
            if found:
                changed += 1
                record = replace(record, text=redact(record.text, found))
            records.append(record)
            task.advance()
    snap = replace(snap, records=records)
    draft = release_create._draft(snap, project.spec.label_names, settings, progress)
    folder = store.path_for(RELEASES, draft.id)
    with progress.task(f"Writing {draft.id}", total=len(records)) as task:
        sha = release_create._write(folder, project, draft)
        task.advance(len(records))
    release_create._catalog(store, folder, draft, sha)
    info = release_create.ReleaseInfo(
        id=draft.id, number=snap.number, path=folder, parent=snap.parent, labels=draft.labels,
        counts=draft.counts, label_counts=draft.label_counts, manifest_sha256=sha,
        diff_counts=draft.diff.counts(), diff_summary=draft.diff.summary(),
        warnings=draft.warnings, created_at=draft.created_at)
    return info, changed
