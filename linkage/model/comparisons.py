"""Splink comparisons for program records, composed from small custom levels over standardized columns.

Each level is one SQL condition on `<column>_l` / `<column>_r`, ordered from strongest agreement to
none, the way Splink composes its own library comparisons. The starting m-probabilities are priors
from the domain (how often one person's records agree at that level); EM refines them.
"""
from __future__ import annotations

import splink.comparison_level_library as cll
import splink.comparison_library as cl

from linkage import columns as C


def _level(sql: str, label: str, m: float | None = None, tf: str | None = None,
           u: float | None = None) -> cll.CustomLevel:
    """A level; `u` fixes the u-probability where random sampling is too thin to estimate it."""
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
    return cll.CustomLevel(sql, label_for_charts="missing").configure(is_null_level=True)


def _initial(col: str, m: float, u: float | None = None) -> cll.CustomLevel:
    """One side is a single letter and it is the other's first letter (J vs JUAN)."""
    return _level(f"(length({col}_l) = 1 OR length({col}_r) = 1) AND left({col}_l, 1) = left({col}_r, 1)",
                  "initial", m, u=u)


def _else(m: float, fix: bool = False) -> cll.ElseLevel:
    """Disagreement; `fix` keeps the prior m where EM would drive it to zero (a hard no)."""
    return cll.ElseLevel().configure(m_probability=m, fix_m_probability=fix)


def _comparison(name: str, levels: list, description: str) -> cl.CustomComparison:
    return cl.CustomComparison(comparison_levels=levels, output_column_name=name,
                               comparison_description=description)


SWAPPED = (f"(list_has_any({C.FN_TOKENS}_l, {C.SN_TOKENS}_r) "
           f"AND list_has_any({C.SN_TOKENS}_l, {C.FN_TOKENS}_r)) "
           f"OR (jaro_winkler_similarity({C.FN}_l, {C.SN}_r) >= 0.9 "
           f"AND jaro_winkler_similarity({C.SN}_l, {C.FN}_r) >= 0.9)")


def first_name() -> cl.CustomComparison:
    fn = C.FN
    return _comparison("first_name", [
        _null(fn),
        _level(f"{fn}_l = {fn}_r", "exact", 0.82, tf=fn),
        _level(f"list_has_any({C.FN_TOKENS}_l, {C.FN_TOKENS}_r)", "shared first-name token", 0.04, u=0.004),
        _level(f"list_has_any({C.FN_CANON}_l, {C.FN_CANON}_r)", "nickname", 0.05),
        _level(f"jaro_winkler_similarity({fn}_l, {fn}_r) >= 0.9", "typo", 0.04),
        _level(SWAPPED, "first and last name swapped", 0.01, u=2.5e-4),
        _initial(fn, 0.01, u=0.003),
        _level(f"jaro_winkler_similarity({fn}_l, {fn}_r) >= 0.8", "similar", 0.02),
        _else(0.01),
    ], "first name: exact, shared token, nickname, typo, swap, initial")


def surname() -> cl.CustomComparison:
    sn = C.SN
    return _comparison("surname", [
        _null(sn),
        _level(f"{sn}_l = {sn}_r", "exact", 0.75, tf=sn),
        _level(f"list_has_any({C.SN_TOKENS}_l, {C.SN_TOKENS}_r)", "shared surname token", 0.12),
        _level(SWAPPED, "first and last name swapped", 0.01, u=2.5e-4),
        _level(f"jaro_winkler_similarity({sn}_l, {sn}_r) >= 0.9 OR list_has_any({C.SN_META}_l, {C.SN_META}_r)",
               "typo or same sound", 0.05),
        _else(0.07),
    ], "surname: compound and married names agree on any token")


def date_of_birth() -> cl.CustomComparison:
    d = C.DOB_STR
    swap = (f"left({d}_l, 4) = left({d}_r, 4) AND substr({d}_l, 5, 2) = substr({d}_r, 7, 2) "
            f"AND substr({d}_l, 7, 2) = substr({d}_r, 5, 2)")
    return _comparison("dob", [
        _null(d),
        _level(f"{d}_l = {d}_r", "exact", 0.94),
        _level(swap, "day and month swapped", 0.015),
        _level(f"damerau_levenshtein({d}_l, {d}_r) <= 1", "one digit", 0.03),
        _level(f"abs({C.DOB_YEAR}_l - {C.DOB_YEAR}_r) <= 1", "within a year", 0.01),
        _else(0.01, fix=True),
    ], "date of birth: exact, day/month swap, one digit, close year")


def ssn() -> cl.CustomComparison:
    s = C.SSN_STD
    return _comparison("ssn", [
        _null(s),
        _level(f"{s}_l = {s}_r", "exact", 0.95),
        _level(f"hamming({s}_l, {s}_r) = 1", "one digit", 0.02, u=2e-5),
        _level(f"damerau_levenshtein({s}_l, {s}_r) = 1", "two digits transposed", 0.02, u=1e-5),
        _else(0.01),
    ], "SSN (placeholders and invalid numbers are null): exact, one digit, transposition")


def suffix() -> cl.CustomComparison:
    s = C.SUFFIX_STD
    return _comparison("suffix", [
        _null(s),
        _level(f"{s}_l = {s}_r", "same", 0.98),
        _else(0.005, fix=True),
    ], "generational suffix: JR and SR are different people")


def middle_name() -> cl.CustomComparison:
    m = C.MN
    return _comparison("middle_name", [
        _null(m),
        _level(f"{m}_l = {m}_r", "exact", 0.8),
        _initial(m, 0.15),
        _else(0.05),
    ], "middle name or initial")


def sex() -> cl.CustomComparison:
    s = C.SEX_STD
    return _comparison("sex", [_null(s), _level(f"{s}_l = {s}_r", "same", 0.99), _else(0.01)], "sex")


def address(households: bool = True) -> cl.CustomComparison:
    """households: records of different people of one family share an address, which random
    sampling cannot see; a fixed u keeps a shared address from outweighing names and birth dates."""
    st, z, city = C.STREET_STD, C.ZIP5, C.CITY_STD
    return _comparison("address", [
        cll.CustomLevel(f"({st}_l IS NULL OR {st}_r IS NULL) AND ({z}_l IS NULL OR {z}_r IS NULL)",
                        label_for_charts="missing").configure(is_null_level=True),
        _level(f"{st}_l = {st}_r AND {z}_l = {z}_r", "same street and zip", 0.6, u=0.01 if households else None),
        _level(f"levenshtein({st}_l, {st}_r) <= 2 AND ({z}_l = {z}_r OR {city}_l = {city}_r)",
               "street typo, same zip or city", 0.05, u=0.002 if households else None),
        _level(f"{z}_l = {z}_r", "same zip", 0.1),
        _level(f"{city}_l = {city}_r", "same city", 0.05),
        _else(0.2),
    ], "last known address: families move and share a household, so it is weak evidence either way")


def default_comparisons(households: bool = True) -> list[cl.CustomComparison]:
    return [first_name(), surname(), date_of_birth(), ssn(), suffix(), middle_name(), sex(), address(households)]


# Columns the comparisons read: what the scoring table must carry.
COMPARISON_COLUMNS = (C.FN, C.FN_TOKENS, C.FN_CANON, C.SN, C.SN_TOKENS, C.SN_META, C.DOB_STR,
                      C.DOB_YEAR, C.SSN_STD, C.SUFFIX_STD, C.MN, C.SEX_STD, C.STREET_STD, C.ZIP5, C.CITY_STD)
