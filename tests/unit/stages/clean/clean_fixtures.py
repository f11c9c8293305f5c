"""Small labeled projects for the clean tests: clear spam/ham vocabularies, known flips."""

from __future__ import annotations

import csv
import random
from pathlib import Path

from textloop.config import Project
from textloop.executors import executor_for
from textloop.stages.clean import CleanOptions, CleanResult, clean
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import Store

SPAM = ["free", "win", "prize", "cash", "claim", "urgent", "offer", "reply", "txt", "bonus"]
HAM = ["lunch", "home", "mum", "meeting", "later", "dinner", "movie", "see", "call", "ok"]


def rows(n: int = 200, seed: int = 0) -> list[tuple[str, str]]:
    """(text, label) with disjoint vocabularies; every text is distinct."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        label = "spam" if i % 2 == 0 else "ham"
        words = SPAM if label == "spam" else HAM
        out.append((" ".join(rng.choice(words) for _ in range(8)) + f" n{i}", label))
    return out


def flip(data: list[tuple[str, str]], every: int) -> tuple[list[tuple[str, str]], set[int]]:
    """Every ``every``-th label swapped; returns the data and the flipped positions."""
    flipped = set(range(3, len(data), every))
    swap = {"spam": "ham", "ham": "spam"}
    return [(t, swap[lab] if i in flipped else lab) for i, (t, lab) in enumerate(data)], flipped


def import_rows(store: Store, project: Project, folder: Path,
                data: list[tuple[str, str]]) -> None:
    path = folder / "data.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(data)
    import_file(store, project, path, ImportOptions())


def clean_here_and_on_ray(store: Store, project: Project, options: CleanOptions,
                          address: str) -> tuple[CleanResult, CleanResult]:
    """(local result, ray result) of the same ``clean`` on the same store: the ray run on
    the cluster at ``address``."""
    local = clean(store, project, options, executor="local")
    with executor_for("ray", address=address) as ray:
        remote = clean(store, project, options, executor=ray)
    return local, remote


def seen(result: CleanResult) -> list[tuple[object, ...]]:
    """What a user sees of each finding: record, kind, score and details, in order."""
    return [(f.record_id, f.kind, f.score, f.details) for f in result.findings]
