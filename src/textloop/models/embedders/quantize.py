"""int8 weights for CPU inference: dynamic, per-channel, MatMul only.

Measured on real texts (500 each from seven of the development sets, mean cosine to the
fp32 graph; see the integration test and benchmarks/embedding_throughput.py):

- every op, one scale per tensor (the quantizer's defaults): ~0.95, too lossy;
- MatMul weights only, one scale per output channel: 0.990-0.994, about 2.4x the fp32
  speed, but SMS texts sit right at 0.990;
- the same, keeping the first layer's FFN output projection in fp32: 0.992-0.995 at
  about 8% more CPU time. Its input (the first GELU's output) has the strongest outliers of
  any MatMul input (peak ≈ 96 standard deviations on SMS texts), so one uint8 scale per batch
  resolves its bulk worst. This is the default.

Activations are quantised on the fly per batch (dynamic), so no calibration data is needed.
Embedding tables stay fp32: a lookup costs nothing to compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import onnx

from textloop.models.embedders.quiet import quiet_logs

KEEP_FLOAT = ("encoder.layer.0.output.dense",)


def quantize_int8(fp32: Path, int8: Path,
                  keep_float: Sequence[str] = KEEP_FLOAT) -> dict[str, object]:
    """Write the int8 graph for ``fp32`` to ``int8``; returns the settings (for the manifest).

    ``keep_float`` names MatMul nodes (by the checkpoint prefix the graph builder gives
    them) that stay in fp32.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with quiet_logs(None, "onnxruntime.quantization"):
        quantize_dynamic(fp32, int8, per_channel=True, reduce_range=False,
                         op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8,
                         nodes_to_exclude=list(keep_float),
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return {"mode": "dynamic", "per_channel": True, "op_types": ["MatMul"],
            "weight_type": "int8", "reduce_range": False, "kept_float": list(keep_float)}
