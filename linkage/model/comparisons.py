"""Splink comparisons for program records, composed from small custom levels over standardized columns.

Each level is one condition on `<column>_l` / `<column>_r` (`conditions.py`), ordered from strongest
agreement to none, the way Splink composes its own library comparisons. The starting
m-probabilities are priors from the domain (how often one person's records agree at that level); EM
refines them.

A condition is written once and gives both its SQL and its Python twin: the on-demand service
scores one record against its candidates in memory with the same model, looking each level's twin
up in `PY_CONDITIONS` by its SQL text, and a test checks both give the same match weights.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from linkage import columns as C
from linkage.model.conditions import (
    Condition,
    DayMonthSwapped,
    Differ,
    Equal,
    Initial,
    Measure,
    Missing,
    Record,
    SharesAny,
    Twin,
    YearsApart,
    edits,
    hamming,
    jaro_winkler,
)

__all__ = ["PY_CONDITIONS", "Condition", "Record", "Twin", "default_comparisons", "COMPARISON_COLUMNS"]

PY_CONDITIONS: dict[str, Twin] = {}


def _level(cond: Condition, label: str, m: float | None = None, tf: str | None = None, u: float | None = None) -> cll.CustomLevel:
    """A level; `u` fixes the u-probability where random sampling is too thin to estimate it."""
    sql = _register(cond)
    level = cll.CustomLevel(sql, label_for_charts=label)
    if m is not None:
        level.configure(m_probability=m)
    if u is not None:
        level.configure(u_probability=u, fix_u_probability=True)
    if tf is not None:
        level.configure(tf_adjustment_column=tf, tf_adjustment_weight=1.0)
    return level


def _register(cond: Condition) -> str:
    sql = cond.sql()
    PY_CONDITIONS[sql] = cond.twin()
    return sql


def _null(cond: Condition) -> ComparisonLevelCreator:
    return cll.CustomLevel(_register(cond), label_for_charts="missing").configure(is_null_level=True)


def _else(m: float, fix: bool = False) -> ComparisonLevelCreator:
    """Disagreement; `fix` keeps the prior m where EM would drive it to zero (a hard no)."""
    return cll.ElseLevel().configure(m_probability=m, fix_m_probability=fix)


def _comparison(name: str, levels: list, description: str) -> cl.CustomComparison:
    return cl.CustomComparison(comparison_levels=levels, output_column_name=name, comparison_description=description)


# First and last name swapped: each name agrees with the other record's other name, as a token or
# a nickname (HARRIS CHRIS / CHRISTOPHER HARRIS: the same equivalence the first-name levels use), or
# both whole names a typo apart. Nickname groups hold the token itself, so equal tokens agree too.
_JW_SWAPPED = jaro_winkler(C.FN, 0.9, C.SN) & jaro_winkler(C.SN, 0.9, C.FN)
SWAPPED_CONDITION = (SharesAny(C.FN_CANON, C.SN_CANON) & SharesAny(C.SN_CANON, C.FN_CANON)) | _JW_SWAPPED
SWAPPED = SWAPPED_CONDITION.sql()
# Models saved before 2026-11-27 state the swap on tokens only.
SWAPPED_TOKENS_ONLY_CONDITION = (SharesAny(C.FN_TOKENS, C.SN_TOKENS) & SharesAny(C.SN_TOKENS, C.FN_TOKENS)) | _JW_SWAPPED
SWAPPED_TOKENS_ONLY = SWAPPED_TOKENS_ONLY_CONDITION.sql()


def first_name() -> cl.CustomComparison:
    fn = C.FN
    return _comparison(
        "first_name",
        [
            _null(Missing(fn)),
            _level(Equal(fn), "exact", 0.82, tf=fn),
            _level(SharesAny(C.FN_TOKENS), "shared first-name token", 0.04, u=0.004),
            _level(SharesAny(C.FN_CANON), "nickname", 0.05),
            _level(jaro_winkler(fn, 0.9), "typo", 0.04),
            _level(SWAPPED_CONDITION, "first and last name swapped", 0.01, u=2.5e-4),
            _level(Initial(fn), "initial", 0.01, u=0.003),
            _level(jaro_winkler(fn, 0.8), "similar", 0.02),
            _else(0.01),
        ],
        "first name: exact, shared token, nickname, typo, swap, initial",
    )


def surname() -> cl.CustomComparison:
    sn = C.SN
    return _comparison(
        "surname",
        [
            _null(Missing(sn)),
            _level(Equal(sn), "exact", 0.75, tf=sn),
            _level(SharesAny(C.SN_TOKENS), "shared surname token", 0.12),
            _level(SWAPPED_CONDITION, "first and last name swapped", 0.01, u=2.5e-4),
            _level(jaro_winkler(sn, 0.9) | SharesAny(C.SN_META), "typo or same sound", 0.05),
            _else(0.07),
        ],
        "surname: compound and married names agree on any token",
    )


# Two conditions with a cheap Hamming test before the edit distance: on strings of one length
# (YYYYMMDD, nine SSN digits) an edit distance of 1 means at most two differing positions, and for
# SSNs not one (the level before), exactly two. Same levels, a fifth of the scoring time at 1 million
# records (most pairs are far apart, and the edit distance was computed for every one of them).
DOB_ONE_DIGIT = hamming(C.DOB_STR, "<=", 2) & edits(C.DOB_STR, "<=", 1)
SSN_TRANSPOSED = hamming(C.SSN_STD, "=", 2) & edits(C.SSN_STD, "=", 1)
# Models saved before that state the same levels without the Hamming test (same meaning on strings
# of one length).
_EARLIER = {edits(C.DOB_STR, "<=", 1): DOB_ONE_DIGIT, edits(C.SSN_STD, "=", 1): SSN_TRANSPOSED}
EARLIER_CONDITIONS = {old.sql(): now.sql() for old, now in _EARLIER.items()}


# A date a file uses for an unknown day (January 1st of the year) keeps only its year
# (`standardize.default_dates`). Against a whole date it says nothing when the years differ (the
# year may be an estimate from an age), and agrees weakly when they are the same: a designed
# likelihood ratio, m and u both fixed and scaled by one share of such pairs (1%), so that the
# weight is the same whatever that share in a file (file rates leave it alone): 95% of one person's
# year-only entries carry the true year; two people's birth years agree about 2.3% of the time
# (a third of 'within a year''s u, 0.069, in the shipped model): log2(0.95 / 0.023) = 5.4 bits.
DOB_UNKNOWN = Missing(C.DOB_YEAR) | (Missing(C.DOB_STR) & Differ(C.DOB_YEAR))
DOB_SAME_YEAR_DAY_UNKNOWN = Missing(C.DOB_STR) & Equal(C.DOB_YEAR)
YEAR_ONLY_SHARE = 0.01
# Models saved before 2026-12-07 state the null level on the whole date alone.
DOB_MISSING_BEFORE = Missing(C.DOB_STR)


def date_of_birth() -> cl.CustomComparison:
    d = C.DOB_STR
    same_year = _level(
        DOB_SAME_YEAR_DAY_UNKNOWN, "same year, the day unknown on one side", 0.95 * YEAR_ONLY_SHARE, u=0.023 * YEAR_ONLY_SHARE
    )
    return _comparison(
        "dob",
        [
            _null(DOB_UNKNOWN),
            _level(Equal(d), "exact", 0.94),
            _level(DayMonthSwapped(d), "day and month swapped", 0.015),
            _level(DOB_ONE_DIGIT, "one digit", 0.03),
            same_year.configure(fix_m_probability=True),
            _level(YearsApart(C.DOB_YEAR, 1), "within a year", 0.01),
            _else(0.01, fix=True),
        ],
        "date of birth: exact, day/month swap, one digit, same year with the day unknown, close year",
    )


def ssn() -> cl.CustomComparison:
    s = C.SSN_STD
    return _comparison(
        "ssn",
        [
            _null(Missing(s)),
            _level(Equal(s), "exact", 0.95),
            _level(hamming(s, "=", 1), "one digit", 0.02, u=2e-5),
            _level(SSN_TRANSPOSED, "two digits transposed", 0.02, u=1e-5),
            _else(0.01),
        ],
        "SSN (placeholders and invalid numbers are null): exact, one digit, transposition",
    )


def suffix() -> cl.CustomComparison:
    s = C.SUFFIX_STD
    return _comparison(
        "suffix",
        [
            _null(Missing(s)),
            _level(Equal(s), "same", 0.98),
            _else(0.005, fix=True),
        ],
        "generational suffix: JR and SR are different people",
    )


def middle_name() -> cl.CustomComparison:
    m = C.MN
    return _comparison(
        "middle_name",
        [
            _null(Missing(m)),
            _level(Equal(m), "exact", 0.8),
            _level(Initial(m), "initial", 0.15),
            _else(0.05),
        ],
        "middle name or initial",
    )


def sex() -> cl.CustomComparison:
    s = C.SEX_STD
    return _comparison("sex", [_null(Missing(s)), _level(Equal(s), "same", 0.99), _else(0.01)], "sex")


def address(households: bool = True) -> cl.CustomComparison:
    """households: records of different people of one family share an address, which random
    sampling cannot see; a fixed u keeps a shared address from outweighing names and birth dates."""
    st, z, city = C.STREET_STD, C.ZIP5, C.CITY_STD
    return _comparison(
        "address",
        [
            _null(Missing(st) & Missing(z)),
            _level(Equal(st) & Equal(z), "same street and zip", 0.6, u=0.01 if households else None),
            _level(
                Measure("levenshtein", st, "<=", 2) & (Equal(z) | Equal(city)),
                "street typo, same zip or city",
                0.05,
                u=0.002 if households else None,
            ),
            _level(Equal(z), "same zip", 0.1),
            _level(Equal(city), "same city", 0.05),
            _else(0.2),
        ],
        "last known address: families move and share a household, so it is weak evidence either way",
    )


def default_comparisons(households: bool = True) -> list[ComparisonCreator | dict[str, Any]]:
    comparisons: list[ComparisonCreator | dict[str, Any]] = [
        first_name(),
        surname(),
        date_of_birth(),
        ssn(),
        suffix(),
        middle_name(),
        sex(),
        address(households),
    ]
    for earlier in (*_EARLIER, SWAPPED_TOKENS_ONLY_CONDITION, DOB_MISSING_BEFORE):  # what models saved before state
        _register(earlier)
    return comparisons


# Columns the comparisons read: what the scoring table must carry.
COMPARISON_COLUMNS = (
    C.FN,
    C.FN_TOKENS,
    C.FN_CANON,
    C.SN,
    C.SN_TOKENS,
    C.SN_META,
    C.SN_CANON,
    C.DOB_STR,
    C.DOB_YEAR,
    C.SSN_STD,
    C.SUFFIX_STD,
    C.MN,
    C.SEX_STD,
    C.STREET_STD,
    C.ZIP5,
    C.CITY_STD,
)


default_comparisons()  # registers every level's Python twin in PY_CONDITIONS at import
