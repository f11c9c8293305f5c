"""Which suggesters pre-annotate a span project's labeling page, and what they propose.

Span rules suggest whenever ``span_rules:`` lists any (they are instant). An LLM is slow
and may be down, and a model takes seconds to load, so the page asks neither:
``preannotate`` asks the LLM (``source="llm"``) or predicts with the project's current span
model (``source="model"``) ahead of labeling, for the records waiting in the queue, and
stores what it got; the page's LLM and model suggesters read only those caches. Every
source is listed here, so the page and any other front end ask one function and show every
source the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from textloop.config import Project, SuggestLLMSettings
from textloop.errors import ConfigError, InvalidInputError, NotFoundError
from textloop.models.tags import model_tags
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import Span, SpanError, decode_spans
from textloop.spans.rules import compile_span_rules
from textloop.stages.label.resolution import labels_for
from textloop.storage import (
    Store,
    annotation_log,
    jsoncol,
    llm_suggestions,
    model_suggestions,
    model_versions,
    queue,
    records,
    runs,
)
from textloop.strategies.span_suggest import (
    Example,
    LLMSuggester,
    RuleSuggester,
    SpanSuggester,
    SuggestedSpan,
    choose_examples,
    from_cache,
    to_cache,
)
from textloop.strategies.synth.openai_compatible import endpoint_from
from textloop.tasks import require_verb, task_for
from textloop.texts import content_hash
from textloop.texts import record_id as id_of_hash
from textloop.types import Jsonable

if TYPE_CHECKING:
    from textloop.stages.runs import LoadedRun


LLM_SOURCE = "llm"
MODEL_SOURCE = "model"
LEARNER_SOURCE = "learner"
"""Spans of the model ``textloop suggest`` fitted to choose the records it queued."""


@dataclass(frozen=True)
class StoredLLMSuggester:
    """The LLM's suggestions as ``preannotate`` stored them for ``model`` and ``prompt``
    (the template version): one indexed read per text, nothing asked. A text never
    pre-annotated gets none. Spans are checked again against the text and the project's
    labels and overlap setting as they are now."""

    store: Store
    model: str
    prompt: str
    labels: tuple[str, ...]
    overlapping: bool
    name: str = "llm"

    def suggest(self, texts: Sequence[str]) -> list[list[SuggestedSpan]]:
        with self.store.read() as conn:
            stored = [llm_suggestions.get(conn, self.model, self.prompt, content_hash(text))
                      for text in texts]
        return [from_cache(items or [], text, self.labels, overlapping=self.overlapping)
                for items, text in zip(stored, texts, strict=True)]


@dataclass(frozen=True)
class StoredModelSuggester:
    """A span model's suggestions as ``preannotate(source="model")`` stored them, with the
    model's scores: for each text, those of the newest run that predicted it (a new model
    version pre-annotated takes over). One indexed read per text, no model loaded; a text
    never pre-annotated gets none. Spans are checked again against the text and the
    project's labels and overlap setting as they are now, as the LLM's are."""

    store: Store
    labels: tuple[str, ...]
    overlapping: bool
    name: str = MODEL_SOURCE

    def suggest(self, texts: Sequence[str]) -> list[list[SuggestedSpan]]:
        with self.store.read() as conn:
            stored = [model_suggestions.latest(conn, content_hash(text)) for text in texts]
        return _still_valid(self, stored, texts)


@dataclass(frozen=True)
class QueuedLearnerSuggester:
    """The spans of the span model ``textloop suggest`` fitted when it queued the record
    (stored with the queue item, as a classification project's suggested label is): what
    the learner that chose the record thinks it holds, with the model's probabilities. One
    indexed read per text (a record's id follows from its text); the newest queue item
    with spans counts. Spans are checked again against the text and the project's labels
    and overlap setting as they are now."""

    store: Store
    labels: tuple[str, ...]
    overlapping: bool
    name: str = LEARNER_SOURCE

    def suggest(self, texts: Sequence[str]) -> list[list[SuggestedSpan]]:
        with self.store.read() as conn:
            stored = [_queued_spans(conn, text) for text in texts]
        return _still_valid(self, stored, texts)


def _still_valid(suggester: StoredModelSuggester | QueuedLearnerSuggester,
                 stored: Sequence[list[Any] | None], texts: Sequence[str]
                 ) -> list[list[SuggestedSpan]]:
    """Each text's stored spans that still fit it and the project (``from_cache``), marked
    with the suggester's source."""
    return [from_cache(items or [], text, suggester.labels, overlapping=suggester.overlapping,
                       source=suggester.name)
            for items, text in zip(stored, texts, strict=True)]


def _queued_spans(conn: Connection, text: str) -> list[Any] | None:
    """The spans stored with the newest queue item of the record holding ``text``."""
    for item in reversed(queue.items_for_record(conn, id_of_hash(content_hash(text)))):
        if item["suggestion"] is not None:
            try:
                return list(jsoncol.loads(item["suggestion"]))
            except (ValueError, TypeError):
                return None
    return None


def learner_suggestions(texts: Sequence[str], scored: Sequence[Sequence[tuple[Span, float]]]
                        ) -> list[str]:
    """Each text's scored spans as a queue item's ``suggestion`` (what
    ``QueuedLearnerSuggester`` reads)."""
    return [jsoncol.dumps(to_cache([SuggestedSpan(s.start, s.end, s.label, LEARNER_SOURCE,
                                                  score) for s, score in row], text))
            for text, row in zip(texts, scored, strict=True)]


def span_suggesters(store: Store, project: Project) -> list[SpanSuggester]:
    """The project's suggesters, fastest first."""
    spec = project.spec
    suggesters: list[SpanSuggester] = []
    if spec.span_rules:
        suggesters.append(RuleSuggester(compile_span_rules(spec.span_rules, spec.label_names)))
    if task_for(project).value_kind == "spans":
        # always listed: a page built before ``preannotate --source model`` ran shows the
        # model's suggestions as soon as they are stored (one indexed read per record)
        suggesters.append(StoredModelSuggester(store, tuple(spec.label_names),
                                               spec.spans.overlapping))
        suggesters.append(QueuedLearnerSuggester(store, tuple(spec.label_names),
                                                 spec.spans.overlapping))
    llm = spec.labeling.suggest_llm
    if llm is not None:
        suggesters.append(StoredLLMSuggester(store, llm.model, llm.template,
                                             tuple(spec.label_names), spec.spans.overlapping))
    return suggesters


def suggest_spans(store: Store, project: Project, text: str,
                  suggesters: Sequence[SpanSuggester] | None = None) -> list[SuggestedSpan]:
    """Every suggester's proposals for one text, sorted by position; the same span from two
    sources is listed once per source (the page shows who agrees). ``suggesters`` are the
    project's own (``span_suggesters``) unless given: a page passes the ones it built once."""
    found: list[SuggestedSpan] = []
    for suggester in (span_suggesters(store, project) if suggesters is None else suggesters):
        (proposed,) = suggester.suggest([text])
        found.extend(proposed)
    return sorted(found)


@dataclass(frozen=True)
class PreannotateResult(Jsonable):
    """What ``preannotate`` did: records considered, asked (or predicted) and already
    cached, the spans it stored, what the answers held that could not be used (by reason),
    and the labeled records shown as examples. ``source`` says who suggested: ``llm``
    (``model`` is the endpoint's model, ``prompt`` the template version) or ``model``
    (``model`` is the run's model, ``run`` the run predicted with, ``version`` its model
    version if registered, ``chosen`` why it was: ``champion``, ``latest`` or ``given``)."""

    model: str
    prompt: str | None
    waiting: int
    asked: int
    cached: int
    suggested: int
    dropped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    source: str = LLM_SOURCE
    run: str | None = None
    version: str | None = None
    chosen: str | None = None


SOURCES = (LLM_SOURCE, MODEL_SOURCE)
PREDICT_BATCH = 64
"""Texts predicted and stored per write: a killed run keeps all but the last batch."""


def preannotate(store: Store, project: Project, *, source: str | None = None,
                run: str | None = None, limit: int | None = None,
                progress: Progress = NULL_PROGRESS) -> PreannotateResult:
    """Suggest spans ahead of labeling for the records waiting in the labeling queue (the
    first ``limit``, in the order annotators get them), from ``source``: ``"llm"`` asks the
    LLM of ``labeling.suggest_llm``, ``"model"`` predicts with a span run (``run``, else
    the current model: the champion, else the latest finished run). Without ``source``:
    the LLM where ``labeling.suggest_llm`` is configured and no ``run`` is named (as before
    models could suggest), else the model. Only records without a cached suggestion from
    that LLM and prompt, or from that run, are asked; answers are stored as they arrive.
    """
    require_verb(project, "preannotate")
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be at least 1, got {limit}",
                          hint="pass --limit 1 or more, or leave it out for the whole queue")
    if source is None:
        source = (LLM_SOURCE if project.spec.labeling.suggest_llm is not None and run is None
                  else MODEL_SOURCE)
    if source not in SOURCES:
        raise InvalidInputError(f"source {source!r} is not a suggestion source",
                                hint="use --source model (the current span model) or "
                                     "--source llm (labeling.suggest_llm)")
    if source == MODEL_SOURCE:
        return _preannotate_with_model(store, project, run, limit, progress)
    if run is not None:
        raise InvalidInputError(f"--run {run} names a span model, but the source is the LLM",
                                hint="pass --source model with --run, or leave --run out")
    return _preannotate_with_llm(store, project, limit, progress)


def _preannotate_with_llm(store: Store, project: Project, limit: int | None,
                          progress: Progress) -> PreannotateResult:
    """Ask the LLM of ``labeling.suggest_llm`` about the queued records that have no cached
    answer from this model and prompt, and store each answer as it arrives.

    An endpoint that fails (after the client's retries) stops the run with its error; what
    was stored stays, so running again continues. Answers that cannot be used are counted,
    never raised. The examples are labeled records outside the queue (all of it, not only
    the ``limit`` asked about), so a record waiting for a second annotator never shows the
    first one's answer.
    """
    settings = _llm_settings(project)
    spec = project.spec
    with store.read() as conn:
        waiting = queue.waiting_record_ids(conn, limit)
        texts = records.get_many(conn, waiting)
        done = llm_suggestions.cached(conn, settings.model, settings.template,
                                      [r.content_hash for r in texts])
        examples, example_ids = _examples(conn, project, settings.examples,
                                          queue.active_record_ids(conn))
    todo = [r for r in texts if r.content_hash not in done]
    suggester = LLMSuggester(
        endpoint_from(settings.base_url, settings.model, api_key_env=settings.api_key_env,
                      timeout=settings.timeout, max_retries=settings.max_retries),
        {label.name: label.description for label in spec.labels},
        overlapping=spec.spans.overlapping, examples=examples,
        temperature=settings.temperature, max_tokens=settings.max_tokens,
        template=settings.template)
    dropped: Counter[str] = Counter()
    suggested = 0
    with progress.task("asking the LLM for spans", total=len(todo)) as task:
        for record in todo:
            answer = suggester.ask(record.text)
            with store.write() as conn:
                llm_suggestions.put(conn, content_hash=record.content_hash,
                                    model=settings.model, prompt=suggester.prompt_version,
                                    spans=to_cache(answer.spans, record.text),
                                    dropped=answer.dropped, examples=example_ids)
            suggested += len(answer.spans)
            dropped.update(answer.dropped)
            task.advance()
    return PreannotateResult(settings.model, suggester.prompt_version, len(texts), len(todo),
                             len(texts) - len(todo), suggested, dict(dropped), example_ids)


def _preannotate_with_model(store: Store, project: Project, run: str | None,
                            limit: int | None, progress: Progress) -> PreannotateResult:
    """Predict the queued records that the chosen run has not predicted yet, in batches of
    ``PREDICT_BATCH``, storing each batch's scored spans as it is done."""
    from textloop.stages.runs import model_inputs

    loaded, chosen = _span_run(store, run)
    run_id, run_name = loaded.run["id"], loaded.run["name"]
    with store.read() as conn:
        waiting = queue.waiting_record_ids(conn, limit)
        texts = records.get_many(conn, waiting)
        done = model_suggestions.cached(conn, run_id, [r.content_hash for r in texts])
        version = model_versions.version_of_run(conn, run_id)
    todo = list({r.content_hash: r for r in texts if r.content_hash not in done}.values())
    task = task_for(project)
    suggested = 0
    with progress.task(f"predicting spans with {run_name}", total=len(todo)) as bar:
        for start in range(0, len(todo), PREDICT_BATCH):
            batch = todo[start:start + PREDICT_BATCH]
            batch_texts = [r.text for r in batch]
            # the scores /v1/extract serves: through the run's span calibrator
            output = task.served_output(loaded, model_inputs(loaded.model, batch_texts, store))
            cache = {}
            for record, scored in zip(batch, output.scored, strict=True):
                spans = [SuggestedSpan(s.start, s.end, s.label, MODEL_SOURCE, score)
                         for s, score in scored]
                cache[record.content_hash] = to_cache(spans, record.text)
                suggested += len(spans)
            with store.write() as conn:
                model_suggestions.put_many(conn, run_id, cache)
            bar.advance(len(batch))
    return PreannotateResult(
        str(loaded.run["model"]), None, len(texts), len(todo), len(texts) - len(todo),
        suggested, source=MODEL_SOURCE, run=run_name,
        version=None if version is None else model_versions.version_name(version),
        chosen=chosen)


def _span_run(store: Store, run: str | None) -> tuple[LoadedRun, str]:
    """The run to predict with and why it was chosen: ``run`` when given (a run, a version
    or an alias), else the champion's, else the latest finished run; refused unless its
    model predicts spans. (The run modules load NumPy and the models: imported here, not
    by the labeling page, which only reads caches.)"""
    from textloop.stages.runs import load_run
    from textloop.stages.versions import CHAMPION

    if run is not None:
        ref, chosen = run, "given"
    else:
        with store.read() as conn:
            has_champion = CHAMPION in model_versions.aliases(conn)
            if not has_champion:
                try:
                    runs.get(conn, "latest")
                except NotFoundError:
                    raise NotFoundError(
                        "no span model to pre-annotate with: this project has no finished "
                        "span run", hint="train one with `textloop train` (the span-rules "
                        "model needs span_rules in textloop.yaml), or pass --source llm to "
                        "ask the LLM of labeling.suggest_llm") from None
        ref, chosen = (CHAMPION, "champion") if has_champion else ("latest", "latest")
    loaded = load_run(store, ref)
    if (kind := model_tags(loaded.model).task) != "spans":
        raise InvalidInputError(f"run {loaded.run['name']} holds a {kind} model, which "
                                "suggests no spans",
                                hint="pass --run with a span run (textloop runs lists them)")
    return loaded, chosen


def _llm_settings(project: Project) -> SuggestLLMSettings:
    spec = project.spec
    if spec.labeling.suggest_llm is None:
        raise ConfigError("no LLM is configured for span suggestions: labeling.suggest_llm is "
                          "not set in textloop.yaml",
                          hint="add labeling: {suggest_llm: {base_url: "
                               "http://localhost:11434/v1, model: MODEL}} (docs/spans.md)")
    return spec.labeling.suggest_llm


def _examples(conn: Connection, project: Project, n: int, queued: set[str]
              ) -> tuple[list[Example], list[str]]:
    """Up to ``n`` records whose spans people decided (answered, adjudicated or reviewed),
    outside ``queued``, chosen by ``choose_examples``; and their ids."""
    if n == 0:
        return [], []
    voted = sorted({row[0] for row in annotation_log.human_votes(conn)} - queued)
    decided = labels_for(conn, voted, project.spec.labeling.policy)
    stored = {r.id: r for r in records.get_many(conn, list(decided))}
    pairs, ids = [], {}
    for record_id, resolution in decided.items():
        if resolution.kind not in annotation_log.HUMAN_KINDS or record_id not in stored:
            continue
        try:
            spans = decode_spans(resolution.label)
        except SpanError:
            continue
        text = stored[record_id].text
        pairs.append((text, spans))
        ids[text] = record_id
    chosen = choose_examples(pairs, n, project.spec.label_names)
    return chosen, [ids[example.text] for example in chosen]
