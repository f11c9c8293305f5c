"""Hugging Face token-classification data: ``tokens`` and ``ner_tags`` per sentence.

From a ``datasets`` folder (``Dataset.save_to_disk``), where ``ner_tags`` is a sequence of
``ClassLabel`` whose names are the tags, or from plain JSONL lines
``{"tokens": [...], "ner_tags": [...]}`` whose tags are names, or integers into a label list.
Tokens are joined into text by ``join`` like CoNLL's (see ``tokens``). The ``datasets``
package is needed only for the folder form: ``pip install "textloop[hf]"``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from textloop.errors import InvalidInputError, MissingExtraError
from textloop.spans.records import (
    Item,
    Record,
    RecordError,
    Sentence,
    attempt,
    input_error,
    json_lines_items,
    read_text,
    records_from_tokens,
    strict_reader,
    tagged_sentences,
    write_atomically,
)
from textloop.spans.schemes import scheme_name
from textloop.spans.tokens import Alignment, Offsets


def datasets_module() -> Any:
    try:
        import datasets
    except ImportError:
        raise MissingExtraError("datasets", "hf",
                                "reading or writing a Hugging Face dataset folder") from None
    return datasets


def hf_items(path: str | Path, *, split: str | None = None, join: str = "space",
             scheme: str | None = None, strict: bool = True, tokens_field: str = "tokens",
             tags_field: str = "ner_tags", labels: Sequence[str] | None = None
             ) -> Iterator[Item]:
    """The records of a ``datasets`` folder (one split of a ``DatasetDict``), with a
    ``RecordError`` in the place of a row whose tags break the scheme; meta ``line`` is the
    1-based row.

    Integer tags index the ``ClassLabel`` names of the ``ner_tags`` feature, or ``labels``
    where the feature has none (a plain integer sequence); ``labels`` that disagree with
    the ClassLabel names are an error.
    """
    datasets = datasets_module()
    try:
        loaded = datasets.load_from_disk(str(path))
    except FileNotFoundError as exc:
        raise input_error(path, None, f"is not a saved dataset ({exc})",
                          "give the folder written by save_to_disk") from None
    if isinstance(loaded, datasets.DatasetDict):
        if split is None and len(loaded) == 1:
            split = next(iter(loaded))
        if split not in loaded:
            raise input_error(path, None, f"has splits {', '.join(loaded)}; split {split!r} "
                              "is not one", "pass split= one of them")
        loaded = loaded[split]
    for field in (tokens_field, tags_field):
        if field not in loaded.column_names:
            raise input_error(path, None, f"has no column {field!r} (columns: "
                              f"{', '.join(loaded.column_names)})",
                              "pass tokens_field= and tags_field= to name them")
    feature = loaded.features[tags_field]
    inner = getattr(feature, "feature", None)
    if inner is None and isinstance(feature, list) and feature:
        inner = feature[0]
    names = getattr(inner, "names", None)
    if names is not None and labels is not None and list(labels) != list(names):
        raise input_error(path, None, f"the tag names given ({', '.join(labels)}) are not "
                          f"the dataset's ClassLabel names ({', '.join(names)})",
                          "leave the tag names out: the dataset names its tags")
    names = names if names is not None else labels
    rows = loaded.select_columns([tokens_field, tags_field]).to_dict()

    def sentence(row: int, tokens: Sequence[str], tags: Sequence[Any]) -> Sentence:
        return Sentence(row, list(tokens), _tag_names(path, row, tags, names, f"row {row}"), {})

    sentences = [attempt(sentence, row, tokens, tags) for row, (tokens, tags) in enumerate(
        zip(rows[tokens_field], rows[tags_field], strict=True), 1)]
    return records_from_tokens(path, sentences, scheme=scheme, strict=strict, join=join,
                               unit="row")


read_hf = strict_reader(hf_items)
"""The records of a ``datasets`` folder (see ``hf_items``); raises at the first bad row."""


def _tag_names(path: str | Path, line: int, tags: Sequence[Any], names: Sequence[str] | None,
               place: str | None = None) -> list[str]:
    """Tags as names, looking integers up in ``names``; a record error (at ``line``, or at
    ``place`` such as ``row 3``) for an integer without names or outside them."""
    result = []
    for tag in tags:
        if isinstance(tag, str):
            result.append(tag)
        elif isinstance(tag, int) and not isinstance(tag, bool) and names is not None \
                and 0 <= tag < len(names):
            result.append(names[tag])
        elif isinstance(tag, int) and not isinstance(tag, bool) and names is not None:
            raise RecordError(path, line, f"tag {tag} is outside the {len(names)} tag names "
                              f"(0-{len(names) - 1}: {', '.join(names)})",
                              "correct the tag, or give the full list of tag names the "
                              "integers index (--tag-names)", place)
        elif isinstance(tag, int) and not isinstance(tag, bool):
            raise RecordError(path, line, f"tag {tag} is an integer, but no tag names were "
                              "given for the integers to index",
                              "give the tag names (--tag-names B-PER,I-PER,... or a file with "
                              'one per line, as the dataset\'s features["ner_tags"].feature'
                              ".names lists them)", place)
        else:
            raise RecordError(path, line, f"tag {tag!r} is neither a tag name nor an integer",
                              "write tags as names (B-PER) or integers into the tag names",
                              place)
    return result


def tag_names(value: str | Sequence[str]) -> list[str]:
    """The tag names integer ``ner_tags`` index, in order, as a dataset's
    ``features["ner_tags"].feature.names`` lists them: a list, names separated by commas
    (``O,B-PER,I-PER``), a JSON list (``["O", "B-PER"]``), or the path of a file holding a
    JSON list or one name per line.

    Refused when empty or when a name repeats: index ``i`` must mean one tag.
    """
    hint = ("give the names separated by commas (O,B-PER,I-PER), as a JSON list, or as a "
            "file with one name per line or a JSON list")
    if isinstance(value, str):
        source, text = "--tag-names", value
        if "," not in value and not value.lstrip().startswith("["):
            path = Path(value)
            if not path.is_file():
                raise InvalidInputError(f"--tag-names: no file {value!r}", hint=hint)
            source, text = str(path), read_text(path)
        if text.lstrip().startswith("["):
            try:
                names = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InvalidInputError(f"{source}: the tag names are not JSON ({exc.msg}, "
                                        f"line {exc.lineno})", hint=hint) from None
        else:
            separator = "," if source == "--tag-names" else "\n"
            names = [name.strip() for name in text.split(separator) if name.strip()]
    else:
        source, names = "the tag names", list(value)
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise InvalidInputError(f"{source}: tag names must be strings in a list, got "
                                f"{names!r}"[:300], hint=hint)
    if not names:
        raise InvalidInputError(f"{source}: no tag names", hint=hint)
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise InvalidInputError(f"{source}: {name!r} is listed twice; each integer must "
                                    "index one tag", hint="list each tag name once, in the "
                                    "order the integers index them")
        seen.add(name)
    return names


def write_hf(records: Iterable[Record], path: str | Path, *, scheme: str = "IOB2",
             labels: Sequence[str] | None = None,
             tokenizer: Callable[[str], Offsets] | None = None) -> Alignment:
    """Save records as a ``datasets`` folder with ``tokens`` and ClassLabel ``ner_tags``.

    ``labels`` fixes the tag names' order (default: ``O`` then the rest sorted).
    """
    datasets = datasets_module()
    alignment = Alignment()
    rows = list(tagged_sentences(path, records, scheme_name(scheme), tokenizer, alignment))
    names = _names(path, rows, labels)
    index = {name: i for i, name in enumerate(names)}
    features = datasets.Features({
        "tokens": datasets.Sequence(datasets.Value("string")),
        "ner_tags": datasets.Sequence(datasets.ClassLabel(names=names))})
    dataset = datasets.Dataset.from_dict(
        {"tokens": [tokens for tokens, _ in rows],
         "ner_tags": [[index[t] for t in tags] for _, tags in rows]}, features=features)
    dataset.save_to_disk(str(path))
    return alignment


def _names(path: str | Path, rows: Sequence[tuple[list[str], list[str]]],
           labels: Sequence[str] | None) -> list[str]:
    used = {tag for _, tags in rows for tag in tags}
    if labels is None:
        return ["O", *sorted(used - {"O"})]
    missing = used - set(labels)
    if missing:
        raise input_error(path, None, f"the tags {', '.join(sorted(missing))} are not in "
                          "the label list", "add them to labels=, or leave labels= out")
    return list(labels)


def token_jsonl_items(path: str | Path, *, labels: Sequence[str] | None = None,
                      join: str = "space", scheme: str | None = None, strict: bool = True
                      ) -> Iterator[Item]:
    """The records of ``{"tokens", "ner_tags"}`` JSONL, with a ``RecordError`` in the
    place of a line that is not such an object or whose tags break the scheme; integer
    tags index ``labels`` (a dataset's ``features["ner_tags"].feature.names``)."""
    def sentence(number: int, value: dict[str, Any]) -> Sentence:
        tokens, tags = value.get("tokens"), value.get("ner_tags")
        if (not isinstance(tokens, list) or not isinstance(tags, list)
                or len(tokens) != len(tags) or not tokens
                or not all(isinstance(t, str) for t in tokens)):
            raise RecordError(path, number, '"tokens" and "ner_tags" must be lists of the '
                              "same non-zero length, tokens strings", "give one tag per token")
        return Sentence(number, tokens, _tag_names(path, number, tags, labels), {})

    return records_from_tokens(path, list(json_lines_items(path, sentence)), scheme=scheme,
                               strict=strict, join=join, unit="line")


read_token_jsonl = strict_reader(token_jsonl_items)
"""The records of ``{"tokens", "ner_tags"}`` JSONL (see ``token_jsonl_items``); raises at
the first malformed line."""


def write_token_jsonl(records: Iterable[Record], path: str | Path, *, scheme: str = "IOB2",
                      labels: Sequence[str] | None = None,
                      tokenizer: Callable[[str], Offsets] | None = None
                      ) -> tuple[list[str], Alignment]:
    """Write ``{"tokens", "ner_tags"}`` JSONL with integer tags; returns the label list
    they index (pass it to ``read_token_jsonl``) and what did not align to tokens."""
    alignment = Alignment()
    rows = list(tagged_sentences(path, records, scheme_name(scheme), tokenizer, alignment))
    names = _names(path, rows, labels)
    index = {name: i for i, name in enumerate(names)}
    write_atomically(path, (json.dumps({"tokens": tokens,
                                        "ner_tags": [index[t] for t in tags]},
                                       ensure_ascii=False) + "\n" for tokens, tags in rows))
    return names, alignment
