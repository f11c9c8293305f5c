"""``textloop publish release|model``: to a folder, the Hugging Face Hub or git with LFS."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from textloop.cli.console import AsJson, console, esc, print_json
from textloop.cli.context import open_project
from textloop.cli.main import app

if TYPE_CHECKING:
    from textloop.stages.publish import PublishResult

publish_app = typer.Typer(help="Publish releases and model versions, behind a license and "
                               "privacy gate.", no_args_is_help=True)
app.add_typer(publish_app, name="publish",
              help="Publish a release or a model version to a folder, the Hugging Face Hub "
                   "(hf://OWNER/NAME) or a git repository with LFS (git+file:///...).")

_RELEASE_EPILOG = """Examples:\n
  textloop publish release v3 --to hf://acme/reviews --dry-run\n
  textloop publish release latest --to hf://acme/reviews --public\n
  textloop publish release v3 --to git+file:///srv/git/reviews.git\n
  textloop publish release v3 --to kaggle/reviews --allow-pii 'public help-desk addresses'"""

To = Annotated[str, typer.Option(
    "--to", help="A folder, hf://OWNER/NAME, or git+file:///path (git+https://, git+ssh://).")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="List the files that would be sent, with sizes; send nothing.")]
Public = Annotated[bool, typer.Option(
    "--public", help="hf://: make a new Hub repository public (default: private).")]


@publish_app.command("release", epilog=_RELEASE_EPILOG)
def release(
    release_id: Annotated[str, typer.Argument(metavar="RELEASE",
                                              help="The release: v3, or latest.")],
    to: To,
    dry_run: DryRun = False,
    allow_pii: Annotated[str | None, typer.Option(
        "--allow-pii", metavar="REASON",
        help="Publish although records hold personal data with open findings; the reason "
             "is printed on the card.")] = None,
    public: Public = False,
    as_json: AsJson = False,
) -> None:
    """Publish a release: data files per split, the card (README.md), dataset.yaml.

    Refused, with the reason and the fix, without a license in textloop.yaml, with open
    personal-data findings, with sources that may not be passed on, or with synthetic rows
    copying test rows. See docs/publishing.md.
    """
    with open_project() as project:
        result = project.publish_release(release_id, to=to, dry_run=dry_run,
                                         allow_pii=allow_pii, public=public)
    show(result, as_json)


_MODEL_EPILOG = """Examples:\n
  textloop publish model champion --to hf://acme/spam-filter --dry-run\n
  textloop publish model m3 --to models/spam-filter\n
  python models/spam-filter/predict.py models/spam-filter "win a free phone"   (no textloop)"""


@publish_app.command("model", epilog=_MODEL_EPILOG)
def model(
    version: Annotated[str, typer.Argument(
        metavar="VERSION", help="A model version (m3), an alias (champion) or its run.")],
    to: To,
    dry_run: DryRun = False,
    public: Public = False,
    as_json: AsJson = False,
) -> None:
    """Publish a model version that runs without textloop (onnxruntime + tokenizers).

    The ONNX encoder, its tokenizer, the head, calibrator and bands (config.json), the
    model card (README.md) and predict.py. Refused without a license in textloop.yaml.
    """
    with open_project() as project:
        result = project.publish_model(version, to=to, dry_run=dry_run, public=public)
    show(result, as_json)


def show(result: PublishResult, as_json: bool) -> None:
    """Print a publication (or its dry run); a dry run the gate refuses exits as the
    publication would, after listing what it would have sent."""
    if as_json:
        print_json(result.to_dict())
    else:
        verb = "Would publish" if result.dry_run else "Published"
        console.print(f"{verb} {esc(result.what)} to {esc(result.target)}:")
        for item in result.files:
            console.print(f"  {esc(item.path)}  {item.bytes:,} bytes")
        console.print(f"  {len(result.files)} files, {result.bytes:,} bytes")
        for source in result.gate.sources:
            terms = "" if source.redistribute else ", --no-redistribute"
            console.print(f"  source {esc(source.source)}: {source.rows:,} records, license "
                          f"{esc(source.license)}{terms}")
        for note in result.notes:
            console.print(f"  {esc(note)}")
        if result.location and not result.dry_run:
            console.print(f"  at {esc(result.location)}")
    result.gate.raise_if_refused(result.what)
