"""The trained Splink model applied to one pair at a time, in Python, for the on-demand service.

Splink scores pairs in SQL, which suits a batch and not a request answered in milliseconds. This
scorer reads the same model JSON (m, u, term-frequency settings, prior) and evaluates each level with
its Python twin from `comparisons.PY_CONDITIONS`; a test holds its weights to Splink's own on the
same pairs. Term frequencies come from the records the service indexes, as Splink takes them from
the table it scores.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from linkage.errors import ModelError
from linkage.model.comparisons import PY_CONDITIONS, Record, Twin


@dataclass(frozen=True)
class _Level:
    label: str
    condition: Twin | None  # None: the ELSE level
    weight: float  # log2(m / u); 0 for the null level
    is_null: bool
    tf_column: str | None
    tf_weight: float
    log2_u_exact: float
    tf_min: float


@dataclass(frozen=True)
class _Comparison:
    name: str
    levels: tuple[_Level, ...]


@dataclass(frozen=True)
class Evidence:
    """One comparison's outcome for a pair: the level reached and the weight it added."""

    comparison: str
    level: str
    weight: float


class PairScorer:
    """Match weight and probability of record pairs under a Splink model."""

    def __init__(self, splink_model: Mapping, term_frequencies: Mapping[str, Mapping[str, float]]):
        lam = splink_model["probability_two_random_records_match"]
        self.prior_weight = math.log2(lam / (1 - lam))
        self.tf = term_frequencies
        self.comparisons = tuple(_comparison(c) for c in splink_model["comparisons"])

    @classmethod
    def from_records(cls, splink_model: Mapping, records: pl.DataFrame) -> PairScorer:
        """Term frequencies as Splink computes them: count of a value over the non-null count."""
        return cls(splink_model, term_frequencies(splink_model, records))

    def tf_columns(self) -> set[str]:
        return {lvl.tf_column for c in self.comparisons for lvl in c.levels if lvl.tf_column}

    def explain(self, l: Record, r: Record, skip: frozenset[str] = frozenset()) -> list[Evidence]:
        out = []
        for comp in self.comparisons:
            if comp.name in skip:
                continue
            for lvl in comp.levels:
                if lvl.condition is None or lvl.condition(l, r):
                    out.append(Evidence(comp.name, lvl.label, lvl.weight + self._tf_adjustment(lvl, l, r)))
                    break
        return out

    def weight(self, l: Record, r: Record, skip: frozenset[str] = frozenset()) -> float:
        """skip: comparisons left out (the service leaves out the address of a protected person, so
        that a probe with a guessed address learns nothing from the probability)."""
        w = self.prior_weight
        for comp in self.comparisons:
            if comp.name in skip:
                continue
            for lvl in comp.levels:
                if lvl.condition is None or lvl.condition(l, r):
                    w += lvl.weight + (self._tf_adjustment(lvl, l, r) if lvl.tf_column else 0.0)
                    break
        return w

    def best_level(self, comparison: str) -> str:
        """The label of a comparison's strongest level (its first that is not the null level)."""
        return self._best(comparison).label

    def best_weight(self, comparison: str) -> float:
        """That level's weight (before any term-frequency adjustment)."""
        return self._best(comparison).weight

    def _best(self, comparison: str) -> _Level:
        comp = next(c for c in self.comparisons if c.name == comparison)
        return next(lvl for lvl in comp.levels if not lvl.is_null)

    @staticmethod
    def probability(weight: float) -> float:
        if weight > 60:
            return 1.0
        bf = 2.0**weight
        return bf / (1.0 + bf)

    def _tf_adjustment(self, lvl: _Level, l: Record, r: Record) -> float:
        if not lvl.tf_column or lvl.tf_weight == 0:
            return 0.0
        freqs = self.tf.get(lvl.tf_column, {})
        tl, tr = (freqs.get(v) if isinstance(v, str) else None for v in (l[lvl.tf_column], r[lvl.tf_column]))
        if tl is None and tr is None:
            return 0.0
        tf = max(x for x in (tl, tr, lvl.tf_min) if x is not None)
        return lvl.tf_weight * (lvl.log2_u_exact - math.log2(tf))


def term_frequencies(splink_model: Mapping, records: pl.DataFrame) -> dict[str, dict[str, float]]:
    cols = {
        lvl.get("tf_adjustment_column")
        for c in splink_model["comparisons"]
        for lvl in c["comparison_levels"]
        if lvl.get("tf_adjustment_column")
    }
    out: dict[str, dict[str, float]] = {}
    for col in sorted(cols):
        counts = records.select(col).drop_nulls().group_by(col).len()
        total = counts["len"].sum() or 1
        out[col] = dict(zip(counts[col].to_list(), (counts["len"] / total).to_list()))
    return out


def _comparison(raw: Mapping) -> _Comparison:
    levels = raw["comparison_levels"]
    exact_u = next((lvl.get("u_probability") for lvl in levels if lvl.get("tf_adjustment_column")), None)
    out = []
    for lvl in levels:
        sql = lvl["sql_condition"]
        condition = None if sql.strip().upper() == "ELSE" else PY_CONDITIONS.get(sql)
        if condition is None and sql.strip().upper() != "ELSE":
            raise ModelError(
                f"comparison {raw['output_column_name']!r}: level {sql!r} has no in-memory "
                "twin in linkage/model/comparisons.py; the service cannot score with this model"
            )
        is_null = bool(lvl.get("is_null_level"))
        m, u = lvl.get("m_probability"), lvl.get("u_probability")
        if not is_null and not (m and u):
            raise ModelError(
                f"comparison {raw['output_column_name']!r}: level {lvl.get('label_for_charts')!r} "
                "is not trained (no m or u probability)"
            )
        out.append(
            _Level(
                label=lvl.get("label_for_charts", sql),
                condition=condition,
                weight=0.0 if is_null else math.log2(m / u),
                is_null=is_null,
                tf_column=lvl.get("tf_adjustment_column"),
                tf_weight=lvl.get("tf_adjustment_weight", 1.0),
                log2_u_exact=math.log2(exact_u) if exact_u else 0.0,
                tf_min=lvl.get("tf_minimum_u_value", 0.0),
            )
        )
    return _Comparison(raw["output_column_name"], tuple(out))
