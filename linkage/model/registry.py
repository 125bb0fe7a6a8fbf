"""Model versions: every directory under `models/` is one version, never changed once saved.

A run without `--model` uses the version accepted most recently, so what the batch and the service
use is always a version someone chose (`linkage models accept`, or the tuning notebook's save).
New thresholds or label-trained m-probabilities make a new version that names its parent.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

from linkage.errors import ModelError
from linkage.model.files import (
    ACCEPTED,
    MODEL_FILE,
    SavedModel,
    Thresholds,
    default_models_dir,
    load_model,
    save_model,
)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def list_versions(models_dir: Path | None = None) -> list[SavedModel]:
    """Every version in `models_dir`, oldest first (by creation time, then name)."""
    root = models_dir or default_models_dir()
    if not root.is_dir():
        return []
    found = [load_model(d) for d in sorted(root.iterdir()) if (d / MODEL_FILE).is_file()]
    return sorted(found, key=lambda m: (m.meta.created, m.meta.name))


def latest_accepted(models_dir: Path | None = None) -> SavedModel:
    accepted = [m for m in list_versions(models_dir) if m.meta.status == ACCEPTED]
    if not accepted:
        raise ModelError(
            f"no accepted model version in {models_dir or default_models_dir()}: train one with "
            "`linkage train RECORDS --name NAME` and accept it with `linkage models accept NAME`"
        )
    return max(accepted, key=lambda m: (m.meta.accepted_at or m.meta.created, m.meta.created, m.meta.name))


def resolve_model(name: str | Path | None, models_dir: Path | None = None) -> SavedModel:
    """The named version (a name under `models_dir` or a directory), or the latest accepted one."""
    return latest_accepted(models_dir) if name in (None, "") else load_model(name, models_dir)


def check_new_name(name: str, models_dir: Path | None = None) -> Path:
    """Where a new version called `name` goes; versions are never overwritten."""
    if not NAME.match(name):
        raise ModelError(f"model name {name!r}: use letters, digits, '.', '_' or '-' (up to 64), starting with a letter or digit")
    path = (models_dir or default_models_dir()) / name
    if path.exists():
        raise ModelError(
            f"model version {name!r} already exists in {path.parent}: versions are never overwritten, choose a new name"
        )
    return path


def accept(name: str, by: str, models_dir: Path | None = None) -> SavedModel:
    """Mark a version accepted: from now on it is the default of every run that names no model."""
    if not by.strip():
        raise ModelError("say who accepts the version (--by NAME): the choice is kept with the model")
    model = load_model(name, models_dir)
    model.meta = replace(model.meta, status=ACCEPTED, accepted_by=by.strip(), accepted_at=_now())
    assert model.path is not None
    save_model(model, model.path)
    return model


def save_version(
    base: SavedModel,
    name: str,
    *,
    by: str,
    thresholds: Thresholds | None = None,
    splink: dict | None = None,
    command: str = "",
    notes: str = "",
    evaluation: dict | None = None,
    accept_now: bool = True,
    models_dir: Path | None = None,
) -> SavedModel:
    """A new version from `base` with new thresholds and/or a new Splink model; accepted at once
    unless `accept_now` is False. This is the path the tuning notebook saves through."""
    path = check_new_name(name, models_dir)
    if accept_now and not by.strip():
        raise ModelError("say who chose this version (by=...): the choice is kept with the model")
    meta = replace(
        base.meta,
        name=name,
        created=_now(),
        parent=base.meta.name,
        command=command or f"save_version({base.meta.name!r} -> {name!r})",
        thresholds=thresholds or base.meta.thresholds,
        evaluation=evaluation or {},
        notes=notes or base.meta.notes,
        status=ACCEPTED if accept_now else "candidate",
        accepted_by=by.strip() if accept_now else "",
        accepted_at=_now() if accept_now else "",
    )
    model = SavedModel(splink if splink is not None else base.splink, meta)
    save_model(model, path)
    return model


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")
