"""Plain Splink 5, configured as its documentation teaches, as the baseline for every benchmark.

Library comparisons on the same fields the project uses (lower-cased, trimmed, nothing more),
`block_on` rules, probability from deterministic rules, u by random sampling, EM on two blockings,
connected components at a match-probability threshold.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.internals.comparison_creator import ComparisonCreator

FIELDS = ("first_name", "surname", "dob", "ssn", "street", "city", "zip", "middle_name", "sex", "suffix")
# Not given: case_id and role. They carry the project's own rules (two people of one case are two
# people; a parent is older than the case's children), for which Splink has no library comparison.


@dataclass
class PlainResult:
    clusters: pl.DataFrame  # unique_id, cluster_id
    seconds: float
    pairs: int


def prepare(df: pl.DataFrame) -> pl.DataFrame:
    """unique_id plus FIELDS: lower-cased and trimmed text, empty as null; dob as YYYY-MM-DD text."""
    text = [
        pl.col(c).cast(pl.String).str.strip_chars().str.to_lowercase().replace("", None).alias(c)
        for c in FIELDS
        if c in df.columns
    ]
    return df.select(pl.col("unique_id"), *text)


MAX_RULE_COMPARISONS = 2e7  # what one rule may add before a docs-following user narrows it


def name_rule(sdf) -> object:
    """block_on(first_name, surname), unless counting (as the docs teach) shows it explodes; then
    narrowed by birth year."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    wide = block_on("first_name", "surname")
    rows = sdf.as_duckdbpyrelation().count("*").fetchall()[0][0]
    counted = count_comparisons_from_blocking_rules(
        sdf, blocking_rules=wide, link_type="dedupe_only", record_sample_proportion=min(1.0, 2e5 / max(rows, 1))
    )
    if counted[0]["marginal_comparison_count"] <= MAX_RULE_COMPARISONS:
        return wide
    return block_on("first_name", "surname", "substr(dob, 1, 4)")


def settings(df: pl.DataFrame, names=None) -> SettingsCreator:
    comps: list[ComparisonCreator | dict[str, Any]] = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
    ]
    if "ssn" in df.columns:
        comps.append(cl.LevenshteinAtThresholds("ssn", [1, 2]))
    if "middle_name" in df.columns:
        comps.append(cl.NameComparison("middle_name"))
    if "sex" in df.columns:
        comps.append(cl.ExactMatch("sex"))
    if "suffix" in df.columns:
        comps.append(cl.ExactMatch("suffix"))
    comps += [cl.LevenshteinAtThresholds("street", [2]), cl.ExactMatch("city"), cl.ExactMatch("zip")]
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comps,
        # As the docs teach: rules chosen after counting comparisons (see name_rule).
        blocking_rules_to_generate_predictions=[
            *([block_on("ssn")] if "ssn" in df.columns else []),
            block_on("first_name", "dob"),
            block_on("surname", "dob"),
            block_on("zip", "dob"),
            names or block_on("first_name", "surname"),
        ],
        retain_matching_columns=False,
    )


def dedupe(
    df: pl.DataFrame, threshold: float = 0.9, u_max_pairs: float = 1e7, seed: int = 1, em_max_pairs: float = 5e6
) -> PlainResult:
    """Train and cluster with plain Splink; `df` has unique_id and any of FIELDS."""
    t0 = time.perf_counter()
    data = prepare(df)
    con = duckdb.connect()
    db_api = DuckDBAPI(con)
    sdf = db_api.register(data.to_arrow())
    linker = Linker(sdf, settings(data, name_rule(sdf)), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    for rule in (block_on("first_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=em_max_pairs)
    pred = linker.inference.predict(threshold_match_probability=threshold / 10)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    out = con.sql(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").pl()
    pairs = con.sql(f"SELECT count(*) FROM {pred.physical_name}").fetchall()[0][0]
    con.close()
    return PlainResult(out, time.perf_counter() - t0, pairs)


def main(argv: list[str] | None = None) -> None:
    """File to clusters with plain Splink (for the speed benchmark's separate process)."""
    import argparse
    from pathlib import Path

    from benchmarks.accuracy import plain_input

    ap = argparse.ArgumentParser(description="plain Splink from a generator records file to clusters")
    ap.add_argument("records", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    raw = pl.read_csv(a.records, infer_schema=False)
    result = dedupe(plain_input(raw))
    result.clusters.select(pl.col("unique_id").alias("record_id"), pl.col("cluster_id").alias("person_id")).write_parquet(a.out)
    print(
        f"plain Splink: {raw.height:,} records, {result.pairs:,} scored pairs, "
        f"{time.perf_counter() - t0:.1f} s from file to clusters"
    )


if __name__ == "__main__":
    main()
