"""The people side of labeling: the queue annotators work through, their accounts,
how their answers resolve into one label per record, a record's full history, and the
spans suggested to annotators of a span project (pre-annotation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.label.annotators import Annotator as Annotator
    from textloop.stages.label.annotators import add_annotator as add_annotator
    from textloop.stages.label.annotators import authenticate as authenticate
    from textloop.stages.label.annotators import get_annotator as get_annotator
    from textloop.stages.label.annotators import hash_secret as hash_secret
    from textloop.stages.label.annotators import list_annotators as list_annotators
    from textloop.stages.label.annotators import reset_token as reset_token
    from textloop.stages.label.annotators import revoke as revoke
    from textloop.stages.label.annotators import sign_out as sign_out
    from textloop.stages.label.annotators import verify_secret as verify_secret
    from textloop.stages.label.history import record_history as record_history
    from textloop.stages.label.queue import MAX_COMMENT as MAX_COMMENT
    from textloop.stages.label.queue import LabelingItem as LabelingItem
    from textloop.stages.label.queue import add_comment as add_comment
    from textloop.stages.label.queue import adjudicate as adjudicate
    from textloop.stages.label.queue import decode_labels as decode_labels
    from textloop.stages.label.queue import disputes as disputes
    from textloop.stages.label.queue import encode_labels as encode_labels
    from textloop.stages.label.queue import latest_answers as latest_answers
    from textloop.stages.label.queue import next_item as next_item
    from textloop.stages.label.queue import queue_status as queue_status
    from textloop.stages.label.queue import skip as skip
    from textloop.stages.label.queue import submit as submit
    from textloop.stages.label.queue import undo as undo
    from textloop.stages.label.resolution import DECISIONS as DECISIONS
    from textloop.stages.label.resolution import Resolution as Resolution
    from textloop.stages.label.resolution import current_labels as current_labels
    from textloop.stages.label.resolution import labeled_records as labeled_records
    from textloop.stages.label.resolution import labels_for as labels_for
    from textloop.stages.label.resolution import resolve as resolve
    from textloop.stages.label.span_adjudication import MERGES as MERGES
    from textloop.stages.label.span_adjudication import SpanVersions as SpanVersions
    from textloop.stages.label.span_adjudication import decide_spans as decide_spans
    from textloop.stages.label.span_adjudication import span_disputes as span_disputes
    from textloop.stages.label.span_adjudication import span_versions as span_versions
    from textloop.stages.label.span_answers import MAX_SPANS as MAX_SPANS
    from textloop.stages.label.span_answers import PageView as PageView
    from textloop.stages.label.span_answers import describe_answer as describe_answer
    from textloop.stages.label.span_answers import is_span_project as is_span_project
    from textloop.stages.label.span_answers import parse_posted as parse_posted
    from textloop.stages.label.span_answers import spans_from_page as spans_from_page
    from textloop.stages.label.span_suggestions import SOURCES as SOURCES
    from textloop.stages.label.span_suggestions import PreannotateResult as PreannotateResult
    from textloop.stages.label.span_suggestions import StoredLLMSuggester as StoredLLMSuggester
    from textloop.stages.label.span_suggestions import (
        StoredModelSuggester as StoredModelSuggester,
    )
    from textloop.stages.label.span_suggestions import preannotate as preannotate
    from textloop.stages.label.span_suggestions import span_suggesters as span_suggesters
    from textloop.stages.label.span_suggestions import suggest_spans as suggest_spans
    from textloop.stages.label.teach import TeachItem as TeachItem
    from textloop.stages.label.teach import decide_suggestion as decide_suggestion
    from textloop.stages.label.teach import next_teach as next_teach
    from textloop.stages.label.teach import undo_teach as undo_teach

__all__, __getattr__ = lazy_front(__name__, {
    "queue": ("LabelingItem", "MAX_COMMENT", "add_comment", "adjudicate", "decode_labels",
              "disputes", "encode_labels", "latest_answers", "next_item", "queue_status",
              "skip", "submit", "undo"),
    "annotators": ("Annotator", "add_annotator", "authenticate", "get_annotator", "hash_secret",
                   "list_annotators", "reset_token", "revoke", "sign_out", "verify_secret"),
    "resolution": ("DECISIONS", "Resolution", "current_labels", "labeled_records", "labels_for",
                   "resolve"),
    "history": ("record_history",),
    "span_adjudication": ("MERGES", "SpanVersions", "decide_spans", "span_disputes",
                          "span_versions"),
    "span_suggestions": ("SOURCES", "PreannotateResult", "StoredLLMSuggester",
                         "StoredModelSuggester", "preannotate", "span_suggesters",
                         "suggest_spans"),
    "span_answers": ("MAX_SPANS", "PageView", "describe_answer", "is_span_project",
                     "parse_posted", "spans_from_page"),
    "teach": ("TeachItem", "decide_suggestion", "next_teach", "undo_teach"),
})
