"""The current relational schema (SQLAlchemy Core), portable across SQLite and PostgreSQL.

Times are UNIX epoch seconds (float) and JSON is stored as text, so the same statements run
on both dialects without type adapters. Record ids derive from the content hash, so the same
text gets the same id in every store: rows can be linked across machines and releases.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

schema_migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", Float, nullable=False),
)

imports = Table(
    "imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),
    Column("source_kind", String(32), nullable=False),
    Column("file_sha256", String(64)),
    Column("options", Text, nullable=False, server_default="{}"),
    Column("started_at", Float, nullable=False),
    Column("finished_at", Float),
    Column("rows_read", Integer, nullable=False, server_default="0"),
    Column("records_new", Integer, nullable=False, server_default="0"),
    Column("annotations_new", Integer, nullable=False, server_default="0"),
    Column("rows_skipped", Integer, nullable=False, server_default="0"),
    Column("report_path", Text),
)

records = Table(
    "records",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("external_id", Text, unique=True),
    Column("meta", Text, nullable=False, server_default="{}"),
    Column("source_kind", String(32), nullable=False),
    Column("source_ref", Text),
    Column("source_line", Integer),
    Column("import_id", Integer, ForeignKey("imports.id")),
    Column("created_at", Float, nullable=False),
    # the split pinned at import (``--split``/``--split-col``) and the import that pinned it
    Column("split", String(16)),
    Column("split_import_id", Integer, ForeignKey("imports.id")),
)

annotations_table = Table(
    "annotations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("label", Text, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("annotator", String(200), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("import_id", Integer, ForeignKey("imports.id")),
    Column("comment", Text),
    Column("meta", Text),
    Column("retracted_at", Float),  # undo: the row stays, resolution ignores it
    Index("ix_annotations_record", "record_id"),
    Index("ix_annotations_annotator", "annotator", "created_at"),
    # An imported label is a fact about a record: importing it again adds nothing.
    Index(
        "uq_annotations_import",
        "record_id",
        "label",
        unique=True,
        sqlite_where=text("kind = 'import'"),
        postgresql_where=text("kind = 'import'"),
    ),
)

embeddings = Table(
    "embeddings",
    metadata,
    Column("model_id", String(200), primary_key=True),
    Column("content_hash", String(64), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)

releases = Table(
    "releases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("parent_id", String(32)),
    Column("created_at", Float, nullable=False),
    Column("path", Text, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("config", Text, nullable=False),
    Column("stats", Text, nullable=False),
)

release_rows = Table(
    "release_rows",
    metadata,
    Column("release_id", String(32), ForeignKey("releases.id"), primary_key=True),
    Column("record_id", String(32), ForeignKey("records.id"), primary_key=True),
    Column("split", String(16), nullable=False),
    Column("label", Text, nullable=False),
    Index("ix_release_rows_record", "record_id"),
)

runs = Table(
    "runs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("release_id", String(32), ForeignKey("releases.id")),
    Column("model", String(200), nullable=False),
    # running, finished, failed or "failed (interrupted)" (v12; before: RUNNING, FINISHED, FAILED)
    Column("status", String(32), nullable=False),
    Column("start_time", Float, nullable=False),
    Column("end_time", Float),
    Column("bundle_path", Text),
    Column("bundle_sha256", String(64)),
    Column("config", Text, nullable=False, server_default="{}"),
    # The process that runs it (v12): a later command marks a run whose process is gone
    # "failed (interrupted)" instead of leaving it running forever.
    Column("owner_pid", Integer),
    Column("owner_host", String(255)),
    Column("owner_started", Float),
)

run_params = Table(
    "run_params",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.id"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
)

run_metrics = Table(
    "run_metrics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", String(32), ForeignKey("runs.id"), nullable=False),
    Column("key", String(250), nullable=False),
    Column("value", Float, nullable=False),
    Column("step", Integer, nullable=False, server_default="0"),
    Column("timestamp", Float, nullable=False),
    Index("ix_run_metrics_run_key", "run_id", "key"),
)

annotators = Table(
    "annotators",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("secret_hash", Text, nullable=False),
    Column("role", String(16), nullable=False, server_default="annotator"),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
    # bumped by reset, revoke and sign-out: a session cookie names the generation it was
    # issued under, so every older session of the account ends at once (migration v10)
    Column("session_generation", Integer, nullable=False, server_default="0"),
)

# The labeling queue: records chosen for labeling, each routed to ``overlap`` annotators.
# ``status`` is open (takes more annotators), full (enough annotators hold it), done (all
# answered) or removed (withdrawn by a refresh). Assignments are made lazily, when an
# annotator asks for work, so someone who never shows up blocks nothing.
queue_items = Table(
    "queue_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("priority", Float, nullable=False),
    Column("strategy", String(200), nullable=False),
    Column("batch_id", String(64), nullable=False),
    Column("overlap", Integer, nullable=False),
    Column("n_assigned", Integer, nullable=False, server_default="0"),
    Column("n_answered", Integer, nullable=False, server_default="0"),
    Column("suggestion", Text),
    Column("confidence", Float),
    Column("created_at", Float, nullable=False),
    Index("ix_queue_items_status_priority", "status", "priority", "id"),
    Index("ix_queue_items_record", "record_id"),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("queue_id", Integer, ForeignKey("queue_items.id"), nullable=False),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("annotator", String(100), nullable=False),
    Column("status", String(16), nullable=False),
    Column("assigned_at", Float, nullable=False),
    Column("answered_at", Float),
    UniqueConstraint("queue_id", "annotator", name="uq_assignments_queue_annotator"),
    Index("ix_assignments_annotator_status", "annotator", "status"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("annotator", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Index("ix_comments_record", "record_id"),
)

# One row per model refresh during labeling: the learning curve so far and the stability
# of predictions, from which the labels still needed and the stopping signal are derived.
al_rounds = Table(
    "al_rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", Float, nullable=False),
    Column("n_labels", Integer, nullable=False),
    Column("score", Float),
    Column("stability", Float),
    Column("model", String(200), nullable=False),
    Column("details", Text, nullable=False, server_default="{}"),
)

# ``textloop clean``: one row per run (its config and summary, where its report lies) and one
# row per finding, so a review queue can list what a run flagged and record what a person
# decided (``status``: open until reviewed; the decision itself is stored as an annotation).
cleanings = Table(
    "cleanings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("config", Text, nullable=False, server_default="{}"),
    Column("summary", Text, nullable=False, server_default="{}"),
    Column("report_path", Text),
)

findings = Table(
    "findings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cleaning_id", String(32), ForeignKey("cleanings.id"), nullable=False),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("score", Float),
    Column("details", Text, nullable=False, server_default="{}"),
    Column("status", String(16), nullable=False, server_default="open"),
    Index("ix_findings_cleaning_kind", "cleaning_id", "kind"),
    Index("ix_findings_record", "record_id"),
)

# Review of findings (v4). Every decision on a finding is a row here: who decided what, when,
# on which finding of which run, and what it wrote (a ``review`` annotation for a label, rows
# in ``exclusions`` for records taken out of releases, the findings it closed). Undoing a
# decision stamps ``undone_at``; nothing is deleted, so the history stays readable.
review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("finding_id", Integer, ForeignKey("findings.id"), nullable=False),
    Column("cleaning_id", String(32), ForeignKey("cleanings.id"), nullable=False),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("action", String(16), nullable=False),
    Column("reviewer", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("label", Text),
    Column("annotation_id", Integer, ForeignKey("annotations.id")),
    Column("details", Text, nullable=False, server_default="{}"),
    Column("undone_at", Float),
    Column("undone_by", String(100)),
    Index("ix_review_decisions_finding", "finding_id"),
    Index("ix_review_decisions_reviewer", "reviewer", "created_at"),
)

# Records taken out of releases (and out of training and cleaning inputs). A row stands until
# ``restored_at`` is set, so an exclusion is reversible and its history is kept. ``reason`` is
# ``excluded`` or ``duplicate`` (then ``duplicate_of`` names the record kept in its place).
exclusions = Table(
    "exclusions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("reason", String(16), nullable=False),
    Column("duplicate_of", String(32), ForeignKey("records.id")),
    Column("decision_id", Integer, ForeignKey("review_decisions.id")),
    Column("excluded_by", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("restored_at", Float),
    Column("restored_by", String(100)),
    Index("ix_exclusions_record", "record_id"),
    Index("ix_exclusions_decision", "decision_id"),
)

# The model registry (v5). A version is a registered run frozen with the test metrics it was
# judged on; it reaches its release (and so its row ids) through ``release_id``. ``model_aliases``
# holds where each alias points now; ``model_alias_history`` keeps every move (who, when, from,
# to, why, and the promotion rules' outcome), so a rollback can find the previous champion and an
# override stays on record.
model_versions = Table(
    "model_versions",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("run_id", String(32), ForeignKey("runs.id"), nullable=False, unique=True),
    Column("run_name", String(200), nullable=False),
    Column("release_id", String(32), ForeignKey("releases.id")),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("metrics", Text, nullable=False, server_default="{}"),
    Column("card_path", Text),
)

model_aliases = Table(
    "model_aliases",
    metadata,
    Column("alias", String(64), primary_key=True),
    Column("version", Integer, ForeignKey("model_versions.version"), nullable=False),
    Column("updated_at", Float, nullable=False),
    Column("updated_by", String(100), nullable=False),
)

model_alias_history = Table(
    "model_alias_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alias", String(64), nullable=False),
    Column("action", String(16), nullable=False),
    Column("from_version", Integer, ForeignKey("model_versions.version")),
    Column("to_version", Integer, ForeignKey("model_versions.version")),
    Column("actor", String(100), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("forced", Integer, nullable=False, server_default="0"),
    Column("reason", Text),
    Column("details", Text, nullable=False, server_default="{}"),
    Index("ix_model_alias_history_alias", "alias", "id"),
)

# The inference server (v6). ``api_keys`` holds each key's scrypt hash under a public key id
# (the part of the key before the secret), its rate limit, and ``revoked_at`` once revoked.
# ``predictions`` is the prediction log, one row per text of a request (``idx`` its position);
# ``text`` and ``text_hash`` are filled as ``serving.log_texts`` allows. ``prediction_feedback``
# holds the true labels sent for logged predictions, linked to the record and annotation they
# became when the text is known.
api_keys = Table(
    "api_keys",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("key_id", String(32), nullable=False, unique=True),
    Column("secret_hash", Text, nullable=False),
    Column("rate", String(32)),
    Column("created_at", Float, nullable=False),
    Column("revoked_at", Float),
    # what the key may call, space-separated; keys made before scopes existed keep both
    Column("scopes", String(64), nullable=False, server_default="classify feedback"),
)

predictions = Table(
    "predictions",
    metadata,
    Column("request_id", String(32), primary_key=True),
    Column("idx", Integer, primary_key=True, autoincrement=False),
    Column("created_at", Float, nullable=False),
    Column("model_version", Integer),
    Column("run_name", String(200), nullable=False),
    Column("api_key", String(100)),
    Column("text", Text),
    Column("text_hash", String(64)),
    Column("label", Text),
    Column("probabilities", Text, nullable=False, server_default="{}"),
    Column("score", Float),
    Column("band", String(64)),
    Column("value", Float),
    Column("latency_ms", Float, nullable=False),
    # a span model's spans, JSON [{start, end, label, score}] in code points (v16); NULL for
    # a classifier's row
    Column("spans", Text),
    Index("ix_predictions_created", "created_at"),
)

prediction_feedback = Table(
    "prediction_feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("request_id", String(32), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("label", Text, nullable=False),
    Column("created_at", Float, nullable=False),
    Column("api_key", String(100)),
    Column("record_id", String(32), ForeignKey("records.id")),
    Column("annotation_id", Integer, ForeignKey("annotations.id")),
    Index("ix_prediction_feedback_request", "request_id", "idx"),
)

# Monitoring (v7). One row per ``textloop monitor`` run: which model version and release it
# judged, the window of the prediction log it read, and its overall status. ``monitor_checks``
# holds every check of a run (overall and per slice: score, threshold, p-value, status), so a
# page can plot each check over time; ``monitor_alert_rows`` links a flagged check to the
# logged predictions that drove it and their nearest training records.
monitor_reports = Table(
    "monitor_reports",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("model_version", Integer, ForeignKey("model_versions.version")),
    Column("run_name", String(200), nullable=False),
    Column("release_id", String(32), ForeignKey("releases.id")),
    Column("window_start", Float),
    Column("window_end", Float),
    Column("n_rows", Integer, nullable=False),
    Column("status", String(32), nullable=False),
    Column("config", Text, nullable=False, server_default="{}"),
    Column("summary", Text, nullable=False, server_default="{}"),
    Column("report_path", Text),
)

monitor_checks = Table(
    "monitor_checks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("report_id", String(32), ForeignKey("monitor_reports.id"), nullable=False),
    Column("slice", String(300), nullable=False),
    Column("name", String(64), nullable=False),
    Column("detector", String(200)),
    Column("status", String(32), nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("score", Float),
    Column("threshold", Float),
    Column("p_value", Float),
    Column("fixed_threshold", Float),
    Column("fixed_drift", Integer),
    Column("details", Text, nullable=False, server_default="{}"),
    Index("ix_monitor_checks_report", "report_id"),
    Index("ix_monitor_checks_name", "name", "slice"),
)

monitor_alert_rows = Table(
    "monitor_alert_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("check_id", Integer, ForeignKey("monitor_checks.id"), nullable=False),
    Column("report_id", String(32), ForeignKey("monitor_reports.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("request_id", String(32), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("neighbours", Text, nullable=False, server_default="[]"),
    Index("ix_monitor_alert_rows_check", "check_id"),
    Index("ix_monitor_alert_rows_prediction", "request_id", "idx"),
)

# Synthetic data (v8). A batch is one ``textloop synth`` run: its settings, the classes it
# targeted and why, the counts per class, the evaluation against real data and the decision
# (``pending``, ``accepted`` into the next release, or ``held_back`` with the reason), who took
# it and when. Every candidate is kept as an item, rejected ones too, with how it was made
# (generator, model, template, seed records, sampling parameters), the gate's verdict and
# scores, a person's decision on it if any, and the record and annotation it became once its
# batch was accepted.
synth_batches = Table(
    "synth_batches",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", Integer, nullable=False, unique=True),
    Column("created_at", Float, nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("generator", String(200), nullable=False),
    Column("release_id", String(32), ForeignKey("releases.id")),
    Column("config", Text, nullable=False, server_default="{}"),
    Column("targets", Text, nullable=False, server_default="[]"),
    Column("counts", Text, nullable=False, server_default="{}"),
    Column("evaluation", Text),
    Column("decision", String(16), nullable=False, server_default="pending"),
    Column("reason", Text),
    Column("decided_by", String(100)),
    Column("decided_at", Float),
)

synth_items = Table(
    "synth_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("batch_id", String(32), ForeignKey("synth_batches.id"), nullable=False),
    Column("n", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("generator", String(200), nullable=False),
    Column("model", String(200)),
    Column("template", String(200)),
    Column("seed_ids", Text, nullable=False, server_default="[]"),
    Column("params", Text, nullable=False, server_default="{}"),
    Column("status", String(16), nullable=False),
    Column("reason", String(64)),
    Column("detail", Text),
    Column("scores", Text, nullable=False, server_default="{}"),
    Column("decision", String(16)),
    Column("decided_by", String(100)),
    Column("decided_at", Float),
    Column("record_id", String(32), ForeignKey("records.id")),
    Column("annotation_id", Integer, ForeignKey("annotations.id")),
    UniqueConstraint("batch_id", "n", name="uq_synth_items_batch_n"),
    Index("ix_synth_items_record", "record_id"),
)

# LLM span suggestions (v13), asked ahead of labeling by ``textloop preannotate`` so the
# labeling page only reads them. One row per text (content hash), model and prompt template
# version: re-running asks only about texts without a row. ``spans``: the usable suggestions
# (start, end, label and the text they cover, in code points); ``dropped``: what the answer
# held that could not be used, by reason; ``examples``: the records shown in the prompt.
llm_span_suggestions = Table(
    "llm_span_suggestions",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("model", String(200), primary_key=True),
    Column("prompt", String(100), primary_key=True),
    Column("spans", Text, nullable=False, server_default="[]"),
    Column("dropped", Text, nullable=False, server_default="{}"),
    Column("examples", Text, nullable=False, server_default="[]"),
    Column("created_at", Float, nullable=False),
)

# Span suggestions from a span model (v15), predicted ahead of labeling by ``textloop
# preannotate --source model`` so the labeling page only reads them. One row per text
# (content hash) and run: re-running predicts only texts without a row for that run, and a
# new run predicts again. ``spans``: start, end, label, the text they cover (code points)
# and the model's score.
model_span_suggestions = Table(
    "model_span_suggestions",
    metadata,
    Column("content_hash", String(64), primary_key=True),
    Column("run_id", String(32), ForeignKey("runs.id"), primary_key=True),
    Column("spans", Text, nullable=False, server_default="[]"),
    Column("created_at", Float, nullable=False),
    Index("ix_model_span_suggestions_created", "content_hash", "created_at"),
)

# Teach mode on the span labeling page: an annotator's accept or reject of one suggested span
# on one record, stored at once; undo stamps ``undone_at``. Accepted spans start the record's
# answer in the editor, rejected ones are not suggested to that annotator again.
span_verdicts = Table(
    "span_verdicts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("record_id", String(32), ForeignKey("records.id"), nullable=False),
    Column("annotator", String(100), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("label", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Column("verdict", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("undone_at", Float),
    Index("ix_span_verdicts_annotator_record", "annotator", "record_id"),
)
