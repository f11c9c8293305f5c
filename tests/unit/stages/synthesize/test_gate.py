"""The synthetic-data quality gate on constructed candidates, and on real development data."""

from __future__ import annotations

import gzip
import json
import random
import re
import zlib
from collections.abc import Sequence

import numpy as np
import pytest

from tests.conftest import shared_data
from textloop.errors import ConfigError, InvalidInputError
from textloop.stages.synthesize.gate import GateSettings, RealCorpus, run_gate
from textloop.strategies.synth.base import Candidate

TRAIN = {
    "r1": ("Congratulations! You have won a free cruise to the Bahamas, call now to claim it",
           "spam"),
    "r2": ("Are we still meeting for lunch at the cafe near the office tomorrow?", "ham"),
    "r3": ("Your account has been selected for a cash bonus, reply YES to receive it today",
           "spam"),
    "r4": ("I will be home late tonight, the train is delayed again, save me some dinner",
           "ham"),
}
TEST = {
    "t1": ("URGENT: your mobile number has been awarded a prize of 2000 pounds, text WIN now",
           "spam"),
    "t2": ("Mum says the movie starts at eight so we should leave the house by half seven",
           "ham"),
}
SPAM_WORDS = {"free", "win", "won", "prize", "cash", "claim", "urgent", "reply", "bonus",
              "awarded", "offer", "text"}
HAM_WORDS = {"lunch", "home", "mum", "dinner", "movie", "meeting", "tonight", "later",
             "house", "office"}
SYNONYMS = {"awarded": "given", "prize": "reward", "mobile": "phone", "number": "line",
            "urgent": "important", "pounds": "quid"}


def corpus() -> RealCorpus:
    rows = [(rid, text, label, False) for rid, (text, label) in TRAIN.items()]
    rows += [(rid, text, label, True) for rid, (text, label) in TEST.items()]
    ids, texts, labels, is_test = zip(*rows, strict=True)
    return RealCorpus(list(ids), list(texts), list(labels), list(is_test))


def cand(text: str, label: str = "spam", seeds: tuple[str, ...] = ()) -> Candidate:
    return Candidate(text=text, label=label, generator="textloop.synth.test.v1",
                     seed_ids=seeds)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def keyword_scorer(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """A transparent classifier: P(spam) grows with spam words against ham words."""
    out = []
    for text in texts:
        spam = sum(w in SPAM_WORDS for w in words(text))
        ham = sum(w in HAM_WORDS for w in words(text))
        p = (spam + 0.5) / (spam + ham + 1.0)
        out.append([p, 1.0 - p])
    return ["spam", "ham"], np.array(out)


def synonym_embed(texts: Sequence[str]) -> np.ndarray:
    """Bag of words hashed into 512 dimensions, synonyms folded together: a paraphrase
    built from synonyms and a new word order lands on (nearly) the same vector."""
    out = np.zeros((len(texts), 512), dtype=np.float32)
    for row, text in enumerate(texts):
        for w in words(text):
            out[row, zlib.crc32(SYNONYMS.get(w, w).encode()) % 512] += 1.0
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def verdict_of(result, text: str):
    return next(v for v in result.verdicts if v.candidate.text == text)


NOVEL_SPAM = "Limited offer: claim your free concert tickets before Friday by replying WIN"


def test_near_copies_of_training_records_are_rejected_naming_the_record() -> None:
    base = TRAIN["r1"][0]
    copies = [base.replace("cruise", "holiday"),
              base.upper().replace(",", "").replace("!", "."),
              TRAIN["r3"][0].lower() + "!!"]
    result = run_gate([cand(t) for t in copies] + [cand(NOVEL_SPAM)], corpus(),
                      scorer=keyword_scorer)
    for text, record in zip(copies, ["r1", "r1", "r3"], strict=True):
        verdict = verdict_of(result, text)
        assert (verdict.accepted, verdict.reason) == (False, "near-duplicate-of-real")
        assert f"record {record} (label 'spam')" in verdict.detail
    assert verdict_of(result, copies[0]).scores["real_jaccard"] >= 0.7
    assert "same text" in verdict_of(result, copies[1]).detail
    assert verdict_of(result, NOVEL_SPAM).accepted


def test_an_edit_based_variant_of_its_own_seed_passes_only_when_variants_are_asked_for(
        ) -> None:
    variant = TRAIN["r1"][0].replace("cruise", "holiday")
    of_other = TRAIN["r3"][0].replace("cash", "money")
    near_test = TEST["t1"][0].replace("2000", "3000")
    batch = [cand(variant, seeds=("r1",)), cand(of_other, seeds=("r1",)),
             cand(near_test, seeds=("r1",)), cand(TRAIN["r1"][0], seeds=("r1",))]
    strict = run_gate(batch, corpus(), embed=synonym_embed)
    assert strict.verdicts[0].reason == "near-duplicate-of-real"
    loose = run_gate(batch, corpus(), GateSettings(seed_variants=True), embed=synonym_embed)
    assert loose.verdicts[0].accepted
    assert loose.verdicts[0].scores["own_seed_jaccard"] >= 0.6
    assert [v.reason for v in loose.verdicts[1:]] == [
        "near-duplicate-of-real", "contamination", "copy-of-seed"]
    assert "record r3" in loose.verdicts[1].detail
    sibling = TRAIN["r1"][0].replace("cruise", "trip")
    twice = run_gate([cand(variant, seeds=("r1",)), cand(sibling, seeds=("r1",)),
                      cand(variant, seeds=("r1",))], corpus(),
                     GateSettings(seed_variants=True))
    assert [v.reason for v in twice.verdicts] == [None, None, "duplicate-of-batch"]


def test_test_look_alikes_are_contamination_even_when_their_label_fits() -> None:
    lexical = TEST["t1"][0].replace("2000", "3000")
    paraphrase = "Important: a reward of 2000 quid has been given to your phone line, WIN text now"
    result = run_gate([cand(lexical), cand(paraphrase), cand(NOVEL_SPAM)], corpus(),
                      embed=synonym_embed, scorer=keyword_scorer)
    for text in (lexical, paraphrase):
        verdict = verdict_of(result, text)
        assert (verdict.accepted, verdict.reason) == (False, "contamination")
        assert "test record t1" in verdict.detail
    assert verdict_of(result, paraphrase).scores["test_cosine"] >= 0.95
    assert keyword_scorer([lexical, paraphrase])[1][:, 0].min() > 0.5  # label-consistent
    assert verdict_of(result, NOVEL_SPAM).accepted
    assert result.semantic_checked


def test_a_copy_of_a_test_record_is_contamination_even_if_it_also_copies_training() -> None:
    real = corpus()
    both = RealCorpus([*real.ids, "r9"], [*real.texts, TEST["t2"][0]],
                      [*real.labels, "ham"], [*real.is_test, False])
    result = run_gate([cand(TEST["t2"][0].lower(), "ham")], both)
    assert result.verdicts[0].reason == "contamination"
    assert "test record t2" in result.verdicts[0].detail


def test_repeats_within_the_batch_keep_the_first() -> None:
    first = "Get a free phone upgrade this week only, text UPGRADE to 80888 to claim yours"
    texts = [first, first.upper(), first.replace("this week", "this month"),
             "Claim a free phone upgrade this week only, text UPGRADE to 80888 for yours"]
    result = run_gate([cand(t) for t in texts], corpus(), scorer=keyword_scorer)
    assert [v.accepted for v in result.verdicts] == [True, False, False, False]
    assert {v.reason for v in result.rejected()} == {"duplicate-of-batch"}
    assert all("candidate #0" in v.detail for v in result.rejected())
    assert result.verdicts[2].scores["batch_jaccard"] >= 0.7


def test_paraphrases_within_the_batch_are_repeats_when_embedded() -> None:
    first = "Urgent prize for your mobile number, text back to get the cash reward"
    paraphrase = "Important reward for your phone line, to get the cash prize text back"
    result = run_gate([cand(first), cand(paraphrase)], corpus(), embed=synonym_embed)
    assert [v.accepted for v in result.verdicts] == [True, False]
    assert result.verdicts[1].reason == "duplicate-of-batch"
    assert result.verdicts[1].scores["batch_cosine"] >= 0.95


def test_a_batch_repeat_of_a_rejected_text_is_kept() -> None:
    off_label = "See you at home for dinner after the movie, mum is cooking for everyone"
    variant = off_label.replace("everyone", "all of us") + " free cash"
    result = run_gate([cand(off_label), cand(variant, "ham")], corpus(), scorer=keyword_scorer)
    assert result.verdicts[0].reason == "label-inconsistent"
    assert result.verdicts[1].accepted


def test_a_label_inconsistent_text_is_rejected_with_its_probability() -> None:
    text = "Are you coming home for dinner tonight or staying at the office for the meeting"
    result = run_gate([cand(text, "spam"), cand(NOVEL_SPAM, "spam")], corpus(),
                      settings=GateSettings(tau=0.5), scorer=keyword_scorer)
    rejected = result.verdicts[0]
    probability = keyword_scorer([text])[1][0, 0]
    assert (rejected.reason, rejected.scores["label_probability"]) == (
        "label-inconsistent", pytest.approx(probability))
    assert f"probability {probability:.2f}" in rejected.detail
    assert "prefers 'ham'" in rejected.detail
    assert result.verdicts[1].accepted and result.label_checked


def test_length_bounds() -> None:
    settings = GateSettings(min_chars=12, max_chars=60)
    texts = ["win cash", "   win a free prize now   ", "win " * 20, "   "]
    result = run_gate([cand(t) for t in texts], corpus(), settings)
    assert [v.reason for v in result.verdicts] == ["too-short", None, "too-long", "format"]
    assert "8 characters (at least 12" in result.verdicts[0].detail


@pytest.mark.parametrize("text", [
    "Here are 5 spam messages:\nWin a free cruise today",
    "Sure! Here is a new message: win a free cruise today",
    "1. Win a free cruise today by replying YES",
    "- Win a free cruise today by replying YES",
    "Message: win a free cruise today by replying YES",
    '"Win a free cruise today by replying YES"',
    "\u201cWin a free cruise today by replying YES\u201d",
    "As an AI language model, I cannot write spam",
    "Win a free cruise today, {label} reply YES",
    "Win a free cruise\x07 today by replying YES",
    "Win a free cruise today\nby replying\n2. YES",
])
def test_prompt_leftovers_and_control_characters_are_format_problems(text: str) -> None:
    verdict = run_gate([cand(text)], corpus()).verdicts[0]
    assert (verdict.accepted, verdict.reason) == (False, "format")
    assert verdict.detail


@pytest.mark.parametrize("text", [
    "Sure thing, see you at the station at five",
    "I'm sorry I missed your call, will ring back later",
    'He said "win" but meant something else entirely',
    "Here is where we met last summer, remember?",
    "Tickets cost 10-15 pounds, line 2 of the list",
])
def test_ordinary_texts_that_resemble_leftovers_pass(text: str) -> None:
    verdict = run_gate([cand(text, "ham")], corpus()).verdicts[0]
    assert verdict.accepted, verdict.detail


def test_a_copy_of_the_seed_is_named_as_such() -> None:
    result = run_gate([cand(TRAIN["r2"][0].upper(), "ham", seeds=("r1", "r2"))], corpus())
    assert result.verdicts[0].reason == "copy-of-seed"
    assert "seed record r2" in result.verdicts[0].detail


VARIED = ["The quarterly report shows revenue grew by eight percent",
          "My cat knocked the plant off the windowsill again",
          "Heavy snow closed the mountain pass for three days",
          "She practised the violin sonata every evening before the recital",
          "Interest rates on savings accounts fell sharply this spring"]
PARAPHRASES = ["Win a free cruise, call now to claim your prize",
               "Win a free cruise, call today to claim your prize",
               "Win a free cruise now, call to claim the prize",
               "Call now to claim your prize: win a free cruise",
               "Win a free cruise, just call now and claim the prize"]


def test_distinct_two_is_higher_for_varied_texts_than_for_paraphrases() -> None:
    real = RealCorpus([], [], [], [])
    varied = run_gate([cand(t, "a") for t in VARIED], real)
    similar = run_gate([cand(t, "b") for t in PARAPHRASES],
                       real, GateSettings(near_dup_jaccard=0.99))
    assert varied.diversity_measure == "textloop.synth_gate.distinct-2.v2"
    assert len(similar.accepted()) == 5
    assert varied.diversity["a"] > similar.diversity["b"] + 0.3


@pytest.mark.model
def test_embedding_spread_with_minilm_is_higher_for_varied_texts() -> None:
    from textloop.models.embedders import get_embedder

    embedder = get_embedder("minilm-int8")
    real = RealCorpus([], [], [], [])
    settings = GateSettings(near_dup_jaccard=0.99, near_dup_cosine=0.999)
    result = run_gate([cand(t, "varied") for t in VARIED] +
                      [cand(t, "similar") for t in PARAPHRASES], real, settings,
                      embed=embedder.embed)
    assert result.diversity_measure == "textloop.synth_gate.cosine-spread.v1"
    assert len(result.accepted()) == 10
    assert result.diversity["varied"] > result.diversity["similar"] + 0.3


def test_missing_scorer_embedder_and_test_records_are_flagged() -> None:
    real = corpus()
    no_test = RealCorpus(real.ids, real.texts, real.labels, [False] * len(real.ids))
    result = run_gate([cand(NOVEL_SPAM)], no_test)
    assert not result.label_checked and not result.semantic_checked
    assert any("label consistency not checked" in n for n in result.notes)
    assert any("contamination not checked" in n for n in result.notes)
    assert "label_probability" not in result.verdicts[0].scores


def test_a_label_the_scorer_does_not_know_is_reported_not_judged() -> None:
    result = run_gate([cand(NOVEL_SPAM, "phishing")], corpus(), scorer=keyword_scorer)
    assert result.verdicts[0].accepted
    assert any("'phishing' (1 candidates)" in n for n in result.notes)


def test_counts_and_helpers_agree() -> None:
    texts = [NOVEL_SPAM, NOVEL_SPAM.lower(), "win", TRAIN["r1"][0]]
    result = run_gate([cand(t) for t in texts], corpus())
    assert result.counts() == {"accepted": 1, "too-short": 1, "near-duplicate-of-real": 1,
                               "duplicate-of-batch": 1}
    assert len(result.accepted()) + len(result.rejected()) == 4


def test_inconsistent_inputs_are_refused() -> None:
    with pytest.raises(InvalidInputError, match="differ in length"):
        RealCorpus(["a"], ["text", "other"], ["x"], [False])
    with pytest.raises(ConfigError, match="no embedder"):
        run_gate([cand(NOVEL_SPAM)], corpus(), GateSettings(diversity="cosine-spread"))


def read_rows(name: str, n: int, seed: int) -> list[dict]:
    with gzip.open(shared_data(f"{name}.jsonl.gz"), "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return random.Random(seed).sample(rows, n)


def near_copy(text: str, rng: random.Random) -> str:
    """Case and punctuation changed, and one word swapped for another."""
    tokens = text.split()
    i = rng.randrange(len(tokens))
    tokens[i] = "really" if tokens[i].lower() != "really" else "truly"
    return (" ".join(tokens)).lower().replace(",", "").replace(".", "!")


@pytest.mark.integration
def test_on_real_data_near_copies_are_rejected_and_other_texts_pass() -> None:
    rows = [r for r in read_rows("banking77", 1200, seed=0) if len(r["text"].split()) >= 10]
    rows = rows[:300]
    real = RealCorpus([f"b{i}" for i in range(len(rows))], [r["text"] for r in rows],
                      [r["label"] for r in rows], [False] * len(rows))
    rng = random.Random(1)
    copies = [cand(near_copy(r["text"], rng), r["label"]) for r in rows]
    others = [cand(r["text"], r["label"]) for r in read_rows("ag_news", 200, seed=0)]
    result = run_gate(copies + others, real)
    copy_verdicts, other_verdicts = result.verdicts[:len(copies)], result.verdicts[len(copies):]
    caught = [v for v in copy_verdicts if v.reason == "near-duplicate-of-real"]
    assert len(caught) >= 0.9 * len(copies)  # 96% at the default thresholds
    named = [v for i, v in enumerate(copy_verdicts) if f"record b{i} " in (v.detail or "")]
    assert len(named) >= 0.9 * len(copies)
    assert sum(v.accepted for v in other_verdicts) >= 0.98 * len(others)


MISREAD_SEED = "win free cash at the office lunch raffle tomorrow"
"""A ham record the keyword scorer reads as spam (P(ham) 0.42)."""


def corpus_with_misread_seed() -> RealCorpus:
    base = corpus()
    return RealCorpus([*base.ids, "m1"], [*base.texts, MISREAD_SEED], [*base.labels, "ham"],
                      [*base.is_test, False])


def test_an_edit_of_a_seed_the_scorer_misreads_is_judged_against_the_seed() -> None:
    kept = MISREAD_SEED.replace("tomorrow", "today")
    pushed = "win free cash prize at the raffle tomorrow, reply now"
    batch = [cand(kept, "ham", ("m1",)), cand(pushed, "ham", ("m1",))]
    result = run_gate(batch, corpus_with_misread_seed(), GateSettings(seed_variants=True),
                      scorer=keyword_scorer)
    assert result.verdicts[0].accepted
    assert result.verdicts[0].scores["seed_label_probability"] == pytest.approx(2.5 / 6)
    assert result.verdicts[1].reason == "label-inconsistent"
    assert "its seed has 0.42" in result.verdicts[1].detail
    shown = "Great news: win free cash at the lunch raffle, the office pays for it all"
    prompted = run_gate([cand(shown, "ham", ("m1",))], corpus_with_misread_seed(),
                        scorer=keyword_scorer)  # an LLM's text is not an edit: tau holds
    assert prompted.verdicts[0].reason == "label-inconsistent"
    assert "seed_label_probability" not in prompted.verdicts[0].scores


def test_an_edit_of_a_seed_the_scorer_reads_rightly_keeps_tau() -> None:
    seed_text, _ = TRAIN["r2"]  # ham, P(ham) 0.88
    edit = seed_text.replace("lunch", "free cash").replace("office", "prize")
    result = run_gate([cand(edit, "ham", ("r2",))], corpus(),
                      GateSettings(seed_variants=True), scorer=keyword_scorer)
    assert result.verdicts[0].reason == "label-inconsistent"
    assert "(at least 0.50, its seed has 0.88 expected)" in result.verdicts[0].detail


# one particle changed per noun (이 -> 은, 이 -> 도): to a reader the same review
KOREAN_REAL = "음식이 맛있고 직원이 친절해요"
KOREAN_COPY = "음식은 맛있고 직원도 친절해요"
KOREAN_NEW = "배송이 늦어서 다시는 안 시킬래요"


def korean_corpus() -> RealCorpus:
    return RealCorpus(["k1"], [KOREAN_REAL], ["pos"], [False])


def test_korean_near_copies_are_found_with_the_languages_shingles() -> None:
    """5-byte shingles put a particle-swapped copy below the Jaccard threshold (about 0.5);
    2-character shingles, as ``clean`` uses for Korean, put it above."""
    batch = [cand(KOREAN_COPY, "pos"), cand(KOREAN_NEW, "pos")]
    by_bytes = run_gate(batch, korean_corpus())
    assert by_bytes.verdicts[0].accepted  # what word-like shingles miss
    korean = run_gate(batch, korean_corpus(), GateSettings(language="ko"))
    copy, new = korean.verdicts
    assert (copy.accepted, copy.reason) == (False, "near-duplicate-of-real")
    assert "record k1 (label 'pos')" in copy.detail
    assert copy.scores["real_jaccard"] >= GateSettings().near_dup_jaccard
    assert new.accepted


def test_korean_near_copies_within_a_batch_are_found_with_the_languages_shingles() -> None:
    batch = [cand(KOREAN_REAL, "pos"), cand(KOREAN_COPY, "pos"), cand(KOREAN_NEW, "pos")]
    empty = RealCorpus([], [], [], [])
    assert all(v.accepted for v in run_gate(batch, empty).verdicts)
    reasons = [v.reason for v in run_gate(batch, empty, GateSettings(language="ko")).verdicts]
    assert reasons == [None, "duplicate-of-batch", None]


def test_korean_diversity_counts_character_pairs_not_eojeol() -> None:
    """Particle variants of one sentence share no eojeol pair, so word distinct-2 calls
    them as varied as unrelated texts; character pairs tell them apart."""
    variants = ["학교가 너무 멀어서 힘들다", "학교는 너무 멀어서 힘들다",
                "학교도 너무 멀어서 힘들다", "학교만 너무 멀어서 힘들다"]
    varied = ["학교가 너무 멀어서 힘들다", "어제 본 영화가 최고였다",
              "배송이 늦어서 화가 난다", "주말에 친구랑 등산 갔다"]
    settings = GateSettings(near_dup_jaccard=0.99, language="ko")
    same = run_gate([cand(t, "a") for t in variants], RealCorpus([], [], [], []), settings)
    spread = run_gate([cand(t, "a") for t in varied], RealCorpus([], [], [], []), settings)
    assert same.diversity_measure == "textloop.synth_gate.distinct-2.v2"
    assert len(same.accepted()) == 4
    assert spread.diversity["a"] > same.diversity["a"] + 0.3
