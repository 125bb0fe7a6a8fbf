"""A link the other side's case cannot confirm: the record fits a second person of that case as well.

Two children of one mother called YOLANDA, twins whose names a typo brought together (JAYDEN and
JAYLEN), a thin ANTONIO with no birth date or SSN: when the case of the record a link points to holds
another person of the same role whom the linking record fits at least as well, the score has picked
one of two people by a detail (a surname spelling, a zip) that does not tell siblings apart. Such a
link is not taken on its own; the record can still join through a link that does single its person
out, or through family evidence, which has its own check against guessing between siblings.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from linkage import columns as C
from linkage.agreement import NameAgreement, dob_related, first_name_agreement, ssn_related, surnames_similar
from linkage.persons.constraints import RecordFacts, swapped

FITS_TWO = "fits two people of one case as well"  # the reason counted for links not taken

EXACT, TYPO = 3, 1  # one exact agreement outweighs two typo-level ones: twins' SSNs are a digit
# apart and their names often a letter apart, so typos agree with the wrong twin too


def first_name_fit(f: RecordFacts, a: int, b: int) -> int:
    """EXACT: the same name or a nickname of it; TYPO: a typo or an initial; 0: another name."""
    agree = first_name_agreement(f.first[a], f.first[b], f.first_canon[a], f.first_canon[b], f.first_tokens[a], f.first_tokens[b])
    return EXACT if agree >= NameAgreement.SHARED_TOKEN else TYPO if agree >= NameAgreement.ONE_EDIT else 0


def _identifier_fit(x: str | None, y: str | None, related) -> int | None:
    """EXACT, TYPO apart, 0 unknown on a side, None: different (the other person is ruled out)."""
    if not x or not y:
        return 0
    if x == y:
        return EXACT
    return TYPO if related(x, y) else None


def surname_fit(f: RecordFacts, a: int, b: int) -> int:
    """1 when the surnames share a token or differ by a typo (half-siblings, a mother and the
    alleged fathers of one case have different ones)."""
    return int(surnames_similar(f.surname_tokens[a], f.surname_tokens[b]))


def fit(f: RecordFacts, a: int, b: int) -> int | None:
    """How well record a fits person-record b on what tells people of one case apart: first name,
    surname, birth date, SSN. None when a birth date or an SSN rules b out."""
    dob = _identifier_fit(f.dob[a], f.dob[b], dob_related)
    ssn = _identifier_fit(f.ssn[a], f.ssn[b], ssn_related)
    if dob is None or ssn is None:
        return None
    names = EXACT + 1 if swapped(f, a, b) else first_name_fit(f, a, b) + surname_fit(f, a, b)
    return names + dob + ssn


def ambiguous_links(
    records: pl.DataFrame,
    facts: RecordFacts,
    left: np.ndarray,
    right: np.ndarray,
    labels: np.ndarray | None = None,
    one_person: np.ndarray | None = None,
) -> np.ndarray:
    """Per edge (left[i], right[i]), whether one end x fits another person z of the other end's case
    (same role group) at least as well as it fits the other end.

    A z already known to be someone else of x's own case is no rival (two records of one case are
    two people): linked by one of these edges, or with `labels` (clusters so far) in one cluster,
    to a record w of x's case that z fits better than it fits x (a link can be wrong too). Polars
    narrows the rivals to case-mates with x's initial (as first name or, swapped, as surname) or a
    given name of x's, sex and a birth date a typo could explain; the fit is computed in Python for
    those only.
    one_person: per uid, a label shared by records known to be one person of one case (typed twice
    into it, `entered_twice`): such a z is y itself, not a rival."""
    if not len(left):
        return np.zeros(0, dtype=bool)
    people = records.select(
        pl.col(C.UID),
        pl.concat_str([C.SOURCE_SYSTEM, C.CASE_ID], separator="|").alias("case"),
        pl.col(C.ROLE_GROUP).alias("group"),
        pl.col(C.FN).str.slice(0, 1).alias("initial"),
        pl.col(C.SN).str.slice(0, 1).alias("sn_initial"),
        pl.col(C.SEX_STD).alias("sex"),
        pl.col(C.DOB_STR).alias("dob"),
        pl.col(C.FN_TOKENS).alias("tokens"),
    )
    edge = pl.DataFrame({"edge": np.arange(len(left)), "x": left, "y": right})
    chooses = pl.concat([edge, edge.select("edge", pl.col("y").alias("x"), pl.col("x").alias("y"))])
    triples = _rivals(people, chooses)
    if one_person is not None:
        same = pl.Series(one_person)
        triples = triples.filter(same.gather(triples["y"]) != same.gather(triples["z"]))
    placed = triples.join(_placed(people, chooses, labels, triples["z"]), on=["z", "x_case"]).filter(
        pl.col("placed_by") != pl.col("x")
    )
    known = {
        (e, a, z)
        for e, a, z, w in zip(*(placed[c].to_list() for c in ("edge", "x", "z", "placed_by")))
        if (fit(facts, z, w) or 0) > (fit(facts, a, z) or 0)
    }
    out = np.zeros(len(left), dtype=bool)
    for e, a, b, other in zip(*(triples[c].to_list() for c in ("edge", "x", "y", "z"))):
        if out[e] or (e, a, other) in known:
            continue
        rival = fit(facts, a, other)
        out[e] = rival is not None and rival >= (fit(facts, a, b) or 0)
    return out


def _rivals(people: pl.DataFrame, chooses: pl.DataFrame) -> pl.DataFrame:
    """(edge, x, y, z, x_case): z a case-mate of y whom x might be instead."""
    mates = people.select(pl.col(C.UID).alias("z"), "case", "group", "initial", "sn_initial", "sex", "dob", "tokens")
    x = people.select(
        pl.col(C.UID).alias("x"),
        pl.col("case").alias("x_case"),
        pl.col("initial").alias("x_initial"),
        pl.col("sex").alias("x_sex"),
        pl.col("dob").alias("x_dob"),
        pl.col("tokens").alias("x_tokens"),
    )
    return (
        chooses.join(people.select(pl.col(C.UID).alias("y"), "case", "group"), on="y")
        .join(mates, on=["case", "group"])
        .filter(pl.col("z") != pl.col("y"))
        .join(x, on="x")
        .filter(
            (
                (pl.col("initial") == pl.col("x_initial"))
                | (pl.col("sn_initial") == pl.col("x_initial"))
                | (pl.col("tokens").list.set_intersection("x_tokens").list.len() > 0)  # LUIS JOSE: JOSE too
            )
            & ~((pl.col("sex") != pl.col("x_sex")).fill_null(False))
            & (
                pl.col("dob").is_null()
                | pl.col("x_dob").is_null()
                | (pl.col("dob").str.slice(0, 4) == pl.col("x_dob").str.slice(0, 4))
                | (pl.col("dob").str.slice(4) == pl.col("x_dob").str.slice(4))
            )
        )
        .select("edge", "x", "y", "z", "x_case")
    )


def _placed(people: pl.DataFrame, chooses: pl.DataFrame, labels: np.ndarray | None, z: pl.Series) -> pl.DataFrame:
    """(z, x_case, placed_by): z is one person with record placed_by, of case x_case (for the z given)."""
    case = people.select(pl.col(C.UID), "case")
    wanted = z.unique().alias("z").to_frame()
    if labels is None:  # linked by one of the edges
        return (
            chooses.join(wanted, left_on="x", right_on="z", how="semi")
            .join(case.rename({C.UID: "y", "case": "x_case"}), on="y")
            .select(pl.col("x").alias("z"), "x_case", pl.col("y").alias("placed_by"))
        )
    cluster = case.with_columns(pl.Series("label", labels))  # in one cluster
    return (
        cluster.join(wanted, left_on=C.UID, right_on="z", how="semi")
        .select(pl.col(C.UID).alias("z"), "label")
        .join(cluster.select("label", pl.col("case").alias("x_case"), pl.col(C.UID).alias("placed_by")), on="label")
        .filter(pl.col("z") != pl.col("placed_by"))
        .select("z", "x_case", "placed_by")
    )
