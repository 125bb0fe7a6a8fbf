"""Plain Splink 5, configured as its documentation teaches, as the baseline for every benchmark.

Library comparisons on the same fields the project uses (lower-cased, trimmed, nothing more),
`block_on` rules, probability from deterministic rules, u by random sampling, EM on two blockings,
connected components at a match-probability threshold.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import duckdb
import polars as pl
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

FIELDS = ("first_name", "surname", "dob", "ssn", "street", "city", "zip", "middle_name", "sex")


@dataclass
class PlainResult:
    clusters: pl.DataFrame  # unique_id, cluster_id
    seconds: float
    pairs: int


def prepare(df: pl.DataFrame) -> pl.DataFrame:
    """unique_id plus FIELDS: lower-cased and trimmed text, empty as null; dob as YYYY-MM-DD text."""
    text = [pl.col(c).cast(pl.String).str.strip_chars().str.to_lowercase().replace("", None).alias(c)
            for c in FIELDS if c in df.columns]
    return df.select(pl.col("unique_id"), *text)


def settings(df: pl.DataFrame) -> SettingsCreator:
    comps = [cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
             cl.NameComparison("surname").configure(term_frequency_adjustments=True),
             cl.DateOfBirthComparison("dob", input_is_string=True)]
    if "ssn" in df.columns:
        comps.append(cl.LevenshteinAtThresholds("ssn", [1, 2]))
    if "middle_name" in df.columns:
        comps.append(cl.NameComparison("middle_name"))
    if "sex" in df.columns:
        comps.append(cl.ExactMatch("sex"))
    comps += [cl.LevenshteinAtThresholds("street", [2]), cl.ExactMatch("city"), cl.ExactMatch("zip")]
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=comps,
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"), block_on("surname", "dob"), block_on("first_name", "dob"),
            block_on("ssn"), block_on("zip", "dob")] if "ssn" in df.columns else [
            block_on("first_name", "surname"), block_on("surname", "dob"), block_on("first_name", "dob"),
            block_on("zip", "dob")],
        retain_matching_columns=False,
    )


def dedupe(df: pl.DataFrame, threshold: float = 0.9, u_max_pairs: float = 1e7, seed: int = 1) -> PlainResult:
    """Train and cluster with plain Splink; `df` has unique_id and any of FIELDS."""
    t0 = time.perf_counter()
    data = prepare(df)
    con = duckdb.connect()
    db_api = DuckDBAPI(con)
    linker = Linker(db_api.register(data.to_arrow()), settings(data), log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=threshold / 10)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, threshold)
    out = con.sql(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").pl()
    pairs = con.sql(f"SELECT count(*) FROM {pred.physical_name}").fetchall()[0][0]
    con.close()
    return PlainResult(out, time.perf_counter() - t0, pairs)
