"""``textloop release``: freeze the labeled records into an immutable, versioned snapshot.

The records and the previous release are read in one snapshot, split (``split.py``),
written to a temporary folder that is renamed into place (``writer.py``), made read-only,
and only then catalogued. A failed catalog write removes the folder, so the store and the
disk never disagree about which releases exist. A process killed between the rename and
the catalog write leaves a complete folder, which the next release (or any CLI command)
adopts or removes after checking its manifest (``recover.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from textloop import __version__
from textloop.config import Project, ProjectSpec
from textloop.errors import ConflictError, InvalidInputError, NotFoundError, StorageError
from textloop.processes import current_owner, pause_point
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.agreement.released import release_agreement
from textloop.stages.label.resolution import labeled_records
from textloop.stages.release.card import CardFacts, render_card
from textloop.stages.release.dataset_yaml import release_description, write_dataset_yaml
from textloop.stages.release.diff import ReleaseDiff, compute_diff
from textloop.stages.release.facts import (
    count_by_label,
    group_values,
    label_order,
    pinned_counts,
    source_counts,
    source_licenses,
    span_facts,
    tiny_label_warnings,
)
from textloop.stages.release.files import RELEASES, remove_tree
from textloop.stages.release.recover import CATALOG, WRITER, recover_release_folders
from textloop.stages.release.settings import (
    Settings,
    describe,
    dropped_group_warning,
    resolve_settings,
)
from textloop.stages.release.split import NEW, SPLITS, SplitPlan, plan_split
from textloop.stages.release.synthetic import (
    synthetic_mask,
    synthetic_summary,
    with_synthetic_in_train,
)
from textloop.stages.release.table import build_table, hf_features, meta_columns
from textloop.stages.release.target import target_stats
from textloop.stages.release.writer import CARD, DIFF, SplitFile, write_json, write_split_files
from textloop.storage import Store, annotation_log, findings, imports, records, releases, reviews
from textloop.storage.artifacts import atomic_dir, make_read_only, write_manifest
from textloop.tasks import Task, get_task
from textloop.tasks.regression import target_values
from textloop.types import LabeledRecord, plain

FORMAT = "textloop.release.v1"


@dataclass(frozen=True)
class ReleaseInfo:
    """What was released: the numbers a user checks before training on it."""

    id: str
    number: int
    path: Path
    parent: str | None
    labels: list[str]
    counts: dict[str, int]
    label_counts: dict[str, dict[str, int]]
    manifest_sha256: str
    diff_counts: dict[str, int]
    diff_summary: str
    warnings: list[str]
    created_at: float
    settings: dict[str, tuple[Any, str]] = field(default_factory=dict)
    """group_field, seed and fractions: (value, where it came from)."""
    agreement: dict[str, Any] = field(default_factory=dict)
    """How much annotators agreed on the released records (``agreement.released``)."""

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict[str, Any]:
        """The release's numbers, JSON-ready (settings as ``{key: [value, source]}``)."""
        return {**plain(self), "rows": self.rows}


@dataclass(frozen=True)
class _Snapshot:
    records: list[LabeledRecord]
    parent: str | None
    previous: list[tuple[str, str, str]]
    number: int
    parent_entry: dict[str, Any] | None = None
    open_leakage: tuple[int, list[str]] = (0, [])
    agreement: dict[str, Any] = field(default_factory=dict)
    cleaning: dict[str, Any] = field(default_factory=dict)
    licenses: dict[str, str] = field(default_factory=dict)  # import source -> its license
    pins: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Records pinned at import: id -> (split, the pinning import's source)."""


@dataclass(frozen=True)
class _Draft:
    """Everything decided before a byte is written: the split, the diff, the counts."""

    id: str
    snap: _Snapshot
    settings: Settings
    labels: list[str]
    plan: SplitPlan
    diff: ReleaseDiff
    counts: dict[str, int]
    label_counts: dict[str, dict[str, int]]
    warnings: list[str]
    created_at: float
    task: str = "classification"
    target: dict[str, Any] | None = None
    synthetic: dict[str, Any] | None = None
    spans: dict[str, Any] | None = None
    pinned: list[dict[str, Any]] = field(default_factory=list)

    def stats(self) -> dict[str, Any]:
        return {"rows": len(self.snap.records), "counts": self.counts,
                **({"pinned": self.pinned} if self.pinned else {}),
                "label_counts": self.label_counts, "diff": self.diff.counts(),
                **({"target": self.target} if self.target else {}),
                **({"synthetic": self.synthetic} if self.synthetic else {}),
                **({"spans": self.spans} if self.spans else {}),
                "agreement": self.snap.agreement,
                "changes": self.diff.summary(), "warnings": self.warnings}


def create_release(store: Store, project: Project, *, group_field: str | None = None,
                   seed: int | None = None, message: str = "",
                   rewrite: Callable[[LabeledRecord], LabeledRecord] | None = None,
                   progress: Progress = NULL_PROGRESS) -> ReleaseInfo:
    """Release every labeled record as ``vN``; see the module docstring for the guarantees.

    ``group_field`` and ``seed`` left None keep the parent release's (``settings.py``);
    ``group_field="none"`` releases without a group column.
    ``rewrite`` changes what a record looks like in the release (e.g. personal data
    redacted) while the store keeps the original; it must keep the record's id.
    """
    recovered = recover_release_folders(store)  # a killed release must not block this one
    with progress.task("Reading labeled records"):
        snap = _read_snapshot(store, project.spec, get_task(project.spec.task))
    settings = resolve_settings(project.spec.release, snap.parent_entry,
                                group_field=group_field, seed=seed, message=message)
    if rewrite is not None:
        with progress.task("Rewriting records", total=len(snap.records)) as task:
            snap = replace(snap, records=[rewrite(r) for r in snap.records])
            task.advance(len(snap.records))
    draft = _draft(snap, project.spec, settings, progress)
    draft = replace(draft, warnings=[*recovered, *draft.warnings])
    folder = store.path_for(RELEASES, draft.id)
    with progress.task(f"Writing {draft.id}", total=len(snap.records)) as task:
        sha = _write(folder, project, draft)
        task.advance(len(snap.records))
    pause_point("release:written")
    _catalog(store, folder, draft, sha)
    return ReleaseInfo(
        id=draft.id, number=snap.number, path=folder, parent=snap.parent, labels=draft.labels,
        counts=draft.counts, label_counts=draft.label_counts, manifest_sha256=sha,
        diff_counts=draft.diff.counts(), diff_summary=draft.diff.summary(),
        warnings=draft.warnings, created_at=draft.created_at, settings=settings.described(),
        agreement=snap.agreement)


def _read_snapshot(store: Store, spec: ProjectSpec, task: Task) -> _Snapshot:
    """Records (with their final labels or spans, as ``task`` resolves people's answers),
    the annotators' agreement on them, parent and its rows, and the next number, all from
    one consistent read (so the agreement is that of the answers the labels came from)."""
    with store.read() as conn:
        labeled = labeled_records(conn, spec.labeling.policy, task=task)
        if not labeled:
            raise InvalidInputError(
                "nothing to release: the store has no labeled records (expected at least one)",
                hint="import labeled data with `textloop import FILE --label-col COLUMN`, "
                     "or label records first")
        catalogued = releases.list_all(conn)
        entry = catalogued[-1] if catalogued else None
        parent = entry["id"] if entry else None
        previous = releases.rows(conn, parent) if parent else []
        agreement = release_agreement(
            task, annotation_log.human_votes(conn), {r.id: r.label_kind for r in labeled},
            {r.id: r.text for r in labeled}, spec.label_names)
        return _Snapshot(labeled, parent, previous, releases.next_number(conn), entry,
                         findings.open_records(conn, "leakage"), agreement,
                         cleaning_summary(conn), imports.licenses(conn), records.pins(conn))


def _draft(snap: _Snapshot, spec: ProjectSpec, settings: Settings,
           progress: Progress) -> _Draft:
    """Labels, split plan, diff and counts. A regression release has no labels: it is
    stratified on quantile bins of its target and described by the target's statistics."""
    record_labels = [r.label for r in snap.records]
    target = None
    notes = [*dropped_group_warning(settings, snap.parent_entry),
             *_leakage_warning(snap.open_leakage)]
    task = get_task(spec.task)
    numeric = task.value_kind == "number"
    labels: list[str] = []
    warnings: list[str] = []
    if task.value_kind == "spans":
        labels = spec.label_names
    elif not numeric:
        labels, warnings = label_order(spec.label_names, snap.records)
    strata, n_strata = task.strata(record_labels, labels)
    warnings = notes + warnings
    plan = _plan(snap, strata, n_strata, settings, warnings, progress)
    if numeric:
        target = {**spec.target.model_dump(mode="json"),
                  "splits": target_stats(target_values(record_labels), plan.split)}
    diff = compute_diff(snap.parent, snap.previous, [r.id for r in snap.records], plan.names(),
                        record_labels)
    if diff.moved:
        warnings.append(f"{len(diff.moved):,} records changed split (see `moved` in diff.json):"
                        " pinned to a held-out split at import, grouping joined them with "
                        "held-out records, or their split's fraction is now 0")
    if task.value_kind == "spans":
        label_counts, spans = span_facts(labels, record_labels, plan.split)
    else:
        label_counts = count_by_label(labels, record_labels, plan.split) if labels else {}
        spans = None
    warnings += tiny_label_warnings(label_counts, settings.fractions)
    counts = np.bincount(plan.split, minlength=len(SPLITS)).tolist()
    return _Draft(id=f"v{snap.number}", snap=snap, settings=settings, labels=labels, plan=plan,
                  diff=diff, counts=dict(zip(SPLITS, counts, strict=True)),
                  label_counts=label_counts, warnings=warnings, created_at=time.time(),
                  task=spec.task, target=target, spans=spans,
                  synthetic=synthetic_summary(snap.records, labels),
                  pinned=pinned_counts(snap.records, snap.pins))


def cleaning_summary(conn: Any) -> dict[str, Any]:
    """The cleaning state a release is made in: the latest cleaning run, its label-issue
    method and out-of-fold models (full versioned names, so a reader can re-run it), its
    findings by kind and status (``open`` ones nobody decided on), and how many records
    reviews excluded."""
    try:
        latest = findings.get(conn, "latest")
    except NotFoundError:
        latest = None
    if latest is None:
        return {"cleaning": None, "findings": {},
                "excluded_records": len(reviews.excluded_ids(conn))}
    config = latest["config"]
    return {"cleaning": latest["id"], "method": config.get("method"),
            "models": list(config.get("models") or []),
            "findings": findings.counts(conn, latest["id"]),
            "excluded_records": len(reviews.excluded_ids(conn))}


def _leakage_warning(open_leakage: tuple[int, list[str]]) -> list[str]:
    """Open leakage findings: held-out rows that match train rows and nobody decided on."""
    total, cleanings = open_leakage
    if not total:
        return []
    where = ", ".join(cleanings)
    return [f"{total:,} held-out record{'s' if total != 1 else ''} with open leakage findings "
            f"(cleaning {where}): they nearly equal train records; this release may score them as "
            "unseen. Review them with `textloop review`, or set a group column "
            "(--group-col) that keeps them together"]


def _plan(snap: _Snapshot, strata: list[int], n_strata: int, settings: Settings,
          warnings: list[str], progress: Progress) -> SplitPlan:
    """Split the real records; synthetic ones all go to train (``synthetic.py``)."""
    split_index = {name: i for i, name in enumerate(SPLITS)}
    before = {rid: split_index[split] for rid, split, _ in snap.previous}
    real = np.flatnonzero(~synthetic_mask(snap.records))
    records = [snap.records[i] for i in real]
    values = group_values(records, settings.group_field, warnings)
    with progress.task("Splitting", total=len(snap.records)) as task:
        plan = plan_split(
            [r.id for r in records], [r.text for r in records], [strata[i] for i in real],
            n_labels=n_strata, fractions=[settings.fractions[s] for s in SPLITS],
            seed=settings.seed, group_values=values,
            previous=[before.get(r.id, NEW) for r in records],
            pinned=[split_index[snap.pins[r.id][0]] if r.id in snap.pins else NEW
                    for r in records],
            previous_name=snap.parent or "the previous release")
        plan = with_synthetic_in_train(plan, real, len(snap.records))
        task.advance(len(snap.records))
    if plan.texts_across_groups:
        warnings.append(f"{plan.texts_across_groups:,} repeated texts occur under more than one "
                        f"{settings.group_field!r} value; they follow their group, so such a "
                        "text may appear in more than one split")
    return plan


def _write(folder: Path, project: Project, draft: _Draft) -> str:
    """Write the release folder atomically and make it read-only; returns the manifest's sha256.
    """
    if folder.exists():
        raise ConflictError(
            f"{folder} exists, but the store has no release {folder.name}",
            hint="another `textloop release` may still be writing it. A complete folder left "
                 "by a killed release on this machine is adopted or removed automatically; "
                 "anything else is never touched: if no release is running, delete it and "
                 "run the command again")
    columns = meta_columns(draft.snap.records)
    table = build_table(draft.snap.records, columns,
                        label_kind=get_task(draft.task).value_kind)
    try:
        with atomic_dir(folder) as tmp:
            files = write_split_files(tmp, table, draft.plan.split)
            facts = _card_facts(project, draft, files, hf_features(table, draft.labels))
            (tmp / CARD).write_text(render_card(facts), encoding="utf-8")
            write_json(tmp / DIFF, draft.diff.to_dict())
            write_dataset_yaml(tmp, release_description(
                facts, task=draft.task, parent=draft.snap.parent, cleaning=draft.snap.cleaning,
                textloop_version=__version__,
                source_licenses=source_licenses(draft.snap.records, draft.snap.licenses)))
            sha = write_manifest(tmp, _manifest_extra(draft, columns))
    except OSError as exc:
        raise StorageError(f"cannot write {folder}: {exc}",
                           hint="check free disk space and permissions of the project") from exc
    make_read_only(folder)
    return sha


def _card_facts(project: Project, draft: _Draft, files: dict[str, SplitFile],
                features: list[dict[str, Any]]) -> CardFacts:
    spec, settings = project.spec, draft.settings
    return CardFacts(
        release_id=draft.id, name=spec.name, description=spec.description,
        license=spec.release.license, labels=draft.labels,
        label_descriptions={label.name: label.description for label in spec.labels},
        label_counts=draft.label_counts, split_rows={s: f.rows for s, f in files.items()},
        split_bytes={s: f.nbytes for s, f in files.items()}, features=features,
        sources=source_counts(draft.snap.records), seed=settings.seed,
        fractions=settings.fractions, group_field=settings.group_field,
        settings=describe(settings.described()),
        changes=draft.diff.summary(), message=settings.message, created_at=draft.created_at,
        target=draft.target, synthetic=draft.synthetic, spans=draft.spans,
        agreement=draft.snap.agreement, cleaning=draft.snap.cleaning, pinned=draft.pinned)


def _manifest_extra(draft: _Draft, columns: dict[str, str]) -> dict[str, Any]:
    settings = draft.settings
    return {
        "format": FORMAT, "release": draft.id, "number": draft.snap.number,
        "parent": draft.snap.parent, "created_at": draft.created_at, "seed": settings.seed,
        "fractions": settings.fractions, "group_field": settings.group_field,
        "settings_sources": settings.sources,
        "message": settings.message, "labels": draft.labels, "counts": draft.counts,
        "label_counts": draft.label_counts, "meta_columns": columns, "task": draft.task,
        **({"target": draft.target} if draft.target else {}),
        **({"spans": draft.spans} if draft.spans else {}),
        "agreement": draft.snap.agreement,
        "synthetic": draft.synthetic or {"rows": 0},
        "diff": draft.diff.counts(), "textloop_version": __version__,
        WRITER: current_owner().to_json(), CATALOG: _catalog_entry(draft),
    }


def _catalog_entry(draft: _Draft) -> dict[str, Any]:
    """The config and stats the catalog records (also kept in the manifest for adoption)."""
    return {"config": {**draft.settings.to_config(), "labels": draft.labels},
            "stats": draft.stats()}


def _catalog(store: Store, folder: Path, draft: _Draft, sha: str) -> None:
    """Record the release and its rows; on any failure the written folder is removed."""
    rows = [(r.id, split, r.label)
            for r, split in zip(draft.snap.records, draft.plan.names(), strict=True)]
    try:
        with store.write() as conn:
            releases.add_next(conn, release_id=draft.id, number=draft.snap.number,
                              parent_id=draft.snap.parent, path=f"{RELEASES}/{draft.id}",
                              manifest_sha256=sha, rows=rows, **_catalog_entry(draft))
    except BaseException:
        remove_tree(folder)
        raise
