"""Every built-in algorithm and model, declared as a plugin declares its own.

This is the one place a built-in name is written: ``textloop.yaml`` validation, ``--help``
texts and the docs tables read the names from the registry, and the code behind a name is
imported only when something resolves it. Declared in the order lists show them (a drift
detector's order is the order ``textloop monitor`` runs and reports its checks).

A behaviour change gets a new version beside the old one, never an edit of the old one's
target: an old run's saved config must re-run identically.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textloop.registry import Registry

_S = "textloop.strategies"
_M = "textloop.models"
_C = "textloop.measures.calibration"


def declare_builtins(registry: Registry) -> None:
    """Declare the built-ins into ``registry`` (``REGISTRY`` does so on its first lookup)."""
    declare = registry.declare

    # drift detectors; ``reads`` says what a detector compares, which names its checks
    # (a categorical detector runs on predicted labels and on action bands)
    declare("textloop.drift.text-stats.v1", f"{_S}.drift.text_stats:TextStatsDetector",
            reads="texts")
    declare("textloop.drift.oov.v1", f"{_S}.drift.oov:OovDetector", reads="texts")
    declare("textloop.drift.oov.v2", f"{_S}.drift.oov:OovDetectorV2", reads="texts")
    declare("textloop.drift.domain-classifier.v1", f"{_S}.drift.domain_classifier:"
            "DomainClassifier", reads="vectors")
    declare("textloop.drift.domain-classifier.v2", f"{_S}.drift.domain_classifier:"
            "PermutedDomainClassifier", reads="vectors")
    declare("textloop.drift.mmd.v1", f"{_S}.drift.mmd:MmdDetector", reads="vectors")
    declare("textloop.drift.label-psi.v1", f"{_S}.drift.psi:PsiDetector", reads="categories")
    declare("textloop.drift.label-chi-square.v1", f"{_S}.drift.chi_square:ChiSquareDetector",
            reads="categories")
    declare("textloop.drift.label-jensen-shannon.v1", f"{_S}.drift.jensen_shannon:"
            "JensenShannonDetector", reads="categories")
    declare("textloop.drift.confidence.v1", f"{_S}.drift.confidence:ConfidenceDetector",
            reads="confidence")
    # ``reads="spans"``: a span model's predicted spans per text (span projects only)
    declare("textloop.drift.span-rate.v1", f"{_S}.drift.span_rate:SpanRateDetector",
            reads="spans")
    declare("textloop.drift.span-presence.v1", f"{_S}.drift.span_presence:"
            "SpanPresenceDetector", reads="spans")
    declare("textloop.drift.span-length.v1", f"{_S}.drift.span_length:SpanLengthDetector",
            reads="spans")
    declare("textloop.drift.span-confidence.v1", f"{_S}.drift.span_confidence:"
            "SpanConfidenceDetector", reads="spans")
    declare("textloop.drift.new-span-strings.v1", f"{_S}.drift.new_span_strings:"
            "NewSpanStringsDetector", reads="spans")

    # active-learning query strategies
    # ``task="any"``: needs no model, so it works for span projects as for classes
    declare("textloop.query.random.v1", f"{_S}.query.random_sampling:RandomSampling",
            task="any")
    declare("textloop.query.least-confidence.v1", f"{_S}.query.least_confidence:LeastConfidence")
    declare("textloop.query.margin.v1", f"{_S}.query.margin:Margin")
    declare("textloop.query.entropy.v1", f"{_S}.query.entropy:Entropy")
    declare("textloop.query.qbc.v1", f"{_S}.query.qbc:QueryByCommittee")
    declare("textloop.query.cluster-margin.v1", f"{_S}.query.cluster_margin:ClusterMargin")
    declare("textloop.query.cold-start.v1", f"{_S}.query.cold_start:ColdStart", task="any")
    declare("textloop.query.default.v1", f"{_S}.query.default:DefaultStrategy")
    # v2 adds diverse batches and noise down-weighting on evidence; "default" means v2
    declare("textloop.query.default.v2", f"{_S}.query.adaptive_default:AdaptiveDefault")
    # v3: the noise switch on the most contradicted class, or on annotators' votes
    declare("textloop.query.default.v3", f"{_S}.query.class_noise_default:ClassNoiseDefault")
    # ... for span projects: they rank by a span model's tag probabilities (``task``)
    _Q = f"{_S}.query.sequence_uncertainty"
    declare("textloop.query.span-least-confidence.v1", f"{_Q}:SpanLeastConfidence",
            task="spans")
    declare("textloop.query.span-mnlp.v1", f"{_Q}:SpanMnlp", task="spans")
    declare("textloop.query.span-token-entropy-mean.v1", f"{_Q}:SpanTokenEntropyMean",
            task="spans")
    declare("textloop.query.span-token-entropy-max.v1", f"{_Q}:SpanTokenEntropyMax",
            task="spans")
    declare("textloop.query.span-cluster-mnlp.v1", f"{_S}.query.span_cluster:SpanClusterMnlp",
            task="spans")
    declare("textloop.query.span-default.v1", f"{_S}.query.span_default:SpanDefaultStrategy",
            task="spans")

    # probability calibrators
    declare("textloop.calibration.temperature.v1", f"{_C}.temperature:"
            "TemperatureScaling")
    declare("textloop.calibration.isotonic.v1", f"{_C}.isotonic:IsotonicCalibration")
    declare("textloop.calibration.none.v1", f"{_C}.identity:NoCalibration")

    # label-issue methods of ``textloop clean``
    declare("textloop.cleaning.views-knn.v1", f"{_S}.cleaning.views_knn:ViewsAndNeighbours")
    declare("textloop.cleaning.views-knn-weighted.v1",
            f"{_S}.cleaning.views_knn:WeightedViewsAndNeighbours")
    declare("textloop.cleaning.cleanlab.v1", f"{_S}.cleaning.cleanlab_default:CleanlabDefault")
    declare("textloop.cleaning.span-confident.v1", f"{_S}.cleaning.span_rules:SpanConfident",
            task="spans")
    declare("textloop.cleaning.span-cleanlab.v1", f"{_S}.cleaning.span_rules:SpanCleanlab",
            task="spans")

    # label models of weak labeling
    declare("textloop.label_model.dawid_skene.v1", f"{_S}.label_model.dawid_skene:dawid_skene")
    declare("textloop.label_model.majority.v1", f"{_S}.label_model.majority:majority_vote")
    declare("textloop.span_label_model.majority.v1", "textloop.spans.rule_votes:combine_spans")

    # synthetic-data generators (.v1 edits markup and URLs as words), the judge and the
    # gate's diversity measures
    declare("textloop.synth.synonym.v1", f"{_S}.synth.synonym:SynonymReplacementV1")
    declare("textloop.synth.synonym.v2", f"{_S}.synth.synonym:SynonymReplacement")
    declare("textloop.synth.typo.v1", f"{_S}.synth.typo:KeyboardTyposV1")
    declare("textloop.synth.typo.v2", f"{_S}.synth.typo:KeyboardTypos")
    declare("textloop.synth.typo.v3", f"{_S}.synth.typo:ScriptTypos")
    declare("textloop.synth.swap.v1", f"{_S}.synth.word_edits:RandomSwapV1")
    declare("textloop.synth.swap.v2", f"{_S}.synth.word_edits:RandomSwap")
    declare("textloop.synth.delete.v1", f"{_S}.synth.word_edits:RandomDeletionV1")
    declare("textloop.synth.delete.v2", f"{_S}.synth.word_edits:RandomDeletion")
    declare("textloop.synth.insert.v1", f"{_S}.synth.word_edits:RandomInsertionV1")
    declare("textloop.synth.insert.v2", f"{_S}.synth.word_edits:RandomInsertion")
    declare("textloop.synth.openai.v1", f"{_S}.synth.openai_compatible:OpenAIGenerator")
    declare("textloop.synth.gguf.v1", f"{_S}.synth.gguf:GGUFGenerator")
    # span projects' generators (``for_spans``)
    declare("textloop.synth.span-llm.v1", f"{_S}.synth.span_llm:SpanLLMGenerator")
    declare("textloop.synth.mention-swap.v1", f"{_S}.synth.span_mentions:MentionSwap")
    declare("textloop.synth.span-context.v1", f"{_S}.synth.span_context:SpanContextEdits")
    declare("textloop.judge.openai.v1", f"{_S}.synth.judge:LLMJudge")
    declare("textloop.synth_gate.cosine-spread.v1", f"{_S}.synth_gate.cosine_spread:"
            "cosine_spread_v1")
    declare("textloop.synth_gate.distinct-2.v1", f"{_S}.synth_gate.distinct_n:distinct_2_v1")
    declare("textloop.synth_gate.distinct-2.v2", f"{_S}.synth_gate.distinct_n:distinct_2_v2")

    # robustness probes of error analysis
    declare("textloop.perturb.typos.v1", f"{_S}.perturb.typos:Typos")
    declare("textloop.perturb.typos.v2", f"{_S}.perturb.typos:ScriptTypos")
    declare("textloop.perturb.lowercase.v1", f"{_S}.perturb.case:Lowercase")
    declare("textloop.perturb.uppercase.v1", f"{_S}.perturb.case:Uppercase")
    declare("textloop.perturb.strip-punct.v1", f"{_S}.perturb.punctuation:StripPunctuation")
    declare("textloop.perturb.add-punct.v1", f"{_S}.perturb.punctuation:AddPunctuation")

    # embedders and models
    declare("textloop.embedder.minilm-int8.v1", f"{_M}.embedders.factory:minilm_int8_v1")
    declare("textloop.embedder.minilm-int8.v2", f"{_M}.embedders.factory:minilm_int8")
    declare("textloop.embedder.minilm-fp32.v1", f"{_M}.embedders.factory:minilm_fp32")
    declare("textloop.model.tfidf-lr.v1", f"{_M}.classifiers:TfidfLogReg")
    declare("textloop.model.embed-lr.v1", f"{_M}.classifiers:EmbedLogReg")
    declare("textloop.model.embed-mlp.v1", f"{_M}.mlp.estimator:EmbedMLP")
    declare("textloop.model.setfit.v1", f"{_M}.setfit.estimator:SetFitClassifier")
    declare("textloop.model.lora.v1", f"{_M}.lora.estimator:LoraClassifier")
    declare("textloop.model.tfidf-ridge.v1", f"{_M}.regressors:TfidfRidge")
    declare("textloop.model.embed-ridge.v1", f"{_M}.regressors:EmbedRidge")
    declare("textloop.model.embed-mlp-regressor.v1", f"{_M}.mlp.regressor:EmbedMLPRegressor")
    declare("textloop.model.span-rules.v1", f"{_M}.span_rules:SpanRulesModel")
    declare("textloop.model.minilm-crf.v1", f"{_M}.spans.estimator:MiniLMCrf")
    declare("textloop.model.minilm-tagger.v1", f"{_M}.spans.tagger:MiniLMTagger")

    # task types (``task:`` in textloop.yaml)
    for task, module in (("classification", "classification:CLASSIFICATION"),
                         ("multilabel", "classification:MULTILABEL"),
                         ("regression", "regression:REGRESSION"), ("spans", "spans:SPANS")):
        declare(f"textloop.task.{task}.v1", f"textloop.tasks.{module}")
