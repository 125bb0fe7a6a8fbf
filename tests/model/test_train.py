"""What training leaves in a model for the fields its file never held."""

from __future__ import annotations

import json
from pathlib import Path

from linkage.model import load_model
from linkage.model.inmemory import PairScorer
from linkage.model.train import neutral_where_unseen

SHIPPED = load_model(Path(__file__).resolve().parents[2] / "models" / "default")


def without_u(comparison: str) -> dict:
    """The shipped model as a file with no such column would leave it: no u on that comparison."""
    model = json.loads(json.dumps(SHIPPED.splink))
    for comp in model["comparisons"]:
        if comp["output_column_name"] == comparison:
            for level in comp["comparison_levels"]:
                level.pop("u_probability", None)
    return model


def test_a_level_the_training_file_never_showed_weighs_nothing():
    model = neutral_where_unseen(without_u("suffix"))
    suffix = next(c for c in model["comparisons"] if c["output_column_name"] == "suffix")
    levels = [lv for lv in suffix["comparison_levels"] if not lv.get("is_null_level")]
    assert levels and all(lv["m_probability"] == lv["u_probability"] for lv in levels)
    scorer = PairScorer(model, {})  # the service scores with it (a level without u was refused)
    assert scorer.best_weight("suffix") == 0.0 and scorer.best_weight("first_name") > 5


def test_levels_training_saw_are_left_as_they_are():
    model = neutral_where_unseen(without_u("suffix"))
    first = lambda m: next(c for c in m["comparisons"] if c["output_column_name"] == "first_name")  # noqa: E731
    assert first(model) == first(SHIPPED.splink)
