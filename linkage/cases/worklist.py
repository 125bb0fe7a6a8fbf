"""The placement worklist: every child in an open placement, the permanency clock, and its father.

The Adoption and Safe Families Act asks for a permanency decision twelve months after a child enters
care; by then a father must be a placement option or have been located. A foster-care supervisor
needs, per child and per man named as its father, how long the child has been in care, whether the
man is identified as a person (not a name only), whether he can be found (an address known and
releasable: never for a person the Family Violence Indicator protects), his paternity status at its
strongest across programs and where it is recorded, conflicts (two men established as father, or one
man's status established here and disproved there), how many relatives the child has through him
(`relatives`), and whether the child already has a IV-D case. Sorted by the permanency date, most urgent first.

A mother named as NCP owes support: she is on the NCP side of her case but never a "father" here.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from linkage import columns as C
from linkage.cases.locate import PATERNITY_RANK, with_sex
from linkage.cases.members import CHILD, CP, FATHER, case_members
from linkage.cases.relatives import SAME_CHILD, relatives, surname_carriers
from linkage.protection import protected_persons

PERMANENCY_MONTHS = 12
ESTABLISHED = ("ADJUDICATED", "ACKNOWLEDGED")
# What the worklist reads of linked records (more is passed through where present).
WORKLIST_COLUMNS = (
    C.RECORD_ID,
    C.PERSON_ID,
    C.SOURCE_SYSTEM,
    C.CASE_ID,
    C.ROLE,
    C.CASE_STATUS,
    C.PATERNITY_STATUS,
    C.FVI_FLAG,
    C.FIRST_NAME,
    C.LAST_NAME,
    C.SUFFIX,
    C.SEX_STD,
    C.SSN_STD,
    C.DOB_STR,
    C.STREET,
    C.CITY,
    C.STATE,
    C.ZIP,
    C.SN_TOKENS,
    C.FN,  # the first name's forms: a "sibling" that is the child's own record (`relatives`)
    C.FN_CANON,
    C.FN_TOKENS,
    C.PLACEMENT_START,
    C.PLACEMENT_END,
    C.REMOVED_FROM,
    C.CASE_GOAL,
)
COLUMNS = (
    "child_person_id",
    "child_name",
    "foster_case_ids",
    "placement_start",
    "months_in_care",
    "permanency_date",
    "days_to_permanency",
    "case_goal",
    "removed_from",
    "father_named",
    "father_person_id",
    "father_name",
    "father_basis",
    "father_identified",
    "father_located",
    "paternity_status",
    "paternity_source",
    "paternity_conflict",
    "relatives_found",
    "ivd_case_exists",
    "ivd_case_ids",
)


def children_in_care(records: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Per child person in an open placement on `as_of`: the latest entry, its foster-care cases,
    goal and the parent removed from."""
    start = pl.col(C.PLACEMENT_START).str.to_date("%Y-%m-%d", strict=False)
    end = pl.col(C.PLACEMENT_END).str.to_date("%Y-%m-%d", strict=False)
    open_care = records.filter(
        (pl.col(C.SOURCE_SYSTEM) == "IV-E")
        & (pl.col(C.ROLE) == "CH")
        & start.is_not_null()
        & (start <= as_of)
        & (end.is_null() | (end > as_of))
        & (pl.col(C.CASE_STATUS).fill_null("OPEN") == "OPEN")
    )
    return (
        open_care.with_columns(start.alias("_start"))
        .sort("_start", C.CASE_ID)
        .group_by(C.PERSON_ID, maintain_order=True)
        .agg(
            pl.col("_start").last().alias("placement_start"),
            pl.col(C.CASE_ID).unique().sort().str.join(" ").alias("foster_case_ids"),
            pl.col(C.CASE_GOAL).drop_nulls().last().alias("case_goal"),
            pl.col(C.REMOVED_FROM).drop_nulls().last().alias("removed_from"),
        )
        .rename({C.PERSON_ID: "child_person_id"})
    )


def worklist(records: pl.DataFrame, as_of: date | None = None, protected: set[str] | None = None) -> pl.DataFrame:
    """The worklist of linked records (one row per child in care and named father); `protected`:
    person ids the indicator protects (default: read from `records`)."""
    as_of = as_of or date.today()
    records = _with_columns(records)
    care = children_in_care(records, as_of)
    if care.is_empty():
        return pl.DataFrame(schema={c: _DTYPES.get(c, pl.String) for c in COLUMNS})
    m = with_sex(case_members(records), records)
    protected = protected_persons(m) if protected is None else protected
    kids = care["child_person_id"].implode()
    child_cases = (
        m.filter((pl.col("side") == CHILD) & pl.col(C.PERSON_ID).is_in(kids))
        .select(pl.col(C.PERSON_ID).alias("child_person_id"), C.SOURCE_SYSTEM, C.CASE_ID, C.CASE_STATUS)
        .unique()
    )
    fathers = _named_fathers(m, child_cases)
    people = _people(m, protected)
    rows = (
        care.join(_child_facts(m, child_cases), on="child_person_id", how="left")
        .join(fathers, on="child_person_id", how="left")
        .join(_conflicts(fathers), on="child_person_id", how="left")
        .join(people, left_on="father_person_id", right_on=C.PERSON_ID, how="left")
        .join(_relatives(m, fathers), on=["child_person_id", "father_person_id"], how="left")
    )
    permanency = pl.col("placement_start").dt.offset_by(f"{PERMANENCY_MONTHS}mo")
    return (
        rows.with_columns(
            _months(pl.col("placement_start"), as_of).alias("months_in_care"),
            permanency.alias("permanency_date"),
            (permanency - pl.lit(as_of)).dt.total_days().alias("days_to_permanency"),
            pl.col("father_person_id").is_not_null().alias("father_named"),
            pl.col("father_identified").fill_null(False),
            pl.col("father_located").fill_null(False),
            pl.col("paternity_conflict").fill_null(""),
            pl.col("relatives_found").fill_null(0),
        )
        .sort("permanency_date", "child_person_id", "father_person_id", nulls_last=True)
        .select(COLUMNS)
    )


_DTYPES = {
    "placement_start": pl.Date,
    "permanency_date": pl.Date,
    "months_in_care": pl.Int64,
    "days_to_permanency": pl.Int64,
    "father_named": pl.Boolean,
    "father_identified": pl.Boolean,
    "father_located": pl.Boolean,
    "relatives_found": pl.UInt32,
    "ivd_case_exists": pl.Boolean,
}


def _with_columns(records: pl.DataFrame) -> pl.DataFrame:
    """A store written before the placement columns: they are read as blank."""
    missing = [c for c in WORKLIST_COLUMNS if c not in records.columns and c != C.FVI_FLAG]
    return records.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)


def _months(start: pl.Expr, as_of: date) -> pl.Expr:
    """Whole months from `start` to `as_of`."""
    months = (as_of.year - start.dt.year()) * 12 + (as_of.month - start.dt.month())
    return (months - (start.dt.day() > as_of.day).cast(pl.Int32)).cast(pl.Int64)


def _child_facts(m: pl.DataFrame, child_cases: pl.DataFrame) -> pl.DataFrame:
    ivd = child_cases.filter((pl.col(C.SOURCE_SYSTEM) == "IV-D") & (pl.col(C.CASE_STATUS) == "OPEN"))
    names = (
        m.filter(pl.col("side") == CHILD)
        .join(child_cases.select("child_person_id").unique(), left_on=C.PERSON_ID, right_on="child_person_id")
        .group_by(C.PERSON_ID)
        .agg(pl.col("name").mode().sort().first().alias("child_name"))
        .rename({C.PERSON_ID: "child_person_id"})
    )
    cases = ivd.group_by("child_person_id").agg(pl.col(C.CASE_ID).unique().sort().str.join(" ").alias("ivd_case_ids"))
    return names.join(cases, on="child_person_id", how="left").with_columns(
        pl.col("ivd_case_ids").is_not_null().alias("ivd_case_exists"), pl.col("ivd_case_ids").fill_null("")
    )


def _named_fathers(m: pl.DataFrame, child_cases: pl.DataFrame) -> pl.DataFrame:
    """(child, father person, strongest paternity status, where it is recorded, every status named).

    A IV-D case is one man's case against one family: every man on its NCP side is named as father
    of its children, and so is a man who is its custodial party (the mother then owes). A TANF or
    foster-care case lists the absent parents of all the caretaker's children, often by several men;
    there a man is taken as this child's father only when the child has no IV-D case naming one, and
    he is the only man on the case or the child carries his surname (`surname_carriers`: not one it
    has from its mother); failing those, every man on such a case is listed, and `father_basis` says
    which of these grounds each rests on. A woman on the NCP side is a mother who owes support, never
    a father."""
    custodial_father = (pl.col("side") == CP) & (pl.col(C.SOURCE_SYSTEM) == "IV-D") & (pl.col("sex") == "M")
    men = (
        m.filter(((pl.col("side") == FATHER) & (pl.col("sex").fill_null("M") != "F")) | custodial_father)
        .join(child_cases.select("child_person_id", C.SOURCE_SYSTEM, C.CASE_ID), on=[C.SOURCE_SYSTEM, C.CASE_ID])
        .with_columns(
            pl.col(C.PERSON_ID).n_unique().over("child_person_id", C.SOURCE_SYSTEM, C.CASE_ID).alias("_men"),
            (pl.col(C.SOURCE_SYSTEM) == "IV-D").alias("_ivd"),
        )
    )
    shares = (
        surname_carriers(m, men.rename({"child_person_id": "child", C.PERSON_ID: "parent"}))
        .select(pl.col("child").alias("child_person_id"), pl.col("parent").alias(C.PERSON_ID))
        .unique()
        .with_columns(pl.lit(True).alias("_shares"))
    )
    where = pl.format("{} case {}", C.SOURCE_SYSTEM, C.CASE_ID)
    basis = (
        pl.when(pl.col("_ivd") & (pl.col("side") == CP))
        .then(pl.format("custodial parent on {}", where))
        .when(pl.col("_ivd"))
        .then(pl.format("named on {}", where))
        .when(pl.col("_men") == 1)
        .then(pl.format("the only absent parent on {}", where))
        .when(pl.col("_shares").fill_null(False))
        .then(pl.format("shares the child's surname; {} names {} absent parents", where, "_men"))
        .otherwise(pl.format("one of {} absent parents on {}", "_men", where))
    )
    tier = (
        pl.when(pl.col("_ivd"))
        .then(0)
        .when(pl.col("_men") == 1)
        .then(1)
        .when(pl.col("_shares").fill_null(False))
        .then(2)
        .otherwise(3)
    )
    men = (
        men.join(shares, on=["child_person_id", C.PERSON_ID], how="left")
        .with_columns(basis.alias("_basis"), tier.alias("_tier"))
        .with_columns(
            pl.col("_ivd").any().over("child_person_id").alias("_child_has_ivd"),
            pl.col("_tier").min().over("child_person_id").alias("_best"),
        )
    )
    men = men.filter(pl.col("_ivd") | (~pl.col("_child_has_ivd") & ((pl.col("_tier") <= 2) | (pl.col("_best") == 3))))
    men = men.with_columns(
        pl.col(C.PATERNITY_STATUS).replace_strict(PATERNITY_RANK, default=9).alias("_rank"), where.alias("_where")
    )
    return (
        men.sort("_rank", C.SOURCE_SYSTEM, C.CASE_ID)
        .group_by("child_person_id", C.PERSON_ID, maintain_order=True)
        .agg(
            pl.col(C.PATERNITY_STATUS).drop_nulls().first().alias("paternity_status"),
            pl.when(pl.col(C.PATERNITY_STATUS).is_not_null()).then("_where").drop_nulls().first().alias("paternity_source"),
            pl.col(C.PATERNITY_STATUS).drop_nulls().unique().alias("_statuses"),
            pl.col("_basis").sort_by("_tier").first().alias("father_basis"),
        )
        .rename({C.PERSON_ID: "father_person_id"})
        .with_columns(pl.col("paternity_source").fill_null(""))
    )


def _conflicts(fathers: pl.DataFrame) -> pl.DataFrame:
    """Per child: two men established as father, or one man established in one case and disproved
    in another, in words."""
    established = pl.col("_statuses").list.eval(pl.element().is_in(ESTABLISHED)).list.any()
    disproved = pl.col("_statuses").list.contains("DISPROVED")
    per_father = fathers.with_columns(established.alias("_est"), (established & disproved).alias("_both"))
    return (
        per_father.group_by("child_person_id")
        .agg(pl.col("_est").sum().alias("_n_est"), pl.col("_both").any().alias("_both"))
        .select(
            "child_person_id",
            pl.concat_str(
                [
                    pl.when(pl.col("_n_est") > 1).then(pl.lit("two or more men established as father")),
                    pl.when(pl.col("_both")).then(pl.lit("paternity established in one case, disproved in another")),
                ],
                separator="; ",
                ignore_nulls=True,
            ).alias("paternity_conflict"),
        )
    )


def _people(m: pl.DataFrame, protected: set[str]) -> pl.DataFrame:
    """Per person: display name, identified (an SSN or birth date on any record), located (an
    address known and releasable)."""
    has_address = pl.any_horizontal(pl.col(c).is_not_null() for c in (C.STREET, C.ZIP))
    shielded = pl.col(C.PERSON_ID).is_in(pl.Series(sorted(protected), dtype=pl.String).implode())
    return (
        m.group_by(C.PERSON_ID)
        .agg(
            pl.col("name").mode().sort().first().alias("father_name"),
            (pl.col(C.SSN_STD).is_not_null() | pl.col(C.DOB_STR).is_not_null()).any().alias("father_identified"),
            has_address.any().alias("_address"),
            pl.col(C.FVI_FLAG).any().alias("_fvi"),
        )
        .with_columns((pl.col("_address") & ~pl.col("_fvi") & ~shielded).alias("father_located"))
        .drop("_address", "_fvi")
    )


def _relatives(m: pl.DataFrame, fathers: pl.DataFrame) -> pl.DataFrame:
    """How many relatives the child has through each named father (`relatives`: his parents and
    siblings from his own childhood cases, his other children and their custodial parents)."""
    kin = relatives(m, fathers["child_person_id"].unique().to_list()).filter(pl.col("relationship") != SAME_CHILD)
    return (
        kin.rename({"through_person_id": "father_person_id"})
        .group_by("child_person_id", "father_person_id")
        .agg(pl.col("relative_person_id").n_unique().alias("relatives_found"))
    )
