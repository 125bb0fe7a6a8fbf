"""Blocking rules as small key objects.

A rule names the columns whose values together form a blocking key; records that share a key become a
candidate pair. A list column (surname tokens, nickname groups) gives one key per element, so GARCIA
LOPEZ is keyed under GARCIA and under LOPEZ. The batch keys them in DuckDB (`pairs.rule_keys_sql`),
the Spark engine per partition with `record_keys`, the on-demand index as strings (`index.py`): the
same rules, so all three generate the same candidates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl


@dataclass(frozen=True)
class KeyRule:
    """Pair records that agree on every column of `columns`.

    only_if_missing: pair only where at least one of the two records lacks this column (for thin
        records, such as an absent parent known by name only, without widening every block).
    max_block_size: blocks with more records than this are skipped and reported, so one common
        value (MARIA GARCIA) cannot make comparisons explode.
    splits: the rule whose skipped blocks this one splits (made by `refined`; its columns start with
        that rule's). Only an optimization: the pairs are the same as this rule's alone, since a
        pair in one of its blocks shares the parent's key, and a small parent block pairs it already.
    """

    name: str
    columns: tuple[str, ...]
    only_if_missing: str | None = None
    max_block_size: int = 400
    splits: KeyRule | None = None

    def lacks(self, record: Mapping[str, object]) -> bool:
        """Whether a record (standardized values) lacks the column this rule pairs only without."""
        return self.only_if_missing is not None and record.get(self.only_if_missing) is None

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError(f"blocking rule {self.name!r} needs at least one column")
        if self.max_block_size < 2:
            raise ValueError(f"blocking rule {self.name!r}: max_block_size must be at least 2")


def block_on(*columns: str, name: str | None = None, only_if_missing: str | None = None, max_block_size: int = 400) -> KeyRule:
    """`block_on("dob_str", "fn_canon")`, in the manner of Splink's block_on."""
    return KeyRule(name or "+".join(columns), tuple(columns), only_if_missing, max_block_size)


def record_keys(df: pl.DataFrame, rule: KeyRule, uid: str = "uid") -> pl.DataFrame:
    """(uid, key, missing) rows: one per key a record has under this rule; no key if a column is null.

    `missing` says whether the record lacks `rule.only_if_missing` (always false without one).
    """
    cols = list(rule.columns)
    missing = pl.col(rule.only_if_missing).is_null() if rule.only_if_missing else pl.lit(False)
    keyed = df.select(pl.col(uid), *[pl.col(c) for c in cols], missing.alias("missing"))
    for c in cols:
        if isinstance(keyed.schema[c], pl.List):
            keyed = keyed.explode(c)
    keyed = keyed.drop_nulls(cols)
    key = pl.struct(cols).hash(seed=len(cols)).alias("key")
    return keyed.select(pl.col(uid).alias("uid"), key, "missing").unique(["uid", "key"])


def refined(rule: KeyRule, *levels: tuple[str, ...], above: int = 10) -> tuple[KeyRule, ...]:
    """`rule` for blocks of at most `above` records; its bigger blocks split by the first level's
    columns, those still bigger by the next level's too, and so on (the last level capped as `rule`).

    Why: a key such as a name and a birth month meets more people as the population grows, so its
    blocks grow with it and the pairs grow with its square. Splitting only the blocks that have grown
    (by region, street number, a second name token) keeps comparisons per record about constant while
    a small county's blocks are compared whole. A pair in a big block that disagrees on the split
    column is left to the other rules. As plain rules, the batch, the on-demand index and the Spark
    engine all generate the same candidates from them."""
    if above < 2:
        raise ValueError(f"blocking rule {rule.name!r}: refine above at least 2 records")
    out = [KeyRule(rule.name, rule.columns, rule.only_if_missing, above)]
    for i, level in enumerate(levels):
        cap = rule.max_block_size if i == len(levels) - 1 else above
        out.append(
            KeyRule(f"{rule.name} / {'+'.join(level)}", (*out[-1].columns, *level), rule.only_if_missing, cap, splits=out[-1])
        )
    return tuple(out)
