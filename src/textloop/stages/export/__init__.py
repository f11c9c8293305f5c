"""``textloop export``: copy runs and model versions to other tools (MLflow), and write a
span release in other tools' span file formats (``release``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textloop.lazy import lazy_front

if TYPE_CHECKING:  # re-exported names, for type checkers
    from textloop.stages.export.mlflow import MODEL_ARTIFACTS as MODEL_ARTIFACTS
    from textloop.stages.export.mlflow import RUN_ID_TAG as RUN_ID_TAG
    from textloop.stages.export.mlflow import MlflowExport as MlflowExport
    from textloop.stages.export.mlflow import export_to_mlflow as export_to_mlflow
    from textloop.stages.export.mlflow import mlflow_client as mlflow_client
    from textloop.stages.export.release import EXPORT_FORMATS as EXPORT_FORMATS
    from textloop.stages.export.release import TOKENIZERS as TOKENIZERS
    from textloop.stages.export.release import ReleaseExport as ReleaseExport
    from textloop.stages.export.release import export_release as export_release

__all__, __getattr__ = lazy_front(__name__, {
    "mlflow": ("MODEL_ARTIFACTS", "MlflowExport", "RUN_ID_TAG", "export_to_mlflow",
               "mlflow_client"),
    "release": ("EXPORT_FORMATS", "ReleaseExport", "TOKENIZERS", "export_release"),
})
