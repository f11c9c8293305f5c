"""Real seeds for the generator tests (the scripted chat server is tests/conftest.py's)."""

from __future__ import annotations

import gzip
import json

from tests.conftest import shared_data
from textloop.strategies.synth import Brief, Seed


def sms_brief(label: str = "spam", n: int = 6) -> Brief:
    """The first ``n`` real SMS texts of ``label`` as seeds (ids sms-LINE)."""
    seeds = []
    with gzip.open(shared_data("sms_spam.jsonl.gz"), "rt", encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, start=1):
            row = json.loads(line)
            if row["label"] == label:
                seeds.append(Seed(f"sms-{line_no}", row["text"]))
                if len(seeds) == n:
                    break
    other = "ham" if label == "spam" else "spam"
    return Brief(label, f"SMS messages that are {label}", tuple(seeds), (other,))
