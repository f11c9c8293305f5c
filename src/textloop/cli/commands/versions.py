"""``textloop register | versions | promote | rollback | lineage``: model versions.

``textloop models`` already lists embedding model files, so registered models are
"versions" here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table

from textloop.cli.console import AsJson, RichProgress, console, echo, esc, print_json
from textloop.cli.context import RUN_HELP, VERSION_HELP, current_project, open_project, open_store
from textloop.cli.main import app

_STATUS = {"pass": "[green]pass[/]", "fail": "[red]fail[/]", "skip": "[yellow]skip[/]"}



def _when(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M")


@app.command(epilog="Example: textloop register tfidf-lr-3")
def register(
    run: Annotated[str, typer.Argument(help=RUN_HELP)],
    as_json: AsJson = False,
) -> None:
    """Register a run as the next model version and make it the challenger.

    The version keeps the run's test metrics (the run is evaluated on test first when it
    never was) and gets a model card beside its evaluation report.
    """
    with open_project() as opened:
        project = opened.config
        done = opened.register(run, progress=RichProgress())
    if as_json:
        print_json(done.to_dict())
        return
    version = done.version
    goal = project.spec.goal.metric
    value = version["metrics"].get(goal)
    shown = "—" if value is None else f"{value:.4f}"
    evaluated = " (evaluated on test now)" if done.evaluated_now else ""
    console.print(f"Registered [bold]{version['name']}[/] from run {esc(version['run_name'])}"
                  f"{evaluated}: {goal} {shown}; alias challenger")
    console.print(f"Model card: {esc(str(done.card_path))}")
    console.print(f"Next: textloop promote {version['name']}")


@app.command(epilog="Example: textloop versions --history")
def versions(
    history: Annotated[bool, typer.Option(
        "--history", help="Show every alias move (who, when, from, to, why).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List model versions with their run, release, test metrics and aliases.

    Test metrics are measured on each version's own release: the release stands beside them,
    and a note says when the versions span more than one.
    """
    from textloop.stages.versions import alias_history, list_versions, versions_note

    project = current_project()
    with open_store(project) as store:
        rows = list_versions(store)
        moves = alias_history(store) if history else []
    note = versions_note(rows)
    if as_json:
        print_json({
            "versions": [{"version": v["name"], "number": v["version"], "run": v["run_name"],
                          "release": v["release_id"], "metrics": v["metrics"],
                          "aliases": v["aliases"], "created_at": v["created_at"],
                          "created_by": v["created_by"]} for v in rows],
            "note": note, **({"history": moves} if history else {})})
        return
    if not rows:
        console.print("No model versions yet. Register a run with `textloop register RUN`.")
        return
    goal = project.spec.goal.metric
    # run, version and aliases are what the user types next: they never truncate; the
    # rest wraps, so an 80-column terminal still shows them whole
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for name in ("version", "run"):
        table.add_column(name, no_wrap=True)
    for name in ("release", f"test {goal}", "test ece"):
        table.add_column(name)
    table.add_column("aliases", no_wrap=True)
    table.add_column("created", min_width=10)  # the date whole; the time wraps below it
    table.add_column("by")
    for v in rows:
        m = v["metrics"]
        table.add_row(v["name"], esc(v["run_name"]), v["release_id"] or "-",
                      _num(m.get(goal)), _num(m.get("ece")), ", ".join(v["aliases"]) or "-",
                      _when(v["created_at"]), esc(v["created_by"]))
    console.print(table)
    if note:
        console.print(f"[yellow]note:[/] {esc(note)}")
    if history:
        _print_history(moves)


def _print_history(moves: list[dict[str, Any]]) -> None:
    table = Table("when", "alias", "action", "from", "to", "by", "reason", title="Alias history")
    for m in moves:
        action = f"{m['action']} (forced)" if m["forced"] else m["action"]
        table.add_row(_when(m["created_at"]), m["alias"], action, _ver(m["from_version"]),
                      _ver(m["to_version"]), esc(m["actor"]), esc(m["reason"] or ""))
    console.print(table)


@app.command(epilog='Examples:\n\n  textloop promote m3\n\n'
                    '  textloop promote challenger\n\n'
                    '  textloop promote m3 --force --reason "hotfix; slice eval follows"')
def promote(
    version: Annotated[str, typer.Argument(help=VERSION_HELP)],
    force: Annotated[bool, typer.Option(help="Promote even when rules fail (needs --reason).")
                     ] = False,
    reason: Annotated[str | None, typer.Option(help="Why; recorded in the alias history.")
                      ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the decision as JSON.")
                       ] = False,
) -> None:
    """Make a version the champion if the promotion policy in textloop.yaml holds.

    Rules: uplift of the goal metric over the champion on the same test release, no slice
    worse by more than max_slice_drop, ECE within max_ece, p95 latency within max_latency_ms,
    and the goal itself when promotion.require_goal is true. Each prints pass, fail or skip
    with its numbers, and whether the goal is met is always said; any failure refuses (exit 4).
    """
    with open_project() as project:
        decision = project.promote(version, force=force, reason=reason, check=False)
    if as_json:
        print_json(decision.to_json())
        if not decision.promoted:
            raise decision.refusal()
        return
    table = Table("rule", "result", "why", title=f"Promotion policy for {_ver(decision.version)}")
    for rule in decision.rules:
        table.add_row(rule.rule, _STATUS[rule.status], esc(rule.sentence))
    console.print(table)
    console.print(_goal_line(decision.goal))
    if not decision.promoted:
        raise decision.refusal()
    forced = " [red](forced: rules failed, override recorded)[/]" if decision.forced else ""
    console.print(f"Champion: {_ver(decision.version)} (was {_ver(decision.previous)}){forced}")


@app.command(epilog='Example: textloop rollback --reason "v4 misroutes refunds"')
def rollback(
    reason: Annotated[str | None, typer.Option(help="Why; recorded in the alias history.")
                      ] = None,
    as_json: AsJson = False,
) -> None:
    """Make the previous champion the champion again."""
    from textloop.processes import current_actor
    from textloop.stages.versions import rollback as roll_back

    project = current_project()
    with open_store(project) as store:
        done = roll_back(store, actor=current_actor(), reason=reason)
    if as_json:
        print_json(done.to_dict())
        return
    console.print(f"Champion: {_ver(done.champion)} (rolled back from "
                  f"{_ver(done.previous)})")


@app.command(epilog="Example: textloop lineage champion --ids")
def lineage(
    version: Annotated[str, typer.Argument(help=VERSION_HELP)],
    ids: Annotated[bool, typer.Option("--ids", help="Print every row id (split, label).")
                   ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the trace as JSON.")] = False,
) -> None:
    """Trace a version to its run, its release and the release's row ids."""
    from textloop.stages.versions import lineage as trace

    project = current_project()
    with open_store(project) as store:
        found = trace(store, version, with_ids=ids)
    if as_json:
        print_json(found.to_dict())
        return
    v, run = found.version, found.run
    console.print(f"{v['name']} ({', '.join(v['aliases']) or 'no alias'}) -> run "
                  f"{esc(run['name'])} ({esc(run['model'])}, bundle {run['bundle_sha256'] or '-'})")
    if found.release is None:
        console.print("  run names no release")
        return
    counts = ", ".join(f"{split} {n:,}" for split, n in sorted(found.rows_per_split.items()))
    console.print(f"  -> release {found.release['id']}: {sum(found.rows_per_split.values()):,} "
                  f"row ids ({counts})")
    console.print(f"  release folder: {esc(str(found.release_path))}")
    console.print(f"  dataset card:   {esc(str(found.release_card))}")
    if v.get("card_path"):
        console.print(f"  model card:     {esc(v['card_path'])}")
    for record_id, split, label in found.row_ids or []:
        echo(f"{record_id}\t{split}\t{label}")


def _goal_line(goal: dict[str, Any]) -> str:
    """``Goal macro_f1 >= 0.9: not met (0.8512)``, said on every promotion."""
    op = ">=" if goal["higher_is_better"] else "<="
    verdict = {True: "[green]met[/]", False: "[red]not met[/]", None: "[yellow]unknown[/]"}
    shown = "" if goal["value"] is None else f" ({goal['value']:.4f})"
    required = "" if goal["required"] else " (not required by promotion.require_goal)"
    return (f"Goal {goal['metric']} {op} {goal['target']:g}: {verdict[goal['met']]}{shown}"
            f"{required if goal['met'] is not True else ''}")


def _num(value: Any) -> str:
    return "—" if value is None else f"{value:.4f}"


def _ver(value: int | None) -> str:
    from textloop.storage.model_versions import version_name

    return version_name(value)
