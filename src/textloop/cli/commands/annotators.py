"""``textloop annotators [list] | add | revoke | reset``: accounts for the labeling app.

``textloop annotators`` lists the accounts, as ``textloop releases`` lists releases;
``annotators list`` stays as the same listing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from textloop.cli.console import AsJson, console, esc, print_json
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.web.serve import base_url, login_link
from textloop.web.settings import DEFAULT_HOST, DEFAULT_PORT

if TYPE_CHECKING:  # the accounts stage loads when a command runs
    from textloop.stages.label import Annotator

_EPILOG = """Examples:\n
  textloop annotators\n
  textloop annotators add alice --role adjudicator\n
  textloop annotators reset alice"""

annotators_app = typer.Typer(help="Annotator accounts: name, role, and a token shown once.")
app.add_typer(annotators_app, name="annotators",
              help="List the accounts of the labeling app; add, revoke and reset them.")

Url = Annotated[str, typer.Option(help="Address of the labeling app, for the login link.")]
DEFAULT_URL = base_url(DEFAULT_HOST, DEFAULT_PORT)


@annotators_app.callback(invoke_without_command=True, epilog=_EPILOG)
def annotators(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Show every account with its role and whether it is active."""
    if ctx.invoked_subcommand is None:
        _list(as_json)


def _print_secret(account: Annotator | None, name: str, token: str, url: str,
                  as_json: bool) -> None:
    """The new token and its login link, once: a script gets them with the account."""
    link = login_link(url, name, token)
    if as_json:
        print_json({**(account.to_dict() if account else {"name": name}), "token": token,
                    "login_link": link})
        return
    console.print(f"Token for [bold]{esc(name)}[/] (shown only now; it is stored hashed):")
    console.print(f"  {esc(token)}")
    console.print("Login link (the token stays in the #fragment, which is never sent to the "
                  "server):")
    console.print(f"  {esc(link)}", soft_wrap=True)


@annotators_app.command("add", epilog="Example: textloop annotators add alice --role "
                                      "adjudicator")
def add(name: Annotated[str, typer.Argument(help="Letters, digits, '.', '_' or '-'.")],
        role: Annotated[str, typer.Option(help="annotator, adjudicator or admin.")
                        ] = "annotator",
        url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """Create an account and print its token and one-click login link once."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        token = accounts.add_annotator(store, name, role)
        account = accounts.get_annotator(store, name)
    _print_secret(account, name, token, url, as_json)


@annotators_app.command("list", epilog="Example: textloop annotators list (the same as "
                                       "textloop annotators)")
def list_(as_json: AsJson = False) -> None:
    """Show every account with its role and whether it is active."""
    _list(as_json)


def _list(as_json: bool) -> None:
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
def revoke(name: Annotated[str, typer.Argument(help="The account to revoke.")],
           as_json: AsJson = False) -> None:
    """Stop an account at once: its sessions end on their next request."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        accounts.revoke(store, name)
        account = accounts.get_annotator(store, name)
    if as_json and account is not None:
        print_json(account.to_dict())
        return
    console.print(f"Revoked [bold]{esc(name)}[/]; their answers stay in the store.")


@annotators_app.command("reset", epilog="Example: textloop annotators reset alice")
def reset(name: Annotated[str, typer.Argument(help="The account to give a new token.")],
          url: Url = DEFAULT_URL, as_json: AsJson = False) -> None:
    """Issue a new token (the old one and every session stop working; a revoked account
    becomes active)."""
    from textloop.stages import label as accounts

    with open_store(current_project()) as store:
        token = accounts.reset_token(store, name)
        account = accounts.get_annotator(store, name)
    _print_secret(account, name, token, url, as_json)
