"""Family evidence: the people of two cases that share a family are matched through it.

A TANF referral often names the absent parent thinly ("JIMMY PARK", no birth date, no SSN). If the
referral's children are the children of an IV-D case, and that case's NCP has an agreeing name, they
are the same man. Likewise two cases of one mother hold the same child when name and birth date
agree. Evidence goes round: children link parents, parents link children, so the pass repeats. The
hard rules still apply: family evidence never overrides a conflict.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
import polars as pl

from linkage import columns as C
from linkage.agreement import (
    NameAgreement,
    dob_related,
    first_name_agreement,
    goes_by_middle,
    ssn_related,
    surname_parts_differ,
    surnames_similar,
    tokens_a_typo_apart,
)
from linkage.persons.ambiguity import ambiguous_links
from linkage.persons.cluster import Clusters
from linkage.persons.constraints import DIFFERENT_SSNS, GENERATIONS, TWINS, RecordFacts, may_share_a_parent, swapped
from linkage.standardize.names import default_nicknames

ROUNDS = 3


def first_names_agree(f: RecordFacts, a: int, b: int) -> bool:
    """Down to a typo (or a typo of a nickname, or one token a typo of the other's), or one goes by
    the other's middle name: only where the family already ties the two records."""
    if not f.first[a] or not f.first[b]:
        return False
    return (
        first_name_agreement(f.first[a], f.first[b], f.first_canon[a], f.first_canon[b], f.first_tokens[a], f.first_tokens[b])
        >= NameAgreement.TYPO
        or _tokens_agree(f.first_tokens[a], f.first_tokens[b], nickname_typo=True)
        or goes_by_middle_name(f, a, b)
    )


def goes_by_middle_name(f: RecordFacts, a: int, b: int) -> bool:
    """One record's first name is the other's middle name: a person who goes by the middle name
    (CARLOS ANDRES in one program, ANDRES in another). Only where the family ties the records."""
    return goes_by_middle(f.first[a], f.middle[a], f.first[b], f.middle[b])


def surnames_agree(f: RecordFacts, a: int, b: int) -> bool:
    sa, sb = f.surname_tokens[a], f.surname_tokens[b]
    return surnames_similar(sa, sb) or tokens_a_typo_apart(sa, sb)


def _tokens_agree(xs: list[str] | None, ys: list[str] | None, nickname_typo: bool = False) -> bool:
    """A token of one name is a typo of a token of the other (one edit: JOXE / JOSE, RRED / REED), or
    with `nickname_typo` a nickname of a name one edit from it (EDDIE / EWARD). Only where the family
    already ties the two records: alone, one edit between short names is another name."""
    if tokens_a_typo_apart(xs, ys):
        return True
    return nickname_typo and bool(xs) and bool(ys) and any(_near_nickname(x, y) for x in xs for y in ys)  # type: ignore[union-attr]


def _near_nickname(x: str, y: str) -> bool:
    table = default_nicknames()
    return not table.near(x).isdisjoint(table.canon_set(y)) or not table.near(y).isdisjoint(table.canon_set(x))


def names_agree(f: RecordFacts, a: int, b: int) -> bool:
    """First names agree (exact, nickname, shared token, typo, initial) and surnames share a token or
    differ by a typo; or the two are the same name with first and last swapped."""
    return (first_names_agree(f, a, b) and surnames_agree(f, a, b)) or swapped(f, a, b)


def identifiers_agree(f: RecordFacts, a: int, b: int) -> bool:
    da, db, sa, sb = f.dob[a], f.dob[b], f.ssn[a], f.ssn[b]
    return bool((da and db and dob_related(da, db)) or (sa and sb and ssn_related(sa, sb)))


def same_parent(f: RecordFacts, a: int, b: int) -> bool:
    """A parent of the same children: the name agrees, or (married names) the first name and an
    identifier do."""
    return names_agree(f, a, b) or (first_names_agree(f, a, b) and identifiers_agree(f, a, b))


def one_mother(f: RecordFacts, a: int, b: int) -> bool:
    """The custodial parents of two cases that share a child, with one first name: the child's
    mother under her maiden and her married surname (ANA ROSA LUNA in IV-D, ANA RODRIGUEZ in
    TANF), where no birth date or SSN of the two says otherwise (a child linked wrongly would
    otherwise bring two women together). An absent parent's surname is no such matter: two men of
    one first name named for one child are often two alleged fathers."""
    da, db, sa, sb = f.dob[a], f.dob[b], f.ssn[a], f.ssn[b]
    if (da and db and not dob_related(da, db)) or (sa and sb and not ssn_related(sa, sb)):
        return False
    return f.role[a] == "CP" == f.role[b] and first_names_agree(f, a, b)


ONE_FIELD_EXCUSES = frozenset({TWINS, DIFFERENT_SSNS})


def parent_excuses(f: RecordFacts, a: int, b: int) -> frozenset[str]:
    """The rules that stand down between two records of one child's parent on the same side, born
    the same day with a first name or a surname in common: twins do not both parent one child, so
    two first names (BARBARA / MARY MILLER, one birth date, mother of one child in IV-D and TANF) or
    two SSNs are one field typed wholly wrong, never both at once (`Clusters.why_not`). Family
    evidence also takes such a pair as one parent where the names alone would not. Only where the
    cases share a child, never for two cases of one mother (her children's fathers may be two men)."""
    if born_alike(f, a, b) and (surnames_agree(f, a, b) or first_names_agree(f, a, b)):
        return ONE_FIELD_EXCUSES
    return frozenset()


def same_child(f: RecordFacts, a: int, b: int) -> bool:
    """A child of the same mother: the name agrees and so does a birth date or SSN. With no
    identifier on one side, or birth dates only in the same month (a day left at the 1st, or typed
    wholly wrong: a mother's children are born that close only as twins, who have two names), the
    birth years (a year-only date keeps one) must be at most one apart and the surnames agree, or
    each be a surname of the two cases' parents (a child under its father's surname in one program
    and its mother's in another). The first name must then be identical, or, with no birth date on
    one side, agree down to a typo, a second given name, an initial or a middle name used as the
    first (2026-12-07); either reading but the plain one stands down where the two cases' absent
    parents are clearly other men (a mother's sons by two fathers)."""
    if identifiers_agree(f, a, b):
        return first_names_agree(f, a, b) or swapped(f, a, b)
    da, db = f.dob[a], f.dob[b]
    ya, yb = f.year[a], f.year[b]
    dates_say_little = not (da and db) or da[:6] == db[:6]
    if not dates_say_little or (ya and yb and abs(ya - yb) > 1):
        return False
    named_alike = surnames_agree(f, a, b)
    if not named_alike and not parents_surnames(f, a, b):
        return False
    if f.first[a] and f.first[a] == f.first[b]:
        return named_alike or not fathers_differ(f, a, b)
    return not (da and db) and first_names_agree(f, a, b) and not fathers_differ(f, a, b)


def parents_surnames(f: RecordFacts, a: int, b: int) -> bool:
    """Each child's surname is one of its two cases' parents' (a child under its father's surname in
    one program and its mother's in another)."""
    family = {t for k in (a, b) for x in f.case_parents[k] or [] for t in f.surname_tokens[x] or ()}
    return all(not family.isdisjoint(f.surname_tokens[k] or ()) for k in (a, b))


def fathers_differ(f: RecordFacts, a: int, b: int) -> bool:
    """The absent parents of two children's cases are clearly other men: half-siblings of one mother."""
    xs, ys = _absent_parents(f, a), _absent_parents(f, b)
    return bool(xs and ys) and not may_share_a_parent(f, xs, ys)


def sons_of_two_mothers(f: RecordFacts, a: int, b: int) -> bool:
    """Two-part surnames with one first part (the father's) and second parts (the mother's) that no
    typo or cut field explains: JOSE HERNANDEZ TORRES and JOSE HERNANDEZ IBARRA are two men."""
    ta, tb = f.surname_tokens[a], f.surname_tokens[b]
    if not ta or not tb or len(ta) != 2 or len(tb) != 2 or ta[0] != tb[0]:
        return False
    return surname_parts_differ(ta[1], tb[1])


def _absent_parents(f: RecordFacts, k: int) -> list[int]:
    """The absent parents (NCP, PF) of record k's case."""
    return [x for x in f.case_parents[k] or [] if f.role[x] != "CP"]


MAX_CASES_PER_PERSON = 50  # a person in more cases than this is a data problem, not a family


def family_pairs(records: pl.DataFrame, labels: np.ndarray) -> pl.DataFrame:
    """(uid_a, uid_b, kind) record pairs of linked cases, sorted: parents of cases that share a child;
    children of cases that share a child or a custodial parent; the only child of a day in two
    cases of one mother. Names are checked by the caller."""
    members = _members(records, labels)
    via_child, via_cp = _case_links(members)
    left = members.rename({c: f"{c}_a" for c in members.columns if c != "case"})
    right = members.rename({c: f"{c}_b" for c in members.columns if c != "case"})
    parents = (
        via_child.join(left.filter(pl.col("group_a") != "child"), left_on="c1", right_on="case")
        .join(right, left_on=["c2", "group_a"], right_on=["case", "group_b"])
        .with_columns(pl.lit("parent").alias("kind"))
    )
    # two cases of one mother with no child in common (a referral for a newborn): their fathers are
    # one man when his name agrees
    fathers = (
        via_cp.join(left.filter(pl.col("group_a") == "ncp"), left_on="c1", right_on="case")
        .join(right.filter(pl.col("group_b") == "ncp"), left_on="c2", right_on="case")
        .with_columns(pl.lit("father").alias("kind"))
    )
    children = (
        pl.concat([via_child, via_cp])
        .join(left.filter(pl.col("group_a") == "child"), left_on="c1", right_on="case")
        .join(right.filter(pl.col("group_b") == "child"), left_on="c2", right_on="case")
        .filter(
            (pl.col("initial_a") == pl.col("initial_b"))
            | (pl.col("canon_a").list.set_intersection("canon_b").list.len() > 0)
            | (pl.col("tokens_a").list.set_intersection("tokens_b").list.len() > 0)  # LUIS JOSE: JOSE and LUIS both fit
            | (pl.col("middle_initial_a") == pl.col("initial_b")).fill_null(False)
            | (pl.col("initial_a") == pl.col("middle_initial_b")).fill_null(False)
        )
        .with_columns(pl.lit("child").alias("kind"))
    )
    cols = ["uid_a", "uid_b", "label_a", "label_b", "kind"]
    mothers = _one_mother_cases(members, via_child, via_cp)
    only = _only_children_of_their_day(members, mothers)
    named = _only_children_of_their_name(members, mothers)
    pairs = pl.concat(
        [only.select(cols), named.select(cols), parents.select(cols), fathers.select(cols), children.select(cols)]
    ).filter(pl.col("label_a") != pl.col("label_b"))
    return (
        pairs.unique(["uid_a", "uid_b"], keep="first", maintain_order=True)
        .sort("uid_a", "uid_b")
        .select("uid_a", "uid_b", "kind")
    )


ONLY_CHILD_OF_THE_DAY = "only child of the day"


def only_children_of_their_day(records: pl.DataFrame, labels: np.ndarray) -> set[tuple[int, int]]:
    """(uid, uid) pairs, lower first, read as one child by `_only_children_of_their_day` under these
    labels (what `explain` asks of two records)."""
    return _offered(records, labels, _only_children_of_their_day)


def only_children_of_their_name(records: pl.DataFrame, labels: np.ndarray) -> set[tuple[int, int]]:
    """(uid, uid) pairs, lower first, that `_only_children_of_their_name` offers under these labels
    (`only_child_of_the_name` then reads their fields)."""
    return _offered(records, labels, _only_children_of_their_name)


def _offered(
    records: pl.DataFrame, labels: np.ndarray, reader: Callable[[pl.DataFrame, pl.DataFrame], pl.DataFrame]
) -> set[tuple[int, int]]:
    """The (uid, uid) pairs, lower first, that one of the cases-of-one-mother readers offers."""
    members = _members(records, labels)
    offered = reader(members, _one_mother_cases(members, *_case_links(members)))
    return {(min(a, b), max(a, b)) for a, b in offered.select("uid_a", "uid_b").iter_rows()}


def _only_children_of_their_day(members: pl.DataFrame, one_mother_cases: pl.DataFrame) -> pl.DataFrame:
    """Children born the same day in two cases that share a child and whose custodial parents are
    one person (or, sharing no child, whose custodial and absent parents are: a case opened twice),
    each the only child of its case born that day, where no other child of either case has a birth
    date a typo from that day, or none while no child of the other case is already that same child
    (an undated sibling both cases list is no twin): one child, whatever the first names say (a
    child's name typed wholly wrong in one program: FRANCISCO / JESUS CAMACHO, born 2008-09-19, in
    a TANF case and an IV-D case of one mother). Twins listed one to a case would look the same,
    but the two cases of one mother that share another child list both twins, or leave one without
    a date; then this reads nothing (2026-12-07)."""
    kids = members.filter(pl.col("group") == "child")
    dated = kids.filter(pl.col("dob").is_not_null()).select("case", "uid", "label", "dob")
    pairs = (
        one_mother_cases.join(dated.rename({"uid": "uid_a", "label": "label_a"}), left_on="c1", right_on="case")
        .join(dated.rename({"uid": "uid_b", "label": "label_b"}), left_on=["c2", "dob"], right_on=["case", "dob"])
        .filter(pl.col("label_a") != pl.col("label_b"))
    )
    if pairs.is_empty():
        return pairs.with_columns(pl.lit(ONLY_CHILD_OF_THE_DAY).alias("kind"))
    near = _near_the_day(
        pairs.select(pl.col("c1").alias("case"), pl.col("c2").alias("partner"), pl.col("uid_a").alias("uid"), "dob"), kids
    )
    near |= _near_the_day(
        pairs.select(pl.col("c2").alias("case"), pl.col("c1").alias("partner"), pl.col("uid_b").alias("uid"), "dob"), kids
    )
    return pairs.filter(~near).with_columns(pl.lit(ONLY_CHILD_OF_THE_DAY).alias("kind"))


ONLY_CHILD_OF_THE_NAME = "only child of the name"


def _only_children_of_their_name(members: pl.DataFrame, one_mother_cases: pl.DataFrame) -> pl.DataFrame:
    """Children of one first name in two cases that share another child and whose custodial
    parents are one person (or, sharing no child, whose custodial and absent parents are: a case
    opened twice), where no other child of either case has a first name that could be theirs
    (`_could_be_them`), but for one already one person with a child of the other case (a sister
    MARIA both cases list, already linked, leaves one MARIA unmatched in each): the
    candidates `only_child_of_the_name` reads as one child under a surname typed wholly wrong in one
    program (ANTONIO IBARRA CASTILLO in IV-D, ANTONIO CAMPOS in TANF, one mother, a sister in both
    cases; 2026-12-08)."""
    kids = members.filter(pl.col("group") == "child")
    named = kids.filter(pl.col("first").is_not_null()).select("case", "uid", "label", "first")
    pairs = (
        one_mother_cases.join(named.rename({"uid": "uid_a", "label": "label_a"}), left_on="c1", right_on="case")
        .join(named.rename({"uid": "uid_b", "label": "label_b"}), left_on=["c2", "first"], right_on=["case", "first"])
        .filter(pl.col("label_a") != pl.col("label_b"))
    )
    asked = pl.concat(
        [pairs.select(pl.col(u).alias("uid"), pl.col(p).alias("partner")) for u, p in (("uid_a", "c2"), ("uid_b", "c1"))]
    ).unique()
    sibs = _could_be_them(asked.join(kids, on="uid"), kids)  # (uid, partner, label_o)
    placed = kids.select(pl.col("case").alias("partner"), pl.col("label").alias("label_o")).unique()
    held = sibs.join(placed, on=["partner", "label_o"], how="anti").select("uid", "partner").unique()
    return (
        pairs.join(held, left_on=["uid_a", "c2"], right_on=["uid", "partner"], how="anti")
        .join(held, left_on=["uid_b", "c1"], right_on=["uid", "partner"], how="anti")
        .with_columns(pl.lit(ONLY_CHILD_OF_THE_NAME).alias("kind"))
    )


def _could_be_them(asked: pl.DataFrame, kids: pl.DataFrame) -> pl.DataFrame:
    """(uid, partner, label_o): the other children of each asked child's case whose first name could
    be its own (an initial, a typo, a nickname, a name in common: MARY beside MADISON is alone of her
    name; beside M, MARI or MARIA she is not)."""
    others = asked.join(kids, on="case", suffix="_o").filter(
        (pl.col("uid") != pl.col("uid_o"))
        & (
            (pl.col("initial") == pl.col("initial_o"))
            | (pl.col("canon").list.set_intersection("canon_o").list.len() > 0)
            | (pl.col("tokens").list.set_intersection("tokens_o").list.len() > 0)
        )
    )
    could_be = [
        first_name_agreement(*x) >= NameAgreement.ONE_EDIT
        for x in others.select("first", "first_o", "canon", "canon_o", "tokens", "tokens_o").iter_rows()
    ]
    return others.filter(pl.Series(could_be, dtype=pl.Boolean)).select("uid", "partner", "label_o")


CHILD_KINDS = ("child", ONLY_CHILD_OF_THE_DAY, ONLY_CHILD_OF_THE_NAME)


def only_child_of_the_name(f: RecordFacts, a: int, b: int) -> bool:
    """One child with one field typed wholly wrong in one program: the only child of this first
    name in each of two cases of one mother that share another child (`_only_children_of_their_name`).
    With no birth date on one side (or dates in one month) and birth years at most one apart, the
    surname may be the wrong field (ANTONIO IBARRA CASTILLO / ANTONIO CAMPOS); with two dates
    months or years apart, the date (GUADALUPE GARCIA GONZALEZ born 2010-12-15 in IV-D, 2013-03-01
    in TANF), where the two share a surname their mother does not carry: a mother's surname alone
    is every child's of hers. Never where the absent parents are clearly other men (`fathers_differ`:
    a mother's two children of one name by two fathers are each the only one of it in their
    father's case), nor where a child carries the surname of an absent parent of its case the other
    case does not list (ROBERT TAYLOR beside DANIEL TAYLOR in a TANF case listing two men)."""
    if fathers_differ(f, a, b) or _named_for_another_man(f, a, b):
        return False
    da, db, ya, yb = f.dob[a], f.dob[b], f.year[a], f.year[b]
    if da and db and da[:6] != db[:6]:
        return _a_fathers_surname_in_common(f, a, b)
    return not (ya and yb and abs(ya - yb) > 1)


def _a_fathers_surname_in_common(f: RecordFacts, a: int, b: int) -> bool:
    """The two children share a surname that is not their mother's: no custodial parent of their
    cases carries it, or only some of her records do and an absent parent does too (her husband's:
    CARMEN MARTINEZ SILVA in IV-D, CARMEN MORALES in TANF, the father DIEGO MORALES LOPEZ). A
    surname on every record of hers is hers, whoever else carries it (MARGARITA GARCIA, one of
    whose children's fathers is a GARCIA too)."""
    fathers = {t for k in (a, b) for x in _absent_parents(f, k) for t in f.surname_tokens[x] or ()}
    hers = [set(f.surname_tokens[x] or ()) for k in (a, b) for x in f.case_parents[k] or [] if f.role[x] == "CP"]
    always = set.intersection(*hers) if hers else set()
    mothers = set().union(*hers) - (fathers - always)
    return bool(set(f.surname_tokens[a] or ()) & set(f.surname_tokens[b] or ()) - mothers)


def _named_for_another_man(f: RecordFacts, a: int, b: int) -> bool:
    """One child carries the surname of an absent parent of its case who could be none of the
    other case's absent parents."""
    for k, other in ((a, b), (b, a)):
        theirs = _absent_parents(f, other)
        mine = set(f.surname_tokens[k] or ())
        for x in _absent_parents(f, k) if theirs else []:
            if not mine.isdisjoint(f.surname_tokens[x] or ()) and not may_share_a_parent(f, [x], theirs):
                return True
    return False


def _one_mother_cases(members: pl.DataFrame, via_child: pl.DataFrame, via_cp: pl.DataFrame) -> pl.DataFrame:
    """(c1, c2) pairs of cases of one mother: sharing a child under one custodial parent, or sharing
    no child under one custodial and one absent parent (a case opened twice)."""
    return pl.concat(
        [_one_parent(members, "cp", via_child), _one_parent(members, "ncp", _one_parent(members, "cp", via_cp))]
    ).unique()


def _one_parent(members: pl.DataFrame, group: str, cases: pl.DataFrame) -> pl.DataFrame:
    """The (c1, c2) pairs of `cases` that hold one person in `group` (cp, ncp)."""
    of = members.filter(pl.col("group") == group).select("case", "label").unique()
    return (
        cases.join(of, left_on="c1", right_on="case")
        .join(of, left_on=["c2", "label"], right_on=["case", "label"])
        .select("c1", "c2")
        .unique()
    )


def _near_the_day(asked: pl.DataFrame, kids: pl.DataFrame) -> pl.Series:
    """Per row of (case, partner, uid, dob): another child of the case was born that day or a typo
    from it, or has no birth date and is not already one person with a child of the partner case
    (an undated sibling both cases list is no twin)."""
    known = kids.select(pl.col("case").alias("partner"), pl.col("label").alias("other_label")).unique()
    others = (
        asked.with_row_index("row")
        .join(
            kids.select(
                "case", pl.col("uid").alias("other"), pl.col("dob").alias("other_dob"), pl.col("label").alias("other_label")
            ),
            on="case",
        )
        .filter(pl.col("other") != pl.col("uid"))
        .join(
            known.with_columns(pl.lit(None, dtype=pl.String).alias("other_dob")),
            on=["partner", "other_label", "other_dob"],
            how="anti",
            nulls_equal=True,
        )
    )
    hit = [d2 is None or dob_related(d, d2) for d, d2 in zip(others["dob"].to_list(), others["other_dob"].to_list())]
    rows = others.filter(pl.Series(hit, dtype=pl.Boolean))["row"]
    return pl.int_range(0, asked.height, dtype=pl.UInt32, eager=True).is_in(rows.implode())


def _members(records: pl.DataFrame, labels: np.ndarray) -> pl.DataFrame:
    """The fields family evidence reads of each record, with its case, current label and group
    (child, cp, ncp)."""
    return (
        records.select(
            pl.col(C.UID).alias("uid"),
            pl.concat_str([C.SOURCE_SYSTEM, C.CASE_ID], separator="|").alias("case"),
            pl.col(C.ROLE).alias("role"),
            pl.col(C.FN).str.slice(0, 1).alias("initial"),
            pl.col(C.FN_CANON).alias("canon"),
            pl.col(C.MN).str.slice(0, 1).alias("middle_initial"),
            pl.col(C.FN_TOKENS).alias("tokens"),
            pl.col(C.DOB_STR).alias("dob"),
            pl.col(C.FN).alias("first"),
        )
        .with_columns(pl.Series("label", labels))
        .with_columns(
            pl.when(pl.col("role") == "CH")
            .then(pl.lit("child"))
            .when(pl.col("role") == "CP")
            .then(pl.lit("cp"))
            .otherwise(pl.lit("ncp"))
            .alias("group")
        )
    )


def _case_links(members: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(c1, c2) pairs of cases that share a child; and those that share only a custodial parent."""
    via_child = _linked_cases(members.filter(pl.col("role") == "CH"))
    via_cp = _linked_cases(members.filter(pl.col("role") == "CP")).join(via_child, on=["c1", "c2"], how="anti")
    return via_child, via_cp


def _linked_cases(people: pl.DataFrame) -> pl.DataFrame:
    """Pairs of cases (c1 < c2) that hold the same person, by current label."""
    per_label = people.select("label", "case").unique()
    busy = per_label.group_by("label").len().filter(pl.col("len") > MAX_CASES_PER_PERSON).select("label")
    per_label = per_label.join(busy, on="label", how="anti")
    return (
        per_label.join(per_label, on="label", suffix="_r")
        .filter(pl.col("case") < pl.col("case_r"))
        .select(pl.col("case").alias("c1"), pl.col("case_r").alias("c2"))
        .unique()
    )


def apply_family_evidence(clusters: Clusters, records: pl.DataFrame, rounds: int = ROUNDS) -> int:
    """Merge people of linked cases where names (and for children, identifiers) agree; returns merges.

    A child whose acceptable partners lie in more than one cluster (a thin JOSE whose mother has two
    sons called JOSE) is left alone, but for partners born the same day (`_torn`), and so is a pair
    whose other case holds a second person that fits as well (`ambiguous_links`): family evidence
    does not guess between siblings. (A parent's partners in several clusters are usually one man's
    unlinked records, so parents are not held back.) Two parents of a child their cases share may
    be one parent under two first names or SSNs (`parent_excuses`).
    """
    merged = 0
    agreed = pl.DataFrame(schema={"uid_a": pl.Int64, "uid_b": pl.Int64, "kind": pl.String, "agree": pl.Boolean})
    for _ in range(rounds):
        labels = clusters.labels()
        # the people found so far say a child's birth year better than one record of it (a typo in
        # the decade), and here a thin parent's only bound is his case's children
        clusters.facts = f = clusters.facts.with_person_bounds(records, labels)
        pairs = family_pairs(records, labels)
        # a pair is checked again only as another kind (two fathers of one mother's cases, then,
        # once a child ties the cases, two parents of that child)
        key = ["uid_a", "uid_b", "kind"]
        agreed = pl.concat([agreed, _names_checked(f, pairs.join(agreed, on=key, how="anti"))])
        taken = pairs.join(agreed.filter("agree"), on=key, how="semi", maintain_order="left")
        accepted = list(zip(taken["uid_a"].to_list(), taken["uid_b"].to_list(), taken["kind"].to_list()))
        if f.rules.same_case and accepted:
            unsure = ambiguous_links(
                records,
                f,
                np.array([a for a, _, _ in accepted], dtype=np.int64),
                np.array([b for _, b, _ in accepted], dtype=np.int64),
                labels,
                one_person=labels,  # a case-mate already one person with the other end is no rival
            )
            accepted = [p for p, u in zip(accepted, unsure.tolist()) if not u]
        # a child taken only as the one of its name is weaker evidence: it waits while any partner
        # of either record lies elsewhere, and does not hold back a pair that names and dates join
        weak = {(a, b) for a, b, kind in accepted if kind == ONLY_CHILD_OF_THE_NAME and not same_child(f, a, b)}
        children = [(a, b) for a, b, kind in accepted if kind in CHILD_KINDS and (a, b) not in weak]
        torn = _torn(children, labels)
        torn_born_alike = _torn([(a, b) for a, b in children if born_alike(f, a, b)], labels)
        torn_any = _torn([*children, *weak], labels)
        before = merged
        for a, b, kind in accepted:
            held = torn_any if (a, b) in weak else torn_born_alike if born_alike(f, a, b) else torn
            if a in held or b in held or clusters.find(a) == clusters.find(b):
                continue
            merged += clusters.try_merge(a, b, excused=_excused(f, a, b, kind))
        if merged == before:
            break
    return merged


def _excused(f: RecordFacts, a: int, b: int, kind: str) -> frozenset[str]:
    """The one-field rules family evidence answers for a pair of this kind: two parents of one child
    (`parent_excuses`); the only child of the day in two cases of one mother, whose first name or
    SSN was typed wholly wrong in one of them; the only child of a name in two such cases whose
    birth date was (`only_child_of_the_name`): two children's dates years apart are no parent and
    child."""
    if kind == "parent":
        return parent_excuses(f, a, b)
    if kind == ONLY_CHILD_OF_THE_NAME:
        return frozenset({GENERATIONS})
    return ONE_FIELD_EXCUSES if kind == ONLY_CHILD_OF_THE_DAY else frozenset()


def born_alike(f: RecordFacts, a: int, b: int) -> bool:
    """The same full birth date on both records: of a mother's children only twins share one, and
    twins have two first names."""
    return bool(f.dob[a]) and f.dob[a] == f.dob[b]


def _torn(children: list[tuple[int, int]], labels: np.ndarray) -> set[int]:
    """Records whose child partners lie in more than one cluster: two children of a mother fit them.
    Read once over every accepted pair and once over those born alike, so that a child seen in three
    cases (JUAN with a birth date in TANF, JUAJN JOSE with none in IV-D, Juan Jose with the same date
    in foster care) joins its two dated records first and its thin one in the next round, while a
    thin record that fits two brothers is still left alone."""
    partners: dict[int, set[int]] = defaultdict(set)
    for a, b in children:
        partners[a].add(int(labels[b]))
        partners[b].add(int(labels[a]))
    return {r for r, ps in partners.items() if len(ps) > 1}


def _names_checked(f: RecordFacts, pairs: pl.DataFrame) -> pl.DataFrame:
    """(uid_a, uid_b, kind, agree): whether the names (and a child's identifiers) of each pair
    agree. They do not depend on the clusters, so each pair is checked once per kind however many
    rounds see it."""
    agree = [
        kind == ONLY_CHILD_OF_THE_DAY
        or (
            same_child(f, a, b)
            if kind == "child"
            else same_child(f, a, b) or only_child_of_the_name(f, a, b)
            if kind == ONLY_CHILD_OF_THE_NAME
            else (same_parent(f, a, b) and not (kind == "father" and sons_of_two_mothers(f, a, b)))
            or (kind == "parent" and (bool(parent_excuses(f, a, b)) or one_mother(f, a, b)))
        )
        for a, b, kind in zip(pairs["uid_a"].to_list(), pairs["uid_b"].to_list(), pairs["kind"].to_list())
    ]
    return pairs.select("uid_a", "uid_b", "kind").with_columns(pl.Series("agree", agree, dtype=pl.Boolean))
