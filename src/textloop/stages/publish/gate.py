"""The gate every publication passes: license, personal data, source terms, contamination.

Publishing hands data to people outside the project, where nothing can be taken back, so
``textloop publish`` refuses unless four things hold, and says for each refusal what was
found and what to do:

1. ``license``: ``release.license`` in textloop.yaml names a license (not ``unknown``);
2. ``personal-data``: no record of the release holds an open personal-data finding of
   ``textloop clean`` whose data is still in the released text. A release made by
   ``clean --redact`` passes (its texts are checked, not the store's); so does a finding
   settled in review. ``--allow-pii REASON`` publishes anyway and the reason goes on the
   published card;
3. ``source-terms``: no record comes from an import whose source may not be passed on:
   imported with ``--no-redistribute``, or under a license id in ``NO_REDISTRIBUTION``.
   Sources without a license (``unknown``) do not block, but the card and the dry run name
   them;
4. ``contamination``: no synthetic train row is a copy or a near-copy of a test row, with
   the loose forms and MinHash threshold the synth gate uses (``synth.gate`` in
   textloop.yaml). The synth gate turns such candidates away when they are made, but a
   later release can move a real record into test beside an older synthetic near-copy, and
   a score measured on such a test split would be published as if it were clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textloop.config import Project
from textloop.config.release import license_problem, license_unset
from textloop.errors import ConflictError, InvalidInputError
from textloop.stages.clean.duplicates import best_matches
from textloop.stages.clean.pii import count_kinds, find_pii
from textloop.stages.release import ReleaseData
from textloop.stages.synthesize.gate_format import loose_key
from textloop.stages.synthesize.gate_matches import exact_to
from textloop.stages.synthesize.run import gate_settings
from textloop.storage import Store, findings, imports
from textloop.types import SourceKind

LICENSE, PERSONAL_DATA, SOURCE_TERMS, CONTAMINATION = (
    "license", "personal-data", "source-terms", "contamination")
NO_REDISTRIBUTION = frozenset({"proprietary", "licenseref-proprietary", "all-rights-reserved",
                               "no-redistribution", "licenseref-no-redistribution"})
"""License ids (compared case-folded) whose terms forbid passing the texts on."""
EXAMPLES = 5


@dataclass(frozen=True)
class Refusal:
    """One reason the gate refuses: a stable ``reason`` code, what was found, the fix."""

    reason: str
    detail: str
    fix: str


@dataclass(frozen=True)
class Source:
    """An import whose records the release holds, with the terms recorded for it."""

    source: str
    license: str
    redistribute: bool
    rows: int

    def forbids(self) -> bool:
        return not self.redistribute or self.license.casefold() in NO_REDISTRIBUTION


@dataclass
class GateReport:
    license: str
    sources: list[Source] = field(default_factory=list)
    personal_data: dict[str, Any] = field(default_factory=dict)
    """``records`` still holding personal data, their ``kinds``, the ``cleanings`` that
    found them, and the ``waiver`` reason when ``--allow-pii`` was given."""
    refusals: list[Refusal] = field(default_factory=list)

    def raise_if_refused(self, what: str) -> None:
        """A ``ConflictError`` naming every refusal and every fix at once."""
        if not self.refusals:
            return
        found = "; ".join(f"({i}) {r.reason}: {r.detail}"
                          for i, r in enumerate(self.refusals, start=1))
        fixes = "; ".join(f"({i}) {r.fix}" for i, r in enumerate(self.refusals, start=1))
        raise ConflictError(f"publishing {what} refused: {found}", hint=fixes)

    def to_dict(self) -> dict[str, Any]:
        return {"license": self.license,
                "sources": [vars(s) for s in self.sources],
                "personal_data": self.personal_data,
                "refusals": [vars(r) for r in self.refusals]}


def release_gate(store: Store, project: Project, release: ReleaseData,
                 allow_pii: str | None = None) -> GateReport:
    """Run the four checks of the module docstring on a loaded (verified) release."""
    if allow_pii is not None and not allow_pii.strip():
        raise InvalidInputError("--allow-pii: the reason is empty (expected why personal data "
                                "may be published, e.g. 'public figures in news text')",
                                hint="give the reason in words; it is printed on the card")
    report = GateReport(license=project.spec.release.license)
    license_check(report)
    with store.read() as conn:
        flagged = findings.open_in_release(conn, "pii", release.id)
        sources = imports.for_release(conn, release.id)
    report.sources = [Source(s["source"], str(s["options"].get("license") or "unknown"),
                             bool(s["options"].get("redistribute", True)), s["rows"])
                      for s in sources]
    _personal_data(report, release, flagged, project.spec.clean.pii.expected, allow_pii)
    _source_terms(report)
    _contamination(report, release, project)
    return report


def license_check(report: GateReport) -> None:
    """The project's license must be named (also the gate of a model's publication)."""
    value = report.license
    if license_unset(value):
        report.refusals.append(Refusal(
            LICENSE, f"no license is set (release.license is {value!r} in textloop.yaml)",
            "set `release.license` in textloop.yaml to the SPDX id of the license the data "
            "may be shared under (e.g. CC-BY-4.0; https://spdx.org/licenses/)"))
    elif (problem := license_problem(value)) is not None:
        report.refusals.append(Refusal(
            LICENSE, f"release.license in textloop.yaml: {problem}",
            "write the license as one SPDX id, e.g. CC-BY-SA-4.0"))


def _personal_data(report: GateReport, release: ReleaseData, flagged: dict[str, list[str]],
                   expected: list[str], allow_pii: str | None) -> None:
    """Flagged records whose released text still holds personal data (a redacted release
    holds none, so its findings do not count)."""
    if not flagged:
        return
    kinds: dict[str, int] = {}
    still: list[str] = []
    cleanings: list[str] = []
    for split in release.splits.values():
        for rid, text in zip(split.ids, split.texts, strict=True):
            if rid not in flagged:
                continue
            found = find_pii(text, expected)
            if not found:
                continue
            still.append(rid)
            cleanings += [c for c in flagged[rid] if c not in cleanings]
            for kind, n in count_kinds(found).items():
                kinds[kind] = kinds.get(kind, 0) + n
    if not still:
        return
    report.personal_data = {"records": len(still), "kinds": dict(sorted(kinds.items())),
                            "cleanings": cleanings, "examples": sorted(still)[:EXAMPLES],
                            **({"waiver": allow_pii.strip()} if allow_pii else {})}
    if allow_pii:
        return
    shown = ", ".join(f"{k} {n:,}" for k, n in sorted(kinds.items()))
    report.refusals.append(Refusal(
        PERSONAL_DATA,
        f"{len(still):,} released records hold personal data with open findings of "
        f"`textloop clean` ({', '.join(cleanings)}: {shown}; e.g. "
        f"{', '.join(sorted(still)[:EXAMPLES])})",
        "run `textloop clean --redact` and publish the release it makes, or settle the "
        "findings in `textloop review`, or publish with --allow-pii REASON (the reason is "
        "printed on the card)"))


def _source_terms(report: GateReport) -> None:
    forbidding = [s for s in report.sources if s.forbids()]
    if not forbidding:
        return
    named = "; ".join(f"{s.source} ({s.rows:,} records, license {s.license}"
                      f"{', --no-redistribute' if not s.redistribute else ''})"
                      for s in forbidding)
    report.refusals.append(Refusal(
        SOURCE_TERMS, f"the release holds records of sources that may not be passed on: {named}",
        "publish a release without those records (exclude them in `textloop review`, then "
        "`textloop release`); license ids that forbid redistribution: "
        f"{', '.join(sorted(NO_REDISTRIBUTION))}"))


def _contamination(report: GateReport, release: ReleaseData, project: Project) -> None:
    """Synthetic train rows that repeat or nearly repeat a test row."""
    train, test = release.splits["train"], release.splits["test"]
    synthetic = SourceKind.SYNTHETIC.value
    rows = [i for i, meta in enumerate(_provenance(release, "train"))
            if meta == synthetic]
    if not rows or not len(test):
        return
    settings = gate_settings(project)
    keys = [loose_key(train.texts[i]) for i in rows]
    test_keys = [loose_key(t) for t in test.texts]
    exact = exact_to(keys, test_keys)
    near, _ = best_matches(keys, test_keys, settings.near_dup_jaccard,
                           num_perm=settings.num_perm, language=settings.language)
    pairs = [(train.ids[i], test.ids[m.other if m is not None else int(n)])
             for i, m, n in zip(rows, exact, near, strict=True) if m is not None or n >= 0]
    if not pairs:
        return
    shown = ", ".join(f"{a} ~ {b}" for a, b in pairs[:EXAMPLES])
    report.refusals.append(Refusal(
        CONTAMINATION,
        f"{len(pairs):,} synthetic train rows copy or nearly copy test rows (loose form or "
        f"estimated Jaccard >= {settings.near_dup_jaccard}): {shown}",
        "reject the synthetic batch they came from (`textloop synth reject BATCH`) or the "
        "rows in `textloop review`, then release again"))


def _provenance(release: ReleaseData, split: str) -> np.ndarray:
    """The ``source_kind`` of each row of a split, read from its Parquet file."""
    import pyarrow.parquet as pq

    from textloop.stages.release.writer import split_file

    table = pq.read_table(release.path / split_file(split), columns=["source_kind"])
    return np.asarray(table.column("source_kind").to_pylist(), dtype=object)
