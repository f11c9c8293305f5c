"""Option help lists the registry's names, so a registered strategy shows up in ``--help``."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from textloop.cli.choices import one_of
from textloop.cli.main import app
from textloop.registry import REGISTRY


def test_one_of_lists_a_newly_registered_name(scratch_registry) -> None:
    assert one_of("calibration") == "isotonic, none or temperature"
    scratch_registry.register("textloop.calibration.platt.v1")(object)
    assert one_of("calibration") == "isotonic, none, platt or temperature"


@pytest.mark.parametrize(("command", "family"), [
    ("suggest", "query"), ("train", "calibration"), ("train", "model"), ("clean", "cleaning"),
    ("rules", "label_model"), ("synth", "synth"),
])
def test_help_names_every_registered_choice(command: str, family: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = re.sub(r"[\s│]+", " ", result.output)
    assert one_of(family) in text, (family, REGISTRY.names(family))
