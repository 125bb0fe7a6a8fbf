"""Candidate pairs in DuckDB from key rules, with a report of what each rule contributed."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from blocking.rules import KeyRule


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


def rule_keys_sql(source: str, rule: KeyRule, list_columns: set[str]) -> str:
    """(uid, grp, missing, key, n) for every key of every record under `rule`, n = its block's size.
    A list column gives one key per element (nested unnests: two lists give every combination)."""
    inner = source
    for c in rule.columns:
        if c in list_columns:
            inner = f"(SELECT * REPLACE (unnest({c}) AS {c}) FROM {inner})"
    missing = f"{rule.only_if_missing} IS NULL" if rule.only_if_missing else "false"
    cols = ", ".join(rule.columns)
    present = " AND ".join(f"{c} IS NOT NULL" for c in rule.columns)
    return _with_block_sizes(f"SELECT DISTINCT uid, grp, {missing} AS missing, hash({cols}) AS key FROM {inner} WHERE {present}")


def split_keys_sql(source: str, parent_keys: str, rule: KeyRule) -> str:
    """As `rule_keys_sql` for a rule that splits its parent's skipped blocks, from the parent's keys:
    only the records of those blocks, keyed by the parent key and the added (scalar) columns."""
    parent = rule.splits
    if parent is None:
        raise ValueError(f"blocking rule {rule.name!r} splits no other rule")
    added = rule.columns[len(parent.columns) :]
    cols = ", ".join(f"s.{c}" for c in added)
    present = " AND ".join(f"s.{c} IS NOT NULL" for c in added)
    return _with_block_sizes(
        f"SELECT DISTINCT k.uid, k.grp, k.missing, hash(k.key, {cols}) AS key "
        f"FROM {parent_keys} k JOIN {source} s ON s.uid = k.uid "
        f"WHERE k.n > {parent.max_block_size} AND {present}"
    )


def _with_block_sizes(keyed: str) -> str:
    return f"SELECT *, count(*) OVER (PARTITION BY key) AS n FROM ({keyed})"


def _splits_from_keys(rule: KeyRule, kept: dict[KeyRule, str], list_columns: set[str]) -> str | None:
    """The kept keys table of the rule this one splits, when it can be used."""
    parent = rule.splits
    if parent is None or parent not in kept or rule.columns[: len(parent.columns)] != parent.columns:
        return None
    if rule.only_if_missing != parent.only_if_missing or set(rule.columns[len(parent.columns) :]) & list_columns:
        return None
    return kept[parent]


def rule_pairs_sql(keys_table: str, rule: KeyRule, exclude_groups: bool) -> str:
    """Pairs (l < r) sharing a key of this rule, blocks over the rule's cap left out."""
    conditions = ["a.uid < b.uid", f"a.n <= {rule.max_block_size}"]
    if rule.only_if_missing:
        conditions.append("(a.missing OR b.missing)")
    if exclude_groups:
        conditions.append("a.grp <> b.grp")
    return (
        f"SELECT DISTINCT a.uid AS l, b.uid AS r FROM {keys_table} a "
        f"JOIN {keys_table} b ON a.key = b.key WHERE {' AND '.join(conditions)}"
    )


def candidate_pairs(
    con: duckdb.DuckDBPyConnection,
    records: pl.DataFrame,
    rules: list[KeyRule],
    out_table: str = "blocked_pairs",
    exclude_same: tuple[str, ...] = (),
    labels: pl.DataFrame | None = None,
) -> BlockingReport:
    """Write `out_table(match_key, join_key_l, join_key_r)` and report per rule.

    exclude_same: never pair two records equal on all these columns (two people of one case).
    labels: optional (uid, label) truth; the report then gives recall per rule and overall.
    """
    report = BlockingReport(records=records.height)
    if labels is not None:
        con.register("__blk_labels", labels.select("uid", pl.col(labels.columns[1]).alias("label")))
    _load_source(con, records, rules, exclude_same)
    lists = {c for c, t in records.schema.items() if isinstance(t, pl.List)}
    parents = {r.splits for r in rules if r.splits is not None}
    kept: dict[KeyRule, str] = {}
    parts = []
    for i, rule in enumerate(rules):
        name = f"__blk_keys_{i}"
        parent_keys = _splits_from_keys(rule, kept, lists)
        sql = split_keys_sql("__blk_src", parent_keys, rule) if parent_keys else rule_keys_sql("__blk_src", rule, lists)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")
        keys, skipped, largest = con.execute(
            f"SELECT count(*), count(DISTINCT key) FILTER (n > {rule.max_block_size}), "
            f"coalesce(max(n) FILTER (n > {rule.max_block_size}), 0) FROM {name}"
        ).fetchall()[0]
        con.execute(f"CREATE OR REPLACE TEMP TABLE __blk_pairs_{i} AS {rule_pairs_sql(name, rule, bool(exclude_same))}")
        if parent_keys and rule.splits is not None:
            con.execute(f"DROP TABLE {parent_keys}")
            del kept[rule.splits]
        if rule in parents:
            kept[rule] = name
        else:
            con.execute(f"DROP TABLE {name}")
        stats = RuleStats(rule.name, keys, _count(con, f"__blk_pairs_{i}"), 0, skipped, largest)
        if labels is not None:
            stats.recall = _recall(con, f"__blk_pairs_{i}")[0]
        report.rules.append(stats)
        parts.append(f"SELECT {i} AS rule, l, r FROM __blk_pairs_{i}")
    union = " UNION ALL ".join(parts) if parts else "SELECT 0 AS rule, 0 AS l, 0 AS r WHERE false"
    con.execute(
        f"CREATE OR REPLACE TABLE {out_table} AS SELECT CAST(min(rule) AS VARCHAR) AS match_key, "
        f"l AS join_key_l, r AS join_key_r FROM ({union}) GROUP BY l, r"
    )
    counts = dict(con.execute(f"SELECT CAST(match_key AS INT), count(*) FROM {out_table} GROUP BY 1").fetchall())
    for i, stats in enumerate(report.rules):
        stats.new_pairs = counts.get(i, 0)
    report.total_pairs = sum(counts.values())
    if labels is not None:
        report.recall, report.true_pairs = _recall(con, out_table, "join_key_l", "join_key_r")
    con.execute("DROP TABLE IF EXISTS __blk_src")
    for i in range(len(rules)):
        con.execute(f"DROP TABLE IF EXISTS __blk_pairs_{i}; DROP TABLE IF EXISTS __blk_keys_{i}")
    return report


def rule_columns(rules: list[KeyRule]) -> list[str]:
    """The record columns the rules read (a caller can hand `candidate_pairs` just these, with uid
    and the exclude_same columns)."""
    return list(dict.fromkeys(c for r in rules for c in (*r.columns, *([r.only_if_missing] if r.only_if_missing else []))))


def _load_source(
    con: duckdb.DuckDBPyConnection, records: pl.DataFrame, rules: list[KeyRule], exclude_same: tuple[str, ...]
) -> None:
    """One table of what the rules read: uid, the group never paired within, the rules' columns."""
    cols = rule_columns(rules)
    grp = pl.struct(list(exclude_same)).hash(seed=99) if exclude_same else pl.lit(0, pl.UInt64)
    con.register("__blk_src_df", records.select(pl.col("uid"), grp.alias("grp"), *cols))
    con.execute("CREATE OR REPLACE TEMP TABLE __blk_src AS SELECT * FROM __blk_src_df")
    con.unregister("__blk_src_df")


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _recall(con: duckdb.DuckDBPyConnection, table: str, l: str = "l", r: str = "r") -> tuple[float, int]:
    true_pairs = con.execute(
        "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM __blk_labels GROUP BY label)"
    ).fetchall()[0][0]
    found = con.execute(
        f"SELECT count(*) FROM {table} p JOIN __blk_labels a ON p.{l} = a.uid "
        f"JOIN __blk_labels b ON p.{r} = b.uid WHERE a.label = b.label"
    ).fetchall()[0][0]
    return (found / true_pairs if true_pairs else 1.0), int(true_pairs)
