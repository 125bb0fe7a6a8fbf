"""Stage 3: the Splink model for program records: comparisons, training, scoring, files."""

from linkage.model.files import (
    ModelMeta,
    SavedModel,
    Thresholds,
    default_models_dir,
    for_record_count,
    level_weights,
    load_model,
    model_digest,
    model_from_json,
    model_json,
    save_model,
)
from linkage.model.registry import accept, latest_accepted, list_versions, resolve_model, save_version
from linkage.model.score import score
from linkage.model.train import TrainingConfig, train

__all__ = [
    "train",
    "TrainingConfig",
    "score",
    "load_model",
    "save_model",
    "SavedModel",
    "ModelMeta",
    "Thresholds",
    "default_models_dir",
    "level_weights",
    "for_record_count",
    "model_digest",
    "model_json",
    "model_from_json",
    "accept",
    "latest_accepted",
    "list_versions",
    "resolve_model",
    "save_version",
]
