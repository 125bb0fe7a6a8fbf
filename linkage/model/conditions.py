"""Conditions on a pair of records, each written once: Splink reads its SQL, the service's in-memory
scorer calls the object itself. A cut-off (0.9, one digit) is typed in one place and both forms are
derived from it, so the two cannot drift apart.

SQL reads `<column>_l` and `<column>_r`; Python reads the same columns from two dicts. A missing
value makes an atom false in both (SQL's NULL is not true), and the conditions combine atoms with AND
and OR only, so the two agree on missing values too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from linkage import agreement as A

Record = Mapping[str, object]
Twin = Callable[[Record, Record], bool]

# op -> a twin comparing measure(l[a], r[b]) with a value, the comparison written out (the service
# runs these for every candidate; a call through `operator` costs a third more)
_COMPARE: dict[str, Callable[..., Twin]] = {
    ">=": lambda m, a, b, v: lambda l, r: m(l[a], r[b]) >= v,
    "<=": lambda m, a, b, v: lambda l, r: m(l[a], r[b]) <= v,
    "=": lambda m, a, b, v: lambda l, r: m(l[a], r[b]) == v,
}


class Condition:
    """A condition: `sql()` for Splink, `twin()` the same test in Python (a plain closure: the
    service calls it for every candidate, so no attribute is looked up per call)."""

    kind = "atom"  # "and" / "or": how it nests in another condition

    def sql(self) -> str:
        raise NotImplementedError

    def twin(self) -> Twin:
        raise NotImplementedError

    def __call__(self, l: Record, r: Record) -> bool:
        return self.twin()(l, r)

    def __and__(self, other: Condition) -> Condition:
        return AllOf((self, other))

    def __or__(self, other: Condition) -> Condition:
        return AnyOf((self, other))


def _nested(c: Condition, parent: str) -> str:
    return f"({c.sql()})" if c.kind not in ("atom", parent) else c.sql()


@dataclass(frozen=True)
class _Joined(Condition):
    """Parts joined by AND (`AllOf`) or OR (`AnyOf`); SQL and Python read the same joiner."""

    parts: tuple[Condition, ...]

    def sql(self) -> str:
        return f" {self.kind.upper()} ".join(_nested(p, self.kind) for p in self.parts)

    def twin(self) -> Twin:
        twins = tuple(p.twin() for p in self.parts)
        both = self.kind == "and"
        if len(twins) == 2:
            x, y = twins
            return (lambda l, r: x(l, r) and y(l, r)) if both else (lambda l, r: x(l, r) or y(l, r))
        return (lambda l, r: all(t(l, r) for t in twins)) if both else (lambda l, r: any(t(l, r) for t in twins))


class AllOf(_Joined):
    kind = "and"


class AnyOf(_Joined):
    kind = "or"


@dataclass(frozen=True)
class Equal(Condition):
    col: str

    def sql(self) -> str:
        return f"{self.col}_l = {self.col}_r"

    def twin(self) -> Twin:
        c = self.col
        return lambda l, r: l[c] is not None and l[c] == r[c]


@dataclass(frozen=True)
class Differ(Condition):
    """Both sides known and unequal."""

    col: str

    def sql(self) -> str:
        return f"{self.col}_l <> {self.col}_r"

    def twin(self) -> Twin:
        c = self.col
        return lambda l, r: l[c] is not None and r[c] is not None and l[c] != r[c]


@dataclass(frozen=True)
class Missing(Condition):
    """Either side missing: the null level."""

    col: str
    kind = "or"

    def sql(self) -> str:
        return f"{self.col}_l IS NULL OR {self.col}_r IS NULL"

    def twin(self) -> Twin:
        c = self.col
        return lambda l, r: l[c] is None or r[c] is None


@dataclass(frozen=True)
class SharesAny(Condition):
    """The left record's list `col` and the right record's list `other` (default: the same column)
    have an element in common."""

    col: str
    other: str | None = None

    def sql(self) -> str:
        return f"list_has_any({self.col}_l, {self.other or self.col}_r)"

    def twin(self) -> Twin:
        a, b, shares = self.col, self.other or self.col, A.shares
        return lambda l, r: shares(l[a], r[b])  # type: ignore[arg-type]


# name in SQL -> the same measure in Python (missing values give a value no cut-off accepts)
MEASURES: dict[str, Callable[[str | None, str | None], float]] = {
    "jaro_winkler_similarity": A.jaro_winkler,
    "hamming": A.hamming,
    "damerau_levenshtein": A.damerau,
    "levenshtein": A.levenshtein,
}


@dataclass(frozen=True)
class Measure(Condition):
    """measure(col_l, other_r) <op> value, e.g. jaro_winkler_similarity(fn_l, fn_r) >= 0.9."""

    measure: str
    col: str
    op: str
    value: float
    other: str | None = None

    def sql(self) -> str:
        return f"{self.measure}({self.col}_l, {self.other or self.col}_r) {self.op} {self.value:g}"

    def twin(self) -> Twin:
        a, b, measure, value = self.col, self.other or self.col, MEASURES[self.measure], self.value
        return _COMPARE[self.op](measure, a, b, value)


@dataclass(frozen=True)
class YearsApart(Condition):
    """abs(col_l - col_r) <= years, on integer years."""

    col: str
    years: int

    def sql(self) -> str:
        return f"abs({self.col}_l - {self.col}_r) <= {self.years}"

    def twin(self) -> Twin:
        c, years = self.col, self.years

        def apart(l: Record, r: Record) -> bool:
            a, b = l[c], r[c]
            return a is not None and b is not None and abs(a - b) <= years  # type: ignore[operator]

        return apart


@dataclass(frozen=True)
class Initial(Condition):
    """One side is a single letter and it is the other's first letter (J vs JUAN)."""

    col: str
    kind = "and"

    def sql(self) -> str:
        c = self.col
        return f"(length({c}_l) = 1 OR length({c}_r) = 1) AND left({c}_l, 1) = left({c}_r, 1)"

    def twin(self) -> Twin:
        c = self.col

        def initial(l: Record, r: Record) -> bool:
            a, b = l[c], r[c]
            return a is not None and b is not None and (len(a) == 1 or len(b) == 1) and a[:1] == b[:1]  # type: ignore

        return initial


@dataclass(frozen=True)
class DayMonthSwapped(Condition):
    """Same year, day and month the other way round (YYYYMMDD)."""

    col: str
    kind = "and"

    def sql(self) -> str:
        d = self.col
        return (
            f"left({d}_l, 4) = left({d}_r, 4) AND substr({d}_l, 5, 2) = substr({d}_r, 7, 2) "
            f"AND substr({d}_l, 7, 2) = substr({d}_r, 5, 2)"
        )

    def twin(self) -> Twin:
        c, swapped = self.col, A.dob_swapped
        return lambda l, r: swapped(l[c], r[c])  # type: ignore[arg-type]


def hamming(col: str, op: str, n: int) -> Measure:
    return Measure("hamming", col, op, n)


def edits(col: str, op: str, n: int) -> Measure:
    """Damerau-Levenshtein (a transposition is one edit)."""
    return Measure("damerau_levenshtein", col, op, n)


def jaro_winkler(col: str, at_least: float, other: str | None = None) -> Measure:
    return Measure("jaro_winkler_similarity", col, ">=", at_least, other)
