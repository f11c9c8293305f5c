"""``textloop synth``: generate examples for the target classes, gate them, store the batch.

Targets (``targets.py``) -> seeds (``seeds.py``) -> one request per class to the generator
-> the quality gate against every real labeled record (the latest release's test split
marked, so near-copies of test records are rejected as contamination) -> one batch, written
in a single transaction once everything else has finished: an error during generation or
gating stores nothing. The batch starts ``pending``; ``textloop synth evaluate`` or a
person decides whether it joins the next release.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from textloop.config import Project
from textloop.errors import ConfigError, InvalidInputError
from textloop.models.embedding_space import default_embedder
from textloop.progress import NULL_PROGRESS, Progress
from textloop.registry import REGISTRY
from textloop.stages.synthesize.gate import (
    GateResult,
    GateSettings,
    RealCorpus,
    Verdict,
    run_gate,
)
from textloop.stages.synthesize.pool import RealPool, load_pool
from textloop.stages.synthesize.scoring import Scorer, make_scorer, store_embedder
from textloop.stages.synthesize.seeds import lexical_embedder, seeds_for, untrusted_ids
from textloop.stages.synthesize.spans import (
    brief_fields,
    span_checks,
    span_seeds,
    type_counts,
)
from textloop.stages.synthesize.targets import Target, champion_f1, pick_targets
from textloop.storage import Store, synth
from textloop.strategies.synth import Brief, Candidate, Generator, Request, Seed, make_generator
from textloop.strategies.synth.base import (
    FAMILY,
    check_language,
    default_generator,
    generator_names,
)
from textloop.tasks import require_verb, task_for
from textloop.types import plain


@dataclass(frozen=True)
class SynthOptions:
    """Command-line choices; None keeps textloop.yaml's ``synth`` setting."""

    labels: Sequence[str] | None = None
    per_class: int | None = None
    classes: int | None = None
    generator: str | None = None
    seed: int | None = None
    embeddings: bool = True
    actor: str = "unknown"


@dataclass
class SynthResult:
    batch: dict[str, Any]
    targets: list[Target]
    counts: dict[str, dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The stored batch, its targets and per-class counts, JSON-ready."""
        return plain(self)


def synthesize(store: Store, project: Project, options: SynthOptions = SynthOptions(), *,
               scorer: Scorer | None = None, progress: Progress = NULL_PROGRESS) -> SynthResult:
    """Make, gate and store one batch (see the module docstring); ``scorer`` replaces the
    default label scorer."""
    require_verb(project, "synth")
    spec, settings = project.spec, project.spec.synth
    spans = is_span_project(project)
    check_generator(generator_name(project, options.generator), spans)
    check_language(generator_name(project, options.generator), spec.language)
    with progress.task("Reading labeled records"):
        pool = load_pool(store, project)
    champion = None if options.labels or spans else champion_f1(store, progress)
    tally = type_counts(pool) if spans else pool.counts()
    targets = pick_targets(spec, tally, champion=champion, labels=options.labels,
                           classes=options.classes, budget=options.per_class)
    embed = store_embedder(store, progress, project.spec.language) if options.embeddings else None
    flagged, disputed = untrusted_ids(store)
    seed = settings.seed if options.seed is None else options.seed
    wanted = [t.label for t in targets]
    if spans:
        seeds: Mapping[str, list[Seed]] = span_seeds(
            pool, wanted, settings.seeds_per_class, embed or lexical_embedder(),
            flagged=flagged, disputed=disputed, seed=seed)
    else:
        seeds = seeds_for(spec, pool, wanted, embed or lexical_embedder(), flagged=flagged,
                          disputed=disputed, seed=seed)
    generator = build_generator(project, options.generator)
    candidates, notes = generate(generator, project, targets, seeds, seed, progress,
                                 brief_fields(project, pool) if spans else {})
    checks = span_checks(store, project, pool, progress) if spans else None
    if checks is not None:
        scorer = Scorer(None, checks.description)
    scorer = scorer or make_scorer(store, project, pool, progress)
    gate = replace(gate_settings(project),
                   seed_variants=bool(getattr(generator, "edits_seeds", False)))
    result = run_gate(candidates, corpus(pool), gate, embed=embed, scorer=scorer.score,
                      spans=checks, progress=progress)
    counts = count(targets, seeds, result)
    notes += result.notes
    config = {"generator": generator.name, "options": settings.options,
              "template": settings.template, "seed": seed, "gate": gate.to_dict(),
              "scorer": scorer.description,
              "embedder": default_embedder(project.spec.language) if embed else None,
              "diversity_measure": result.diversity_measure, "notes": notes}
    with store.write() as conn:
        batch = synth.add_batch(conn, created_by=options.actor, generator=generator.name,
                                release_id=pool.release_id, config=config,
                                targets=[t.to_dict() for t in targets], counts=counts,
                                items=[item_row(v) for v in result.verdicts])
    return SynthResult(batch, targets, counts, notes)


SPAN_GENERATOR = "mention-swap"
"""A span project's default generator: model-free, and any language."""


def is_span_project(project: Project) -> bool:
    """Whether the project's values are spans (its task says so)."""
    return task_for(project).value_kind == "spans"


def generator_name(project: Project, name: str | None = None) -> str:
    """The generator asked for: the command's, else ``synth.generator``, else the language's
    default (``mention-swap`` for a span project)."""
    default = (SPAN_GENERATOR if is_span_project(project)
               else default_generator(project.spec.language))
    return name or project.spec.synth.generator or default


def check_generator(name: str, spans: bool) -> None:
    """Refuse, before any work, a generator made for the other kind of project: a span
    project's items need spans (``for_spans`` generators), a class project's need none."""
    full, factory = REGISTRY.resolve(FAMILY, name)
    if bool(getattr(factory, "for_spans", False)) == spans:
        return
    fitting = [n for n in generator_names()
               if bool(getattr(REGISTRY.resolve(FAMILY, n)[1], "for_spans", False)) == spans]
    kind = "a span project" if spans else "a project whose labels are classes"
    made = "sentences with spans" if not spans else "texts without spans"
    raise ConfigError(f"generator {full} makes {made}, and this is {kind}",
                      hint=f"use one of {', '.join(fitting)} (--generator, or synth.generator "
                           "in textloop.yaml; see docs/synthetic.md)")


def build_generator(project: Project, name: str | None = None) -> Generator:
    """The configured generator with ``synth.options`` (and ``synth.template``); an option it
    does not take is a configuration error naming the key.

    Where ``synth.generator`` names a generator, its options are its own: a run of another
    one (``--generator mention-swap`` in a project set up for ``span-llm``) gets none, so
    the endpoint's ``base_url`` does not stop a model-free run. With no generator named,
    every run takes them, as before."""
    settings = project.spec.synth
    chosen = generator_name(project, name)
    configured = settings.generator
    if configured is not None and (REGISTRY.resolve(FAMILY, chosen)[0]
                                   != REGISTRY.resolve(FAMILY, configured)[0]):
        return make_generator(chosen)
    extra = {"template": settings.template} if settings.template else {}
    try:
        return make_generator(chosen, **settings.options, **extra)
    except TypeError as exc:
        raise ConfigError(f"synth.options: {exc}",
                          hint="remove the option from the synth section of textloop.yaml, or "
                               "see docs/synthetic.md for each generator's options") from exc


def generate(generator: Generator, project: Project, targets: Sequence[Target],
             seeds: Mapping[str, list[Seed]], seed: int, progress: Progress,
             extra: Mapping[str, Any] | None = None) -> tuple[list[Candidate], list[str]]:
    """Candidates for every target; a class the generator cannot serve (no seed text, for
    an augmenter) is noted and skipped, so the other classes still get their examples.
    ``extra``: further ``Brief`` fields (a span project's guideline, mentions, overlap)."""
    descriptions = {label.name: label.description for label in project.spec.labels}
    names = project.spec.label_names
    out: list[Candidate] = []
    notes: list[str] = []
    for target in targets:
        brief = Brief(label=target.label, description=descriptions.get(target.label, ""),
                      seeds=tuple(seeds[target.label]),
                      other_labels=tuple(n for n in names if n != target.label),
                      **(extra or {}))
        try:
            made = generator.generate(Request(brief, target.budget, seed), progress)
        except InvalidInputError as exc:
            notes.append(f"{target.label!r} skipped: {exc.message}")
            continue
        out += made[:target.budget]
    if not out and notes:
        raise InvalidInputError("the generator made no candidates: " + "; ".join(notes),
                                hint="label some records of the target classes, add seeds: "
                                     "under their labels in textloop.yaml, or use an LLM "
                                     "generator")
    return out, notes


def gate_settings(project: Project) -> GateSettings:
    """``synth.gate`` from textloop.yaml, for the project's language (which picks the
    near-duplicate shingles and the diversity units)."""
    return GateSettings(**project.spec.synth.gate.given(), language=project.spec.language)


def corpus(pool: RealPool) -> RealCorpus:
    return RealCorpus(ids=[r.id for r in pool.records], texts=[r.text for r in pool.records],
                      labels=[r.label for r in pool.records], is_test=pool.is_test())


def count(targets: Sequence[Target], seeds: Mapping[str, list[Seed]], result: GateResult
          ) -> dict[str, dict[str, Any]]:
    """Per target class: seeds shown, generated, accepted, rejected by reason, diversity."""
    out = {}
    for target in targets:
        verdicts = [v for v in result.verdicts if v.candidate.label == target.label]
        rejected = Counter(v.reason for v in verdicts if not v.accepted)
        out[target.label] = {
            "seeds": len(seeds[target.label]), "generated": len(verdicts),
            "accepted": sum(v.accepted for v in verdicts), "rejected": dict(rejected),
            "diversity": result.diversity.get(target.label)}
    return out


def item_row(verdict: Verdict) -> dict[str, Any]:
    """A verdict as ``storage.synth`` stores an item: the candidate's provenance and the
    gate's status, reason, detail and scores."""
    c = verdict.candidate
    params = dict(c.params) if c.spans is None else {**c.params, "target": c.label}
    return {"text": c.text, "label": c.value, "generator": c.generator, "model": c.model,
            "template": c.template, "seed_ids": list(c.seed_ids), "params": params,
            "status": synth.ITEM_ACCEPTED if verdict.accepted else synth.ITEM_REJECTED,
            "reason": verdict.reason, "detail": verdict.detail,
            "scores": {k: float(v) for k, v in verdict.scores.items()}}
