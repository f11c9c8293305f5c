"""Small tagged files for the span demo: sentences naming a person and a city, in CoNLL."""

from __future__ import annotations

from itertools import cycle
from pathlib import Path

PEOPLE = ["Ana", "Bruno", "Chloe", "Dmitri", "Emma", "Farid", "Grace", "Hana", "Ivan", "Jun"]
CITIES = ["Paris", "Berlin", "Madrid", "Lisbon", "Vienna", "Oslo", "Dublin", "Prague"]
TEMPLATES = [["{p}", "lives", "in", "{c}", "."], ["We", "met", "{p}", "in", "{c}", "today"],
             ["{c}", "welcomed", "{p}", "warmly"], ["Nothing", "happened", "here"]]


def sentences(n: int) -> list[list[tuple[str, str]]]:
    """``n`` tagged sentences (IOB2) naming a person and a city, some naming nothing."""
    out = []
    people, cities, templates = cycle(PEOPLE), cycle(CITIES), cycle(TEMPLATES)
    for _ in range(n):
        person, city = next(people), next(cities)
        rows = []
        for token in next(templates):
            if token == "{p}":
                rows.append((person, "B-PER"))
            elif token == "{c}":
                rows.append((city, "B-LOC"))
            else:
                rows.append((token, "O"))
        rows.append((f"#{len(out)}", "O"))  # every sentence its own text
        out.append(rows)
    return out


def write_conll(path: Path, rows: list[list[tuple[str, str]]], sep: str = "\t") -> Path:
    path.write_text("\n\n".join("\n".join(f"{t}{sep}{tag}" for t, tag in s) for s in rows)
                    + "\n", encoding="utf-8")
    return path
