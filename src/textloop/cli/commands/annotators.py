"""``textloop annotators add | list | revoke | reset``: accounts for the labeling app."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from textloop.cli.console import console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.web.serve import base_url, login_link
from textloop.web.settings import DEFAULT_HOST, DEFAULT_PORT

annotators_app = typer.Typer(help="Annotator accounts: name, role, and a token shown once.",
                             no_args_is_help=True)
app.add_typer(annotators_app, name="annotators",
              help="Add, list, revoke and reset the accounts of the labeling app.")

Url = Annotated[str, typer.Option(help="Address of the labeling app, for the login link.")]
DEFAULT_URL = base_url(DEFAULT_HOST, DEFAULT_PORT)


def _print_secret(name: str, token: str, url: str) -> None:
    console.print(f"Token for [bold]{esc(name)}[/] (shown only now; it is stored hashed):")
    console.print(f"  {esc(token)}")
    console.print("Login link (the token stays in the #fragment, which is never sent to the "
                  "server):")
    console.print(f"  {esc(login_link(url, name, token))}", soft_wrap=True)


@annotators_app.command("add", epilog="Example: textloop annotators add alice --role "
                                      "adjudicator")
def add(name: Annotated[str, typer.Argument(help="Letters, digits, '.', '_' or '-'.")],
        role: Annotated[str, typer.Option(help="annotator, adjudicator or admin.")
                        ] = "annotator",
        url: Url = DEFAULT_URL) -> None:
    """Create an account and print its token and one-click login link once."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        token = accounts.add_annotator(store, name, role)
    _print_secret(name, token, url)


@annotators_app.command("list", epilog="Example: textloop annotators list")
def list_(
    as_json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False,
) -> None:
    """Show every account with its role and whether it is active."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        rows = accounts.list_annotators(store)
    if as_json:
        print_json([row.to_dict() for row in rows])
        return
    if not rows:
        console.print("No annotators yet. Add one with `textloop annotators add NAME`.")
        return
    table = Table("name", "role", "status")
    for row in rows:
        table.add_row(esc(row.name), row.role, "active" if row.active else "revoked")
    console.print(table)


@annotators_app.command("revoke", epilog="Example: textloop annotators revoke alice")
def revoke(name: Annotated[str, typer.Argument(help="The account to revoke.")]) -> None:
    """Stop an account at once: its sessions end on their next request."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        accounts.revoke(store, name)
    console.print(f"Revoked [bold]{esc(name)}[/]; their answers stay in the store.")


@annotators_app.command("reset", epilog="Example: textloop annotators reset alice")
def reset(name: Annotated[str, typer.Argument(help="The account to give a new token.")],
          url: Url = DEFAULT_URL) -> None:
    """Issue a new token (the old one and every session stop working; a revoked account
    becomes active)."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        token = accounts.reset_token(store, name)
    _print_secret(name, token, url)
