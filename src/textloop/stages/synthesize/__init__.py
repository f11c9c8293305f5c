"""``textloop synth``: synthetic examples for the weakest classes, gated, stored, evaluated."""

from textloop.stages.synthesize.gate import (
    GateResult,
    GateSettings,
    RealCorpus,
    Verdict,
    run_gate,
)

__all__ = ["GateResult", "GateSettings", "RealCorpus", "Verdict", "run_gate"]
