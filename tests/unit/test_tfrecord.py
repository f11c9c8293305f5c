"""TFRecord framing and tf.train.Example encoding, checked by independent readers:
protobuf's own parser over a descriptor built here (no .proto file, no TensorFlow) and
TensorBoard's TFRecord reader, which verifies both checksums of every record."""

from __future__ import annotations

import random
import struct

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from textloop.tfrecord import (
    ExampleEncoder,
    RecordError,
    crc32c,
    crc32c_many,
    decode_example,
    encode_example,
    masked_crc,
    read_records,
    write_records,
)

_F = descriptor_pb2.FieldDescriptorProto


def example_class():
    """``tf.train.Example`` as declared in tensorflow/core/example/{example,feature}.proto."""
    proto = descriptor_pb2.FileDescriptorProto(name="tl_example.proto", package="tltest",
                                               syntax="proto3")

    def message(name, fields, nested=()):
        msg = proto.message_type.add(name=name)
        for entry in nested:
            msg.nested_type.add().CopyFrom(entry)
        for fname, number, ftype, label, type_name, oneof in fields:
            f = msg.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = type_name
            if oneof is not None:
                f.oneof_index = oneof
        return msg

    rep, opt = _F.LABEL_REPEATED, _F.LABEL_OPTIONAL
    message("BytesList", [("value", 1, _F.TYPE_BYTES, rep, None, None)])
    message("FloatList", [("value", 1, _F.TYPE_FLOAT, rep, None, None)])
    message("Int64List", [("value", 1, _F.TYPE_INT64, rep, None, None)])
    feature = message("Feature", [
        ("bytes_list", 1, _F.TYPE_MESSAGE, opt, ".tltest.BytesList", 0),
        ("float_list", 2, _F.TYPE_MESSAGE, opt, ".tltest.FloatList", 0),
        ("int64_list", 3, _F.TYPE_MESSAGE, opt, ".tltest.Int64List", 0)])
    feature.oneof_decl.add(name="kind")
    entry = descriptor_pb2.DescriptorProto(name="FeatureEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=_F.TYPE_STRING, label=opt)
    entry.field.add(name="value", number=2, type=_F.TYPE_MESSAGE, label=opt,
                    type_name=".tltest.Feature")
    message("Features", [("feature", 1, _F.TYPE_MESSAGE, rep, ".tltest.Features.FeatureEntry",
                          None)], nested=[entry])
    message("Example", [("features", 1, _F.TYPE_MESSAGE, opt, ".tltest.Features", None)])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("tltest.Example"))


def feature_values(feature) -> list:
    kind = feature.WhichOneof("kind")
    return [] if kind is None else list(getattr(feature, kind).value)


def test_crc32c_of_the_standard_check_vector_and_of_many_at_once() -> None:
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value (RFC 3720)
    assert crc32c(b"") == 0
    assert masked_crc(b"") == 0xA282EAD8
    rng = random.Random(3)
    items = [rng.randbytes(rng.randrange(0, 300)) for _ in range(500)] + [b"123456789", b""]
    assert crc32c_many(items, chunk=64) == [crc32c(b) for b in items]


def test_examples_parse_with_protobuf_to_every_field() -> None:
    example = example_class()
    features = {"text": "naïve café 🙂\nline two", "label": "spam", "label_id": 1,
                "id": "0f3a9b2c4d5e6f70", "score": 0.25, "flags": [1, -2, 3_000_000_000],
                "ok": True, "missing": None, "tags": ["a", "b"]}
    parsed = example.FromString(encode_example(features))
    got = {name: feature_values(f) for name, f in parsed.features.feature.items()}
    assert got == {"text": ["naïve café 🙂\nline two".encode()], "label": [b"spam"],
                   "label_id": [1], "id": [b"0f3a9b2c4d5e6f70"], "score": [0.25],
                   "flags": [1, -2, 3_000_000_000], "ok": [1], "missing": [],
                   "tags": [b"a", b"b"]}
    # and our decoder reads what protobuf itself writes
    built = example()
    built.features.feature["x"].float_list.value.extend([1.5, -2.0])
    built.features.feature["n"].int64_list.value.extend([-7, 2**40])
    built.features.feature["s"].bytes_list.value.append("é".encode())
    assert decode_example(built.SerializeToString()) == {"x": [1.5, -2.0], "n": [-7, 2**40],
                                                         "s": ["é".encode()]}


def test_framing_reads_with_tensorboards_checking_reader(tmp_path) -> None:
    from tensorboard.compat.tensorflow_stub import errors
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import PyRecordReader_New

    payloads = [encode_example({"text": f"row {i}" * i}) for i in range(50)]
    path = tmp_path / "rows.tfrecord"
    with path.open("wb") as handle:
        write_records(handle, payloads)
    reader = PyRecordReader_New(str(path))
    got = []
    while True:
        try:
            reader.GetNext()
        except errors.OutOfRangeError:
            break
        got.append(reader.record())
    assert got == payloads
    assert list(read_records(path)) == payloads


def test_a_corrupted_or_truncated_record_is_named(tmp_path) -> None:
    path = tmp_path / "rows.tfrecord"
    with path.open("wb") as handle:
        write_records(handle, [b"first", b"second", b"third"])
    data = bytearray(path.read_bytes())
    second = 16 + len(b"first")
    data[second + 12] ^= 0x01  # a byte of the second record's data
    path.write_bytes(bytes(data))
    with pytest.raises(RecordError, match="record 2: the data fails its checksum") as err:
        list(read_records(path))
    assert err.value.offset == second
    path.write_bytes(bytes(data[:second + 5]))
    with pytest.raises(RecordError, match="record 2 is truncated"):
        list(read_records(path))
    assert struct.unpack("<Q", bytes(data[:8]))[0] == len(b"first")


def test_encoding_column_by_column_gives_the_same_bytes_as_row_by_row() -> None:
    names = ["text", "label_id", "score", "note"]
    rows = [["a", 1, 0.5, None], ["ü" * 200, 2, -1.0, "x"], ["", 70_000, 2.0, "y"]]
    encoder = ExampleEncoder(names)
    columns = [list(c) for c in zip(*rows, strict=True)]
    assert encoder.many(columns) == [encoder(r) for r in rows] == [
        encode_example(dict(zip(names, r, strict=True))) for r in rows]
