"""Splink comparisons for program records, composed from small custom levels over standardized columns.

Each level is one SQL condition on `<column>_l` / `<column>_r`, ordered from strongest agreement to
none, the way Splink composes its own library comparisons. The starting m-probabilities are priors
from the domain (how often one person's records agree at that level); EM refines them.

Every SQL condition has its Python twin right beside it (`py`), kept in `PY_CONDITIONS` by the SQL
text: the on-demand service scores one record against its candidates in memory with the same model,
and a test checks both give the same match weights. Python follows SQL's NULL rule: a condition on a
missing value is false.
"""
from __future__ import annotations

from typing import Callable, Mapping

import jellyfish
import splink.comparison_level_library as cll
import splink.comparison_library as cl

from linkage import columns as C

Record = Mapping[str, object]
Condition = Callable[[Record, Record], bool]
PY_CONDITIONS: dict[str, Condition] = {}


def _jw(a: object, b: object) -> float:
    return jellyfish.jaro_winkler_similarity(a, b) if a is not None and b is not None else -1.0  # type: ignore[arg-type]


def _any(a: object, b: object) -> bool:
    return bool(a) and bool(b) and any(x in b for x in a)  # type: ignore[union-attr, operator]


def _eq(a: object, b: object) -> bool:
    return a is not None and a == b


def _dl(a: object, b: object) -> int:
    return jellyfish.damerau_levenshtein_distance(a, b) if a is not None and b is not None else 99  # type: ignore[arg-type]


def _level(sql: str, label: str, m: float | None = None, tf: str | None = None,
           u: float | None = None, py: Condition | None = None) -> cll.CustomLevel:
    """A level; `u` fixes the u-probability where random sampling is too thin to estimate it; `py`
    is the same condition in Python."""
    if py is not None:
        PY_CONDITIONS[sql] = py
    level = cll.CustomLevel(sql, label_for_charts=label)
    if m is not None:
        level.configure(m_probability=m)
    if u is not None:
        level.configure(u_probability=u, fix_u_probability=True)
    if tf is not None:
        level.configure(tf_adjustment_column=tf, tf_adjustment_weight=1.0)
    return level


def _null(*cols: str) -> cll.CustomLevel:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    PY_CONDITIONS[sql] = lambda l, r: any(l[c] is None or r[c] is None for c in cols)
    return cll.CustomLevel(sql, label_for_charts="missing").configure(is_null_level=True)


def _initial(col: str, m: float, u: float | None = None) -> cll.CustomLevel:
    """One side is a single letter and it is the other's first letter (J vs JUAN)."""
    def py(l: Record, r: Record) -> bool:
        a, b = l[col], r[col]
        return a is not None and b is not None and (len(a) == 1 or len(b) == 1) and a[:1] == b[:1]  # type: ignore
    return _level(f"(length({col}_l) = 1 OR length({col}_r) = 1) AND left({col}_l, 1) = left({col}_r, 1)",
                  "initial", m, u=u, py=py)


def _else(m: float, fix: bool = False) -> cll.ElseLevel:
    """Disagreement; `fix` keeps the prior m where EM would drive it to zero (a hard no)."""
    return cll.ElseLevel().configure(m_probability=m, fix_m_probability=fix)


def _comparison(name: str, levels: list, description: str) -> cl.CustomComparison:
    return cl.CustomComparison(comparison_levels=levels, output_column_name=name,
                               comparison_description=description)


# First and last name swapped: each name agrees with the other record's other name, as a token or
# a nickname (HARRIS CHRIS / CHRISTOPHER HARRIS: the same equivalence the first-name levels use), or
# both whole names a typo apart. Nickname groups hold the token itself, so equal tokens agree too.
_JW_SWAPPED = (f"(jaro_winkler_similarity({C.FN}_l, {C.SN}_r) >= 0.9 "
               f"AND jaro_winkler_similarity({C.SN}_l, {C.FN}_r) >= 0.9)")
SWAPPED = (f"(list_has_any({C.FN_CANON}_l, {C.SN_CANON}_r) "
           f"AND list_has_any({C.SN_CANON}_l, {C.FN_CANON}_r)) OR {_JW_SWAPPED}")
# Models saved before 2026-11-27 state the swap on tokens only; kept with their twin.
SWAPPED_TOKENS_ONLY = (f"(list_has_any({C.FN_TOKENS}_l, {C.SN_TOKENS}_r) "
                       f"AND list_has_any({C.SN_TOKENS}_l, {C.FN_TOKENS}_r)) OR {_JW_SWAPPED}")


def _jw_swapped(l: Record, r: Record) -> bool:
    return _jw(l[C.FN], r[C.SN]) >= 0.9 and _jw(l[C.SN], r[C.FN]) >= 0.9


def _swapped(l: Record, r: Record) -> bool:
    return (_any(l[C.FN_CANON], r[C.SN_CANON]) and _any(l[C.SN_CANON], r[C.FN_CANON])) or _jw_swapped(l, r)


def _swapped_tokens_only(l: Record, r: Record) -> bool:
    return (_any(l[C.FN_TOKENS], r[C.SN_TOKENS]) and _any(l[C.SN_TOKENS], r[C.FN_TOKENS])) or _jw_swapped(l, r)


def first_name() -> cl.CustomComparison:
    fn = C.FN
    return _comparison("first_name", [
        _null(fn),
        _level(f"{fn}_l = {fn}_r", "exact", 0.82, tf=fn, py=lambda l, r: _eq(l[fn], r[fn])),
        _level(f"list_has_any({C.FN_TOKENS}_l, {C.FN_TOKENS}_r)", "shared first-name token", 0.04, u=0.004,
               py=lambda l, r: _any(l[C.FN_TOKENS], r[C.FN_TOKENS])),
        _level(f"list_has_any({C.FN_CANON}_l, {C.FN_CANON}_r)", "nickname", 0.05,
               py=lambda l, r: _any(l[C.FN_CANON], r[C.FN_CANON])),
        _level(f"jaro_winkler_similarity({fn}_l, {fn}_r) >= 0.9", "typo", 0.04, py=lambda l, r: _jw(l[fn], r[fn]) >= 0.9),
        _level(SWAPPED, "first and last name swapped", 0.01, u=2.5e-4, py=_swapped),
        _initial(fn, 0.01, u=0.003),
        _level(f"jaro_winkler_similarity({fn}_l, {fn}_r) >= 0.8", "similar", 0.02, py=lambda l, r: _jw(l[fn], r[fn]) >= 0.8),
        _else(0.01),
    ], "first name: exact, shared token, nickname, typo, swap, initial")


def surname() -> cl.CustomComparison:
    sn = C.SN
    return _comparison("surname", [
        _null(sn),
        _level(f"{sn}_l = {sn}_r", "exact", 0.75, tf=sn, py=lambda l, r: _eq(l[sn], r[sn])),
        _level(f"list_has_any({C.SN_TOKENS}_l, {C.SN_TOKENS}_r)", "shared surname token", 0.12,
               py=lambda l, r: _any(l[C.SN_TOKENS], r[C.SN_TOKENS])),
        _level(SWAPPED, "first and last name swapped", 0.01, u=2.5e-4, py=_swapped),
        _level(f"jaro_winkler_similarity({sn}_l, {sn}_r) >= 0.9 OR list_has_any({C.SN_META}_l, {C.SN_META}_r)",
               "typo or same sound", 0.05,
               py=lambda l, r: _jw(l[sn], r[sn]) >= 0.9 or _any(l[C.SN_META], r[C.SN_META])),
        _else(0.07),
    ], "surname: compound and married names agree on any token")


# Two conditions with a cheap Hamming test before the edit distance: on strings of one length
# (YYYYMMDD, nine SSN digits) an edit distance of 1 means at most two differing positions, and for
# SSNs not one (the level before), exactly two. Same levels, a fifth of the scoring time at 1 million
# records (most pairs are far apart, and the edit distance was computed for every one of them).
DOB_ONE_DIGIT = "hamming({d}_l, {d}_r) <= 2 AND damerau_levenshtein({d}_l, {d}_r) <= 1"
SSN_TRANSPOSED = "hamming({s}_l, {s}_r) = 2 AND damerau_levenshtein({s}_l, {s}_r) = 1"
# Models saved before that state the same levels without the Hamming test; their Python twins.
EARLIER_CONDITIONS = {f"damerau_levenshtein({C.DOB_STR}_l, {C.DOB_STR}_r) <= 1": DOB_ONE_DIGIT.format(d=C.DOB_STR),
                      f"damerau_levenshtein({C.SSN_STD}_l, {C.SSN_STD}_r) = 1": SSN_TRANSPOSED.format(s=C.SSN_STD)}


def date_of_birth() -> cl.CustomComparison:
    d = C.DOB_STR
    swap = (f"left({d}_l, 4) = left({d}_r, 4) AND substr({d}_l, 5, 2) = substr({d}_r, 7, 2) "
            f"AND substr({d}_l, 7, 2) = substr({d}_r, 5, 2)")
    return _comparison("dob", [
        _null(d),
        _level(f"{d}_l = {d}_r", "exact", 0.94, py=lambda l, r: _eq(l[d], r[d])),
        _level(swap, "day and month swapped", 0.015, py=lambda l, r: _dob_swapped(l[d], r[d])),
        _level(DOB_ONE_DIGIT.format(d=d), "one digit", 0.03, py=lambda l, r: _dl(l[d], r[d]) <= 1),
        _level(f"abs({C.DOB_YEAR}_l - {C.DOB_YEAR}_r) <= 1", "within a year", 0.01,
               py=lambda l, r: l[C.DOB_YEAR] is not None and r[C.DOB_YEAR] is not None
               and abs(l[C.DOB_YEAR] - r[C.DOB_YEAR]) <= 1),  # type: ignore[operator]
        _else(0.01, fix=True),
    ], "date of birth: exact, day/month swap, one digit, close year")


def ssn() -> cl.CustomComparison:
    s = C.SSN_STD
    return _comparison("ssn", [
        _null(s),
        _level(f"{s}_l = {s}_r", "exact", 0.95, py=lambda l, r: _eq(l[s], r[s])),
        _level(f"hamming({s}_l, {s}_r) = 1", "one digit", 0.02, u=2e-5, py=lambda l, r: _hamming(l[s], r[s]) == 1),
        _level(SSN_TRANSPOSED.format(s=s), "two digits transposed", 0.02, u=1e-5,
               py=lambda l, r: _dl(l[s], r[s]) == 1),
        _else(0.01),
    ], "SSN (placeholders and invalid numbers are null): exact, one digit, transposition")


def suffix() -> cl.CustomComparison:
    s = C.SUFFIX_STD
    return _comparison("suffix", [
        _null(s),
        _level(f"{s}_l = {s}_r", "same", 0.98, py=lambda l, r: _eq(l[s], r[s])),
        _else(0.005, fix=True),
    ], "generational suffix: JR and SR are different people")


def middle_name() -> cl.CustomComparison:
    m = C.MN
    return _comparison("middle_name", [
        _null(m),
        _level(f"{m}_l = {m}_r", "exact", 0.8, py=lambda l, r: _eq(l[m], r[m])),
        _initial(m, 0.15),
        _else(0.05),
    ], "middle name or initial")


def sex() -> cl.CustomComparison:
    s = C.SEX_STD
    return _comparison("sex", [_null(s), _level(f"{s}_l = {s}_r", "same", 0.99, py=lambda l, r: _eq(l[s], r[s])), _else(0.01)], "sex")


def address(households: bool = True) -> cl.CustomComparison:
    """households: records of different people of one family share an address, which random
    sampling cannot see; a fixed u keeps a shared address from outweighing names and birth dates."""
    st, z, city = C.STREET_STD, C.ZIP5, C.CITY_STD
    return _comparison("address", [
        _address_missing(st, z),
        _level(f"{st}_l = {st}_r AND {z}_l = {z}_r", "same street and zip", 0.6, u=0.01 if households else None,
               py=lambda l, r: _eq(l[st], r[st]) and _eq(l[z], r[z])),
        _level(f"levenshtein({st}_l, {st}_r) <= 2 AND ({z}_l = {z}_r OR {city}_l = {city}_r)",
               "street typo, same zip or city", 0.05, u=0.002 if households else None,
               py=lambda l, r: l[st] is not None and r[st] is not None
               and jellyfish.levenshtein_distance(l[st], r[st]) <= 2 and (_eq(l[z], r[z]) or _eq(l[city], r[city]))),
        _level(f"{z}_l = {z}_r", "same zip", 0.1, py=lambda l, r: _eq(l[z], r[z])),
        _level(f"{city}_l = {city}_r", "same city", 0.05, py=lambda l, r: _eq(l[city], r[city])),
        _else(0.2),
    ], "last known address: families move and share a household, so it is weak evidence either way")


def _address_missing(st: str, z: str) -> cll.CustomLevel:
    sql = f"({st}_l IS NULL OR {st}_r IS NULL) AND ({z}_l IS NULL OR {z}_r IS NULL)"
    PY_CONDITIONS[sql] = lambda l, r: (l[st] is None or r[st] is None) and (l[z] is None or r[z] is None)
    return cll.CustomLevel(sql, label_for_charts="missing").configure(is_null_level=True)


def _dob_swapped(a: object, b: object) -> bool:
    return (a is not None and b is not None and a[:4] == b[:4]  # type: ignore[index]
            and a[4:6] == b[6:8] and a[6:8] == b[4:6])  # type: ignore[index]


def _hamming(a: object, b: object) -> int:
    if a is None or b is None or len(a) != len(b):  # type: ignore[arg-type]
        return 99
    return sum(x != y for x, y in zip(a, b))  # type: ignore[call-overload]


def default_comparisons(households: bool = True) -> list[cl.CustomComparison]:
    comparisons = [first_name(), surname(), date_of_birth(), ssn(), suffix(), middle_name(), sex(), address(households)]
    for earlier, now in EARLIER_CONDITIONS.items():
        PY_CONDITIONS[earlier] = PY_CONDITIONS[now]
    PY_CONDITIONS[SWAPPED_TOKENS_ONLY] = _swapped_tokens_only
    return comparisons


# Columns the comparisons read: what the scoring table must carry.
COMPARISON_COLUMNS = (C.FN, C.FN_TOKENS, C.FN_CANON, C.SN, C.SN_TOKENS, C.SN_META, C.SN_CANON, C.DOB_STR,
                      C.DOB_YEAR, C.SSN_STD, C.SUFFIX_STD, C.MN, C.SEX_STD, C.STREET_STD, C.ZIP5, C.CITY_STD)


default_comparisons()  # registers every level's Python twin in PY_CONDITIONS at import
