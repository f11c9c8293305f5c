"""Which suggesters pre-annotate a span project's labeling page, and what they propose.

Span rules suggest whenever ``span_rules:`` lists any (they are instant). An LLM is slow
and may be down, so the page never asks one: ``preannotate`` asks it ahead of labeling about
the records waiting in the queue and stores the answers, and the page's LLM suggester reads
only that cache (``labeling.suggest_llm`` configured). Other sources (the current span
model) join the list here as they become available, so the page and any other front end ask
one function and show every source the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection

from textloop.config import Project, SuggestLLMSettings
from textloop.errors import ConfigError
from textloop.progress import NULL_PROGRESS, Progress
from textloop.spans import SpanError, decode_spans
from textloop.spans.rules import compile_span_rules
from textloop.stages.label.resolution import labels_for
from textloop.storage import Store, annotation_log, llm_suggestions, queue, records
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
from textloop.tasks import task_for
from textloop.texts import content_hash
from textloop.types import Jsonable


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


def span_suggesters(store: Store, project: Project) -> list[SpanSuggester]:
    """The project's suggesters, fastest first."""
    spec = project.spec
    suggesters: list[SpanSuggester] = []
    if spec.span_rules:
        suggesters.append(RuleSuggester(compile_span_rules(spec.span_rules, spec.label_names)))
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
    """What ``preannotate`` did: records considered, asked and already cached, the spans
    it stored, what the answers held that could not be used (by reason), and the labeled
    records shown as examples."""

    model: str
    prompt: str
    waiting: int
    asked: int
    cached: int
    suggested: int
    dropped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)


def preannotate(store: Store, project: Project, *, limit: int | None = None,
                progress: Progress = NULL_PROGRESS) -> PreannotateResult:
    """Ask the LLM of ``labeling.suggest_llm`` about the records waiting in the labeling
    queue (the first ``limit``, in the order annotators get them) that have no cached answer
    from this model and prompt, and store each answer as it arrives.

    An endpoint that fails (after the client's retries) stops the run with its error; what
    was stored stays, so running again continues. Answers that cannot be used are counted,
    never raised. The examples are labeled records outside the queue (all of it, not only
    the ``limit`` asked about), so a record waiting for a second annotator never shows the
    first one's answer.
    """
    settings = _llm_settings(project)
    spec = project.spec
    if limit is not None and limit < 1:
        raise ConfigError(f"limit must be at least 1, got {limit}",
                          hint="pass --limit 1 or more, or leave it out for the whole queue")
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


def _llm_settings(project: Project) -> SuggestLLMSettings:
    spec = project.spec
    if task_for(project).value_kind != "spans":
        raise ConfigError(f"preannotate suggests spans; {spec.name} is a {spec.task} project "
                          f"(task: {spec.task} in textloop.yaml)",
                          hint="LLM pre-annotation is for span projects (task: spans)")
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
