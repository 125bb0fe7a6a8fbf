"""Names typed turned round, found from the file's own words and read the right way round.

A clerk who types SMITH into the first-name field and STEVEN into the surname field leaves a record
that agrees with the person's other records on neither name. The model's swap level scores it
against a record of the same two names, but not against one whose surname has since changed
(CAROLYN BROWN against SMITH CAROLYN), and the rules that read first names see SMITH against CAROLYN:
on one birth date, twins. Which words a population uses as first names and which as surnames is not
a list this project can keep, so it is read from the file itself: a record is taken as turned round
when every word of its first-name field is used in this file as a surname far more often than as a
first name (at least OVER times, and MIN_USES times at all), and every word of its surname field is
used as a first name as clearly. Its standardized name columns are then those of the two names
swapped; the fields stay as typed in the store and in every output. A name that is both (MARTIN,
THOMAS) is neither, and such a record is read as typed.

The count is in the run summary. The service reads a query's names the same way, with the words of
the records it serves (`read_one`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from linkage import columns as C
from linkage.standardize.names import PARTICLES, records_per_word
from linkage.standardize.reread import reread

OVER = 3.0  # times as often in the one field as in the other
MIN_USES = 3  # fewer is one family's spelling, not the file's usage
# the standardized columns read from the two names (the middle name and the rest are the record's own)
NAME_COLUMNS = (C.FN, C.FN_TOKENS, C.FN_CANON, C.FN_META, C.SN, C.SN_TOKENS, C.SN_META, C.SN_CANON, C.NAME_KEYS, C.SUFFIX_STD)
TURNED = "_turned_round"


@dataclass(frozen=True)
class NameOrder:
    surnames: frozenset[str] = frozenset()  # words this file uses as surnames, hardly ever as first names
    first_names: frozenset[str] = frozenset()  # and the other way round

    def __bool__(self) -> bool:
        return bool(self.surnames and self.first_names)

    @classmethod
    def find(cls, records: pl.DataFrame) -> NameOrder:
        """From the standardized records of a whole file."""
        return cls.from_counts(word_counts(records))

    @classmethod
    def from_counts(cls, counts: pl.DataFrame) -> NameOrder:
        """From (word, as_first, as_surname): records holding the word in each field (an engine that
        counts where the data is)."""
        f, s = pl.col("as_first"), pl.col("as_surname")
        surnames = counts.filter((s >= MIN_USES) & (s >= OVER * f))["word"]
        first_names = counts.filter((f >= MIN_USES) & (f >= OVER * s))["word"]
        return cls(frozenset(surnames.to_list()), frozenset(first_names.to_list()))

    def turned(self, records: pl.DataFrame) -> pl.Series:
        """Per record, whether its two names are typed turned round."""
        if not self or records.height == 0:
            return pl.Series(TURNED, [False] * records.height, dtype=pl.Boolean)
        first = pl.col(C.FN_TOKENS).list.eval(pl.element().filter(~pl.element().is_in(PARTICLES)))
        every = lambda words, known: (  # noqa: E731
            (words.list.len() > 0) & words.list.eval(pl.element().is_in(sorted(known))).list.all()
        )
        return records.select(
            (every(first, self.surnames) & every(pl.col(C.SN_TOKENS), self.first_names)).fill_null(False).alias(TURNED)
        )[TURNED]

    def apply(self, records: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        """`records` with the name columns of turned-round records read from the two names swapped,
        and how many were."""
        turned = self.turned(records)
        n = int(turned.sum())
        if n == 0:
            return records, 0
        swapped = {C.FIRST_NAME: pl.col(C.LAST_NAME), C.LAST_NAME: pl.col(C.FIRST_NAME)}
        return reread(records, turned, swapped, NAME_COLUMNS), n

    def read_one(self, fields: dict, std: dict, standardize_one: Callable[[dict], dict]) -> dict:
        """One record's standardized columns `std` (from its `fields`), its names read the right way
        round when they are typed turned round: the service's `apply`."""
        if not self:
            return std
        first = [t for t in std.get(C.FN_TOKENS) or () if t not in PARTICLES]
        last = std.get(C.SN_TOKENS) or ()
        if not (first and last and set(first) <= self.surnames and set(last) <= self.first_names):
            return std
        swapped = standardize_one({**fields, C.FIRST_NAME: fields.get(C.LAST_NAME), C.LAST_NAME: fields.get(C.FIRST_NAME)})
        return {**std, **{c: swapped[c] for c in NAME_COLUMNS}}


def word_counts(records: pl.DataFrame) -> pl.DataFrame:
    """(word, as_first, as_surname): how many records hold each word in each name field."""
    return (
        records_per_word(records, C.FN_TOKENS, "as_first")
        .join(records_per_word(records, C.SN_TOKENS, "as_surname"), on="word", how="full", coalesce=True)
        .fill_null(0)
    )
