"""An in-memory candidate index from the same key rules as the batch: key -> records, for one query
record at a time.

Keys are the rule's column values joined into one string, built for the whole table with polars and
for a query record in plain Python, so both spell them identically. Each rule keeps the keys' Python
hashes sorted (numpy) beside the record ids; a look-up is two binary searches. A hash collision only
adds a candidate, which scoring then rejects. Blocks the batch would skip as too large are skipped
here too. Records added after the build go into a small overlay.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product

import numpy as np
import polars as pl

from blocking.rules import KeyRule

SEP = "\x1f"
_MAX = np.iinfo(np.int64).max


def key_strings(df: pl.DataFrame, rule: KeyRule, uid: str = "uid") -> pl.DataFrame:
    """(uid, key, missing) for every key of every record under `rule`, as strings."""
    cols = list(rule.columns)
    missing = pl.col(rule.only_if_missing).is_null() if rule.only_if_missing else pl.lit(False)
    keyed = df.select(pl.col(uid).alias("uid"), *[pl.col(c) for c in cols], missing.alias("missing"))
    for c in cols:
        if isinstance(keyed.schema[c], pl.List):
            keyed = keyed.explode(c)
    keyed = keyed.drop_nulls(cols)
    key = pl.concat_str([pl.col(c).cast(pl.String) for c in cols], separator=SEP).alias("key")
    return keyed.select("uid", key, "missing").unique(["uid", "key"])


def keys_of(record: Mapping[str, object], rule: KeyRule) -> list[str]:
    """The same keys for one record given as a dict of standardized values."""
    parts: list[list[str]] = []
    for c in rule.columns:
        v = record.get(c)
        values = [str(x) for x in v if x is not None] if isinstance(v, (list, tuple)) else ([] if v is None else [str(v)])
        if not values:
            return []
        parts.append(values)
    return sorted({SEP.join(p) for p in product(*parts)})


@dataclass
class _RuleIndex:
    rule: KeyRule
    keys: np.ndarray  # sorted hashes of the key strings
    uids: np.ndarray
    missing: np.ndarray
    extra: dict[str, list[tuple[int, bool]]] = field(default_factory=lambda: defaultdict(list))


class KeyIndex:
    """Candidate record ids for a query record, rule by rule, as the batch would pair them."""

    def __init__(self, records: pl.DataFrame, rules: Iterable[KeyRule], uid: str = "uid"):
        self.rules = [self._build(records, r, uid) for r in rules]

    @staticmethod
    def _build(records: pl.DataFrame, rule: KeyRule, uid: str) -> _RuleIndex:
        k = key_strings(records, rule, uid)
        hashes = np.fromiter((hash(x) for x in k["key"].to_list()), dtype=np.int64, count=k.height)
        order = np.argsort(hashes, kind="stable")
        return _RuleIndex(rule, hashes[order], k["uid"].to_numpy().astype(np.int64)[order], k["missing"].to_numpy()[order])

    def add(self, record: Mapping[str, object], uid: int) -> None:
        """Index a record added after the build (kept in an overlay until the next build)."""
        for ri in self.rules:
            lacks = ri.rule.lacks(record)
            for key in keys_of(record, ri.rule):
                ri.extra[key].append((uid, lacks))

    def remove(self, record: Mapping[str, object], uid: int) -> None:
        """Take an added record out of the overlay (a version replaced or deleted), so that versions
        do not fill a small block and push the people in it out."""
        for ri in self.rules:
            for key in keys_of(record, ri.rule):
                kept = [e for e in ri.extra.get(key, []) if e[0] != uid]
                if kept:
                    ri.extra[key] = kept
                else:
                    ri.extra.pop(key, None)

    def candidates(
        self,
        record: Mapping[str, object],
        variants: Iterable[Mapping[str, object]] = (),
        indexed: bool = False,
        max_keys: int | None = None,
        limit: int | None = None,
    ) -> np.ndarray:
        """Unique record ids sharing a key with `record` (or with any of `variants` of it).
        indexed: the record is itself in the index (its blocks already count it).
        max_keys: look up at most this many keys per rule (a query's work stays bounded whatever
        its names); limit: keep at most this many ids, those sharing the most keys first."""
        found: list[np.ndarray] = []
        for ri in self.rules:
            wanted: dict[tuple[str, bool], None] = {}  # variants mostly give the same keys: look each up once
            for rec in (record, *variants):
                lacks = ri.rule.lacks(rec)
                wanted.update(dict.fromkeys((key, lacks) for key in keys_of(rec, ri.rule)))
            for key, lacks in list(wanted)[:max_keys]:
                found.extend(self._block(ri, key, lacks, 0 if indexed else 1))
        if not found:
            return np.empty(0, dtype=np.int64)
        if limit is None:
            return np.unique(np.concatenate(found))
        uids, shared = np.unique(np.concatenate(found), return_counts=True)
        if uids.size <= limit:
            return uids
        return np.sort(uids[np.argsort(-shared, kind="stable")[:limit]])

    @staticmethod
    def _block(ri: _RuleIndex, key: str, query_lacks: bool, itself: int) -> list[np.ndarray]:
        h = hash(key)
        if h < _MAX:  # one search for both ends: [h, h + 1)
            lo, hi = (int(x) for x in ri.keys.searchsorted((h, h + 1)))
        else:
            lo, hi = int(ri.keys.searchsorted(h)), len(ri.keys)
        extra = ri.extra.get(key, [])
        if (hi - lo) + len(extra) + itself > ri.rule.max_block_size or (hi == lo and not extra):
            return []
        uids = ri.uids[lo:hi]
        if ri.rule.only_if_missing and not query_lacks:
            uids = uids[ri.missing[lo:hi]]
        if not extra:
            return [uids]
        extra_uids = np.fromiter((u for u, lacks in extra if query_lacks or lacks or not ri.rule.only_if_missing), dtype=np.int64)
        return [uids, extra_uids]
