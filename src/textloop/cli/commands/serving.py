"""``textloop serve`` and ``textloop keys create | list | revoke``: the inference server."""

from __future__ import annotations

import dataclasses
import os
import socket
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, console, err_console, esc, print_json
from textloop.cli.context import RUN_HELP, current_project, open_store
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.config import Project
    from textloop.server.settings import ServerConfig

_SERVE_EPILOG = """Examples:\n
  textloop serve                              # the champion on 127.0.0.1:8000\n
  textloop serve --alias challenger --port 8001\n
  textloop serve --run tfidf-lr-3 --max-batch 64 --max-wait-ms 2\n
  textloop serve --ray --replicas 2           # replicas on Ray Serve (the ray extra)\n
  curl -s localhost:8000/v1/classify -H "Authorization: Bearer $KEY" -d '{"text": "hi"}'\n
  curl -s localhost:8000/v1/extract -d '{"text": "Ana at Acme", "mask": true}'  # span projects"""


@app.command("serve", epilog=_SERVE_EPILOG)
def serve(
    alias: Annotated[str | None, typer.Option(help="Registry alias to serve and follow "
                                                   "(default: serving.alias, champion).")] = None,
    run: Annotated[str | None, typer.Option(help="Serve this instead, pinned. " + RUN_HELP)] = None,
    host: Annotated[str | None, typer.Option(help="Address to listen on (default "
                                                  "127.0.0.1: this machine only).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 8000; 0 picks a free one).",
                                             min=0, max=65535)] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes (default 1).",
                                                min=1, max=64)] = None,
    max_batch: Annotated[int | None, typer.Option(help="Most texts per model call "
                                                       "(default 32).", min=1)] = None,
    max_wait_ms: Annotated[float | None, typer.Option(help="Longest wait for a batch to fill "
                                                           "(default 5 ms).", min=0.0)] = None,
    max_queue: Annotated[int | None, typer.Option(help="Texts waiting for the model before "
                                                       "new requests get 503 (default 1024).",
                                                  min=1)] = None,
    max_queue_wait_ms: Annotated[float | None, typer.Option(
        help="Estimated wait for the model before new requests get 503 (default 5000 ms; "
             "0: no bound).", min=0.0)] = None,
    ray: Annotated[bool, typer.Option("--ray", help="Serve as replicas of a Ray Serve "
                                                    "deployment (the ray extra).")] = False,
    replicas: Annotated[int | None, typer.Option(help="With --ray: this many replicas "
                                                      "(default serving.ray, else 1).",
                                                 min=1)] = None,
    min_replicas: Annotated[int | None, typer.Option(help="With --ray: autoscale from this "
                                                          "many replicas...", min=0)] = None,
    max_replicas: Annotated[int | None, typer.Option(help="...up to this many.", min=1)] = None,
    address: Annotated[str | None, typer.Option(help="With --ray: the Ray cluster to join "
                                                     "(default execution.address, RAY_ADDRESS; "
                                                     "none: a local Ray on loopback).")] = None,
) -> None:
    """Answer POST /v1/classify (span projects: POST /v1/extract) with the champion model
    version; reload it when it moves."""
    from textloop.errors import InvalidInputError
    from textloop.server.settings import ServerConfig
    from textloop.web.serve import base_url, bind

    ray_options = {"--replicas": replicas, "--min-replicas": min_replicas,
                   "--max-replicas": max_replicas, "--address": address}
    if not ray and any(v is not None for v in ray_options.values()):
        given = ", ".join(k for k, v in ray_options.items() if v is not None)
        raise InvalidInputError(f"{given} only apply to replicas on Ray Serve",
                                hint="add --ray, e.g. textloop serve --ray --replicas 2")
    if ray and workers is not None:
        raise InvalidInputError("--workers starts processes on this machine; with --ray the "
                                "replicas are Ray's", hint="use --replicas N with --ray")
    project = current_project()
    counts = project.spec.serving.ray.overridden(replicas=replicas, min_replicas=min_replicas,
                                                 max_replicas=max_replicas)
    config = ServerConfig.for_project(project, alias=alias, run=run, host=host, port=port,
                                      workers=workers, max_batch=max_batch,
                                      max_wait_ms=max_wait_ms, max_queue=max_queue,
                                      max_queue_wait_ms=max_queue_wait_ms,
                                      ray=counts if ray else None)
    sock = bind(config.serving.host, config.serving.port)
    if ray:
        _serve_on_ray(project, config, sock, address)
        return
    from textloop.server.run import serve as run_server

    address = base_url(config.serving.host, sock.getsockname()[1])
    console.print(f"Serving {esc(str(config.target))} of [bold]{esc(project.spec.name)}[/] at "
                  f"[bold]{esc(address)}[/] (Ctrl+C stops it)", soft_wrap=True)
    run_server(project, config, sock)


def _serve_on_ray(project: Project, config: ServerConfig, sock: socket.socket,
                  address: str | None) -> None:
    """Hand the port, checked free by ``bind``, to Ray's proxy, deploy, and wait."""
    from textloop.server import ray_serve

    port = sock.getsockname()[1]
    sock.close()
    config = dataclasses.replace(config, serving=config.serving.model_copy(update={"port": port}))
    address = address or project.spec.execution.address or os.environ.get("RAY_ADDRESS")
    where = f"the Ray cluster at {address}" if address else "a local Ray runtime"
    err_console.print(f"Deploying {esc(str(config.target))} on {esc(where)}...")
    deployment = ray_serve.deploy(project, config, address=address)
    scaling = config.serving.ray
    count = (f"{scaling.min_replicas}-{scaling.max_replicas} replicas" if scaling.autoscaling
             else f"{scaling.replicas or 1} replica(s)")
    console.print(f"Serving {esc(str(config.target))} of [bold]{esc(project.spec.name)}[/] at "
                  f"[bold]{esc(deployment.url)}[/] on Ray Serve, {count} (Ctrl+C stops it)",
                  soft_wrap=True)
    ray_serve.serve_forever(deployment)


keys_app = typer.Typer(help="API keys of the inference server: shown once, stored hashed.")
app.add_typer(keys_app, name="keys",
              help="List the API keys of textloop serve; create and revoke them.")

_KEYS_EPILOG = """Examples:\n
  textloop keys\n
  textloop keys create billing-app --rate 100/s\n
  textloop keys revoke billing-app"""


@keys_app.callback(invoke_without_command=True, epilog=_KEYS_EPILOG)
def keys(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show every key with its scopes, rate limit and whether it is active (never the key
    itself)."""
    if ctx.invoked_subcommand is None:
        _list(as_json)


@keys_app.command("create", epilog="Examples:\n\n  textloop keys create billing-app --rate "
                                    "100/s\n\n  textloop keys create moderation-ui --scope "
                                    "feedback")
def create(name: Annotated[str, typer.Argument(help="Letters, digits, '.', '_' or '-'.")],
           rate: Annotated[str | None, typer.Option(help="Rate limit, e.g. 100/s, 600/min "
                                                         "(default: none).")] = None,
           scope: Annotated[str | None, typer.Option(
               help="classify (the default): predictions only; feedback: predictions and "
                    "feedback (true labels that reach the next release).")] = None,
           as_json: AsJson = False) -> None:
    """Create a key and print it once; from now on the server demands a key."""
    from textloop.stages.serving import api_keys

    with open_store(current_project()) as store:
        scope = scope or api_keys.DEFAULT_SCOPE  # the stage's default, read when it runs
        key = api_keys.create_key(store, name, rate, scope=scope)
        created = api_keys.get_key(store, name)
    if as_json:  # the key itself, once, beside what `textloop keys --json` shows of it
        print_json({**(created.to_dict() if created else {"name": name}), "key": key})
        return
    console.print(f"API key for [bold]{esc(name)}[/] ({', '.join(api_keys.SCOPES[scope])}; "
                  "shown only now; it is stored hashed):")
    console.print(f"  {esc(key)}", soft_wrap=True)
    console.print("Send it as `Authorization: Bearer KEY` or `X-API-Key: KEY`.")


@keys_app.command("list", epilog="Example: textloop keys list (the same as textloop keys)")
def list_(as_json: AsJson = False) -> None:
    """Show every key with its scopes, rate limit and whether it is active (never the key
    itself)."""
    _list(as_json)


def _list(as_json: bool) -> None:
    from textloop.stages.serving import api_keys

    with open_store(current_project()) as store:
        rows = api_keys.list_keys(store)
    if as_json:
        print_json([row.to_dict() for row in rows])
        return
    if not rows:
        console.print("No API keys yet: the server answers without one. Create one with "
                      "`textloop keys create NAME`.")
        return
    table = Table("name", "key id", "scopes", "rate", "status")
    for row in rows:
        table.add_row(esc(row.name), row.key_id, ", ".join(row.scopes), row.rate or "-",
                      "revoked" if row.revoked else "active")
    console.print(table)


@keys_app.command("revoke", epilog="Example: textloop keys revoke billing-app")
def revoke(name: Annotated[str, typer.Argument(help="The key to revoke.")],
           as_json: AsJson = False) -> None:
    """Stop a key: running servers refuse it within a few seconds, without a restart."""
    from textloop.stages.serving import api_keys

    with open_store(current_project()) as store:
        api_keys.revoke_key(store, name)
        revoked = api_keys.get_key(store, name)
    if as_json and revoked is not None:
        print_json(revoked.to_dict())
        return
    console.print(f"Revoked [bold]{esc(name)}[/]; servers refuse it from their next key "
                  "refresh (serving.poll_seconds).")
