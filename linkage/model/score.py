"""Score registered candidate pairs with a trained Splink model."""

from __future__ import annotations

import logging

import polars as pl
from splink import DuckDBAPI, Linker

from linkage.errors import ModelError

SCORE_COLUMNS = ("uid_l", "uid_r", "match_weight", "match_probability", "match_key")


def score(db_api: DuckDBAPI, records_table: str, pairs_table: str, model: dict, min_probability: float = 0.01) -> pl.DataFrame:
    """Scored pairs at or above `min_probability` as (uid_l, uid_r, match_weight, match_probability,
    match_key). `pairs_table` has Splink's blocked-pair columns (match_key, join_key_l, join_key_r)."""
    table = score_table(db_api, records_table, pairs_table, model, min_probability)
    return db_api.duckdb_con.sql(f"SELECT {', '.join(SCORE_COLUMNS)} FROM {table}").pl()


def score_table(db_api: DuckDBAPI, records_table: str, pairs_table: str, model: dict, min_probability: float) -> str:
    """`score`, left in the connection: the name of Splink's table of predictions."""
    try:
        linker = Linker(db_api.register(records_table), model, log_level=logging.ERROR)
    except Exception as e:  # noqa: BLE001 - Splink raises many types for a bad model
        raise ModelError(f"the model cannot be used with these records: {e}") from e
    linker.table_management.register_blocked_pairs_for_predict(db_api.register(pairs_table))
    return linker.inference.predict(threshold_match_probability=min_probability, warning_mode="never").physical_name
