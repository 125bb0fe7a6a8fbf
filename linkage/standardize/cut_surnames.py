"""Surnames cut short by a fixed-width field, found from the file and completed from its own words.

Some case systems keep the surname in a field of fixed width: RODRIGUEZ ORTIZ arrives as RODRIGUEZ OR,
GARCIA CERVANTES as GARCIA CERVA. The cut word agrees with nothing, so a child known elsewhere as
ORTIZ, or a father as CERVANTES, shares no surname word with the cut record. Which system cuts, and
where, is read from the file: a system whose longest surname holds a spike (at least MIN_RECORDS
values, OVER times those one character shorter) cuts there. On a value of that length the last word
may be cut; it is completed when the file's whole surname words that begin with it are nearly all
one word (DOMINANT of the records holding any of them or the cut word itself as a whole word,
MIN_USES at least), and left as it is when the cut word is itself a common whole word or several
words begin with it (SO: SOTO, SOSA, SOLIS). The fields stay as typed; the widths and the count are
in the run summary, and the completions with them, so that the service reads a query the same way.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from linkage import columns as C
from linkage.standardize.names import clean_text, records_per_word
from linkage.standardize.one import clean_text as clean_one
from linkage.standardize.reread import reread

OVER = 3.0  # the longest length against the one just under it
MIN_RECORDS = 20  # fewer at the longest length is chance
DOMINANT = 0.9  # of the records with a whole word the cut one could be
MIN_USES = 3  # records holding the completion as a whole word
MIN_CUT = 2  # letters left of a cut word: one says nothing
SURNAME_COLUMNS = (C.SN, C.SN_TOKENS, C.SN_META, C.SN_CANON, C.NAME_KEYS)


@dataclass(frozen=True)
class CutSurnames:
    widths: dict[str, int] = field(default_factory=dict)  # source system -> the width its surnames are cut at
    completions: dict[str, str] = field(default_factory=dict)  # cut word -> the whole word it stands for

    def __bool__(self) -> bool:
        return bool(self.widths and self.completions)

    @classmethod
    def find(cls, records: pl.DataFrame) -> CutSurnames:
        """From the standardized records of a whole file."""
        lengths = records.group_by(C.SOURCE_SYSTEM, _length().alias("n")).len()
        widths = cut_widths(lengths)
        if not widths:
            return cls()
        cut = cls(widths).may_be_cut(records)
        whole = records_per_word(records.filter(~cut), C.SN_TOKENS)
        cut_words = records.filter(cut).select(pl.col(C.SN_TOKENS).list.last().alias("word")).unique()
        return cls(widths, completions(cut_words["word"].drop_nulls().to_list(), whole))

    def may_be_cut(self, records: pl.DataFrame) -> pl.Series:
        """Per record: its surname fills its system's cut width, and its last word is the field's last."""
        if not self.widths:
            return pl.Series("cut", [False] * records.height, dtype=pl.Boolean)
        width = pl.col(C.SOURCE_SYSTEM).replace_strict(self.widths, default=None, return_dtype=pl.Int64)
        return records.select(
            (
                (_length() == width)
                & (clean_text(pl.col(C.LAST_NAME)) == pl.col(C.SN))
                & (pl.col(C.SN).str.extract(r"(\S+)$") == pl.col(C.SN_TOKENS).list.last())  # not a particle
            )
            .fill_null(False)
            .alias("cut")
        )["cut"]

    def apply(self, records: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        """`records` with each cut surname's last word completed (the surname columns only), and how many."""
        if not self:
            return records, 0
        last = pl.col(C.SN_TOKENS).list.last()
        mask = self.may_be_cut(records) & records.select(last.is_in(sorted(self.completions)).fill_null(False))[C.SN_TOKENS]
        n = int(mask.sum())
        if n == 0:
            return records, 0
        completed = pl.col(C.SN).str.replace(r"\S+$", last.replace_strict(self.completions, default=last))
        return reread(records, mask, {C.LAST_NAME: completed}, SURNAME_COLUMNS), n

    def read_one(self, fields: dict, std: dict, standardize_one: Callable[[dict], dict]) -> dict:
        """One record's standardized columns `std` (from its `fields`) with a cut surname completed:
        the service's `apply`."""
        width = self.widths.get(fields.get(C.SOURCE_SYSTEM) or "")
        last, sn, tokens = (fields.get(C.LAST_NAME) or "").strip(), std.get(C.SN) or "", std.get(C.SN_TOKENS) or []
        if not width or len(last) != width or not tokens or clean_one(last) != sn or sn.split(" ")[-1] != tokens[-1]:
            return std
        whole = self.completions.get(tokens[-1])
        if whole is None:
            return std
        again = standardize_one({**fields, C.LAST_NAME: " ".join([*sn.split(" ")[:-1], whole])})
        return {**std, **{c: again[c] for c in SURNAME_COLUMNS}}

    def as_dict(self) -> dict:
        return {"widths": dict(sorted(self.widths.items())), "completions": dict(sorted(self.completions.items()))}

    @classmethod
    def from_dict(cls, d: dict | None) -> CutSurnames:
        d = d or {}
        return cls(dict(d.get("widths", {})), dict(d.get("completions", {})))

    def describe(self) -> str:
        if not self.widths:
            return "none"
        cut = ", ".join(f"{s} at {w} characters" for s, w in sorted(self.widths.items()))
        return f"{cut}; {len(self.completions):,} cut word(s) completed from the file's whole ones"


def cut_widths(lengths: pl.DataFrame) -> dict[str, int]:
    """From (source_system, n: surname length, len: records): the systems that cut, and where."""
    widths = {}
    for (system,), g in lengths.filter(pl.col("n") > 0).group_by(C.SOURCE_SYSTEM):
        by_n = dict(zip(g["n"].to_list(), g["len"].to_list()))
        top = max(by_n)
        at, below = by_n[top], by_n.get(top - 1, 0)
        if at >= MIN_RECORDS and at >= OVER * max(below, 1):
            widths[str(system)] = int(top)
    return widths


def completions(cut_words: list[str], whole: pl.DataFrame) -> dict[str, str]:
    """cut word -> the whole word (word, len: records holding it) nearly all its candidates are."""
    counts = dict(zip(whole["word"].to_list(), whole["len"].to_list()))
    vocab = sorted(counts)
    out = {}
    for w in cut_words:
        if len(w) < MIN_CUT:
            continue
        i, longer = bisect_left(vocab, w), []
        while i < len(vocab) and vocab[i].startswith(w):
            if vocab[i] != w:
                longer.append(vocab[i])
            i += 1
        if not longer:
            continue
        best = max(longer, key=lambda v: (counts[v], v))
        total = sum(counts[v] for v in longer) + counts.get(w, 0)
        if counts[best] >= MIN_USES and counts[best] >= DOMINANT * total:
            out[w] = best
    return out


def _length() -> pl.Expr:
    return pl.col(C.LAST_NAME).str.strip_chars().str.len_chars()


def summary_line(summary: dict) -> str:
    """For a console: where the file's systems cut surnames and how many were completed."""
    found = CutSurnames.from_dict(summary.get("cut_surnames"))
    if not found.widths:
        return "none"
    return f"{summary.get('surnames_completed', 0):,} completed; {found.describe()}"
