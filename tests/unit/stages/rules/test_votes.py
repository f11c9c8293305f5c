"""The rules' votes over the store: every record once, in id order, whatever the batch size."""

from __future__ import annotations

import pytest

from tests.unit.stages.rules.rule_fixtures import HAM_WORDS, SPAM_WORDS, import_texts, with_rules
from textloop.config import load_spec
from textloop.errors import ConfigError
from textloop.stages.rules import votes as votes_module
from textloop.stages.rules.votes import project_rules, rule_votes


def test_one_row_per_record_in_id_order(project, store, tmp_path) -> None:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    ids = import_texts(store, project, tmp_path)
    found = rule_votes(store, project)
    assert found.record_ids == sorted(ids.values())
    assert found.rules.names == ["spam_words", "ham_words"]
    by_text = {text: found.votes[found.record_ids.index(rid)].tolist()
               for text, rid in ids.items()}
    assert by_text == {"win a free prize now": [0, -1], "free entry txt": [0, -1],
                       "see you at home": [-1, 1], "ok see you later": [-1, 1],
                       "free at home tonight": [0, 1], "nothing here": [-1, -1]}


def test_batches_do_not_change_the_matrix(project, store, tmp_path, monkeypatch) -> None:
    with_rules(project, SPAM_WORDS, HAM_WORDS)
    import_texts(store, project, tmp_path)
    whole = rule_votes(store, project)
    monkeypatch.setattr(votes_module, "BATCH", 4)  # 6 records: a batch of 4 and one of 2
    batched = rule_votes(store, project)
    assert batched.record_ids == whole.record_ids
    assert batched.votes.tolist() == whole.votes.tolist()


def test_an_empty_store_gives_an_empty_matrix(project, store) -> None:
    with_rules(project, SPAM_WORDS)
    found = rule_votes(store, project)
    assert found.record_ids == [] and found.votes.shape == (0, 1)


def test_no_rules_is_a_config_error_with_an_example(project) -> None:
    with pytest.raises(ConfigError, match="declares no weak labeling rules") as found:
        project_rules(project)
    assert "rules:" in found.value.hint and "keywords:" in found.value.hint
    assert "regex:" in found.value.hint and "function:" in found.value.hint


def spec_with(project, block: str) -> None:
    project.spec_path.write_text(project.spec_path.read_text() + block)


def test_a_bad_regex_in_textloop_yaml_names_the_rule_and_its_key(project) -> None:
    spec_with(project, "rules:\n  - name: money\n    label: spam\n    regex: '(free'\n")
    with pytest.raises(ConfigError) as found:
        load_spec(project.spec_path)
    message = str(found.value)
    assert "rules.0" in message and "rule 'money': invalid regex" in message
    assert "missing ), unterminated subpattern" in message  # what to fix, from `re`
    assert "textloop.yaml" in found.value.hint


def test_an_unknown_label_in_textloop_yaml_names_the_rule(project) -> None:
    spec_with(project, "rules:\n  - name: ok_rule\n    label: ham\n    keywords: [hi]\n"
                       "  - name: odd\n    label: eggs\n    keywords: [x]\n")
    with pytest.raises(ConfigError) as found:
        load_spec(project.spec_path)
    message = str(found.value)
    assert "unknown label in rules.1.label ('odd' votes 'eggs')" in message
    assert "use one of spam, ham" in message


def test_the_example_in_the_hint_is_valid_yaml_for_the_spec(project) -> None:
    (project.root / "my_rules.py").write_text("def my_rule(text):\n    return None\n")
    spec_with(project, votes_module.EXAMPLE_RULES + "\n")
    spec = load_spec(project.spec_path)
    assert [r.name for r in spec.rules] == ["prize_words", "short_url", "my_rule"]
    assert spec.rules[1].regex == r"https?://\S+"
