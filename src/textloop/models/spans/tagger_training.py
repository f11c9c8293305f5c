"""Fine-tuning ``minilm-tagger`` in torch: MiniLM + a linear tag head over the project's tokens.

Only ``fit`` comes here (the ``train`` extra); prediction runs the exported weights on ONNX
Runtime (``tagger.py``). Texts are cut exactly as the runtime cuts them: the project's tokens
(``word_tokens``), each handed to the tokenizer as one word (``token_states.word_pieces``),
so every token owns its pieces by construction and a Hangul syllable or an emoji with its
joiners is one token with one tag.

**Windows.** A text longer than ``max_seq_len`` pieces is split for training into windows
that end on token boundaries, so no token is cut and no token is left out (a single token
longer than a whole window keeps its first pieces: its tag is read from its first piece or
the mean of those it keeps). Prediction reads overlapping windows instead
(``TokenEncoder``), so a token there sees context on both sides.

**A token's vector** is its first piece's final state (``pooling="first"``, as BERT's NER
fine-tuning reads a word, Devlin et al. 2019) or the mean of its pieces' (``"mean"``), one
[tokens, pieces] pooling matrix per window either way; the head reads it, with the token's
shape flags (``shape.py``) when asked: the stock MiniLM is uncased, so without them the
model cannot see capitalisation.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.models.embedders.token_states import special_pieces, unknown_piece, word_pieces
from textloop.models.spans.shape import NAMES as SHAPE_NAMES
from textloop.models.spans.shape import shape_features
from textloop.progress import Task
from textloop.spans.matching import Token

IGNORED = -100
"""The target of a padding token: left out of the loss (torch's ``ignore_index``)."""


@dataclass(frozen=True)
class Window:
    """One training sequence: a run of whole tokens of one text, with special pieces."""

    text: int
    first_token: int
    ids: np.ndarray
    """Piece ids with [CLS] and [SEP]."""
    starts: np.ndarray
    """Position in ``ids`` of each token's first piece."""
    counts: np.ndarray
    """Pieces per token (at least 1)."""
    shapes: np.ndarray
    """float32 [tokens, shape flags] (zero columns when the model reads none)."""
    tags: np.ndarray
    """Tag index per token (``IGNORED`` where unknown)."""


def windows(tokenizer: Any, texts: Sequence[str], tokens: Sequence[Sequence[Token]],
            tags: Sequence[Sequence[int]] | None, use_shapes: bool) -> list[Window]:
    """Every text cut into windows of whole tokens within the tokenizer's max length."""
    prefix, suffix = special_pieces(tokenizer)
    unk = unknown_piece(tokenizer, "the base tokenizer")
    limit = int((tokenizer.truncation or {})["max_length"]) - len(prefix) - len(suffix)
    out = []
    for index, (text, offsets) in enumerate(zip(texts, tokens, strict=True)):
        pieces = word_pieces(tokenizer, unk, text, offsets)
        counts = np.diff(np.append(pieces.first, len(pieces.ids)))
        shapes = (shape_features(text, offsets) if use_shapes
                  else np.zeros((len(offsets), 0), dtype=np.float32))
        text_tags = (np.full(len(offsets), IGNORED) if tags is None
                     else np.asarray(tags[index], dtype=np.int64))
        begin = 0
        while begin < len(offsets):
            end, used = begin, 0
            while end < len(offsets) and (end == begin or used + counts[end] <= limit):
                used += min(int(counts[end]), limit)
                end += 1
            kept = np.minimum(counts[begin:end], limit)
            ids = np.concatenate([pieces.ids[pieces.first[t]:pieces.first[t] + kept[i]]
                                  for i, t in enumerate(range(begin, end))])
            starts = len(prefix) + np.concatenate([[0], np.cumsum(kept)[:-1]])
            out.append(Window(index, begin, np.concatenate([prefix, ids, suffix]).astype(np.int64),
                              starts.astype(np.int64), kept.astype(np.int64),
                              shapes[begin:end], text_tags[begin:end]))
            begin = end
    return out


def batches(items: Sequence[Window], batch_size: int, rng: np.random.Generator | None
            ) -> Iterator[list[int]]:
    """Indices of windows per batch. With ``rng``: shuffled, then sorted by length within
    pools of 20 batches (so a batch pads little) and the batches shuffled; without: in
    length order (evaluation)."""
    lengths = np.asarray([len(w.ids) for w in items])
    if rng is None:
        order = np.argsort(lengths, kind="stable")
        yield from (order[i:i + batch_size].tolist() for i in range(0, len(order), batch_size))
        return
    order = rng.permutation(len(items))
    pool = 20 * batch_size
    groups: list[list[int]] = []
    for begin in range(0, len(order), pool):
        chunk = order[begin:begin + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        groups.extend(chunk[i:i + batch_size].tolist() for i in range(0, len(chunk), batch_size))
    for g in rng.permutation(len(groups)):
        yield groups[g]


def feeds(items: Sequence[Window], pooling: str) -> dict[str, Any]:
    """torch tensors of one batch: piece ids, attention mask, the pooling matrix
    [batch, tokens, pieces], shape flags and tags (``IGNORED`` for padding)."""
    import torch

    width = max(len(w.ids) for w in items)
    n_tokens = max(len(w.starts) for w in items)
    n_shapes = items[0].shapes.shape[1]
    ids = np.zeros((len(items), width), dtype=np.int64)
    mask = np.zeros((len(items), width), dtype=np.int64)
    pool = np.zeros((len(items), n_tokens, width), dtype=np.float32)
    shapes = np.zeros((len(items), n_tokens, n_shapes), dtype=np.float32)
    tags = np.full((len(items), n_tokens), IGNORED, dtype=np.int64)
    for row, w in enumerate(items):
        ids[row, :len(w.ids)] = w.ids
        mask[row, :len(w.ids)] = 1
        for t, (start, count) in enumerate(zip(w.starts, w.counts, strict=True)):
            if pooling == "first":
                pool[row, t, start] = 1.0
            else:
                pool[row, t, start:start + count] = 1.0 / count
        shapes[row, :len(w.starts)] = w.shapes
        tags[row, :len(w.starts)] = w.tags
    return {name: torch.from_numpy(value) for name, value in
            (("input_ids", ids), ("attention_mask", mask), ("pool", pool), ("shapes", shapes),
             ("tags", tags))}


def tagger_net(encoder: Any, n_tags: int, use_shapes: bool, dropout: float) -> Any:
    """The torch module: encoder → token vectors (pooling matrix) [+ shape flags] → dropout →
    linear tag scores [batch, tokens, tags]."""
    import torch

    class TaggerNet(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            self.dropout = torch.nn.Dropout(dropout)
            extra = len(SHAPE_NAMES) if use_shapes else 0
            self.head = torch.nn.Linear(encoder.config.hidden_size + extra, n_tags)

        def forward(self, batch: dict[str, Any]) -> Any:
            hidden = self.encoder(input_ids=batch["input_ids"],
                                  attention_mask=batch["attention_mask"]).last_hidden_state
            vectors = torch.bmm(batch["pool"], hidden)
            if batch["shapes"].shape[-1]:
                vectors = torch.cat([vectors, batch["shapes"]], dim=-1)
            return self.head(self.dropout(vectors))

    return TaggerNet()


def train_epoch(net: Any, items: Sequence[Window], pooling: str, batch_size: int,
                optimizer: Any, scheduler: Any, rng: np.random.Generator, task: Task) -> None:
    """One pass over ``items`` in shuffled batches, one optimiser step each (cross-entropy
    over the batch's real tokens)."""
    import torch

    net.train()
    for chosen in batches(items, batch_size, rng):
        batch = feeds([items[i] for i in chosen], pooling)
        scores = net(batch)
        loss = torch.nn.functional.cross_entropy(scores.reshape(-1, scores.shape[-1]),
                                                 batch["tags"].reshape(-1),
                                                 ignore_index=IGNORED)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        task.advance(len(chosen))


def log_probabilities(net: Any, items: Sequence[Window], n_texts: int, n_tags: int,
                      pooling: str, batch_size: int = 64) -> list[np.ndarray]:
    """float64 [tokens, tags] log-probabilities per text (windows put back in order), in
    eval mode and without gradients."""
    import torch

    net.eval()
    parts: list[list[tuple[int, np.ndarray]]] = [[] for _ in range(n_texts)]
    with torch.no_grad():
        for chosen in batches(items, batch_size, None):
            batch = [items[i] for i in chosen]
            scores = torch.log_softmax(net(feeds(batch, pooling)), dim=-1).numpy()
            for row, w in enumerate(batch):
                parts[w.text].append((w.first_token, scores[row, :len(w.starts)]))
    return [np.concatenate([p for _, p in sorted(rows, key=lambda r: r[0])]).astype(np.float64)
            if rows else np.zeros((0, n_tags)) for rows in parts]
