"""``textloop simulate-al``: active learning replayed on a labeled file (see ``run.py``)."""

from textloop.stages.simulate.run import (
    DEFAULT_STRATEGIES,
    Plan,
    SimulationResult,
    simulate_al,
    simulate_vectors,
)

__all__ = ["DEFAULT_STRATEGIES", "Plan", "SimulationResult", "simulate_al", "simulate_vectors"]
