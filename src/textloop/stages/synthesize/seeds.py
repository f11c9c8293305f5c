"""The real examples a generator is shown for each target class.

Seeds written under a label in textloop.yaml (``seeds:``) are used as they are. Otherwise
they are picked from the store, by this rule:

1. Never from the latest release's test split (a generator that paraphrases a test text
   would leak it into training), never synthetic, never excluded by a review.
2. Not flagged by the latest ``textloop clean`` run while the finding is still open (label
   issue, conflict, outlier, garbage, empty, personal data): such a seed teaches a generator
   the wrong thing, and personal data must not travel to a generator's endpoint.
3. Confidently labeled first: an adjudicated or reviewed label, an imported one, or human
   answers that all agree. Weak, model, production labels and disputed human answers are
   used only when a class has too few confident records.
4. Diverse: k-means on the records' embeddings with k = the number of seeds, and the record
   nearest each centre (the same helpers the diversity query strategies use), so the seeds
   cover the class instead of repeating its most common phrasing. A class with more than
   ``MAX_CANDIDATES`` usable records is sampled down to that many first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from sqlalchemy import Connection

from textloop.config import ProjectSpec
from textloop.errors import ConfigError, NotFoundError
from textloop.stages.synthesize.pool import RealPool
from textloop.storage import Store, annotation_log, findings
from textloop.strategies.query.clustering import kmeans, nearest_unique
from textloop.strategies.synth import Seed
from textloop.texts import content_hash, normalize_text, record_id
from textloop.types import AnnotationKind, LabeledRecord

Embed = Callable[[Sequence[str]], np.ndarray]
FLAGGED_KINDS = ("label_issue", "conflict", "outlier", "garbage", "empty", "pii")
CONFIDENT_KINDS = frozenset({AnnotationKind.ADJUDICATED.value, AnnotationKind.REVIEW.value,
                             AnnotationKind.IMPORT.value, AnnotationKind.HUMAN.value})
MAX_CANDIDATES = 5000
"""A class with more records is sampled down (seeded) before its records are embedded."""


def spec_seeds(spec: ProjectSpec, label: str, test_ids: frozenset[str]) -> list[Seed]:
    """The label's ``seeds:`` from textloop.yaml; one that is a test record is refused."""
    index = spec.label_names.index(label)
    out = []
    for j, text in enumerate(spec.labels[index].seeds):
        rid = record_id(content_hash(normalize_text(text)))
        if rid in test_ids:
            raise ConfigError(f"textloop.yaml: labels.{index}.seeds.{j} is the text of record "
                              f"{rid}, which is in the latest release's test split",
                              hint="seed with an example that is not held out for testing")
        out.append(Seed(record_id=f"textloop.yaml:labels.{index}.seeds.{j}", text=text))
    return out


def untrusted_ids(store: Store) -> tuple[set[str], set[str]]:
    """(records with an open finding of ``FLAGGED_KINDS`` in the latest cleaning run,
    records whose human answers disagree)."""
    with store.read() as conn:
        return _flagged(conn), _disputed(conn)


def _flagged(conn: Connection) -> set[str]:
    try:
        run = findings.get(conn, "latest")
    except NotFoundError:
        return set()
    rows = findings.list_for_kinds(conn, run["id"], FLAGGED_KINDS)
    return {row["record_id"] for row in rows if row["status"] == findings.OPEN}


def _disputed(conn: Connection) -> set[str]:
    answers: dict[str, set[str]] = defaultdict(set)
    for rid, _, label, kind, _ in annotation_log.human_votes(conn):
        if kind == AnnotationKind.HUMAN.value:
            answers[rid].add(label)
    return {rid for rid, labels in answers.items() if len(labels) > 1}


def pick_seeds(pool: RealPool, label: str, k: int, embed: Embed, *, flagged: set[str],
               disputed: set[str], seed: int = 0) -> list[Seed]:
    """Up to ``k`` seeds of ``label`` by the module's rule (steps 1-4)."""
    usable = [r for r in pool.records if r.label == label and r.id not in pool.test_ids
              and r.id not in flagged]
    return [Seed(record_id=r.id, text=r.text)
            for r in choose(usable, k, embed, disputed=disputed, seed=seed)]


def choose(usable: Sequence[LabeledRecord], k: int, embed: Embed, *, disputed: set[str],
           seed: int = 0) -> list[LabeledRecord]:
    """Up to ``k`` of the ``usable`` records (steps 1-2 already applied), confident ones
    first, spread over the embedding space (steps 3-4)."""
    confident = [r for r in usable if r.label_kind in CONFIDENT_KINDS and r.id not in disputed]
    if len(confident) >= k:
        return diverse(confident, k, embed, seed)
    taken = {r.id for r in confident}
    rest = [r for r in usable if r.id not in taken]
    return confident + diverse(rest, k - len(confident), embed, seed)


def diverse(records: Sequence[LabeledRecord], k: int, embed: Embed,
            seed: int = 0) -> list[LabeledRecord]:
    """``k`` records spread over the embedding space: the one nearest each k-means centre."""
    if k <= 0 or not records:
        return []
    if len(records) <= k:
        return list(records)
    rng = np.random.default_rng(seed)
    if len(records) > MAX_CANDIDATES:  # embedding a whole large class would dominate the run
        keep = np.sort(rng.choice(len(records), size=MAX_CANDIDATES, replace=False))
        records = [records[i] for i in keep]
    vectors = np.asarray(embed([r.text for r in records]), dtype=np.float32)
    model = kmeans(vectors, k, rng, MAX_CANDIDATES)
    picks = nearest_unique(vectors, model.cluster_centers_, np.arange(k))
    return [records[i] for i in sorted(picks.tolist())]


def lexical_embedder(features: int = 512) -> Embed:
    """Hashed character n-gram counts, L2-normalised: what spreads seeds out when the
    embedding model is not used (``--no-embeddings``); no fitting, any language."""
    from sklearn.feature_extraction.text import HashingVectorizer

    vectorizer = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4),
                                   n_features=features, alternate_sign=False)

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.asarray(vectorizer.transform(list(texts)).toarray(), dtype=np.float32)

    return embed


def seeds_for(spec: ProjectSpec, pool: RealPool, labels: Sequence[str], embed: Embed, *,
              flagged: set[str], disputed: set[str], seed: int = 0
              ) -> Mapping[str, list[Seed]]:
    """Seeds of every target label: textloop.yaml's when it has some, else picked."""
    k = spec.synth.seeds_per_class
    out = {}
    for label in labels:
        out[label] = (spec_seeds(spec, label, pool.test_ids) or
                      pick_seeds(pool, label, k, embed, flagged=flagged, disputed=disputed,
                                 seed=seed))
    return out
