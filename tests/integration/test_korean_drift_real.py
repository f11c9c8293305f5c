"""Out-of-vocabulary drift on real Korean comments: unchanged windows stay quiet, new slang
is flagged and named."""

from __future__ import annotations

import random

import pytest

from tests.conftest import shared_data
from textloop.strategies.drift.oov import OovDetector, OovDetectorV2, vocabulary

pytestmark = pytest.mark.integration

# slang that postdates the 2018-2019 comments (none of it occurs in the corpus)
SLANG = ["킹받네", "갓생", "중꺾마", "알잘딱깔센", "얼죽아", "스불재", "오저치고", "꾸안꾸"]


@pytest.fixture(scope="module")
def comments() -> list[str]:
    path = shared_data("korean", "raw_korean_hate_speech", "unlabeled_comments_5.txt")
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    random.Random(0).shuffle(lines)
    return lines[:8000]


def _shares_a_pair(term: str, slang: str) -> bool:
    return any(term[i:i + 2] in slang for i in range(len(term) - 1))


def with_slang(text: str, rng: random.Random) -> str:
    words = text.split()
    words.insert(rng.randrange(len(words) + 1), rng.choice(SLANG) + rng.choice(["", "이", "를"]))
    return " ".join(words)


def test_korean_oov_is_quiet_on_unchanged_windows_and_flags_new_slang(
        comments: list[str]) -> None:
    train, reference, pool = comments[:5000], comments[5000:6000], comments[6000:]
    known = vocabulary(train, "ko")
    detector = OovDetectorV2(permutations=99, language="ko")
    quiet = drifted = 0
    for seed in range(6):
        rng = random.Random(seed)
        same = rng.sample(pool, 300)
        quiet += not detector.test(reference, same, seed=seed, known_words=known).drift
        changed = [with_slang(t, rng) if rng.random() < 0.3 else t for t in rng.sample(pool, 300)]
        result = detector.test(reference, changed, seed=seed, known_words=known)
        drifted += result.drift
        if seed == 0:
            # the top terms are the slang (or the part of it no known pair covers, with a
            # particle glued on when that pair is new too: 오저, 갓생를), never old words
            top = [entry["term"] for entry in result.details["new_terms"][:8]]
            assert all(any(_shares_a_pair(term, slang) for slang in SLANG)
                       for term in top), top
            assert sum(any(_shares_a_pair(term, slang) for term in top)
                       for slang in SLANG) >= 7, top
    assert quiet >= 5 and drifted == 6, (quiet, drifted)


def test_eojeol_oov_is_mostly_noise_on_korean(comments: list[str]) -> None:
    """Why v2 exists: half of a Korean comment's space-split words are unseen even in
    unchanged text, so whole-word OOV shares drown the slang."""
    train, reference = comments[:5000], comments[5000:6000]
    words_result = OovDetector(permutations=19).test(reference, reference[:300],
                                                     known_words=vocabulary(train))
    units_result = OovDetectorV2(permutations=19, language="ko").test(
        reference, reference[:300], known_words=vocabulary(train, "ko"))
    assert words_result.details["reference_oov_share"] > 0.4
    assert units_result.details["reference_oov_share"] < 0.2


def test_monitor_of_a_korean_project_counts_syllable_pairs(tmp_path) -> None:
    """The project's language reaches the check: the training vocabulary and the window are
    cut the same way, so unchanged comments pass and slang is named."""
    import csv
    import gzip
    import json

    from tests.unit.stages.monitor.fixtures import log_traffic
    from textloop.config import Label, MonitoringSettings
    from textloop.stages.ingest import ImportOptions, import_file
    from textloop.stages.monitor import MonitorOptions, monitor
    from textloop.stages.project.init import init_project
    from textloop.stages.release import create_release
    from textloop.stages.train.training import train
    from textloop.stages.versions.register import register_run
    from textloop.storage import Store

    with gzip.open(shared_data("korean", "korean_hate_speech.jsonl.gz"), "rt",
                   encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    project = init_project(tmp_path / "proj", labels=[Label(name=n) for n in
                                                      ("hate", "offensive", "none")])
    project.spec.language = "ko"
    project.spec.monitoring = MonitoringSettings(
        window=200, detectors=["oov"], permutations=99, min_rows=30, max_reference=400,
        neighbours=0)
    project.save()
    data = tmp_path / "train.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([r["text"], r["label"]] for r in rows[:3000])
    # traffic from the same corpus; the unlabeled comments would drift on their own (they
    # hold Naver's clean-bot notice, 클린봇이 부적절한 표현을 감지한 글입니다, which is right)
    rng = random.Random(1)
    unseen = [r["text"] for r in rows[3000:]]
    same = rng.sample(unseen, 200)
    slang = [with_slang(t, rng) if rng.random() < 0.3 else t for t in rng.sample(unseen, 200)]
    with Store.for_project(project) as store:
        import_file(store, project, data, ImportOptions())
        create_release(store, project)
        register_run(store, project, train(store, project, model="tfidf-lr").run_name,
                     actor="ana")
        log_traffic(store, same, start=1000.0, tag="a")
        log_traffic(store, slang, start=5000.0, tag="b")
        quiet = monitor(store, project, MonitorOptions(model="challenger", until=2000.0))
        shifted = monitor(store, project, MonitorOptions(model="challenger", since=4000.0))
    before = next(c for c in quiet.checks if c.name == "oov" and c.slice == "all")
    after = next(c for c in shifted.checks if c.name == "oov" and c.slice == "all")
    assert after.result.detector == "textloop.drift.oov.v2"
    assert before.status == "ok" and after.status == "drift"
    # pairs: 0.19 of a reference comment's units are unseen; whole words would be 0.62
    assert before.result.details["reference_oov_share"] < 0.3
    top = [entry["term"] for entry in after.result.details["new_terms"][:5]]
    assert all(any(_shares_a_pair(term, s) for s in SLANG) for term in top), top
