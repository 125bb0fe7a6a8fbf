"""Models on disk: `models/<name>/` holds `splink_model.json`, `meta.json` and a `MODEL_CARD.md`.

Never pickles: the Splink JSON is the model, meta.json holds the thresholds and provenance, and the
card is written from both so that a reader sees what was trained on what, when, and how well it did.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from linkage.errors import ModelError

MODEL_FILE = "splink_model.json"
ACCEPTED = "accepted"
CANDIDATE = "candidate"
META_FILE = "meta.json"
CARD_FILE = "MODEL_CARD.md"


@dataclass
class Thresholds:
    """Pairs at or above `link` are joined by clustering; pairs between `review` and `link` are the
    clerical-review grey zone; below `review` they are kept apart."""

    link: float = 0.9
    review: float = 0.5

    def __post_init__(self) -> None:
        if not (0 < self.review <= self.link < 1):
            raise ModelError(f"thresholds must satisfy 0 < review <= link < 1, got review={self.review}, link={self.link}")


@dataclass
class ModelMeta:
    name: str
    created: str
    trained_on: str
    command: str
    thresholds: Thresholds = field(default_factory=Thresholds)
    evaluation: dict = field(default_factory=dict)
    notes: str = ""
    trained_records: int | None = None  # records the prior match probability was estimated on
    status: str = CANDIDATE  # a run without --model uses the latest ACCEPTED version
    parent: str = ""  # the version this one was derived from (new thresholds, labelled m)
    accepted_by: str = ""
    accepted_at: str = ""


@dataclass
class SavedModel:
    splink: dict
    meta: ModelMeta
    path: Path | None = None


def for_record_count(splink: dict, trained_records: int | None, records: int) -> dict:
    """The model with its prior match probability rescaled to a data set of `records` records.

    Two random records of N are the same person with probability about (k - 1) / (N - 1) for k
    records per person, so the prior falls as the data grows; m and u do not depend on N.
    """
    if not trained_records or records < 2 or trained_records < 2:
        return splink
    prior = splink["probability_two_random_records_match"] * (trained_records - 1) / (records - 1)
    return {**splink, "probability_two_random_records_match": min(prior, 0.5)}


def default_models_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "models"


def resolve(name_or_path: str | Path, models_dir: Path | None = None) -> Path:
    p = Path(name_or_path)
    if p.is_dir() or p.suffix == ".json" or len(p.parts) > 1:
        return p if p.is_dir() or p.suffix != ".json" else p.parent
    return (models_dir or default_models_dir()) / str(name_or_path)


def load_model(name_or_path: str | Path, models_dir: Path | None = None) -> SavedModel:
    path = resolve(name_or_path, models_dir)
    model_file = path / MODEL_FILE
    if not model_file.exists():
        raise ModelError(
            f"no model at {path} (expected {MODEL_FILE}); train one with `linkage train RECORDS --name NAME` or pass --train"
        )
    try:
        splink = json.loads(model_file.read_text())
        meta_raw = json.loads((path / META_FILE).read_text()) if (path / META_FILE).exists() else {}
    except (OSError, json.JSONDecodeError) as e:
        raise ModelError(f"model at {path} cannot be read: {e}") from e
    meta_raw.setdefault("name", path.name)
    meta_raw.setdefault("created", "")
    meta_raw.setdefault("trained_on", "")
    meta_raw.setdefault("command", "")
    meta_raw.setdefault("status", ACCEPTED)  # files from before versions were accepted by being used
    return SavedModel(splink, _meta(meta_raw), path)


def _meta(raw: dict) -> ModelMeta:
    """ModelMeta from its JSON form (`asdict`), thresholds nested."""
    fields = dict(raw)
    return ModelMeta(thresholds=Thresholds(**fields.pop("thresholds", {})), **fields)


def save_model(model: SavedModel, path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / MODEL_FILE).write_text(json.dumps(model.splink, indent=2) + "\n")
    (path / META_FILE).write_text(json.dumps(asdict(model.meta), indent=2) + "\n")
    (path / CARD_FILE).write_text(model_card(model))
    model.path = path
    return path


def model_json(model: SavedModel) -> str:
    """The model as one JSON text (Splink JSON and meta): how a store keeps a model trained in a run."""
    return json.dumps({"splink": model.splink, "meta": asdict(model.meta)})


def model_from_json(text: str) -> SavedModel:
    raw = json.loads(text)
    return SavedModel(raw["splink"], _meta(raw["meta"]))


def model_digest(model: SavedModel) -> str:
    """A short fingerprint of what decides a run's links: the Splink JSON and the thresholds."""
    body = json.dumps({"splink": model.splink, "thresholds": asdict(model.meta.thresholds)}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def level_weights(splink: dict) -> list[tuple[str, str, float | None, float | None, float | None]]:
    """(comparison, level, m, u, match weight) for every non-null level."""
    rows = []
    for comp in splink.get("comparisons", []):
        for lvl in comp.get("comparison_levels", []):
            if lvl.get("is_null_level"):
                continue
            m, u = lvl.get("m_probability"), lvl.get("u_probability")
            w = math.log2(m / u) if m and u else None
            rows.append((comp["output_column_name"], lvl.get("label_for_charts", ""), m, u, w))
    return rows


def model_card(model: SavedModel) -> str:
    m = model.meta
    fmt = lambda v, spec: "-" if v is None else format(v, spec)  # noqa: E731
    lines = [
        f"# Model card: {m.name}",
        "",
        f"- created: {m.created}",
        f"- trained on: {m.trained_on}",
        f"- command: `{m.command}`",
        "- method: Splink Fellegi-Sunter model; u by random sampling, m by EM on three blockings "
        "(same date of birth, same SSN, same full name), no labels; domain priors fix u on levels "
        "random sampling cannot observe (see linkage/model/comparisons.py)",
        f"- prior match probability (lambda): {model.splink.get('probability_two_random_records_match'):.3g}",
        f"- thresholds: link at match probability >= {m.thresholds.link}, clerical review from {m.thresholds.review}",
        f"- status: {m.status}" + (f" (accepted by {m.accepted_by} at {m.accepted_at})" if m.accepted_by else ""),
        *([f"- derived from: {m.parent}"] if m.parent else []),
        "",
        "## Parameters",
        "",
        "| comparison | level | m | u | match weight |",
        "|---|---|---|---|---|",
    ]
    for comp, label, mm, uu, w in level_weights(model.splink):
        lines.append(f"| {comp} | {label} | {fmt(mm, '.4f')} | {fmt(uu, '.3g')} | {fmt(w, '+.2f')} |")
    lines += ["", "## Evaluation", ""]
    if m.evaluation:
        lines += [f"- {k}: {v}" for k, v in m.evaluation.items()]
    else:
        lines.append("- not evaluated yet")
    if m.notes:
        lines += ["", "## Notes", "", m.notes]
    return "\n".join(lines) + "\n"
