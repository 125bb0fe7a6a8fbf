from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.evidence import agreement
from linkage.cases.links import SAME_PERSON, side_links


def _members(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=[C.RECORD_ID, C.PERSON_ID, "side"], orient="row")


def _pairs(rows: list[tuple[str, str, float]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["record_id_l", "record_id_r", "match_probability"], orient="row")


def test_same_person_review_pair_and_refused_pair():
    a = _members([("a1", "P1", "CH"), ("a2", "P2", "CH"), ("a3", "P3", "CH"), ("a4", "P4", "CP")])
    b = _members([("b1", "P1", "CH"), ("b2", "P9", "CH"), ("b3", "P8", "CH"), ("b4", "P4", "CH")])
    pairs = _pairs(
        [
            ("b2", "a2", 0.7),  # review zone, either orientation
            ("a3", "b3", 0.97),
        ]
    )  # above the link threshold yet kept apart: a never-merge rule
    links = {(r[0], r[1]): r[2] for r in side_links(a, b, pairs, 0.9).rows()}
    assert links == {("a1", "b1"): SAME_PERSON, ("a2", "b2"): 0.7}  # a4/b4: one person, but CP vs CH


def test_agreement_words():
    rec = {
        C.SSN_STD: "123456789",
        C.DOB_STR: "20150405",
        C.FN: "ANA",
        C.FN_CANON: ["ANA"],
        C.FN_TOKENS: ["ANA"],
        C.SN_TOKENS: ["LOPEZ", "GARCIA"],
    }
    other = {**rec, C.SSN_STD: "123456798", C.DOB_STR: "20150504", C.SN_TOKENS: ["LOPEZ"]}
    assert agreement(rec, rec) == "SSN, first name, surname and date of birth"
    words = agreement(rec, other)
    assert "SSN (one digit off or two transposed)" in words and "part of the surname" in words
    assert "day and month swapped" in words
    thin = {C.FN: "ANA", C.FN_CANON: ["ANA"], C.FN_TOKENS: ["ANA"], C.SN_TOKENS: ["LOPEZ"]}
    assert agreement(thin, rec).endswith("(no SSN or date of birth to compare: linked through the family)")
    assert agreement({}, {}) == "other records of the same person"
