"""Synthetic text generators, registered as ``textloop.synth.NAME.vN``."""

from textloop.strategies.synth.base import (
    Brief,
    Candidate,
    Generator,
    Request,
    Seed,
    check_language,
    generator_names,
    make_generator,
)

__all__ = ["Brief", "Candidate", "Generator", "Request", "Seed", "check_language",
           "generator_names",
           "make_generator"]
