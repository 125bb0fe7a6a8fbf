"""A child's relatives through the generations, read from the cases.

A IV-D case is one family: its custodial party and the man it is against are parents of its children
(a man it only alleges, while another is established, is not taken; a disproved one never). A TANF
or foster-care case's caretaker is a parent too, and so is an absent parent it names for the children
who carry his surname, where no other absent parent of the case has it (taken as alleged: a case
lists the absent parents of all the caretaker's children, and does not say whose each is): his first
surname as the child's first, or a surname the child does not have from its mother (a compound
surname's second is the mother's).
Parents found so, the rest follows:

- the child's parents' parents (grandparents), from the parents' own childhood cases;
- the parents' siblings (aunts and uncles): the other children of those cases;
- the child's siblings: a full sibling shares both parents, a half-sibling one (through a man a
  IV-D case only alleges as the sibling's father, and no other man is named for it, listed with
  ALLEGED_TIE: the worker sees the tie is not established; since 2026-12-08); and the other
  children of the child's foster-care cases, removed with it, whose shared parent the case may
  not name (IN_CARE_TOGETHER, since 2026-12-08);
- the custodial parents of the father's other children (who may know where he is): the mothers of
  the children he is followed down to.

Each relative is a person (their records grouped), with the relationship and the side (paternal,
maternal) it comes through.

A "sibling" whose records carry the child's own first name (or a nickname, a shared given name, a
typo of it, or the name turned round), no birth date that differs from the child's and no case in
common with the child (two records of one case are two children) is not listed as a sibling: two
children of one parent with one name and one birthday on different cases are one child the person
linkage did not join (one record without a birth date, a name in another order), and its other
record may be the support case the worker is asking about. It is listed as SAME_CHILD. Twins differ
in first name (or share a case) and stay siblings; half-siblings of one first name born on other
days stay siblings. A "sibling" born the child's very day under another first name, in no case with
it, is listed as SAME_CHILD too (2026-12-07): the child's first name typed wholly wrong in one
program (the linkage keeps such records apart, as it would twins), or a twin no case lists with it:
the worker decides.
"""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.agreement import NameAgreement, dob_related, first_name_agreement, shares
from linkage.cases.members import CHILD, CP, FATHER

RELATIVE_COLUMNS = ("child_person_id", "relative_person_id", "relationship", "side", "through_person_id")
SAME_CHILD = "possibly this child (another record)"
ALLEGED_TIE = "paternity alleged"  # a half-sibling through a man a IV-D case only alleges as its father
IN_CARE_TOGETHER = "sibling (one foster-care case)"  # another child of the child's foster-care case


# a woman: by the sex code, or (none recorded) by being a case's custodial party
_WOMAN = pl.col("sex").fill_null(pl.when(pl.col("side") == CP).then(pl.lit("F")).otherwise(pl.lit("M"))) == "F"


def parent_edges(m: pl.DataFrame) -> pl.DataFrame:
    """(parent, child, kind: mother / father, alleged, read: a father read from the child's surname)
    from case members (`case_members` with a `sex` column)."""
    status = pl.col(C.PATERNITY_STATUS).fill_null("")
    case = [C.SOURCE_SYSTEM, C.CASE_ID]
    ivd_adults = m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-D") & (pl.col("side") != CHILD) & (status != "DISPROVED"))
    # a TANF or foster-care case's absent parents (several: one per child, the case does not say which)
    absent = m.filter((pl.col(C.SOURCE_SYSTEM) != "IV-D") & (pl.col("side") == FATHER)).with_columns(
        pl.lit("ALLEGED").alias(C.PATERNITY_STATUS)
    )
    adults = pl.concat([ivd_adults, _caretakers(m), absent]).with_columns(
        pl.when(_WOMAN).then(pl.lit("mother")).otherwise(pl.lit("father")).alias("kind"),
        ((pl.col("side") == FATHER) & (status == "ALLEGED") | (pl.col(C.ROLE) == "PF")).alias("alleged"),
        ((pl.col(C.SOURCE_SYSTEM) != "IV-D") & (pl.col("side") == FATHER)).alias("_absent"),
        pl.col(C.PERSON_ID).filter(pl.col("side") == FATHER).n_unique().over(case).alias("_absent_n"),
    )
    kids = m.filter(pl.col("side") == CHILD).select(*case, pl.col(C.PERSON_ID).alias("child"))
    edges = (
        adults.select(*case, pl.col(C.PERSON_ID).alias("parent"), "kind", "alleged", "_absent", "_absent_n", C.SN_TOKENS)
        .join(kids, on=case)
        .filter(pl.col("parent") != pl.col("child"))
    )
    # an absent parent of a TANF or foster-care case is the father of the children who carry his
    # surname, and only where no other absent parent of the case has it too: the case lists the
    # absent parents of all the caretaker's children, each child's surname says whose it is
    carriers = surname_carriers(m, edges.filter(pl.col("_absent")))
    unique = carriers.filter(pl.col("parent").n_unique().over(*case, "child") == 1)
    lone_mother = (pl.col("kind") == "mother") & (pl.col("_absent_n") == 1)
    edges = (
        pl.concat([edges.filter(~pl.col("_absent") | lone_mother), edges.join(unique, on=[*case, "parent", "child"], how="semi")])
        .group_by("parent", "child", "kind")
        .agg(pl.col("alleged").all(), pl.col("_absent").all().alias("read"))
    )
    return _strongest_fathers(edges).select("parent", "child", "kind", "alleged", "read").unique()


def _strongest_fathers(edges: pl.DataFrame) -> pl.DataFrame:
    """A father read from a surname gives way to one a IV-D case names, and an alleged father to one
    not only alleged."""
    father = pl.col("kind") == "father"
    named = edges.filter(father & ~pl.col("read")).select("child").unique()
    read = edges.filter(father & pl.col("read")).join(named, on="child", how="anti")
    edges = pl.concat([edges.filter(~(father & pl.col("read"))), read])
    established = edges.filter(father & ~pl.col("alleged")).select("child").unique()
    return pl.concat(
        [edges.filter(~pl.col("alleged")), edges.filter(pl.col("alleged")).join(established, on="child", how="anti")]
    )


def surname_carriers(m: pl.DataFrame, men: pl.DataFrame) -> pl.DataFrame:
    """(source_system, case_id, parent, child) of `men` (those columns and the man's sn_tokens on the
    case) whose surname the child carries (`carries_surname`) on any of its records: one record's
    typo (HEGNANDEZ) does not hide it."""
    case = [C.SOURCE_SYSTEM, C.CASE_ID]
    child_sn = (
        m.filter(pl.col("side") == CHILD)
        .select(pl.col(C.PERSON_ID).alias("child"), pl.col(C.SN_TOKENS).alias("_child_sn"))
        .unique()
    )
    return (
        men.select(*case, "parent", "child", C.SN_TOKENS)
        .join(child_sn, on="child")
        .join(caretaker_surnames(m), on=case, how="left")
        .filter(carries_surname(pl.col(C.SN_TOKENS), pl.col("_child_sn"), pl.col("_mother_sn")))
        .select(*case, "parent", "child")
        .unique()
    )


def carries_surname(his: pl.Expr, child: pl.Expr, mothers: pl.Expr) -> pl.Expr:
    """The child carries the man's surname (surname token lists): the first surname of both (a
    father's surname leads a compound one), or one the child does not have from its mother (`mothers`:
    every surname token on her records, null when unknown). SMITH RODRIGUEZ, her mother a RODRIGUEZ,
    is no child of a JIMENEZ RODRIGUEZ; MARIA GUTIERREZ is PEDRO GUTIERREZ MORALES's though her mother
    took his name."""
    shared = his.list.set_intersection(child)
    not_hers = shared.list.set_difference(mothers.fill_null(pl.lit([], dtype=pl.List(pl.String))))
    return (his.list.first() == child.list.first()).fill_null(False) | (not_hers.list.len() > 0).fill_null(False)


def _caretakers(m: pl.DataFrame) -> pl.DataFrame:
    """The women caring for the children of TANF and foster-care cases: their mothers."""
    return m.filter((pl.col(C.SOURCE_SYSTEM) != "IV-D") & (pl.col("side") == CP) & _WOMAN)


def caretaker_surnames(m: pl.DataFrame) -> pl.DataFrame:
    """(source_system, case_id, _mother_sn) of TANF and foster-care cases: the surname tokens the
    case's caretaker has on any of her records (a maiden name in one program, a married one in another)."""
    caretakers = _caretakers(m)
    per_person = (
        m.join(caretakers.select(C.PERSON_ID).unique(), on=C.PERSON_ID, how="semi")
        .select(C.PERSON_ID, pl.col(C.SN_TOKENS).alias("_mother_sn"))
        .explode("_mother_sn")
        .drop_nulls()
        .group_by(C.PERSON_ID)
        .agg(pl.col("_mother_sn").unique())
    )
    return (
        caretakers.select(C.SOURCE_SYSTEM, C.CASE_ID, C.PERSON_ID)
        .unique()
        .join(per_person, on=C.PERSON_ID)
        .explode("_mother_sn")
        .group_by(C.SOURCE_SYSTEM, C.CASE_ID)
        .agg(pl.col("_mother_sn").unique())
    )


def relatives(m: pl.DataFrame, children: list[str]) -> pl.DataFrame:
    """RELATIVE_COLUMNS for each child person of `children`."""
    edges = parent_edges(m)
    # a man a IV-D case only alleges is followed up to his parents (they are the child's grandparents
    # if he is the father), and down to the children he is alleged to have fathered where no other
    # man is named for them (listed as such: ALLEGED_TIE); where two men are alleged for one child
    # (two IV-D cases of its mother), neither is followed down. A man read from the surname of the
    # children of a TANF or foster-care case is followed down to those children: their surname is
    # what made him their father
    fathers_of_child = pl.col("parent").filter(pl.col("kind") == "father").n_unique().over("child")
    down = edges.filter(~pl.col("alleged") | pl.col("read") | (fathers_of_child == 1)).with_columns(
        (pl.col("alleged") & ~pl.col("read")).alias("_alleged")
    )
    wanted = pl.Series(children, dtype=pl.String).implode()
    parents = edges.filter(pl.col("child").is_in(wanted)).select(
        pl.col("child").alias("child_person_id"),
        pl.col("parent").alias("through_person_id"),
        pl.when(pl.col("kind") == "father").then(pl.lit("paternal")).otherwise(pl.lit("maternal")).alias("side"),
        pl.col("kind").alias("parent_kind"),
    )
    grand = parents.join(edges, left_on="through_person_id", right_on="child").select(
        "child_person_id",
        pl.col("parent").alias("relative_person_id"),
        pl.format("{} grand{}", "side", "kind").alias("relationship"),
        "side",
        "through_person_id",
    )
    # the parents' siblings: the other children of their own parents
    aunts = (
        parents.join(edges, left_on="through_person_id", right_on="child")
        .join(down.select(pl.col("parent"), pl.col("child").alias("relative_person_id")), on="parent")
        .filter(pl.col("relative_person_id") != pl.col("through_person_id"))
        .select(
            "child_person_id",
            "relative_person_id",
            pl.format("{}'s sibling", "parent_kind").alias("relationship"),
            "side",
            "through_person_id",
        )
    )
    own = parents.select("child_person_id", "through_person_id", "parent_kind", "side")
    siblings = own.join(
        down.select(pl.col("parent").alias("through_person_id"), pl.col("child").alias("relative_person_id"), "_alleged"),
        on="through_person_id",
    ).filter(pl.col("relative_person_id") != pl.col("child_person_id"))
    shared = siblings.group_by("child_person_id", "relative_person_id").agg(pl.len().alias("_n"))
    siblings = (
        siblings.join(shared, on=["child_person_id", "relative_person_id"])
        .with_columns(
            pl.when(pl.col("_n") >= 2)
            .then(pl.lit("sibling"))
            .when(pl.col("_alleged"))
            .then(pl.format("half-sibling ({}'s child, {})", "parent_kind", pl.lit(ALLEGED_TIE)))
            .otherwise(pl.format("half-sibling ({}'s child)", "parent_kind"))
            .alias("relationship")
        )
        .select(RELATIVE_COLUMNS)
    )
    # children of one case are two children: the foster-care case's others are never marked SAME_CHILD
    siblings = pl.concat([_same_child_marked(m, siblings), _in_care_together(m, wanted)])
    keepers = _custodial_parents(parents.filter(pl.col("parent_kind") == "father"), edges, down)
    out = pl.concat([grand, aunts, siblings, keepers]).filter(pl.col("relative_person_id") != pl.col("child_person_id"))
    # one row per relative: the closest relationship (a sibling before a custodial parent, say)
    rel = pl.col("relationship")
    rank = (
        pl.when(rel == SAME_CHILD)
        .then(-1)
        .when(rel == "sibling")
        .then(0)
        .when(rel.str.starts_with("half"))
        .then(1)
        .when(rel == IN_CARE_TOGETHER)
        .then(1.5)
        .when(rel.str.contains("grand"))
        .then(2)
        .when(rel.str.contains("sibling"))
        .then(3)
        .otherwise(4)
    )
    return (
        out.with_columns(rank.alias("_rank"))
        .sort("_rank", "relative_person_id")
        .unique(["child_person_id", "relative_person_id"], keep="first", maintain_order=True)
        .drop("_rank")
        .sort("child_person_id", "side", "relationship", "relative_person_id")
    )


def _in_care_together(m: pl.DataFrame, wanted: pl.Series) -> pl.DataFrame:
    """The other children of the child's foster-care cases: a foster-care episode holds the children
    removed together from one home, brothers and sisters whose shared parent the case often does
    not name (no caretaker on it, or an absent parent whose surname they do not carry). Listed
    where no parent the cases name ties them closer (`relatives` keeps the closest relationship),
    with no side and no parent it comes through."""
    case = [C.SOURCE_SYSTEM, C.CASE_ID]
    kids = m.filter((pl.col(C.SOURCE_SYSTEM) == "IV-E") & (pl.col("side") == CHILD)).select(*case, C.PERSON_ID).unique()
    return (
        kids.filter(pl.col(C.PERSON_ID).is_in(wanted))
        .join(kids, on=case, suffix="_r")
        .filter(pl.col(C.PERSON_ID) != pl.col(f"{C.PERSON_ID}_r"))
        .select(
            pl.col(C.PERSON_ID).alias("child_person_id"),
            pl.col(f"{C.PERSON_ID}_r").alias("relative_person_id"),
            pl.lit(IN_CARE_TOGETHER).alias("relationship"),
            pl.lit(None, pl.String).alias("side"),
            pl.lit(None, pl.String).alias("through_person_id"),
        )
        .unique()
    )


def _same_child_marked(m: pl.DataFrame, siblings: pl.DataFrame) -> pl.DataFrame:
    """Siblings whose records could be the child's own relabelled SAME_CHILD (the module's note)."""
    pairs = siblings.select("child_person_id", "relative_person_id").unique()
    if not pairs.height:
        return siblings
    one_case = pairs.join(_cases_in_common(m, pairs), on=["child_person_id", "relative_person_id"], how="anti")
    same = _could_be_one_child(m, one_case)
    if not same:
        return siblings
    marked = pl.DataFrame(same, schema=["child_person_id", "relative_person_id"], orient="row").with_columns(
        pl.lit(True).alias("_same")
    )
    return (
        siblings.join(marked, on=["child_person_id", "relative_person_id"], how="left")
        .with_columns(pl.when(pl.col("_same")).then(pl.lit(SAME_CHILD)).otherwise("relationship").alias("relationship"))
        .select(RELATIVE_COLUMNS)
    )


def _cases_in_common(m: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """The pairs whose two persons have records on one case: two children (twins a letter apart)."""
    case = [C.SOURCE_SYSTEM, C.CASE_ID]
    cases = m.select(C.PERSON_ID, *case).unique()
    return (
        pairs.join(cases, left_on="child_person_id", right_on=C.PERSON_ID)
        .join(cases, left_on=["relative_person_id", *case], right_on=[C.PERSON_ID, *case])
        .select("child_person_id", "relative_person_id")
        .unique()
    )


def _could_be_one_child(m: pl.DataFrame, pairs: pl.DataFrame) -> list[tuple[str, str]]:
    """The pairs whose records agree on a first name somewhere (a nickname, a shared given name, a
    typo, or the name turned round) or on a whole birth date (a "sibling" born the child's day who
    never shares a case with it: the child under a first name typed wholly wrong, or a twin listed
    in another program only), and nowhere differ in birth date or sex."""
    cols = (C.PERSON_ID, C.FN, C.FN_CANON, C.FN_TOKENS, C.SN_TOKENS, C.DOB_STR, "sex")
    own = m.select(*cols).unique(subset=[C.PERSON_ID, C.FN, C.DOB_STR, "sex"])
    records = pairs.join(own, left_on="child_person_id", right_on=C.PERSON_ID).join(
        own, left_on="relative_person_id", right_on=C.PERSON_ID, suffix="_r"
    )
    named: set[tuple[str, str]] = set()
    ruled_out: set[tuple[str, str]] = set()
    for r in records.iter_rows(named=True):
        key = (r["child_person_id"], r["relative_person_id"])
        agree = first_name_agreement(
            r[C.FN], r[C.FN + "_r"], r[C.FN_CANON], r[C.FN_CANON + "_r"], r[C.FN_TOKENS], r[C.FN_TOKENS + "_r"]
        )
        turned = shares(r[C.FN_TOKENS], r[C.SN_TOKENS + "_r"]) and shares(r[C.FN_TOKENS + "_r"], r[C.SN_TOKENS])
        da, db, xa, xb = r[C.DOB_STR], r[C.DOB_STR + "_r"], r["sex"], r["sex_r"]
        if agree >= NameAgreement.TYPO or turned or (da and da == db):
            named.add(key)
        if (da and db and not dob_related(da, db)) or (xa and xb and xa != xb):
            ruled_out.add(key)
    return sorted(named - ruled_out)


def _custodial_parents(fathers: pl.DataFrame, edges: pl.DataFrame, down: pl.DataFrame) -> pl.DataFrame:
    """The mothers of each father's other children (those he is followed down to), not the child's
    own mother."""
    mother_of = edges.filter(pl.col("kind") == "mother").select("child", pl.col("parent").alias("relative_person_id"))
    mothers, own = mother_of.rename({"child": "other"}), mother_of.rename({"child": "child_person_id"})
    rows = (
        fathers.select("child_person_id", "through_person_id", "side")
        .join(down.select(pl.col("parent").alias("through_person_id"), pl.col("child").alias("other")), on="through_person_id")
        .filter(pl.col("other") != pl.col("child_person_id"))
        .join(mothers, on="other")
        .filter(pl.col("relative_person_id") != pl.col("through_person_id"))
        .join(own, on=["child_person_id", "relative_person_id"], how="anti")
    )
    return rows.select(
        "child_person_id",
        "relative_person_id",
        pl.lit("custodial parent of the father's other children").alias("relationship"),
        "side",
        "through_person_id",
    ).unique()
