"""Settle work a killed process left behind, before the next command runs.

``kill -9``, a closed laptop or an out-of-memory kill stop a command before it can mark its
run failed or catalogue its release. Without this, such a run stays ``running`` forever and
such a release folder blocks the next release. Every CLI command calls ``recover`` when it
opens the store; it changes nothing unless the owning process is certainly gone (same host,
pid gone or reused, see ``textloop.processes``), and returns one sentence per change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.processes import is_gone
from textloop.storage import Store, releases, runs

if TYPE_CHECKING:
    from textloop.config import Project


def recover_runs(store: Store) -> list[str]:
    """Mark runs whose process is gone ``failed (interrupted)``.

    A run from before the store recorded owners (schema v12) has no owner: no live textloop
    can still be writing it, since the upgrade happened under a newer one, so it is stale too.
    """
    with store.read() as conn:
        candidates = runs.running(conn)
    stale = [run for run in candidates if run["owner"] is None or is_gone(run["owner"])]
    notes = []
    for run in stale:
        with store.write() as conn:
            changed = runs.mark_interrupted(conn, run["id"])
        if changed:
            who = ("its process is unknown" if run["owner"] is None
                   else f"{run['owner'].describe()} is gone")
            notes.append(f"run {run['name']} was interrupted ({who}); marked "
                         f"{runs.INTERRUPTED}")
    return notes


def recover(store: Store) -> list[str]:
    """Stale runs, then orphaned release folders; what was changed, one sentence each.

    The release stage (numpy, scipy, pyarrow) is imported only when a folder needs it, so
    every command can afford this check.
    """
    notes = recover_runs(store)
    if _unknown_release_folders(store):
        from textloop.stages.release.recover import recover_release_folders

        notes += recover_release_folders(store)
    return notes


def open_recovered(project: Project) -> tuple[Store, list[str]]:
    """The project's store, opened after ``recover`` settled it, with ``recover``'s notes.

    How every entry point opens a store (each CLI command, the public API's ``Project``), so
    none can skip the check; the store is closed again when recovery fails.
    """
    store = Store.for_project(project)
    try:
        return store, recover(store)
    except BaseException:
        store.close()
        raise


def _unknown_release_folders(store: Store) -> bool:
    root = store.path_for(releases.FOLDER)
    names = {p.name for p in root.iterdir()} if root.is_dir() else set()
    if not names:
        return False
    with store.read() as conn:
        return bool(names - {entry["id"] for entry in releases.list_all(conn)})
