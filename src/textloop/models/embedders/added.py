"""Encoders added from a local folder: ``textloop models add PATH --name NAME``.

A BERT or XLM-R folder (see ``local_folder``) is built into the same fp32 and per-token int8
ONNX graphs as the stock MiniLM, by the same code (``build.build_graphs``). Before the files
are placed, the int8 graph is checked against the fp32 one on a fixed set of sample texts in
several scripts; an int8 graph whose mean cosine to fp32 falls below the threshold is
refused with the figures, since every vector it gave would be that far off.

The built files live in ``<user cache>/encoders/NAME`` with a manifest (sha256 per file, the
source folder and the hashes of the files read from it, the int8 check), verified whenever
an embedder loads them. ``NAME`` then names the int8 embedder and ``NAME-fp32`` the fp32
one wherever an embedder is named (``--param embedder=NAME``); their model ids (the
embedding cache keys) carry a digest of the built files, so a folder added again under the
same name never meets the vectors of the previous one.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from textloop.artifacts import MANIFEST, atomic_dir, sha256_file, verify_manifest, write_manifest
from textloop.errors import ConflictError, IntegrityError, InvalidInputError
from textloop.models.embedders.build import (
    PRECISION_FILES,
    TOKENIZER_FILE,
    build_graphs,
    built_with,
    write_tokenizer,
)
from textloop.models.embedders.local_folder import CONFIG, FolderModel, read_folder
from textloop.models.embedders.model_files import FORMAT_VERSION, CachedFile, swap_into_place
from textloop.models.embedders.onnx_embedder import ModelFiles, OnnxEmbedder
from textloop.models.embedders.quantize import SCHEME
from textloop.progress import NULL_PROGRESS, Progress
from textloop.registry import REGISTRY
from textloop.wheels import cache_dir

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
FP32_SUFFIX = "-fp32"
MIN_AGREEMENT = 0.99
"""Lowest mean cosine between int8 and fp32 vectors accepted by default. The stock MiniLM
scores 0.996-0.998 on real data sets; below 0.99 the int8 graph changes the neighbourhoods
a classifier learns from."""
SAMPLE_TEXTS = (
    "Your parcel is waiting at the depot, reply YES to book a delivery slot.",
    "The quarterly report shows revenue up four percent on last year.",
    "hi",
    "Can I change the PIN of my card online, or do I have to visit a branch?",
    "Der Zug nach München fällt heute wegen Bauarbeiten aus.",
    "Le service client m'a répondu en moins d'une heure, merci !",
    "¿Dónde puedo recoger las llaves del apartamento?",
    "Погода завтра будет солнечной, но холодной.",
    "배송이 너무 늦어서 환불을 요청하고 싶어요.",
    "今日はとても良い天気ですね。散歩に行きましょう。",
    "这家餐厅的服务很好，菜也很好吃。",
    "هل يمكنني تغيير موعد الحجز إلى يوم الخميس؟",
    "मुझे अपने खाते का पासवर्ड बदलना है।",
    "lol that was sooo good 😂😂 see u at 8?? http://example.com/x",
    "Order #88213: 2 x USB-C cable (1.5 m), 1 x charger 65W; total 54.90 EUR.",
    "A long, winding sentence about the history of the river, the mills that once stood "
    "along its banks, the families who worked them for generations, and the floods that "
    "finally closed them in the spring of 1911, leaving only stones and stories behind.",
)
"""Short and long, several scripts, emoji and a URL: where int8 errors show first."""


def encoders_dir() -> Path:
    """``<user cache>/encoders`` (``$TEXTLOOP_CACHE_DIR`` moves the cache)."""
    return cache_dir("encoders")


@dataclass(frozen=True, slots=True)
class Agreement:
    """How close the int8 vectors came to the fp32 ones on ``SAMPLE_TEXTS``."""

    texts: int
    mean_cosine: float
    worst_cosine: float
    threshold: float

    @property
    def passed(self) -> bool:
        return self.mean_cosine >= self.threshold

    def to_dict(self) -> dict[str, Any]:
        return {"texts": self.texts, "mean_cosine": round(self.mean_cosine, 6),
                "worst_cosine": round(self.worst_cosine, 6), "threshold": self.threshold,
                "passed": self.passed}

    def describe(self) -> str:
        return describe_agreement(self.to_dict())


def describe_agreement(check: dict[str, Any]) -> str:
    """One line for people: ``Agreement.to_dict()`` as a manifest or ``--json`` holds it."""
    return (f"int8 vs fp32 cosine: mean {check['mean_cosine']:.4f}, worst "
            f"{check['worst_cosine']:.4f} on {check['texts']} texts (min {check['threshold']:g})")


@dataclass(frozen=True, slots=True)
class AddedModel:
    """What ``textloop models add`` built and ``textloop models list`` shows."""

    name: str
    folder: Path
    files: list[CachedFile]
    verified: bool
    problem: str | None = None
    hint: str | None = None
    """What to do about ``problem``."""
    manifest: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """The embedder names it answers to: int8 first (the default), then fp32."""
        return [self.name, self.name + FP32_SUFFIX]

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        source = self.manifest.get("source", {})
        return {"name": self.name, "names": self.names, "folder": str(self.folder),
                "verified": self.verified, "problem": self.problem,
                "source": source.get("path"), "architecture": self.manifest.get("architecture"),
                "pooling": self.manifest.get("pooling"), "dim": self.manifest.get("dim"),
                "max_seq_length": self.manifest.get("max_seq_length"),
                "int8_check": self.manifest.get("int8_check"), "bytes": self.bytes,
                "files": [{"name": f.name, "bytes": f.bytes} for f in self.files]}


def add_model(path: Path, name: str, pooling: str | None = None,
              min_agreement: float = MIN_AGREEMENT, force: bool = False,
              progress: Progress = NULL_PROGRESS) -> AddedModel:
    """Build the model folder at ``path`` into ONNX and register it as ``name``.

    Nothing is placed unless every check passes (the folder, the shapes, the int8 check):
    a refused model leaves the cache as it was, including an earlier model of that name.
    """
    check_name(name)
    if not 0.0 <= min_agreement <= 1.0:
        raise InvalidInputError(f"--min-agreement {min_agreement} (expected a cosine between 0 "
                                "and 1)", hint=f"the default is {MIN_AGREEMENT}")
    folder = encoders_dir() / name
    if folder.exists() and not force:
        raise ConflictError(f"an encoder named {name!r} is already added ({folder})",
                            hint="pick another --name, or pass --force to replace it (the new "
                                 "one's vectors are cached under a new id)")
    source = read_folder(path, pooling)
    staging = folder.with_name(f".{name}.new-{uuid.uuid4().hex[:8]}")
    with atomic_dir(staging) as tmp:
        extra = _build(source, tmp, progress)
        agreement = check_int8(tmp, source.config.hidden_size, min_agreement)
        if not agreement.passed:
            raise InvalidInputError(
                f"{source.folder}: the int8 graph is too far from fp32 ({agreement.describe()})",
                hint="pass --min-agreement with a lower value to accept it anyway; the "
                     f"{name}{FP32_SUFFIX} embedder always gives the fp32 vectors")
        write_manifest(tmp, {**extra, "int8_check": agreement.to_dict(),
                             "source": {"path": str(source.folder),
                                        "files": {file: sha256_file(source.folder / file)
                                                  for file in source.files}}})
    swap_into_place(staging, folder)
    return _listed(folder)


def default_name(path: Path) -> str:
    """The folder's own name as an embedder name: lowercased, other characters as ``-``."""
    return re.sub(r"[^a-z0-9_-]+", "-", path.expanduser().resolve().name.lower()).strip("-_")


def check_name(name: str) -> None:
    """A new encoder's name: short-name syntax, and free among the built-in embedders."""
    if not NAME.match(name) or name.endswith(FP32_SUFFIX):
        raise InvalidInputError(
            f"--name {name!r} (expected lowercase letters, digits, '-' or '_', at most 63, "
            f"not ending in {FP32_SUFFIX})",
            hint=f"e.g. --name my-encoder; {FP32_SUFFIX} is added for the fp32 variant")
    taken = set(REGISTRY.names("embedder")) & {name, name + FP32_SUFFIX}
    if taken:
        raise ConflictError(f"--name {name!r}: {', '.join(sorted(taken))} is a built-in "
                            "embedder", hint="pick another name")


def _build(source: FolderModel, dest: Path, progress: Progress) -> dict[str, Any]:
    """Write the graphs, tokenizer and config into ``dest``; returns the manifest's facts."""
    with progress.task(f"Building ONNX graphs (fp32, int8) from {source.folder.name}",
                       total=3) as task:
        (dest / CONFIG).write_bytes((source.folder / CONFIG).read_bytes())
        quantization = build_graphs(source.weights, source.config, dest, source.pooling, task)
        write_tokenizer(source.tokenizer_json, dest / TOKENIZER_FILE, source.max_length,
                        source.pad_id, source.pad_token)
        task.advance()
    return {"format_version": FORMAT_VERSION, "kind": "added",
            "architecture": source.config.model_type, "pooling": source.pooling,
            "normalized_by_model": source.normalized, "dim": source.config.hidden_size,
            "max_seq_length": source.max_length, "quantization": quantization,
            "built_with": built_with()}


def _files_of(files: ModelFiles) -> Callable[[Any], ModelFiles]:
    """The embedder's file source: these files, whatever progress it reports to."""
    return lambda _progress: files


def check_int8(folder: Path, dim: int, threshold: float) -> Agreement:
    """Embed ``SAMPLE_TEXTS`` with both graphs in ``folder`` and compare them row by row."""
    vectors = {}
    for precision, file in PRECISION_FILES.items():
        files = ModelFiles(folder / file, folder / TOKENIZER_FILE, dim)
        embedder = OnnxEmbedder(f"check/{precision}", dim, _files_of(files))
        vectors[precision] = embedder.encode(SAMPLE_TEXTS)
    cosines = np.sum(vectors["int8"] * vectors["fp32"], axis=1, dtype=np.float64)
    return Agreement(texts=len(SAMPLE_TEXTS), mean_cosine=float(cosines.mean()),
                     worst_cosine=float(cosines.min()), threshold=threshold)


def split_name(name: str) -> tuple[str, str]:
    """``NAME`` → (NAME, int8); ``NAME-fp32`` → (NAME, fp32)."""
    if name.endswith(FP32_SUFFIX):
        return name.removesuffix(FP32_SUFFIX), "fp32"
    return name, "int8"


def is_added(name: str) -> bool:
    base, _ = split_name(name)
    return bool(NAME.match(base)) and (encoders_dir() / base / MANIFEST).is_file()


def added_embedder(name: str) -> OnnxEmbedder:
    """The embedder an added encoder's name stands for (see ``is_added``).

    Only the manifest is read here (for the dimension and the model id); the files are
    verified against it when the first text is encoded.
    """
    base, precision = split_name(name)
    folder = encoders_dir() / base
    manifest = _read_manifest(folder)

    def locate(progress: Progress) -> ModelFiles:
        verified = _verified_manifest(folder)
        return ModelFiles(folder / PRECISION_FILES[precision], folder / TOKENIZER_FILE,
                          int(verified["dim"]))

    return OnnxEmbedder(model_id(base, manifest, precision), int(manifest["dim"]), locate)


def model_id(name: str, manifest: dict[str, Any], precision: str) -> str:
    """The cache key of an added encoder's vectors: name, digest of its built files, precision.

    The digest covers the fp32 graph (weights, config, pooling) and the tokenizer (with its
    truncation); the int8 graph follows from the fp32 one and the scheme, which the id names.
    """
    files = manifest["files"]
    digest = hashlib.sha256("".join(files[f]["sha256"] for f in (PRECISION_FILES["fp32"],
                                                                  TOKENIZER_FILE)).encode())
    kind = f"int8-{SCHEME}-exact" if precision == "int8" else "fp32"
    return f"{name}@{digest.hexdigest()[:12]}/{kind}"


def added_names() -> list[str]:
    """Every embedder name the added encoders answer to."""
    return sorted(n for model in added_models(verify=False) for n in model.names)


def added_models(verify: bool = True) -> list[AddedModel]:
    """Every added encoder, each verified (a failure is reported, not raised)."""
    out = []
    for folder in sorted(p for p in encoders_dir().iterdir()
                         if p.is_dir() and not p.name.startswith(".")):
        out.append(_listed(folder, verify))
    return out


def _listed(folder: Path, verify: bool = True) -> AddedModel:
    files = [CachedFile(str(p.relative_to(folder)), p.stat().st_size)
             for p in sorted(folder.rglob("*")) if p.is_file()]
    try:
        manifest = _verified_manifest(folder) if verify else _read_manifest(folder)
    except IntegrityError as exc:
        return AddedModel(folder.name, folder, files, verified=False, problem=exc.message,
                          hint=exc.hint)
    return AddedModel(folder.name, folder, files, verified=verify, manifest=manifest)


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest as written, unverified (cheap: for names, ids and dimensions)."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        int(manifest["dim"]), manifest["files"][PRECISION_FILES["fp32"]]["sha256"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IntegrityError(f"{path}: unreadable ({exc})", hint=_readd_hint(folder)) from exc
    return manifest


def _verified_manifest(folder: Path) -> dict[str, Any]:
    """The manifest after checking every file against it and its format against ours."""
    try:
        manifest = verify_manifest(folder)
    except IntegrityError as exc:
        raise IntegrityError(exc.message, hint=_readd_hint(folder)) from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IntegrityError(f"{folder}: model files of format {manifest.get('format_version')!r}"
                             f" (expected {FORMAT_VERSION})", hint=_readd_hint(folder))
    return manifest


def _readd_hint(folder: Path) -> str:
    """How to rebuild an added encoder: from its source folder, if the manifest still says."""
    try:
        source = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["source"]["path"]
    except (OSError, ValueError, KeyError, TypeError):
        source = "PATH"
    return f"add it again: textloop models add {source} --name {folder.name} --force"
