"""Tag schemes for token-level span files: IOB1, IOB2 (BIO), IOBES (BIOES) and BILOU (BILUO).

A tag is ``O`` or a one-letter prefix, ``-`` and a label (``B-PER``; the label may itself
contain ``-``, as WNUT-17's ``B-creative-work`` does). Token spans are ``Span(start, end,
label)`` counting tokens, end exclusive, so ``tags_to_spans(["B-PER", "I-PER", "O"])`` gives
``[Span(0, 2, "PER")]`` and the token formats map them to characters in ``tokens``.

Strict reading follows seqeval's strict mode (``seqeval/scheme.py``: the ``IOB1``, ``IOB2``,
``IOBES`` and ``BILOU`` token classes with their start/inside/end patterns, walked by
``Tokens.entities``), with one difference made on purpose: where seqeval silently drops a
chunk that breaks the scheme (an ``I-PER`` after ``B-ORG`` in IOB2, an ``E-`` without its
``B-``), we raise ``TagError`` naming the position and the fix, because a file that breaks
its own scheme is a mistake to correct, not data to lose. For every sequence that is valid
under the scheme, the spans are exactly seqeval's strict entities.

Lenient reading (``strict=False``) is conlleval's and seqeval's default ``get_entities``
(``seqeval/metrics/sequence_labeling.py``: ``start_of_chunk``/``end_of_chunk``): an ``I-``
after ``O`` or after another type starts an entity, an ``E-`` without its ``B-`` is one, so
real-world files that bend IOB2 still read. ``L``/``U`` read as ``E``/``S`` there.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textloop.spans.core import Span, SpanError

SCHEMES = ("IOB1", "IOB2", "IOBES", "BILOU")
"""The canonical scheme names; ``ALIASES`` maps the other common spellings to them."""

ALIASES = {"IOB1": "IOB1", "IOB2": "IOB2", "BIO": "IOB2", "IOBES": "IOBES", "BIOES": "IOBES",
           "BILOU": "BILOU", "BILUO": "BILOU"}

_PREFIXES = {"IOB1": "IOB", "IOB2": "IOB", "IOBES": "IOBES", "BILOU": "BILOU"}
# Per scheme: the prefix that begins a multi-token entity, continues it, ends it, and
# stands alone. IOB1 and IOB2 have no end or single prefix: an entity ends where the next
# tag does not continue it.
_BEGIN, _INSIDE = "B", "I"
_END = {"IOBES": "E", "BILOU": "L"}
_SINGLE = {"IOBES": "S", "BILOU": "U"}


class TagError(SpanError):
    """A tag sequence that breaks its scheme; ``position`` is the 0-based token index and
    ``sentence`` the 0-based sentence, where several were read."""

    def __init__(self, message: str, fix: str, position: int, sentence: int = 0) -> None:
        super().__init__(message, fix)
        self.position = position
        self.sentence = sentence


@dataclass(frozen=True)
class Detection:
    """Which scheme a file's tags use and why, so a reader can say what it assumed."""

    scheme: str
    reason: str


def scheme_name(name: str) -> str:
    """The canonical name of a scheme given in any common spelling (``bio`` -> ``IOB2``)."""
    canonical = ALIASES.get(name.upper().replace("-", "").replace("_", ""))
    if canonical is None:
        raise SpanError(f"unknown tag scheme {name!r}",
                        fix=f"use one of {', '.join(sorted(ALIASES))}")
    return canonical


def split_tag(tag: str) -> tuple[str, str]:
    """``(prefix, label)`` of a tag: ``("O", "")`` for outside, ``("B", "PER")`` for ``B-PER``."""
    if tag == "O":
        return "O", ""
    if len(tag) < 3 or tag[1] != "-" or tag[0] not in "BIOESLU":
        raise SpanError(f"tag {tag!r} is not O nor PREFIX-LABEL",
                        fix="write tags as O, B-LABEL, I-LABEL (E-, S-, L-, U- in IOBES/BILOU)")
    return tag[0], tag[2:]


def detect_scheme(sequences: Iterable[Sequence[str]], *, skip_malformed: bool = False
                  ) -> Detection:
    """The scheme that the tags of several sentences use, and why.

    ``E-``/``S-`` mean IOBES and ``L-``/``U-`` mean BILOU. Among B/I/O files, an ``I-`` that
    starts an entity (after ``O``, at the start or after another type) happens only in IOB1,
    and a ``B-`` that starts one after ``O`` only in IOB2; a file with neither cannot tell
    them apart and is read as IOB2, which then is what it means.

    A tag that is not ``O`` nor ``PREFIX-LABEL`` raises ``TagError``, unless
    ``skip_malformed``: then its sentence is left out of the detection (a reader reports it
    as a bad record when it reads that sentence), so one bad sentence does not decide, nor
    stop, the reading of the others.
    """
    prefixes: set[str] = set()
    i_start: tuple[int, int] | None = None
    b_start: tuple[int, int] | None = None
    for sentence, tags in enumerate(sequences):
        if tags.count("O") == len(tags):
            continue
        seen: set[str] = set()
        i_here: tuple[int, int] | None = None
        b_here: tuple[int, int] | None = None
        prev_prefix, prev_label = "O", ""
        for position, tag in enumerate(tags):
            if tag == "O":
                prev_prefix = "O"
                continue
            try:
                prefix, label = split_tag(tag)
            except SpanError as exc:
                if skip_malformed:
                    break
                raise TagError(f"token {position + 1}: {exc}", exc.fix, position,
                               sentence) from None
            seen.add(prefix)
            continues = prev_prefix in "BI" and prev_label == label
            if prefix == "I" and not continues and i_here is None:
                i_here = (sentence + 1, position + 1)
            if prefix == "B" and not continues and b_here is None:
                b_here = (sentence + 1, position + 1)
            prev_prefix, prev_label = prefix, label
        else:  # the whole sentence was well-formed: it counts
            prefixes |= seen
            i_start = i_start or i_here
            b_start = b_start or b_here
    has_es, has_lu = bool(prefixes & {"E", "S"}), bool(prefixes & {"L", "U"})
    if has_es and has_lu:
        raise SpanError("the tags mix IOBES (E-, S-) and BILOU (L-, U-) prefixes",
                        fix="convert the file to one scheme, or pass the scheme explicitly")
    if has_es:
        return Detection("IOBES", "E-/S- tags are present")
    if has_lu:
        return Detection("BILOU", "L-/U- tags are present")
    if i_start is not None and b_start is None:
        return Detection("IOB1", f"I- tags start entities (first at sentence {i_start[0]}, "
                                 f"token {i_start[1]}) and B- only separates same-type "
                                 "neighbours")
    if b_start is not None and i_start is not None:
        return Detection("IOB2", f"B- tags start entities (first at sentence {b_start[0]}, "
                                 f"token {b_start[1]}), but an I- tag also starts one "
                                 f"(sentence {i_start[0]}, token {i_start[1]})")
    if b_start is not None:
        return Detection("IOB2", "B- tags start every entity")
    return Detection("IOB2", "no entity tags; IOB2 assumed")


def tags_to_spans(tags: Sequence[str], scheme: str = "IOB2", *, strict: bool = True
                  ) -> list[Span]:
    """The token spans of one sentence's tags.

    Strict: seqeval's strict entities, or ``TagError`` at the first tag that breaks the
    scheme. Lenient: conlleval's chunks, never an error for a well-formed tag.
    """
    scheme = scheme_name(scheme)
    if tags.count("O") == len(tags):  # most sentences of a corpus have no entity at all
        return []
    if not strict:
        return _lenient_spans(tags)
    allowed = _PREFIXES[scheme]
    end, single = _END.get(scheme), _SINGLE.get(scheme)
    spans: list[Span] = []
    open_start, open_label = -1, ""  # the entity being read, if open_start >= 0
    for position, tag in enumerate(tags):
        if tag == "O":
            if open_start >= 0:
                if end is not None:
                    _unclosed(scheme, tags, open_start, position)
                spans.append(Span(open_start, position, open_label))
                open_start = -1
            continue
        try:
            prefix, label = split_tag(tag)
        except SpanError as exc:
            raise TagError(f"token {position + 1}: {exc}", exc.fix, position) from None
        if prefix not in allowed:
            raise TagError(f"token {position + 1}: tag {tag!r} has prefix {prefix}-, which "
                           f"{scheme} does not use (it uses {', '.join(allowed)})",
                           fix=f"convert the file to {scheme}, or read it as "
                               f"{_scheme_with(prefix)}", position=position)
        if prefix in (_INSIDE, end):
            if open_start < 0 or open_label != label:
                if scheme == "IOB1" and prefix == _INSIDE:
                    # IOB1: I- starts an entity after O, at the start or after another type
                    if open_start >= 0:
                        spans.append(Span(open_start, position, open_label))
                    open_start, open_label = position, label
                    continue
                _dangling(scheme, tags, position, prefix, label, open_start, open_label)
            if prefix == end:
                spans.append(Span(open_start, position + 1, label))
                open_start = -1
            continue
        # B- or the single-token prefix
        if scheme == "IOB1" and not (open_start >= 0 and open_label == label):
            _iob1_begin(tags, position, label)
        if open_start >= 0:
            if end is not None:
                _unclosed(scheme, tags, open_start, position)
            spans.append(Span(open_start, position, open_label))
            open_start = -1
        if prefix == single:
            spans.append(Span(position, position + 1, label))
        else:
            open_start, open_label = position, label
    if open_start >= 0:
        if end is not None:
            _unclosed(scheme, tags, open_start, len(tags))
        spans.append(Span(open_start, len(tags), open_label))
    return spans


def spans_to_tags(spans: Iterable[Span], length: int, scheme: str = "IOB2") -> list[str]:
    """The tags of ``length`` tokens carrying ``spans`` (token offsets) in ``scheme``.

    Tags cannot carry overlapping spans; those raise ``TagError`` naming both.
    """
    scheme = scheme_name(scheme)
    tags = ["O"] * length
    previous: Span | None = None
    for span in sorted(spans):
        if not 0 <= span.start < span.end <= length:
            raise TagError(f"token span {span.start}-{span.end} ({span.label}) is outside "
                           f"the {length} tokens", fix="give token offsets within the sentence",
                           position=span.start)
        if previous is not None and previous.end > span.start:
            raise TagError(f"token spans {previous.start}-{previous.end} ({previous.label}) "
                           f"and {span.start}-{span.end} ({span.label}) overlap, which tags "
                           "cannot express", fix="remove one of them before exporting to a "
                           "token format, or use JSONL", position=span.start)
        width = span.end - span.start
        if scheme == "IOB1":
            adjacent = (previous is not None and previous.end == span.start
                        and previous.label == span.label)
            first = "B" if adjacent else "I"
            tags[span.start:span.end] = [f"{first}-{span.label}"] + [
                f"I-{span.label}"] * (width - 1)
        elif scheme == "IOB2":
            tags[span.start:span.end] = [f"B-{span.label}"] + [f"I-{span.label}"] * (width - 1)
        elif width == 1:
            tags[span.start] = f"{_SINGLE[scheme]}-{span.label}"
        else:
            tags[span.start:span.end] = ([f"B-{span.label}"] + [f"I-{span.label}"] * (width - 2)
                                         + [f"{_END[scheme]}-{span.label}"])
        previous = span
    return tags


def convert_tags(tags: Sequence[str], source: str, target: str, *, strict: bool = True
                 ) -> list[str]:
    """One sentence's tags rewritten from one scheme to another (through its spans)."""
    return spans_to_tags(tags_to_spans(tags, source, strict=strict), len(tags), target)


def _lenient_spans(tags: Sequence[str]) -> list[Span]:
    """conlleval's chunking (seqeval ``get_entities``), with L/U read as E/S."""
    spans: list[Span] = []
    start, prev_prefix, prev_label = -1, "O", ""
    for position, tag in enumerate([*tags, "O"]):
        try:
            prefix, label = split_tag(tag)
        except SpanError as exc:
            raise TagError(f"token {position + 1}: {exc}", exc.fix, position) from None
        prefix = {"L": "E", "U": "S"}.get(prefix, prefix)
        if start >= 0 and _chunk_ends(prev_prefix, prefix, prev_label, label):
            spans.append(Span(start, position, prev_label))
            start = -1
        if _chunk_starts(prev_prefix, prefix, prev_label, label):
            start = position
        prev_prefix, prev_label = prefix, label
    return spans


def _chunk_ends(prev: str, cur: str, prev_label: str, label: str) -> bool:
    return (prev in "ES" or (prev in "BI" and cur in "BSO")
            or (prev != "O" and prev_label != label))


def _chunk_starts(prev: str, cur: str, prev_label: str, label: str) -> bool:
    return (cur in "BS" or (prev in "ESO" and cur in "EI")
            or (cur != "O" and prev_label != label))


def _scheme_with(prefix: str) -> str:
    return {"E": "IOBES", "S": "IOBES", "L": "BILOU", "U": "BILOU"}.get(prefix, "IOB2")


def _context(tags: Sequence[str], position: int) -> str:
    return "at the start" if position == 0 else f"after {tags[position - 1]!r}"


def _dangling(scheme: str, tags: Sequence[str], position: int, prefix: str, label: str,
              open_start: int, open_label: str) -> None:
    what = "continues" if prefix == _INSIDE else "ends"
    raise TagError(
        f"token {position + 1}: {tags[position]!r} {_context(tags, position)}: in {scheme} "
        f"an {prefix}- tag {what} an entity of the same type begun with B-{label}",
        fix=f"write B-{label} to begin the entity here"
            + (f" (or correct the type to {open_label})" if open_start >= 0 else "")
            + ("" if scheme != "IOB2" else ", or read the file as IOB1 or with strict=False"),
        position=position)


def _unclosed(scheme: str, tags: Sequence[str], open_start: int, position: int) -> None:
    where = "the end of the sentence" if position == len(tags) else repr(tags[position])
    raise TagError(
        f"token {position + 1 if position < len(tags) else position}: the entity begun at "
        f"token {open_start + 1} ({tags[open_start]!r}) is not closed before {where}: in "
        f"{scheme} an entity ends with {_END[scheme]}- (or is a single {_SINGLE[scheme]}- tag)",
        fix=f"end it with {_END[scheme]}-LABEL, or tag a one-token entity "
            f"{_SINGLE[scheme]}-LABEL",
        position=min(position, len(tags) - 1))


def _iob1_begin(tags: Sequence[str], position: int, label: str) -> None:
    raise TagError(
        f"token {position + 1}: {tags[position]!r} {_context(tags, position)}: in IOB1 a B- "
        "tag only begins an entity right after another entity of the same type",
        fix=f"write I-{label} here, or read the file as IOB2", position=position)


@dataclass(frozen=True)
class TagRules:
    """Which tag may start a sentence, follow another, and end one, in a scheme: what a
    sequence model decodes under so that every sequence it predicts reads strictly.

    ``tags`` is ``O`` then, per label in the given order, the scheme's prefixes
    (``B-``, ``I-``, then ``E-``/``S-`` or ``L-``/``U-``). A sequence is valid under the
    scheme (``tags_to_spans(..., strict=True)`` accepts it) exactly when its first tag is in
    ``start``, each neighbouring pair in ``follows`` and its last tag in ``end``.
    ``continues[i]`` lists the tags that, right after tag ``i`` closing a span, would instead
    extend it (IOB2's ``I-X`` after ``B-X``/``I-X``; nothing in IOBES and BILOU, whose
    spans end on a tag of their own): a span's probability needs them.
    """

    scheme: str
    tags: tuple[str, ...]
    start: tuple[bool, ...]
    follows: tuple[tuple[bool, ...], ...]
    """``follows[i][j]``: tag ``j`` may come right after tag ``i``."""
    end: tuple[bool, ...]
    continues: tuple[tuple[int, ...], ...]


def tag_rules(labels: Sequence[str], scheme: str = "IOB2") -> TagRules:
    """The ``TagRules`` of ``labels`` in ``scheme`` (IOB2, IOBES or BILOU).

    IOB1 is refused: its ``B-`` depends on the span before, so a decoder gains nothing over
    IOB2 and files convert losslessly (``convert_tags``).
    """
    scheme = scheme_name(scheme)
    if scheme == "IOB1":
        raise SpanError("a sequence model cannot decode IOB1 (its B- tag depends on the "
                        "span before it)", fix="use IOB2, IOBES or BILOU")
    prefixes = [prefix for prefix in "BIESLU" if prefix in _PREFIXES[scheme]]
    tags = ("O", *(f"{prefix}-{label}" for label in labels for prefix in prefixes))
    parts = [split_tag(tag) for tag in tags]
    end, single = _END.get(scheme), _SINGLE.get(scheme)
    opens = {_BEGIN, _INSIDE}  # a span left open: only its own I-/end tag may follow
    inner = {_INSIDE} | ({end} if end else set())  # tags that continue a span

    def may_follow(previous: tuple[str, str], current: tuple[str, str]) -> bool:
        (p_prefix, p_label), (c_prefix, c_label) = previous, current
        if c_prefix in inner and not (p_prefix in opens and p_label == c_label):
            return False
        return end is None or p_prefix not in opens or (c_prefix in inner
                                                        and p_label == c_label)

    closed = {"O", end, single} - {None} if end else set(prefixes) | {"O"}
    continues = tuple(
        tuple(j for j, (c_prefix, c_label) in enumerate(parts)
              if end is None and prefix in opens and c_prefix == _INSIDE and c_label == label)
        for prefix, label in parts)
    return TagRules(
        scheme=scheme, tags=tags,
        start=tuple(prefix not in inner for prefix, _ in parts),
        follows=tuple(tuple(may_follow(p, c) for c in parts) for p in parts),
        end=tuple(prefix in closed for prefix, _ in parts),
        continues=continues)
