"""``textloop synth``: synthetic examples for the weakest classes, gated, stored, evaluated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.synthesize.ablation import Comparison as Comparison
    from textloop.stages.synthesize.catalog import BatchView as BatchView
    from textloop.stages.synthesize.catalog import list_batches as list_batches
    from textloop.stages.synthesize.catalog import show_batch as show_batch
    from textloop.stages.synthesize.decisions import Decided as Decided
    from textloop.stages.synthesize.decisions import decide as decide
    from textloop.stages.synthesize.evaluate import Evaluation as Evaluation
    from textloop.stages.synthesize.evaluate import evaluate_batch as evaluate_batch
    from textloop.stages.synthesize.gate import GateResult as GateResult
    from textloop.stages.synthesize.gate import GateSettings as GateSettings
    from textloop.stages.synthesize.gate import RealCorpus as RealCorpus
    from textloop.stages.synthesize.gate import Verdict as Verdict
    from textloop.stages.synthesize.gate import run_gate as run_gate
    from textloop.stages.synthesize.run import SynthOptions as SynthOptions
    from textloop.stages.synthesize.run import SynthResult as SynthResult
    from textloop.stages.synthesize.run import synthesize as synthesize

__all__, __getattr__ = lazy_front(__name__, {
    "catalog": ("BatchView", "list_batches", "show_batch"),
    "decisions": ("Decided", "decide"),
    "evaluate": ("Evaluation", "evaluate_batch"),
    "gate": ("GateResult", "GateSettings", "RealCorpus", "Verdict", "run_gate"),
    "run": ("SynthOptions", "SynthResult", "synthesize"),
    "ablation": ("Comparison",),
})
