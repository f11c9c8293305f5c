"""``textloop predict RUN --input FILE --output FILE``: a file of any size, scored in bounded
memory, locally or on a Ray cluster, with the same bytes written either way.

The pipeline: the input is read row by row by the readers ``textloop import`` uses (so a
row is refused with the same message naming its file, line and column, and the fix), in
batches of ``batch_rows`` texts; each batch is scored by the executor (``local``: in this
process; ``ray``: on an actor pool, each actor rebuilding the model once from the verified
bundle) and comes back in input order; this process writes it. At most a few batches are
in flight, so memory does not grow with the file.

Every row gets what ``serve`` answers for its text (``ServedModel.predict``): a classifier's
label, score, band and one calibrated probability column per class (``proba_LABEL``), a
regressor's ``value``, a span model's ``spans`` (a JSON list of ``{start, end, label, text,
score}`` over the text as read); plus the row's key (the input's id column, else its row
number) and the model (run name and registered version).

Why not Ray Data's ``read_csv``/``read_json``: pyarrow's readers infer types and nulls (an
id ``007`` becomes ``7``, a text ``NA`` becomes null) and report a malformed JSON line by
its row within a block, so a Ray job would read other rows than a local one and explain
bad input worse. Reading here and scoring there keeps the rows and the errors identical;
the reading is far cheaper than the scoring it feeds (docs/predict.md).

The output is written to a hidden temporary file beside it and renamed into place at the
end, so an interrupted job leaves no output file (nor a half-written one). With ``log``,
each row is also written to the prediction log (the table ``serve`` writes, which
``monitor`` reads) once, under one request id for the job; a job that fails takes its
logged rows back.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from textloop.config import Project
from textloop.errors import InvalidInputError
from textloop.executors import Executor, LocalExecutor
from textloop.processes import pause_point
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.export.tables import csv_header, csv_rows, jsonl_lines
from textloop.stages.ingest.formats import open_source
from textloop.stages.ingest.importer import rows_with_columns
from textloop.stages.ingest.rows import ColumnMap, RowError, resolve_columns, to_record
from textloop.stages.ingest.source import DEFAULT_MAX_CHARS, ReadOptions, Source
from textloop.stages.predict.prediction import Prediction
from textloop.stages.runs.loading import RunBundle, read_run_bundle
from textloop.stages.serving.extract import Extraction
from textloop.stages.serving.model import ServedAnswer, ServedModel
from textloop.stages.serving.prediction_log import log_row
from textloop.storage import Store, jsoncol, model_versions, predictions
from textloop.tasks import require_verb
from textloop.types import Jsonable

INPUT_FORMATS = ("csv", "tsv", "jsonl", "parquet")
OUTPUT_FORMATS = ("csv", "tsv", "jsonl", "parquet")
BATCH_ROWS = 256
"""Texts per scoring batch: large enough to amortise a call to the model (and a round trip
to a Ray actor), small enough that the batches in flight stay a few MB."""
ROW_GROUP_ROWS = 16_384
"""Rows per Parquet row group (independent of the batch size and the executor, so the file
is the same bytes however it was scored)."""
ID_COLUMNS = ("id",)
"""The input column taken as each row's key when ``--id-col`` is not given."""
_OUTPUT_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl",
                    ".parquet": "parquet", ".pq": "parquet"}


@dataclass
class BatchPrediction(Jsonable):
    """What ``predict_file`` did (``textloop predict --input ... --json``)."""

    input: str
    output: str
    format: str
    rows: int
    seconds: float
    run: str
    """The run that answered."""
    version: str | None
    """Its registered model version (``m3``), None when it was never registered."""
    key: str
    """The output's key column: the input's id column, or ``row`` (the row number)."""
    executor: str
    workers: int
    logged: int = 0
    """Rows written to the prediction log (``log=True``)."""
    log_request_id: str | None = None
    """The request id the logged rows carry."""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "rows_per_second": self.rows_per_second}


@dataclass(frozen=True)
class _Batch:
    """One batch as the driver keeps it while its texts are scored elsewhere."""

    keys: list[Any]
    texts: list[str]


def predict_file(store: Store, project: Project, run_ref: str, input_path: Path,
                 output_path: Path, *, input_format: str | None = None,
                 output_format: str | None = None, text_col: str | None = None,
                 id_col: str | None = None, encoding: str = "utf-8", log: bool = False,
                 executor: Executor | None = None, batch_rows: int = BATCH_ROWS,
                 progress: Progress = NULL_PROGRESS) -> BatchPrediction:
    """Score every row of ``input_path`` with a run (a version or an alias) and write the
    answers to ``output_path``; nothing is written there unless the whole file was scored.

    ``executor`` runs the scoring (this process by default; ``executors.executor_for``
    picks Ray). ``log`` writes each row to the prediction log as ``serve`` would.
    """
    require_verb(project, "predict")
    input_path, output_path = Path(input_path), Path(output_path)
    out_format = _output_format(output_path, output_format)
    if output_path.resolve() == input_path.resolve():
        raise InvalidInputError(f"{output_path}: the output would overwrite the input",
                                hint="write the predictions to another file")
    bundle = read_run_bundle(store, run_ref)
    with store.read() as conn:
        version = model_versions.version_of_run(conn, bundle.run["id"])
    source, rows = _opened(input_path, input_format, encoding)
    cmap = _columns(source, project, text_col, id_col)
    executor = executor or LocalExecutor()
    request_id = uuid.uuid4().hex if log else None
    job = _Job(store, project, bundle, version, request_id)
    started = time.perf_counter()
    try:
        with _AtomicOutput(output_path) as handle, \
                progress.task(f"Predicting {input_path.name}", total=source.size or None,
                              unit="bytes") as bar:
            writer = _Writer(handle, out_format, cmap.id or "row", job.run_name,
                             model_versions.version_name(version) if version else None)
            read = 0
            pending: deque[_Batch] = deque()
            batches = _batches(source, rows, cmap, batch_rows, pending)
            factory = functools.partial(_scorer, bundle, version)
            for answers, seconds in executor.map_batches(factory, batches):
                batch = pending.popleft()
                writer.write(batch.keys, answers)
                job.log(answers, seconds)
                bar.advance(source.bytes_read - read)
                read = source.bytes_read
                pause_point("predict:writing")
            if writer.rows == 0:
                raise InvalidInputError(f"{input_path}: the file has no rows to predict",
                                        hint="check the file")
            writer.close()
    except BaseException:
        job.take_back()
        raise
    return BatchPrediction(
        input=str(input_path), output=str(output_path), format=out_format, rows=writer.rows,
        seconds=time.perf_counter() - started, run=job.run_name,
        version=model_versions.version_name(version) if version else None,
        key=cmap.id or "row", executor=executor.name, workers=executor.workers,
        logged=job.logged, log_request_id=request_id)


def _scorer(bundle: RunBundle, version: int | None
            ) -> Callable[[list[str]], tuple[list[ServedAnswer], float]]:
    """Built once per worker (a Ray actor, or this process): the model rebuilt from the
    bundle, answering as ``serve`` does; each call also says how long it took."""
    served = ServedModel(bundle.load(), version)

    def score(texts: list[str]) -> tuple[list[ServedAnswer], float]:
        started = time.perf_counter()
        answers: list[ServedAnswer] = [*served.predict(texts)]
        return answers, time.perf_counter() - started

    return score


def _output_format(path: Path, given: str | None) -> str:
    fmt = given or _OUTPUT_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise InvalidInputError(f"{path}: cannot tell the output format from the file name",
                                hint=f"end the name in .csv, .tsv, .jsonl or .parquet, or "
                                     f"pass --output-format ({', '.join(OUTPUT_FORMATS)})")
    if fmt not in OUTPUT_FORMATS:
        raise InvalidInputError(f"--output-format {fmt!r} is not known",
                                hint=f"use one of: {', '.join(OUTPUT_FORMATS)}")
    return fmt


def _opened(path: Path, fmt: str | None, encoding: str) -> tuple[Source, Iterator[Any]]:
    """The input opened by ``textloop import``'s readers, and its rows (JSON Lines learns
    its columns from its first rows)."""
    if fmt is not None and fmt not in INPUT_FORMATS:
        raise InvalidInputError(f"--format {fmt!r} cannot be predicted from",
                                hint=f"use one of: {', '.join(INPUT_FORMATS)}")
    source = open_source(path, ReadOptions(format=fmt, encoding=encoding))
    if source.format not in INPUT_FORMATS:
        raise InvalidInputError(f"{path}: {source.format} files cannot be predicted from",
                                hint=f"convert it to one of: {', '.join(INPUT_FORMATS)}")
    return source, rows_with_columns(source)


def _columns(source: Source, project: Project, text_col: str | None,
             id_col: str | None) -> ColumnMap:
    """The text column (``--text-col``, else the project's ``text_field`` or a usual name)
    and the key column (``--id-col``, else an ``id`` column when there is one)."""
    columns = source.columns or []
    if id_col is None:
        id_col = next((c for c in columns if c.lower() in ID_COLUMNS), None)
    return resolve_columns(source.path, columns, text=text_col, label="", meta=[],
                           id_col=id_col, spec_text=project.spec.text_field, spec_meta=(),
                           label_map={}, max_chars=DEFAULT_MAX_CHARS, origin=source.origin)


def _batches(source: Source, rows: Iterator[Any], cmap: ColumnMap, size: int,
             pending: deque[_Batch]) -> Iterator[list[str]]:
    """The texts to score, ``size`` at a time; each batch's keys wait in ``pending`` (the
    executor hands answers back in the same order). A row ``textloop import`` would refuse
    stops the job here, naming its place and the fix."""
    keys: list[Any] = []
    texts: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            record = to_record(row, cmap)
        except RowError as error:
            raise InvalidInputError(f"{source.path}: {error.describe()}", hint=error.fix
                                    ) from None
        value = row.fields[cmap.text]
        texts.append(value if isinstance(value, str) else str(value))  # the text as read
        keys.append(record.external_id if cmap.id else number)
        if len(texts) == size:
            pending.append(_Batch(keys, texts))
            yield texts
            keys, texts = [], []
    if texts:
        pending.append(_Batch(keys, texts))
        yield texts


class _Job:
    """The run that answers, and the prediction-log rows one job writes (once each)."""

    def __init__(self, store: Store, project: Project, bundle: RunBundle,
                 version: int | None, request_id: str | None) -> None:
        self.store = store
        self.run_name = str(bundle.run["name"])
        self.version = version
        self.request_id = request_id
        self.log_texts = project.spec.serving.log_texts
        self.logged = 0

    def log(self, answers: Sequence[ServedAnswer], seconds: float) -> None:
        """Write a batch's rows to the prediction log in one transaction; ``idx`` is the
        row's position in the file, so a row is logged once. Each row's latency is its
        batch's, as a served row carries its request's."""
        if self.request_id is None:
            return
        rows = [log_row(answer, request_id=self.request_id, idx=self.logged + i,
                        version=self.version, api_key=None, latency_ms=seconds * 1000,
                        log_texts=self.log_texts)
                for i, answer in enumerate(answers)]
        with self.store.write() as conn:
            self.logged += predictions.insert_many(conn, rows)

    def take_back(self) -> None:
        """A failed job removes what it logged: the file was not predicted, and a rerun
        logs every row again."""
        if self.request_id is None or not self.logged:
            return
        with self.store.write() as conn:
            predictions.delete_request(conn, self.request_id)
        self.logged = 0


class _AtomicOutput:
    """A hidden temporary file beside ``path``, renamed to ``path`` when the block ends
    without an error and removed otherwise."""

    def __init__(self, path: Path) -> None:
        if not path.parent.is_dir():
            raise InvalidInputError(f"{path.parent}: no such folder",
                                    hint="create the folder, or write the output elsewhere")
        self.path = path
        self.temporary = path.with_name(f".{path.name}.{os.getpid()}.partial")
        self._stack = ExitStack()

    def __enter__(self) -> IO[bytes]:
        return self._stack.enter_context(self.temporary.open("wb"))

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self._stack.close()
        if kind is None:
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)


class _Writer:
    """Rows out in CSV, TSV, JSON Lines or Parquet, batch by batch, with the columns of the
    first answer's kind (classifier, regressor, span model)."""

    def __init__(self, handle: IO[bytes], fmt: str, key: str, run: str,
                 version: str | None) -> None:
        self.handle = handle
        self.format = fmt
        self.key = key
        self.run = run
        self.version = version
        self.rows = 0
        self._schema: pa.Schema | None = None
        self._text: io.TextIOWrapper | None = None
        self._csv: Any = None
        self._parquet: pq.ParquetWriter | None = None
        self._group: list[pa.Table] = []
        self._grouped = 0

    def write(self, keys: list[Any], answers: Sequence[ServedAnswer]) -> None:
        if self._schema is None:
            self._start(answers[0])
        assert self._schema is not None
        table = pa.Table.from_pydict(self._columns(keys, answers), schema=self._schema)
        self.rows += table.num_rows
        if self._parquet is not None:
            self._group.append(table)
            self._grouped += table.num_rows
            while self._grouped >= ROW_GROUP_ROWS:
                self._flush_group(ROW_GROUP_ROWS)
        else:
            assert self._text is not None
            if self._csv is not None:
                self._csv.writerows(csv_rows(table))
            else:
                self._text.writelines(jsonl_lines(table))
            self._text.flush()  # what is scored is on disk (in the temporary file)

    def close(self) -> None:
        if self._parquet is not None:
            while self._grouped:
                self._flush_group(min(self._grouped, ROW_GROUP_ROWS))
            self._parquet.close()
        if self._text is not None:
            self._text.flush()
            self._text.detach()  # the handle is closed by its owner

    def _start(self, first: ServedAnswer) -> None:
        key_type = pa.int64() if self.key == "row" else pa.string()
        fields = [pa.field(self.key, key_type)]
        if isinstance(first, Extraction):
            fields.append(pa.field("spans", pa.string()))
        elif first.value is not None:
            fields.append(pa.field("value", pa.float64()))
        else:
            fields += [pa.field("label", pa.string()), pa.field("score", pa.float64()),
                       pa.field("band", pa.string())]
            fields += [pa.field(f"proba_{label}", pa.float64()) for label in first.probabilities]
        fields += [pa.field("model", pa.string()), pa.field("model_version", pa.string())]
        self._schema = pa.schema(fields)
        if self.format == "parquet":
            self._parquet = pq.ParquetWriter(self.handle, self._schema, compression="zstd")
            return
        self._text = io.TextIOWrapper(self.handle, encoding="utf-8", newline="" if
                                      self.format in ("csv", "tsv") else "\n")
        if self.format in ("csv", "tsv"):
            self._csv = csv.writer(self._text, delimiter="," if self.format == "csv" else "\t")
            self._csv.writerow(csv_header(self._schema.names))

    def _columns(self, keys: list[Any], answers: Sequence[ServedAnswer]) -> dict[str, list[Any]]:
        assert self._schema is not None
        out: dict[str, list[Any]] = {self.key: keys}
        names = self._schema.names
        if "spans" in names:
            out["spans"] = [jsoncol.dumps([s.to_dict() for s in _extraction(a).spans])
                            for a in answers]
        elif "value" in names:
            out["value"] = [_prediction(a).value for a in answers]
        else:
            found = [_prediction(a) for a in answers]
            out["label"] = [p.label for p in found]
            out["score"] = [p.score for p in found]
            out["band"] = [p.band for p in found]
            for name in names[4:-2]:
                label = name.removeprefix("proba_")
                out[name] = [p.probabilities[label] for p in found]
        out["model"] = [self.run] * len(answers)
        out["model_version"] = [self.version] * len(answers)
        return out

    def _flush_group(self, n: int) -> None:
        assert self._parquet is not None
        table = pa.concat_tables(self._group)
        self._parquet.write_table(table.slice(0, n), row_group_size=n)
        rest = table.slice(n)
        self._group = [rest] if rest.num_rows else []
        self._grouped = rest.num_rows


def _prediction(answer: ServedAnswer) -> Prediction:
    assert isinstance(answer, Prediction)
    return answer


def _extraction(answer: ServedAnswer) -> Extraction:
    assert isinstance(answer, Extraction)
    return answer
