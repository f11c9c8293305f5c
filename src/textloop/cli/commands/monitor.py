"""``textloop monitor``: drift and performance of logged production traffic against the
release the served model was trained on; a table of checks and the report path."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import RichProgress, Text, console, print_json
from textloop.cli.context import VERSION_HELP, open_project
from textloop.cli.main import app
from textloop.errors import InvalidInputError

if TYPE_CHECKING:
    from textloop.stages.monitor import Delivery, MonitorResult

DRIFT_EXIT_CODE = 10
"""``--fail-on-drift``: the exit code when a check flags drift (errors use 1-9)."""
_AGO = re.compile(r"^(\d+(?:\.\d+)?)([smhdw])$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_STYLE = {"drift": "bold red", "ok": "green", "not enough data": "yellow"}

_EPILOG = """Examples:\n
  textloop monitor                         # the latest 500 predictions of the champion\n
  textloop monitor --window 2000 --model 3\n
  textloop monitor --since 24h             # everything logged in the last day\n
  textloop monitor --since 2025-03-01 --until 2025-03-08 --fail-on-drift"""


@app.command(epilog=_EPILOG)
def monitor(
    model: Annotated[str, typer.Option(help="Whose traffic is checked. " + VERSION_HELP)
                     ] = "champion",
    window: Annotated[int | None, typer.Option(
        min=1, help="The latest N logged predictions (default: monitoring.window).")] = None,
    since: Annotated[str | None, typer.Option(
        help="Start of the window: a date/time (2025-03-01, 2025-03-01T12:00) or an age "
             "(30m, 24h, 7d).")] = None,
    until: Annotated[str | None, typer.Option(help="End of the window (same forms).")] = None,
    reference: Annotated[str | None, typer.Option(
        help="Release split to compare with: train, validation or test (default: "
             "monitoring.reference_split).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of samples and permutations.")] = 0,
    fail_on_drift: Annotated[bool, typer.Option(
        "--fail-on-drift", help=f"Exit with code {DRIFT_EXIT_CODE} when a check flags "
                                "drift (for CI).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Input drift, prediction drift and performance of production traffic, with alerts."""
    if reference is not None and reference not in ("train", "validation", "test"):
        raise InvalidInputError(f"--reference {reference!r} is not a split",
                                hint="use train, validation or test")
    with open_project() as opened:
        result = opened.monitor(model=model, window=window, since=parse_time(since, "--since"),
                                until=parse_time(until, "--until"), reference=reference,
                                seed=seed, progress=RichProgress())
    if as_json:
        print_json(_json(result))
    else:
        print_result(result)
    if fail_on_drift and result.status == "drift":
        raise typer.Exit(DRIFT_EXIT_CODE)


def parse_time(value: str | None, option: str) -> float | None:
    """Epoch seconds for an ISO date/time or an age such as ``24h`` (None stays None)."""
    if value is None:
        return None
    ago = _AGO.match(value.strip())
    if ago:
        return time.time() - float(ago[1]) * _UNIT_SECONDS[ago[2]]
    try:
        return dt.datetime.fromisoformat(value.strip()).timestamp()
    except ValueError:
        raise InvalidInputError(f"{option} {value!r} is neither a date/time nor an age",
                                hint="e.g. 2025-03-01, 2025-03-01T12:00, 30m, 24h or 7d"
                                ) from None


def print_result(result: MonitorResult) -> None:
    from textloop.storage.model_versions import version_name  # the store package loads SQLAlchemy

    facts = result.window
    table = Table("check", "status", "score", "threshold", "p-value", "Evidently",
                  title=f"Monitor {result.report_id}: {facts['rows']:,} predictions of "
                        f"{version_name(result.served.version)} ({result.served.run_name}) vs "
                        f"{result.reference['split']} of {result.reference['release']}")
    for check in result.checks:
        if check.slice == "all":
            table.add_row(*_cells(check.to_dict()))
    console.print(table)
    sliced = [c for c in result.checks if c.slice != "all" and c.status == "drift"]
    if sliced:
        console.print(Text("Drift in slices: " + ", ".join(f"{c.slice} {c.name}"
                                                           for c in sliced), style="red"))
    for note in result.notes:
        console.print(Text(f"Note: {note}", style="yellow"))
    console.print(Text(f"Status: {result.status} ({len(result.alerts)} alerts)",
                       style=_STYLE.get(result.status, "")))
    console.print(Text(f"Report: {result.report_html}"), soft_wrap=True)
    for firing in result.fired:
        console.print(Text(f"Fired: {firing.summary}{_delivered(firing.delivery)}",
                           style="red"))


def _delivered(delivery: Delivery | None) -> str:
    if delivery is None:
        return ""
    if delivery.delivered:
        return f"; webhook delivered ({delivery.tries} tries)"
    return f"; webhook NOT delivered after {delivery.tries} tries ({delivery.error})"


def _cells(check: dict[str, object]) -> list[Text | str]:
    def number(key: str, digits: int = 4) -> str:
        value = check.get(key)
        return "—" if not isinstance(value, float | int) else f"{value:.{digits}g}"

    fixed = check.get("fixed_drift")
    return [Text(str(check["name"])), Text(str(check["status"]),
                                           style=_STYLE.get(str(check["status"]), "")),
            number("score"), number("threshold"), number("p_value", 2),
            "—" if fixed is None else ("drift" if fixed else "ok")]


def _json(result: MonitorResult) -> dict[str, object]:
    keys = ("name", "slice", "status", "n_rows", "score", "threshold", "p_value",
            "fixed_drift", "reason")
    return {"report_id": result.report_id, "status": result.status,
            "model": {"version": result.served.version, "run": result.served.run_name},
            "window": result.window, "reference": result.reference,
            "checks": [{k: c.to_dict().get(k) for k in keys} for c in result.checks],
            "alerts": len(result.alerts), "report": str(result.report_html),
            "fired": [firing.to_dict() for firing in result.fired]}
