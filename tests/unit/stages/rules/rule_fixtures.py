"""Projects with rules and a few records, for the rules tests."""

from __future__ import annotations

from pathlib import Path

from textloop.config import Project, Rule
from textloop.stages.ingest import ImportOptions, import_file
from textloop.storage import Store, records

TEXTS = ["win a free prize now", "free entry txt", "see you at home", "ok see you later",
         "free at home tonight", "nothing here"]
SPAM_WORDS = Rule(name="spam_words", label="spam", keywords=["free", "win", "prize", "txt"])
HAM_WORDS = Rule(name="ham_words", label="ham", keywords=["home", "ok", "later"])


def with_rules(project: Project, *rules: Rule) -> Project:
    """The project with these rules, written to textloop.yaml as a user would."""
    project.spec.rules = list(rules)
    project.save()
    return project


def import_texts(store: Store, project: Project, tmp_path: Path, texts: list[str] = TEXTS,
                 labels: list[str] | None = None) -> dict[str, str]:
    """Import ``texts`` (with ``labels`` as import labels when given); text -> record id."""
    data = tmp_path / "texts.csv"
    if labels is None:
        data.write_text("text\n" + "".join(f"{t}\n" for t in texts))
        import_file(store, project, data, ImportOptions(label_col=""))
    else:
        data.write_text("text,label\n" + "".join(f"{t},{lab}\n" for t, lab in zip(
            texts, labels, strict=True)))
        import_file(store, project, data, ImportOptions())
    with store.read() as conn:
        return {r.text: r.id for r in records.iter_all(conn)}
