"""Reading what a ``--json`` command printed, as a script would."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import Result


def json_of(result: Result) -> Any:
    """The one JSON document on stdout (anything else there fails ``json.loads``); the
    command must have succeeded."""
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
