"""``textloop import``: bring a file into the store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from textloop.cli.console import AsJson, RichProgress, console, esc, print_json
from textloop.cli.context import open_project
from textloop.cli.main import app
from textloop.errors import InvalidInputError
from textloop.stages.ingest import DEFAULT_MAX_CHARS, FORMATS

if TYPE_CHECKING:  # the importer loads when the command runs
    from textloop.stages.ingest import ImportResult
    from textloop.tasks import Task

_EPILOG = """Examples:\n
  textloop import reviews.csv --text-col review --label-col sentiment --meta-cols product\n
  textloop import SMSSpamCollection --format tsv --text-col SMS --label-col Label\n
  textloop import dev.tsv --no-header --text-col 1 --label-col 2 --add-labels\n
  textloop import data_full.json --text-col 1 --label-col 2 --meta-cols split --add-labels\n
  textloop import dev.conll --scheme IOB2          (a span project; also --format spans-jsonl,\n
                                                    doccano, label-studio, hf-tokens)\n
  textloop import ner.jsonl --format hf-tokens --tag-names O,B-PER,I-PER\n
  textloop import train.conll --no-labels          (the texts only: a pool to label)\n
  textloop import test.conll --split test          (the official test set: every release's
                                                    test split)\n
  textloop import all.csv --split-col part         (each row's split: train, validation, test)"""


@app.command("import", epilog=_EPILOG)
def import_(
    file: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL (.gz/.bz2), JSON, Parquet, a "
                                              "saved Hugging Face dataset folder, or (span "
                                              "projects) a span file.")],
    text_col: Annotated[str | None, typer.Option(help="Column with the text.")] = None,
    label_col: Annotated[str | None, typer.Option(help="Column with the label (optional).")] = None,
    meta_cols: Annotated[str | None, typer.Option(
        help="Comma-separated metadata columns, or '*' for all other columns.")] = None,
    id_col: Annotated[str | None, typer.Option(help="Column with a unique row id.")] = None,
    label_map: Annotated[str, typer.Option(
        help="Rename label values, e.g. '0=negative,1=positive'.")] = "",
    skip_invalid: Annotated[bool, typer.Option(
        help="Import valid rows and write a report of skipped ones.")] = False,
    add_labels: Annotated[bool, typer.Option(
        help="Add labels not yet in textloop.yaml instead of failing.")] = False,
    labels: Annotated[bool, typer.Option(
        help="Read the file's labels or spans; --no-labels imports its texts only, "
             "unlabeled (a labeled corpus as the pool `textloop suggest` queues from).")] = True,
    format: Annotated[str | None, typer.Option(help=f"One of {', '.join(FORMATS)}.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the file.")] = "utf-8",
    header: Annotated[bool, typer.Option(help="Whether the first CSV/TSV row is a header.")] = True,
    quoting: Annotated[str | None, typer.Option(
        help="'csv' or 'none' (default: csv for .csv, none for .tsv).")] = None,
    max_chars: Annotated[int, typer.Option(
        help="Longest text accepted; a row longer than such a text can be (12 bytes per "
             "character + 1 MiB) is refused while it is read.")] = DEFAULT_MAX_CHARS,
    unescape_html: Annotated[bool, typer.Option(
        help="Text scraped from web pages: store <br /> as a line break and &amp;-style "
             "entities as characters (recorded with the import).")] = False,
    tag_col: Annotated[int, typer.Option(
        help="CoNLL: index of the column holding the tag (0 is the token; default: the "
             "last).")] = -1,
    scheme: Annotated[str | None, typer.Option(
        help="CoNLL and hf-tokens: the tag scheme (IOB1, IOB2/BIO, IOBES, BILOU) instead of "
             "the one detected from the tags.")] = None,
    tag_names: Annotated[str | None, typer.Option(
        help="hf-tokens with integer ner_tags: the tag names they index, in order, "
             "separated by commas (O,B-PER,I-PER), or a file with one per line or a JSON "
             "list (a dataset's features['ner_tags'].feature.names).")] = None,
    license: Annotated[str, typer.Option(
        "--license", help="The file's license (an SPDX id such as CC-BY-4.0), recorded with "
                          "the import for `textloop publish`.")] = "unknown",
    redistribute: Annotated[bool, typer.Option(
        "--redistribute/--no-redistribute",
        help="--no-redistribute: the source's terms forbid passing its texts on; "
             "`textloop publish` then refuses releases that hold them.")] = True,
    split: Annotated[str | None, typer.Option(
        "--split", help="Pin every record of the file to this split (train, validation or "
                        "test) in every release, e.g. a corpus's official test set, so runs "
                        "are compared on the same test rows.")] = None,
    split_col: Annotated[str | None, typer.Option(
        "--split-col", help="Column naming each row's split (train, validation or test), "
                            "pinned like --split.")] = None,
    as_json: AsJson = False,
) -> None:
    """Import a file: records deduplicated by content, labels as `import` annotations."""
    with open_project() as opened:
        project = opened.config
        result = opened.import_file(
            file, text_col=text_col, label_col=label_col, meta_cols=_split(meta_cols),
            id_col=id_col, label_map=parse_label_map(label_map), skip_invalid=skip_invalid,
            add_labels=add_labels, labels=labels, format=format, encoding=encoding, header=header,
            quoting=quoting, max_chars=max_chars, unescape_html=unescape_html,
            tag_col=tag_col, scheme=scheme, tag_names=tag_names, license=license,
            redistribute=redistribute, split=split, split_col=split_col,
            progress=RichProgress())
    if as_json:
        print_json(result.to_dict())
        return
    from textloop.tasks import task_for

    print_import(result, task_for(project))


def _split(value: str | None) -> list[str] | None:
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def parse_label_map(text: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        source, sep, target = part.partition("=")
        if not sep or not source.strip() or not target.strip():
            raise InvalidInputError(f"--label-map: {part!r} is not of the form old=new",
                                    hint="e.g. --label-map '0=negative,1=positive'")
        out[source.strip()] = target.strip()
    return out


def print_import(result: ImportResult, task: Task) -> None:

    name = esc(Path(result.source).name)
    console.print(f"Imported [bold]{name}[/]: {result.rows_read:,} rows read, "
                  f"[bold]{result.records_new:,} new[/] records, "
                  f"{result.annotations_new:,} new labels in {result.seconds:.1f}s")
    if result.labels and task.value_kind in ("number", "spans"):
        tallied = task.tally(result.labels.elements(), [])
        console.print(f"  in file: {esc(task.describe_values(tallied))}")
    elif result.labels:
        shown = esc(", ".join(f"{k}: {v:,}" for k, v in result.labels.most_common(8)))
        more = f" (+{len(result.labels) - 8} more)" if len(result.labels) > 8 else ""
        console.print(f"  labels in file: {shown}{more}")
    reading = result.span_reading
    if reading.get("scheme"):
        console.print(f"  read as {esc(result.format)}: tags {esc(reading['scheme'])} "
                      f"({esc(reading.get('scheme_reason', ''))}), tokens joined by "
                      f"{esc(reading.get('join', 'space'))}")
    notes = [
        (result.rows_unlabeled, "rows without a label (imported unlabeled)"),
        (result.repeated_texts, "rows repeat a text seen earlier in the file (stored once)"),
        (result.conflicting_texts, "repeated texts carry a different label (kept as conflicts)"),
    ]
    for count, text in notes:
        if count:
            console.print(f"  {count:,} {text}")
    if result.pinned:
        pinned = ", ".join(f"{count:,} to {split}" for split, count in result.pinned.items())
        console.print(f"  rows pinned: {esc(pinned)} (every release keeps them there)")
    if result.language:
        console.print(f"  language: {esc(result.language)} (written to textloop.yaml; "
                      "see docs/languages.md)")
    if result.new_labels:
        console.print(f"  added labels to textloop.yaml: {esc(', '.join(result.new_labels))}")
    if result.previous_imports:
        first = result.previous_imports[0]
        console.print(f"  this exact file was imported before (import #{first})")
    if result.rows_skipped:
        console.print(f"  [yellow]{result.rows_skipped:,} rows skipped[/]; "
                      f"report: {esc(str(result.report_path))}")
        for row in result.skipped:
            column = f", column {row['column']!r}" if row["column"] else ""
            console.print(f"    {esc(row['where'])}{esc(column)}: {esc(row['problem'])} "
                          f"(fix: {esc(row['fix'])})", soft_wrap=True)
        if result.rows_skipped > len(result.skipped):
            console.print(f"    ... {result.rows_skipped - len(result.skipped):,} more in the "
                          "report")
