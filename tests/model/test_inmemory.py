"""The in-memory scorer gives Splink's own match weights on the same pairs."""

from __future__ import annotations

import json

import polars as pl
import pytest

from linkage import columns as C
from linkage.errors import ModelError
from linkage.model.comparisons import COMPARISON_COLUMNS
from linkage.model.file_rates import as_run_scored
from linkage.model.inmemory import PairScorer
from linkage.pipeline import LinkConfig, link


@pytest.fixture(scope="module")
def scored(small_data):
    return link([small_data / "records.csv"], LinkConfig(review_threshold=0.0001))


def test_weights_equal_splinks_on_every_scored_pair(scored):
    model = as_run_scored(scored.model, scored.records.height, scored.file_rates)  # as the run scored
    scorer = PairScorer.from_records(model, scored.records)
    rows = {r[C.RECORD_ID]: r for r in scored.records.select(C.RECORD_ID, *COMPARISON_COLUMNS).iter_rows(named=True)}
    pairs = scored.pairs
    assert pairs.height > 1000 and pairs["match_probability"].min() < 0.01  # weak pairs are checked too
    ours = [scorer.weight(rows[a], rows[b]) for a, b in zip(pairs["record_id_l"], pairs["record_id_r"])]
    diff = (pl.Series(ours) - pairs["match_weight"]).abs()
    assert diff.max() < 1e-6, pairs.with_columns(pl.Series("ours", ours)).filter(diff > 1e-6).head(5)
    probs = pl.Series([scorer.probability(w) for w in ours])
    assert (probs - pairs["match_probability"]).abs().max() < 1e-9


def test_explanation_adds_up_to_the_weight(scored):
    model = scored.model.splink
    scorer = PairScorer.from_records(model, scored.records)
    a, b = scored.records.head(2).select(C.RECORD_ID, *COMPARISON_COLUMNS).iter_rows(named=True)
    evidence = scorer.explain(a, b)
    assert [e.comparison for e in evidence] == [c["output_column_name"] for c in model["comparisons"]]
    assert abs(scorer.prior_weight + sum(e.weight for e in evidence) - scorer.weight(a, b)) < 1e-9


def test_a_level_without_a_python_twin_is_refused(scored):
    model = {
        **scored.model.splink,
        "comparisons": [
            {
                **scored.model.splink["comparisons"][0],
                "comparison_levels": [
                    {"sql_condition": "soundex(fn_l) = soundex(fn_r)", "m_probability": 0.5, "u_probability": 0.1},
                    {"sql_condition": "ELSE", "m_probability": 0.5, "u_probability": 0.9},
                ],
            }
        ],
    }
    with pytest.raises(ModelError, match="no in-memory twin"):
        PairScorer(model, {})


def test_a_model_saved_before_the_hamming_prefilters_scores_the_same(scored):
    """Models saved earlier state two levels without the Hamming test; they still load in the
    service, with the same weights."""
    from linkage.model.comparisons import EARLIER_CONDITIONS

    current = scored.model.splink
    earlier = json.loads(json.dumps(current))
    renamed = 0
    for comparison in earlier["comparisons"]:
        for level in comparison["comparison_levels"]:
            for old, new in EARLIER_CONDITIONS.items():
                if level["sql_condition"] == new:
                    level["sql_condition"], renamed = old, renamed + 1
    assert renamed == 2
    now, before = PairScorer.from_records(current, scored.records), PairScorer.from_records(earlier, scored.records)
    rows = list(scored.records.select(C.RECORD_ID, *COMPARISON_COLUMNS).head(300).iter_rows(named=True))
    assert [now.weight(a, b) for a in rows[:20] for b in rows] == [before.weight(a, b) for a in rows[:20] for b in rows]
