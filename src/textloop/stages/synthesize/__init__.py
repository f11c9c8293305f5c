"""``textloop synth``: synthetic examples for the weakest classes, gated, stored, evaluated."""

from textloop.stages.synthesize.catalog import BatchView, list_batches, show_batch
from textloop.stages.synthesize.decisions import Decided, decide
from textloop.stages.synthesize.evaluate import Evaluation, evaluate_batch
from textloop.stages.synthesize.gate import (
    GateResult,
    GateSettings,
    RealCorpus,
    Verdict,
    run_gate,
)
from textloop.stages.synthesize.run import SynthOptions, SynthResult, synthesize

__all__ = ["BatchView", "Decided", "Evaluation", "GateResult", "GateSettings", "RealCorpus",
           "SynthOptions", "SynthResult", "Verdict", "decide", "evaluate_batch",
           "list_batches", "run_gate", "show_batch", "synthesize"]
