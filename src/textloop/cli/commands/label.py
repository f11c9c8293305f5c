"""``textloop label``: start the labeling web app on this machine and print its address."""

from __future__ import annotations

import webbrowser
from typing import Annotated

import typer

from textloop.cli.console import console, esc
from textloop.cli.context import current_project, open_store
from textloop.cli.main import app
from textloop.web.settings import DEFAULT_HOST, DEFAULT_PORT, WebSettings

_EPILOG = """Examples:\n
  textloop label\n
  textloop label --port 8080 --no-open-browser\n
  textloop label --host 0.0.0.0   # reachable from other machines: put HTTPS in front"""


@app.command("label", epilog=_EPILOG)
def label(
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine "
                                           "only).")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).", min=0, max=65535)
                    ] = DEFAULT_PORT,
    open_browser: Annotated[bool, typer.Option(help="Open the app in the default browser."
                                               )] = True,
    retrain: Annotated[bool, typer.Option(help="Retrain in the background as labels arrive "
                                               "and refresh the queue.")] = True,
    secure_cookies: Annotated[bool, typer.Option(help="Mark the session cookie Secure (when "
                                                      "served behind HTTPS).")] = False,
) -> None:
    """Label records in the browser: one at a time, by keyboard, stored at once."""
    from textloop.stages.label import add_annotator, list_annotators
    from textloop.tasks import require_verb
    from textloop.web.app import create_app
    from textloop.web.serve import base_url, bind, login_link, serve

    project = current_project()
    require_verb(project, "label")
    sock = bind(host, port)
    address = base_url(host, sock.getsockname()[1])
    with open_store(project) as store:
        settings = WebSettings(host=host, port=sock.getsockname()[1], retrain=retrain,
                               secure_cookie=secure_cookies)
        first_link = None
        if not list_annotators(store):
            token = add_annotator(store, "admin", role="admin")
            first_link = login_link(address, "admin", token)
            console.print("No annotators yet: created [bold]admin[/] (role admin). Its login "
                          "link, shown only now:")
            console.print(f"  {esc(first_link)}", soft_wrap=True)
        console.print(f"Labeling app for [bold]{esc(project.spec.name)}[/] at "
                      f"[bold]{esc(address)}[/] (Ctrl+C stops it)", soft_wrap=True)
        if open_browser:
            webbrowser.open(first_link or address)
        serve(create_app(project, store, settings), sock)
