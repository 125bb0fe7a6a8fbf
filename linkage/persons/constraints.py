"""Records that cannot be one person, whatever their match score.

These are the costly errors of domain.md: a JR and a SR, twins, a parent and child of the same name,
two different SSNs, two people of one case, two children of families that share no parent or no
other child. A score can be fooled by a shared name and address; these rules cannot, and clustering
checks them between whole clusters so a third record cannot bridge them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import polars as pl

from linkage import columns as C
from linkage.agreement import consecutive_ssns, damerau, dob_related, generation_apart, shares, ssn_related, surname_parts_differ
from linkage.ingest.validate import MIN_PARENT_AGE
from linkage.persons.shared_numbers import held_shared

# What clustering, family evidence and the ambiguity check read of a record (an engine that ships
# records to workers sends these).
CLUSTER_COLUMNS = (
    C.UID,
    C.SOURCE_SYSTEM,
    C.CASE_ID,
    C.ROLE,
    C.ROLE_GROUP,
    C.CASE_STATUS,
    C.SSN_STD,
    C.SUFFIX_STD,
    C.DOB_STR,
    C.DOB_YEAR,
    C.FN,
    C.SN,
    C.SEX_STD,
    C.FN_TOKENS,
    C.FN_CANON,
    C.MN,
    C.SN_TOKENS,
    C.SN_CANON,
)

TWINS = "same birth date, different first names (twins)"
DIFFERENT_SSNS = "different SSNs"
GENERATIONS = "birth years a generation apart"
MIDDLE_NAMES = "different middle names"
OTHER_FAMILIES = "children of two families that share no parent"
OTHER_SURNAMES = "two-part surnames of two families"
NO_SIBLING = "children of two cases that share no other child"
MIN_SIBLINGS = 2  # other children a case must hold for its children to say which family it is


@dataclass(frozen=True)
class NeverMerge:
    """Which never-merge rules apply. All are on for program records; a data set whose errors
    contradict one (FEBRL replaces whole SSNs and birth dates in its duplicates) can turn it off."""

    same_case: bool = True
    suffix: bool = True
    different_ssns: bool = True
    twins: bool = True
    generations: bool = True
    roles: bool = True
    sex_and_name: bool = True
    middle_names: bool = True
    families: bool = True

    @classmethod
    def none(cls) -> NeverMerge:
        return cls(False, False, False, False, False, False, False, False, False)

    @classmethod
    def person_list(cls) -> NeverMerge:
        """For a file with no families in it (`standardize.profile`): the look-alike patterns that
        rest on one field (twins' first names, one person's two SSNs, a generation between two birth
        dates) are left to a model trained on the file; what the records state (suffix, sex and
        name, cases, roles) still rules."""
        return cls(twins=False, different_ssns=False, generations=False)

    def for_file(self, person_list: bool) -> NeverMerge:
        """The rules a file is linked with: a person list's in place of the default ones; rules given
        otherwise are kept."""
        return NeverMerge.person_list() if person_list and self == NeverMerge() else self


@dataclass(frozen=True)
class RecordFacts:
    """Per-record facts the rules read, as plain lists indexed by uid (fast in a Python loop)."""

    case_key: list[str]
    ssn: list[str | None]
    suffix: list[str | None]
    dob: list[str | None]
    year: list[int | None]  # the birth year, also of a date the file uses for "year only"
    first: list[str | None]
    surname: list[str | None]
    sex: list[str | None]
    first_tokens: list[list[str] | None]  # small lists: faster to build than sets, as fast to compare
    first_canon: list[list[str] | None]
    middle: list[str | None]
    surname_tokens: list[list[str] | None]
    surname_canon: list[list[str] | None]  # nickname groups of the surname tokens, for a swapped name
    born_after: list[int | None]  # birth-year bounds from the case: a parent is older than the
    born_before: list[int | None]  # children of their case, a child younger than its parents
    role_group: list[str | None]  # "child" or "parent"
    role: list[str | None]  # CP, NCP, PF, CH
    case_parents: list[list[int] | None]  # uids of the parent records of the record's case (one list per case)
    # case key -> uids of its child records, for the cases that hold more than MIN_SIBLINGS (the
    # only ones read; by case, not per record: most cases hold fewer)
    case_children: dict[str, list[int]] = field(default_factory=dict)
    rules: NeverMerge = NeverMerge()
    # uids whose SSN was taken out as shared: a link's weight that rests on it says nothing
    shared_ssn: frozenset[int] = frozenset()
    # (case, case) -> whether a parent of one could be one of the other's: clustering asks it for
    # every pair of two growing clusters, and it depends on the two cases only
    families_meet: dict[tuple[str, str], bool] = field(default_factory=dict, compare=False, repr=False)
    # (case, case) -> the pairs of their child records that could be one child (None: a parent of one
    # could be one of the other's, and the children say nothing)
    siblings_meet: dict[tuple[str, str], list[tuple[int, int]] | None] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_frame(cls, df: pl.DataFrame, rules: NeverMerge = NeverMerge()) -> RecordFacts:
        """`df` must be sorted by uid with uids 0..n-1. SSNs that more than one person holds are
        left out (`shared_numbers`): they neither link nor separate."""
        taken_out = held_shared(df) if rules.different_ssns else pl.Series([False] * df.height)
        # the rules read no shared number
        df = df.with_columns(pl.when(taken_out).then(None).otherwise(pl.col(C.SSN_STD)).alias(C.SSN_STD))
        bounds = birth_year_bounds(df)
        cases = df[C.SOURCE_SYSTEM] + "|" + df[C.CASE_ID]
        case_key = shared(cases)
        return cls(
            case_key=case_key,
            ssn=shared(df[C.SSN_STD]),
            suffix=shared(df[C.SUFFIX_STD]),
            dob=shared(df[C.DOB_STR]),
            year=shared(df[C.DOB_YEAR]),
            first=shared(df[C.FN]),
            surname=shared(df[C.SN]),
            sex=shared(df[C.SEX_STD]),
            first_tokens=shared(df[C.FN_TOKENS]),
            first_canon=shared(df[C.FN_CANON]),
            middle=shared(df[C.MN]),
            surname_tokens=shared(df[C.SN_TOKENS]),
            surname_canon=shared(df[C.SN_CANON]),
            born_after=shared(bounds["born_after"]),
            born_before=shared(bounds["born_before"]),
            role_group=shared(df[C.ROLE_GROUP]),
            role=shared(df[C.ROLE]),
            case_parents=_case_parents(df[C.UID], df[C.ROLE_GROUP], cases, case_key),
            case_children=_by_case(df[C.UID], df[C.ROLE_GROUP], cases, "child", MIN_SIBLINGS + 1),
            rules=rules,
            shared_ssn=frozenset(df[C.UID].filter(taken_out).to_list()),
        )

    def __len__(self) -> int:
        return len(self.case_key)

    def with_person_bounds(self, df: pl.DataFrame, labels: np.ndarray) -> RecordFacts:
        """The same facts with the bounds of records without a birth date read per person (see
        `person_bounds_of_thin_records`); only looser than per record, so clusters already formed
        stay valid."""
        bounds = person_bounds_of_thin_records(df, labels)
        after, before = list(self.born_after), list(self.born_before)
        years: dict[int, int] = {}  # one object per year, as `shared` gives
        for i, a, b in bounds.iter_rows():
            after[i] = None if a is None else years.setdefault(a, a)
            before[i] = None if b is None else years.setdefault(b, b)
        return replace(self, born_after=after, born_before=before)


def _case_parents(uids: pl.Series, groups: pl.Series, cases: pl.Series, case_key: list[str]) -> list[list[int] | None]:
    """Per record, the uids of its case's parent records (custodial party and absent parents). One
    list per case, shared by its records."""
    of = _by_case(uids, groups, cases, "parent")
    return [of.get(k) for k in case_key]


def _by_case(uids: pl.Series, groups: pl.Series, cases: pl.Series, group: str, at_least: int = 1) -> dict[str, list[int]]:
    """Case key -> the uids of its records of one role group, for the cases holding `at_least`."""
    members = (
        pl.DataFrame({"uid": uids, "case": cases})
        .filter(groups == group)
        .group_by("case")
        .agg(pl.col("uid"))
        .filter(pl.col("uid").list.len() >= at_least)
    )
    return dict(zip(members["case"].to_list(), members["uid"].to_list()))


def shared(values: pl.Series) -> list:
    """`values.to_list()` with one Python object per distinct value: names, dates and years repeat,
    and at millions of records a separate object per row is most of the clustering stage's memory.
    The lists must not be modified (equal values are the same object)."""
    codes, uniques = _codes(values)
    return np.take(np.array(uniques + [None], dtype=object), codes).tolist()


def _codes(values: pl.Series) -> tuple[np.ndarray, list]:
    """Row -> index into the distinct non-null values (nulls -> one past the end)."""
    frame = values.rename("v").to_frame()
    distinct = frame.drop_nulls().unique(maintain_order=True).with_row_index("code")
    codes = frame.join(distinct, on="v", how="left", nulls_equal=False, maintain_order="left")["code"]
    return codes.fill_null(distinct.height).to_numpy(), distinct["v"].to_list()


PARENT_GAP_YEARS = 12  # a parent is at least this much older than the children of their case


MAX_CHILD_AGE = 22  # a child of an open case is under this age (support can run to 21)


def birth_year_bounds(df: pl.DataFrame, year_now: int | None = None) -> pl.DataFrame:
    """Per record, the birth years its role allows (null where nothing is implied): the custodial
    party is older than every child she cares for, an absent parent older than at least one (a TANF
    assistance unit holds a mother's children by several fathers, each named on the case), and at
    least MIN_PARENT_AGE; a child of an open case is younger than its caretaker and than at least one
    parent, and than MAX_CHILD_AGE."""
    return _case_bounds(df, pl.col(C.DOB_STR).str.slice(0, 4).cast(pl.Int32), year_now)


def person_bounds_of_thin_records(df: pl.DataFrame, labels: np.ndarray, year_now: int | None = None) -> pl.DataFrame:
    """(uid, born_after, born_before) of the records without a birth date (the only ones that read
    their bounds), with each member of their cases read as its person (labels: per uid, the person
    so far): the latest birth year a child's records give, the earliest a parent's. One record's
    typo in the decade (a child's 2020 typed 2000) then cannot make its case's thin father "born
    after his child". Only the cases holding such a record are read."""
    case = [C.SOURCE_SYSTEM, C.CASE_ID]
    year = pl.col(C.DOB_STR).str.slice(0, 4).cast(pl.Int32)
    d = (
        df.select(*case, C.ROLE, C.CASE_STATUS, C.DOB_STR)
        .with_row_index(C.UID)
        .with_columns(pl.Series("_person", labels), year.alias("_y"))
    )
    members = d.join(d.filter(pl.col(C.DOB_STR).is_null()).select(case).unique(), on=case, how="semi")
    per_person = (
        d.join(members.select("_person").unique(), on="_person", how="semi")
        .group_by("_person")
        .agg(pl.col("_y").min().alias("_lo"), pl.col("_y").max().alias("_hi"))
    )
    members = members.join(per_person, on="_person", how="left", maintain_order="left")
    bounds = _case_bounds(members, pl.when(pl.col(C.ROLE) == "CH").then(pl.col("_hi")).otherwise(pl.col("_lo")), year_now)
    return (
        pl.concat([members.select(C.UID, C.DOB_STR), bounds], how="horizontal")
        .filter(pl.col(C.DOB_STR).is_null())
        .select(C.UID, "born_after", "born_before")
    )


def _case_bounds(df: pl.DataFrame, year: pl.Expr, year_now: int | None) -> pl.DataFrame:
    """born_after and born_before per row of `df` (in its order) from the years of its case."""
    year_now = year_now or date.today().year
    case = [C.SOURCE_SYSTEM, C.CASE_ID]
    is_child, is_cp = pl.col(C.ROLE) == "CH", pl.col(C.ROLE) == "CP"
    df = df.with_columns(year.alias("_year"))
    year = pl.col("_year")
    per_case = df.group_by(case).agg(
        year.filter(is_child).min().alias("oldest_child"),
        year.filter(is_child).max().alias("youngest_child"),
        year.filter(is_cp).max().alias("caretaker"),
        year.filter(~is_child).min().alias("oldest_parent"),
    )
    open_case = pl.col(C.CASE_STATUS).fill_null("OPEN") == "OPEN"
    return (
        df.select(*case, C.ROLE, C.CASE_STATUS)
        .join(per_case, on=case, how="left", maintain_order="left")
        .select(
            pl.when(is_child)
            .then(
                pl.max_horizontal(
                    pl.col("caretaker") + PARENT_GAP_YEARS,
                    pl.col("oldest_parent") + PARENT_GAP_YEARS,
                    pl.when(open_case).then(pl.lit(year_now - MAX_CHILD_AGE)),
                )
            )
            .alias("born_after"),
            pl.when(~is_child)
            .then(
                pl.min_horizontal(
                    pl.when(is_cp).then(pl.col("oldest_child")).otherwise(pl.col("youngest_child")) - PARENT_GAP_YEARS,
                    pl.lit(year_now - MIN_PARENT_AGE),
                )
            )
            .alias("born_before"),
        )
    )


def swapped(f: RecordFacts, a: int, b: int) -> bool:
    """The same two names with first and last swapped (a name or its nickname: HARRIS CHRIS and
    CHRISTOPHER HARRIS), as the model's swap level reads them."""
    return shares(f.first_canon[a], f.surname_canon[b]) and shares(f.surname_canon[a], f.first_canon[b])


def first_names_distinct(f: RecordFacts, a: int, b: int, twin_ssns: bool = False) -> bool:
    """Clearly different first names: not a nickname, typo (also of a nickname), initial, swap or
    middle-name use. With consecutive SSNs any difference in spelling counts."""
    fa, fb = f.first[a], f.first[b]
    if not fa or not fb or fa == fb:
        return False
    canon_a, canon_b = f.first_canon[a], f.first_canon[b]
    if shares(f.first_tokens[a], f.first_tokens[b]):
        return False
    b_swapped = shares(f.first_tokens[b], f.surname_tokens[a])  # b's first-name field holds a surname
    a_swapped = shares(f.first_tokens[a], f.surname_tokens[b])
    if a_swapped and b_swapped:
        return False  # the same two names, first and last swapped
    if b_swapped:
        fb, canon_b = f.surname[b] or fb, f.surname_canon[b] or [fb]
    elif a_swapped:
        fa, canon_a = f.surname[a] or fa, f.surname_canon[a] or [fa]
    if fa == fb or shares(canon_a, canon_b) or shares(f.first_tokens[a], f.first_tokens[b]):
        return False
    if len(fa) == 1 or len(fb) == 1:
        return fa[0] != fb[0]
    if fa == f.middle[b] or fb == f.middle[a]:
        return False
    if twin_ssns:
        return True
    return all(damerau(x, y) >= 2 for x in {fa, *(canon_a or ())} for y in {fb, *(canon_b or ())})


def conflict(f: RecordFacts, a: int, b: int) -> str | None:
    """Why records a and b cannot be one person, or None.

    An identical SSN outweighs birth dates and first names (typos of typos drift apart), but never a
    suffix conflict or two people of one case.
    """
    rules = f.rules
    if rules.same_case and f.case_key[a] == f.case_key[b]:
        return "two people of one case"
    xa, xb = f.suffix[a], f.suffix[b]
    if rules.suffix and xa and xb and xa != xb:
        return f"suffix {xa} vs {xb}"
    sa, sb = f.ssn[a], f.ssn[b]
    if sa and sb:
        if sa == sb or (ssn_related(sa, sb) and not consecutive_ssns(sa, sb)):
            # one number, or a typo of it that is not the next number (as twins get); but a parent's
            # number on a child's record is not the child: a generation apart under another first name
            return _parent_and_child(f, a, b)
        if rules.different_ssns and not ssn_related(sa, sb) and not _two_typos_of_one(f, a, b):
            return DIFFERENT_SSNS
    return beyond_ssns(f, a, b)


def beyond_ssns(f: RecordFacts, a: int, b: int) -> str | None:
    """The rules `conflict` reads after the SSNs: sex and name, middle names, then birth dates."""
    rules = f.rules
    sa, sb = f.ssn[a], f.ssn[b]
    if rules.sex_and_name and f.sex[a] and f.sex[b] and f.sex[a] != f.sex[b] and first_names_distinct(f, a, b):
        return "different sex and different first names"
    if rules.middle_names and middle_names_distinct(f, a, b):
        return MIDDLE_NAMES
    if rules.families and surnames_of_two_families(f, a, b):
        return OTHER_SURNAMES
    if rules.families and children_of_other_families(f, a, b):
        return OTHER_FAMILIES
    if rules.families and no_sibling_in_common(f, a, b):
        return NO_SIBLING
    da, db = f.dob[a], f.dob[b]
    if da and db:
        if rules.twins and da == db and first_names_distinct(f, a, b, twin_ssns=bool(sa and sb and consecutive_ssns(sa, sb))):
            return TWINS
        if rules.generations and generation_apart(da, db):
            return GENERATIONS
        return None
    return _outside_bounds(f, a, b) if rules.roles else None


MIN_FAMILY_PARENTS = 2  # a case naming fewer may be a relative's or a foster case: it says too little


def children_of_other_families(f: RecordFacts, a: int, b: int) -> bool:
    """Two children of cases that each name a custodial party and an absent parent, none of whom
    could be one of the other case's: the cases are two families. A same-day namesake of a common
    name (JOSE GARCIA born on one day to two other couples) is told apart by who raises it."""
    meet = _families_meet(f, a, b)
    return meet is not None and not meet


def no_sibling_in_common(f: RecordFacts, a: int, b: int) -> bool:
    """Two children of two cases that each hold MIN_SIBLINGS other children or more, none of whom
    could be one of the other case's: a child's brothers and sisters go with it from program to
    program (a mother's TANF unit lists her children, a IV-D case the children of one couple, a
    foster-care case the children removed together). LUIS SANCHEZ born on one day to two families
    whose cases name no parent is told apart by his brothers and sisters. Not where a parent of one
    case surely is one of the other's (one SSN, or one birth date and first name): one mother's
    cases of two fathers' children hold other children each. A child can move to a household of
    other children (to the father's), so this is a field's conflict, not a rule about people
    (`persons.cluster.FIELD_CONFLICTS`). Since 2026-12-08."""
    meet = _siblings_meet(f, a, b)
    return meet is not None and not meet


def _siblings_meet(f: RecordFacts, a: int, b: int) -> bool | None:
    """Whether another child of one child's case could be one of the other's; None where the two
    are not children of two cases that each hold enough other children."""
    if f.role_group[a] != "child" or f.role_group[b] != "child":
        return None
    # case_children holds only the cases with more than MIN_SIBLINGS children
    xs, ys = f.case_children.get(f.case_key[a]), f.case_children.get(f.case_key[b])
    if not xs or not ys or xs is ys:
        return None
    key = (f.case_key[a], f.case_key[b])
    if key not in f.siblings_meet:
        ps, qs = f.case_parents[a], f.case_parents[b]
        # one mother's cases of two fathers' children: she holds them together, not her children
        one_parent = bool(ps and qs and may_share_a_parent(f, ps, qs, _surely_one))
        f.siblings_meet[key] = None if one_parent else [(x, y) for x in xs for y in ys if _one_child(f, x, y)]
    alike = f.siblings_meet[key]
    return None if alike is None else any(x != a and y != b for x, y in alike)


def one_family_of_children(f: RecordFacts, a: int, b: int) -> bool:
    """Two children whose cases each hold enough other children, and one of one case's could be
    one of the other's."""
    return bool(_siblings_meet(f, a, b))


def _surely_one(f: RecordFacts, x: int, y: int) -> bool:
    """Two parent records that say they are one person: one SSN (down to a typo), or one birth date
    under first names not clearly different."""
    sx, sy, dx = f.ssn[x], f.ssn[y], f.dob[x]
    if sx and sy and ssn_related(sx, sy):
        return True
    return bool(dx) and dx == f.dob[y] and not first_names_distinct(f, x, y)


def _one_child(f: RecordFacts, x: int, y: int) -> bool:
    """Nothing says two child records are two children: no two birth dates that are not a typo of
    each other, first names not clearly different; or one birth date under another first name."""
    dx, dy = f.dob[x], f.dob[y]
    if dx and dx == dy:
        return True
    return not (dx and dy and not dob_related(dx, dy)) and not first_names_distinct(f, x, y)


def one_family_stated(f: RecordFacts, a: int, b: int) -> bool:
    """Two children whose cases each name a family, and a parent of one could be one of the other's."""
    return bool(_families_meet(f, a, b))


def _families_meet(f: RecordFacts, a: int, b: int) -> bool | None:
    """Whether a parent of one child's case could be one of the other's; None where the two are not
    children of two cases that each name enough of a family."""
    families = _stated_families(f, a, b)
    if families is None:
        return None
    key = (f.case_key[a], f.case_key[b])
    meet = f.families_meet.get(key)
    if meet is None:
        meet = f.families_meet[key] = may_share_a_parent(f, *families)
    return meet


def _stated_families(f: RecordFacts, a: int, b: int) -> tuple[list[int], list[int]] | None:
    """The parent records of two children's two cases, where each case names enough of a family."""
    xs, ys = f.case_parents[a], f.case_parents[b]
    if f.role_group[a] != "child" or f.role_group[b] != "child" or not xs or not ys or xs is ys:
        return None
    return (xs, ys) if len(xs) >= MIN_FAMILY_PARENTS and len(ys) >= MIN_FAMILY_PARENTS else None


def may_share_a_parent(
    f: RecordFacts, xs: list[int], ys: list[int], one: Callable[[RecordFacts, int, int], bool] | None = None
) -> bool:
    """Some parent record of one case could be one of the other's: by `one` (default `may_be_one`,
    which reads nothing as two people that could be a typist's error)."""
    one = one or may_be_one
    return any(one(f, x, y) for x in xs for y in ys)


def may_be_one(f: RecordFacts, x: int, y: int) -> bool:
    """Nothing says two parent records are two people: one number (or a typo of it), one birth
    date, or first names not clearly different (a typo, nickname, initial, middle name or swap; a
    mother's surname changes, and a first name can be wholly wrong where the date is right). Not
    where both the numbers and the birth dates are wholly different: one whole value typed wrong
    happens, two on one pair of records is another person, whatever the names (JAMES SMITH beside
    BRIAN JAMES SMITH, 19 years older: 26 false pairs fewer on 20 development files for one true,
    2026-12-08)."""
    sx, sy, dx, dy = f.ssn[x], f.ssn[y], f.dob[x], f.dob[y]
    if (sx and sy and ssn_related(sx, sy)) or (dx and dx == dy):
        return True
    if sx and sy and dx and dy and not dob_related(dx, dy):
        return False
    return not first_names_distinct(f, x, y)


def middle_names_distinct(f: RecordFacts, a: int, b: int) -> bool:
    """Two whole middle names, not one a typo of the other, neither a given name of the other record
    (a person who goes by the middle name, or first and middle the other way round): ROSA SOFIA and
    ROSA GABRIELA of one birthday are two girls. A middle name can be typed wrong like any field, so
    this is a field's conflict (`persons.cluster.FIELD_CONFLICTS`), not a rule about people."""
    ma, mb = f.middle[a], f.middle[b]
    if not ma or not mb or len(ma) < 2 or len(mb) < 2 or ma == mb or damerau(ma, mb) <= 1:
        return False
    return not (shares([ma], f.first_tokens[b]) or shares([mb], f.first_tokens[a]))


def surnames_of_two_families(f: RecordFacts, a: int, b: int) -> bool:
    """Two adults' two-part surnames that share one part, each in the other's place, their other
    parts clearly different: CARLOS SILVA CABRERA (his father a SILVA, his mother a CABRERA) is not
    CARLOS CABRERA GARCIA (his father a CABRERA), though both were born on one day. A grown man or
    woman keeps the father's surname first; the same two parts turned round (CABRERA SILVA) or one
    of them typed wrong is one person. Children's surnames move between the father's and the
    mother's (every such pair of children on the development files held true pairs by the hundred),
    so this reads parents only; none of the adults' pairs so on 20 development files was one person
    (11 pairs scored, 2026-12-08). A surname can be typed wholly wrong: a field's conflict
    (`persons.cluster.FIELD_CONFLICTS`)."""
    if f.role_group[a] != "parent" or f.role_group[b] != "parent":
        return False
    ta, tb = f.surname_tokens[a], f.surname_tokens[b]
    if not ta or not tb or len(ta) != 2 or len(tb) != 2 or ta[0] == tb[0] or ta[1] == tb[1]:
        return False
    if ta[0] == tb[1] and ta[1] != tb[0]:
        return surname_parts_differ(ta[1], tb[0])
    if ta[1] == tb[0] and ta[0] != tb[1]:
        return surname_parts_differ(ta[0], tb[1])
    return False


def _parent_and_child(f: RecordFacts, a: int, b: int) -> str | None:
    """A parent's SSN on a child's record: a generation apart and recorded as a child and a parent
    (or under other first names), or, without both birth dates, a child and a parent whose cases
    put them a generation apart."""
    da, db = f.dob[a], f.dob[b]
    if da and db:
        parent_child = generation_apart(da, db) and (f.role_group[a] != f.role_group[b] or first_names_distinct(f, a, b))
        return GENERATIONS if parent_child and f.rules.generations else None
    return _outside_bounds(f, a, b) if f.rules.roles and f.role_group[a] != f.role_group[b] else None


def _two_typos_of_one(f: RecordFacts, a: int, b: int) -> bool:
    """Two SSNs two digits apart on records of one birth date and one first name: each a typo of the
    same number (a third record holds it), not two people (twins differ in first name, a JR and SR in
    birth date)."""
    da, fa = f.dob[a], f.first[a]
    return bool(da and fa and da == f.dob[b] and fa == f.first[b] and damerau(f.ssn[a], f.ssn[b]) <= 2)


def _outside_bounds(f: RecordFacts, a: int, b: int) -> str | None:
    """A thin record's role bounds its birth year: a father cannot be born after his child."""
    da, db = f.dob[a], f.dob[b]
    lo = max(int(da[:4]) if da else (f.born_after[a] or -9999), int(db[:4]) if db else (f.born_after[b] or -9999))
    hi = min(int(da[:4]) if da else (f.born_before[a] or 9999), int(db[:4]) if db else (f.born_before[b] or 9999))
    return "birth years impossible for the roles in their cases" if lo > hi + 1 else None
