"""Precision and recall with 95% intervals from a reviewed stratified sample (`review.sample`).

Each stratum's share of true pairs is estimated from its reviewed pairs and weighted by the
stratum's size, so that the grey zone, sampled far more densely than the mass of sure links, counts
for what it is. Precision is the share of true pairs among the pairs linked; recall the share of the
true pairs (linked or kept apart) that were linked, a ratio whose variance is taken by the delta
method. Intervals are Clopper-Pearson at the sample's effective size (Korn and Graubard, 1998):
a plain normal interval collapses to a point when every reviewed link was right, and a precision
near 1 is exactly what a good run has. Pairs decided "unsure" count as not reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from linkage.store.review import MATCH, NOT_A_MATCH

LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    estimate: float | None
    low: float | None
    high: float | None

    def words(self) -> str:
        if self.estimate is None:
            return "-"
        return f"{self.estimate:.4f} (95% {self.low:.4f}-{self.high:.4f})"


@dataclass(frozen=True)
class Estimates:
    precision: Interval
    recall: Interval
    strata: pl.DataFrame  # stratum, linked, pairs, drawn, decided, matches, share (the stratum's estimate)
    drawn: int
    decided: int
    unsure: int
    undecided_strata: int  # strata with nothing decided yet: estimated from the rest of their side

    def rows(self) -> list[tuple[str, float | None, float | None, float | None]]:
        return [(name, i.estimate, i.low, i.high) for name, i in (("precision", self.precision), ("recall", self.recall))]


def estimate(strata: pl.DataFrame, decisions: pl.DataFrame, level: float = LEVEL) -> Estimates:
    """strata: stratum, linked, pairs, drawn; decisions: stratum, decision (null when not decided)."""
    counts = decisions.group_by("stratum").agg(
        pl.col("decision").is_in([MATCH, NOT_A_MATCH]).sum().alias("decided"),
        (pl.col("decision") == MATCH).sum().alias("matches"),
        (pl.col("decision") == "unsure").sum().alias("unsure"),
    )
    s = strata.join(counts, on="stratum", how="left").with_columns(pl.col("decided", "matches", "unsure").fill_null(0))
    s = s.with_columns(_share(s).alias("share"))
    linked, apart = s.filter(pl.col("linked")), s.filter(~pl.col("linked"))
    precision = _precision(linked, level)
    recall = _recall(linked, apart, level)
    return Estimates(
        precision,
        recall,
        s.drop("unsure"),
        int(s["drawn"].sum()),
        int(s["decided"].sum()),
        int(s["unsure"].sum()),
        int(s.filter(pl.col("decided") == 0).height),
    )


def _share(s: pl.DataFrame) -> pl.Series:
    """A stratum's share of true pairs; one with nothing decided takes its side's pooled share."""
    pooled = {}
    for side in (True, False):
        part = s.filter(pl.col("linked") == side)
        n = int(part["decided"].sum())
        pooled[side] = int(part["matches"].sum()) / n if n else (1.0 if side else 0.0)
    return pl.Series([m / d if d else pooled[lk] for m, d, lk in zip(s["matches"], s["decided"], s["linked"])], dtype=pl.Float64)


def _total(part: pl.DataFrame) -> tuple[float, float]:
    """Estimated true pairs in these strata and the variance of that estimate (finite population)."""
    total = var = 0.0
    for big_n, n, p in zip(part["pairs"], part["decided"], part["share"]):
        total += big_n * p
        if 0 < n < big_n:
            var += big_n**2 * (1 - n / big_n) * p * (1 - p) / max(n - 1, 1)
    return total, var


def _precision(linked: pl.DataFrame, level: float) -> Interval:
    pairs = int(linked["pairs"].sum())
    if not pairs or not int(linked["decided"].sum()):  # nothing linked, or nothing of it reviewed yet
        return Interval(None, None, None)
    true, var = _total(linked)
    p = true / pairs
    if _enumerated(linked):
        return Interval(p, p, p)
    return _interval(p, var / pairs**2, _kish(linked), level)


def _recall(linked: pl.DataFrame, apart: pl.DataFrame, level: float) -> Interval:
    if not int(linked["decided"].sum()) or (apart.height and not int(apart["decided"].sum())):
        return Interval(None, None, None)  # a side with nothing reviewed yet: no estimate, not a guess
    a, var_a = _total(linked)
    b, var_b = _total(apart)
    if a + b <= 0:
        return Interval(None, None, None)
    r = a / (a + b)
    var = (b**2 * var_a + a**2 * var_b) / (a + b) ** 4
    if _enumerated(linked) and _enumerated(apart):
        return Interval(r, r, r)
    if b == 0 and apart.height:
        # no missed pair seen: the recall is bounded by how many could hide in the pairs kept apart
        bound = _interval(0.0, 0.0, _kish(apart), level).high or 0.0
        low = a / (a + bound * int(apart["pairs"].sum()))
        return Interval(r, low, 1.0)
    matches = int(linked["matches"].sum()) + int(apart["matches"].sum())
    return _interval(r, var, max(matches, 1), level)


def _interval(p: float, var: float, n_cap: float, level: float) -> Interval:
    """Clopper-Pearson at the effective size p(1-p)/var (capped at the sample behind it); when the
    variance is 0 because every reviewed pair agreed, at `n_cap` itself."""
    from scipy.stats import beta  # half a second to import: every CLI command would pay it

    alpha = 1 - level
    n = min(p * (1 - p) / var, n_cap) if var > 0 else n_cap
    if n <= 0:
        return Interval(p, 0.0, 1.0)
    x = p * n
    low = float(beta.ppf(alpha / 2, x, n - x + 1)) if x > 0 else 0.0
    high = float(beta.ppf(1 - alpha / 2, x + 1, n - x)) if x < n else 1.0
    return Interval(p, min(low, p), max(high, p))


def _enumerated(part: pl.DataFrame) -> bool:
    """Every pair of these strata decided: their count is known, not estimated."""
    return bool((part["decided"] >= part["pairs"]).all())


def _kish(part: pl.DataFrame) -> float:
    """Effective sample size of the decided pairs under their weights N/n: (sum w)^2 / sum w^2."""
    rows = [(big_n, n) for big_n, n in zip(part["pairs"], part["decided"]) if n]
    if not rows:
        return 0.0
    sw = sum(big_n for big_n, _ in rows)
    sw2 = sum(big_n**2 / n for big_n, n in rows)
    return sw**2 / sw2


def notes(e: Estimates, sample_run: int, current_run: int) -> list[str]:
    """What a reader must know beside the figures: how much is decided, what recall counts, whether
    the figures are provisional or of an earlier run (review status and the run report)."""
    out = [
        f"{e.decided:,} of {e.drawn:,} sampled pairs decided" + (f", {e.unsure:,} unsure (left out)" if e.unsure else ""),
        "recall is of the true pairs among those the run compared (under the review threshold, through the share the run kept)",
    ]
    if e.undecided_strata:
        out.append(f"provisional: {e.undecided_strata} strata have no decision yet (estimated from the rest)")
    if sample_run != current_run:
        out.append(f"the store's current run is {current_run}: these figures describe run {sample_run}; draw a new sample for it")
    return out
