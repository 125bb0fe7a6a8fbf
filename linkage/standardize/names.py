"""Names as comparable tokens: case, accents, punctuation, suffixes, nicknames, phonetic codes.

GARCIA LOPEZ, GARCIA-LOPEZ, García López, GARCIA and LOPEZ all become token lists that can agree;
JR / SR / II / III / IV are pulled out of any name field into one suffix.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jellyfish
import polars as pl

SUFFIXES = {
    "JR": "JR",
    "JUNIOR": "JR",
    "SR": "SR",
    "SENIOR": "SR",
    "II": "II",
    "2ND": "II",
    "III": "III",
    "3RD": "III",
    "IV": "IV",
    "4TH": "IV",
}
# Particles are not evidence on their own: DE LA CRUZ and CRUZ should share the token CRUZ.
PARTICLES = ["DE", "DEL", "LA", "LAS", "LOS", "Y", "DA", "DOS", "DAS", "DI", "VAN", "VON", "DER"]
NOT_A_NAME = ["UNKNOWN", "UNK", "NONE", "NA", "NFN", "NLN", "BABY", "BOY", "GIRL", "DONT", "KNOW", "XXX"]


def clean_text(col: pl.Expr) -> pl.Expr:
    """Upper-case ASCII letters, digits and single spaces; hyphens, dots and slashes split tokens."""
    return (
        col.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_uppercase()
        .str.replace_all(r"['`’]", "")
        .str.replace_all(r"[^A-Z0-9]+", " ")
        .str.strip_chars()
        .replace("", None)
    )


def whole_name_in_surname(first: pl.Series, last: pl.Series) -> tuple[pl.Series, pl.Series]:
    """(first, last) with a whole name typed into the surname field as "LAST, FIRST" (the first-name
    field empty) read as the two names it holds: a form many case systems print and some clerks type.
    Only the few surnames with a comma are looked at, one by one (`split_whole_name`)."""
    rows = last.str.contains(",", literal=True).fill_null(False).arg_true()
    if rows.len() == 0:
        return first, last
    split = [split_whole_name(f, v) for f, v in zip(first.gather(rows).to_list(), last.gather(rows).to_list())]
    return first.scatter(rows, [f for f, _ in split]), last.scatter(rows, [v for _, v in split])


def split_whole_name(first: str | None, last: str | None) -> tuple[str | None, str | None]:
    """One record's (first, last): "LEE, BETTY" with no first name is BETTY LEE; a surname with a
    comma but nothing after it but a suffix ("SMITH, JR") is left as it is."""
    if (first and first.strip()) or not last or "," not in last:
        return first, last
    before, after = (part.strip() for part in last.split(",", 1))
    named = [t for t in (after.upper().replace(".", " ").split()) if t.strip("'`’-") and t not in SUFFIXES]
    return (after, before) if named else (first, last)


def name_tokens(col: pl.Expr) -> pl.Expr:
    """Letters-only tokens of a cleaned name, placeholders such as UNKNOWN removed."""
    toks = clean_text(col).str.replace_all(r"[0-9]", "").str.split(" ")
    return toks.list.eval(pl.element().filter((pl.element() != "") & ~pl.element().is_in(NOT_A_NAME)))


def split_suffix(tokens: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(tokens without a trailing suffix, the suffix or null). A lone 'IV' stays a name."""
    last = tokens.list.last()
    is_sfx = last.is_in(list(SUFFIXES)) & (tokens.list.len() > 1)
    rest = pl.when(is_sfx).then(tokens.list.head(tokens.list.len() - 1)).otherwise(tokens)
    sfx = pl.when(is_sfx).then(last.replace_strict(SUFFIXES, default=None)).otherwise(None)
    return rest, sfx


def surname_tokens(tokens: pl.Expr) -> pl.Expr:
    kept = tokens.list.eval(pl.element().filter(~pl.element().is_in(PARTICLES)))
    return pl.when(kept.list.len() > 0).then(kept).otherwise(tokens)


def _one_deletion(name: str) -> set[str]:
    return {name[:i] + name[i + 1 :] for i in range(len(name))}


def records_per_word(records: pl.DataFrame, column: str, name: str = "len") -> pl.DataFrame:
    """(word, `name`): how many records hold each word of a token-list column (a file-level
    finding's counts: which words are surnames, which a cut word may stand for)."""
    return records.select(pl.col(column).list.unique().alias("word")).explode("word").drop_nulls().group_by("word").len(name=name)


def joined(tokens: pl.Expr) -> pl.Expr:
    return tokens.list.join(" ").replace("", None)


class NicknameTable:
    """Name -> the formal names it may stand for (itself included); loaded from a CSV."""

    def __init__(self, pairs: list[tuple[str, str]]):
        groups: dict[str, set[str]] = defaultdict(set)
        for nick, formal in pairs:
            groups[nick].add(formal)
        self._groups = {k: sorted(v) for k, v in groups.items()}
        self._deletion_index: dict[str, set[str]] | None = None
        self._near: dict[tuple[str, int], frozenset[str]] = {}  # names repeat: each looked up once

    @classmethod
    def from_csv(cls, path: Path | None = None) -> NicknameTable:
        if path is None:
            text = resources.files("linkage").joinpath("data/nicknames.csv").read_text("utf-8")
        else:
            text = Path(path).read_text("utf-8")
        norm = lambda s: pl.Series([s]).to_frame("s").select(clean_text(pl.col("s")))[0, 0]  # noqa: E731
        pairs = [(norm(r["nickname"]), norm(r["formal"])) for r in csv.DictReader(text.splitlines())]
        return cls([(n, f) for n, f in pairs if n and f])

    def canon(self, name: str) -> list[str]:
        return sorted({name, *self._groups.get(name, [])})

    def canon_tokens(self, text: str) -> list[str]:
        """The nickname groups of every token of a space-joined name (first name or surname
        field), sorted; [] for an empty name."""
        return sorted({c for tok in text.split(" ") if tok for c in self.canon(tok)})

    def canon_set(self, name: str) -> frozenset[str]:
        """`canon` as a set, kept: for checks run on many pairs of the same names."""
        return self.near(name, min_length=len(name) + 1)

    def near(self, name: str, min_length: int = 4) -> frozenset[str]:
        """The formal names that the table's names within one typing error of `name` stand for
        (EWARD -> EDWARD, WLLIAM -> WILLIAM): a nickname and a typo on one name. Names shorter than
        `min_length` have too many neighbours to say."""
        key = (name, min_length)
        if key not in self._near:
            if len(name) < min_length:
                self._near[key] = frozenset(self.canon(name))
            else:
                index = self._deletions()
                found = {
                    n
                    for v in _one_deletion(name) | {name}
                    for n in index.get(v, ())
                    if jellyfish.damerau_levenshtein_distance(n, name) <= 1
                }
                self._near[key] = frozenset(c for n in found | {name} for c in self.canon(n))
        return self._near[key]

    def _deletions(self) -> dict[str, set[str]]:
        """Every known name and each of its one-letter deletions -> the names: two strings one edit
        apart share a deletion (or one is a deletion of the other)."""
        if self._deletion_index is None:
            index: dict[str, set[str]] = defaultdict(set)
            for n in {*self._groups, *(f for v in self._groups.values() for f in v)}:
                for v in _one_deletion(n) | {n}:
                    index[v].add(n)
            self._deletion_index = dict(index)
        return self._deletion_index

    def same_person(self, a: str, b: str) -> bool:
        return bool(set(self.canon(a)) & set(self.canon(b)))


@lru_cache(maxsize=1)
def default_nicknames() -> NicknameTable:
    return NicknameTable.from_csv()


def map_unique(series: pl.Series, fn: Callable[[str], object], dtype: pl.DataType) -> pl.Series:
    """Apply a Python function once per distinct value: names repeat a lot, so this is cheap."""
    uniq = series.drop_nulls().unique()
    lookup = dict(zip(uniq.to_list(), (fn(v) for v in uniq.to_list())))
    return series.replace_strict(lookup, default=None, return_dtype=dtype)


def metaphone(name: str) -> str | None:
    return jellyfish.metaphone(name) or None
