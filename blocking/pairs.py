"""Candidate pairs in DuckDB from key rules, with a report of what each rule contributed."""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from blocking.rules import KeyRule, record_keys


@dataclass
class RuleStats:
    name: str
    keys: int = 0
    pairs: int = 0  # pairs this rule generates on its own
    new_pairs: int = 0  # pairs no earlier rule generated
    skipped_blocks: int = 0  # blocks over max_block_size
    largest_skipped: int = 0
    recall: float | None = None  # share of true pairs this rule finds on its own


@dataclass
class BlockingReport:
    rules: list[RuleStats] = field(default_factory=list)
    total_pairs: int = 0
    records: int = 0
    true_pairs: int | None = None
    recall: float | None = None

    def lines(self) -> list[str]:
        out = [f"{'rule':<28}{'pairs':>12}{'new':>12}{'skipped blocks':>16}{'recall':>9}"]
        for r in self.rules:
            rec = f"{r.recall:.4f}" if r.recall is not None else "-"
            skipped = f"{r.skipped_blocks} (max {r.largest_skipped})" if r.skipped_blocks else "0"
            out.append(f"{r.name:<28}{r.pairs:>12,}{r.new_pairs:>12,}{skipped:>16}{rec:>9}")
        rec = f"{self.recall:.4f}" if self.recall is not None else "-"
        per = self.total_pairs / self.records if self.records else 0
        out.append(f"{'all rules':<28}{self.total_pairs:>12,}{'':>12}{'':>16}{rec:>9}")
        out.append(f"{per:.1f} comparisons per record")
        return out


def rule_pairs_sql(keys_table: str, rule: KeyRule, exclude_groups: bool) -> str:
    """Pairs (l < r) sharing a key of this rule, big blocks left out."""
    conditions = ["a.uid < b.uid", f"a.key IN (SELECT key FROM {keys_table}_ok)"]
    if rule.only_if_missing:
        conditions.append("(a.missing OR b.missing)")
    if exclude_groups:
        conditions.append("a.grp <> b.grp")
    return (f"SELECT DISTINCT a.uid AS l, b.uid AS r FROM {keys_table} a "
            f"JOIN {keys_table} b ON a.key = b.key WHERE {' AND '.join(conditions)}")


def candidate_pairs(con: duckdb.DuckDBPyConnection, records: pl.DataFrame, rules: list[KeyRule],
                    out_table: str = "blocked_pairs", exclude_same: tuple[str, ...] = (),
                    labels: pl.DataFrame | None = None) -> BlockingReport:
    """Write `out_table(match_key, join_key_l, join_key_r)` and report per rule.

    exclude_same: never pair two records equal on all these columns (two people of one case).
    labels: optional (uid, label) truth; the report then gives recall per rule and overall.
    """
    report = BlockingReport(records=records.height)
    if labels is not None:
        con.register("__blk_labels", labels.select("uid", pl.col(labels.columns[1]).alias("label")))
    grp = (pl.struct(list(exclude_same)).hash(seed=99) if exclude_same else pl.lit(0, pl.UInt64))
    groups = records.select(pl.col("uid"), grp.alias("grp"))
    parts = []
    for i, rule in enumerate(rules):
        keys = record_keys(records, rule).join(groups, on="uid")
        name = f"__blk_keys_{i}"
        con.register(f"{name}_src", keys)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_src")
        con.unregister(f"{name}_src")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_sizes AS SELECT key, count(*) AS n FROM {name} "
                    f"GROUP BY key HAVING count(*) > 1")
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_ok AS SELECT key FROM {name}_sizes "
                    f"WHERE n <= {rule.max_block_size}")
        skipped = con.execute(f"SELECT count(*), coalesce(max(n), 0) FROM {name}_sizes "
                              f"WHERE n > {rule.max_block_size}").fetchall()[0]
        con.execute(f"CREATE OR REPLACE TEMP TABLE __blk_pairs_{i} AS "
                    f"{rule_pairs_sql(name, rule, bool(exclude_same))}")
        stats = RuleStats(rule.name, keys.height, _count(con, f"__blk_pairs_{i}"), 0, *skipped)
        if labels is not None:
            stats.recall = _recall(con, f"__blk_pairs_{i}")[0]
        report.rules.append(stats)
        parts.append(f"SELECT {i} AS rule, l, r FROM __blk_pairs_{i}")
    union = " UNION ALL ".join(parts) if parts else "SELECT 0 AS rule, 0 AS l, 0 AS r WHERE false"
    con.execute(f"CREATE OR REPLACE TABLE {out_table} AS SELECT CAST(min(rule) AS VARCHAR) AS match_key, "
                f"l AS join_key_l, r AS join_key_r FROM ({union}) GROUP BY l, r")
    counts = dict(con.execute(f"SELECT CAST(match_key AS INT), count(*) FROM {out_table} GROUP BY 1").fetchall())
    for i, stats in enumerate(report.rules):
        stats.new_pairs = counts.get(i, 0)
    report.total_pairs = sum(counts.values())
    if labels is not None:
        report.recall, report.true_pairs = _recall(con, out_table, "join_key_l", "join_key_r")
    for i in range(len(rules)):
        con.execute(f"DROP TABLE IF EXISTS __blk_keys_{i}; DROP TABLE IF EXISTS __blk_keys_{i}_ok; "
                    f"DROP TABLE IF EXISTS __blk_keys_{i}_sizes; "
                    f"DROP TABLE IF EXISTS __blk_pairs_{i}")
    return report


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _recall(con: duckdb.DuckDBPyConnection, table: str, l: str = "l", r: str = "r") -> tuple[float, int]:
    true_pairs = con.execute("SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM "
                             "(SELECT count(*) n FROM __blk_labels GROUP BY label)").fetchall()[0][0]
    found = con.execute(f"SELECT count(*) FROM {table} p JOIN __blk_labels a ON p.{l} = a.uid "
                        f"JOIN __blk_labels b ON p.{r} = b.uid WHERE a.label = b.label").fetchall()[0][0]
    return (found / true_pairs if true_pairs else 1.0), int(true_pairs)
