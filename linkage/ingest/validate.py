"""Split records into usable rows and a quarantine, one reason per quarantined row; blank the fields
that cannot be used and say which and why.

A row is quarantined only when it cannot be a person: no record_id or one seen before, an unknown
program or role, no case, neither a name nor an SSN, or a line the CSV reader could not split.
A single unusable field (an impossible or future date of birth, an unknown status code, bytes that
are not UTF-8) costs the field, not the record: it is blanked, the record is linked on the rest,
and the blanked field is listed with its reason (never its value). Every row read ends up in exactly
one of the two outputs: rows read = rows linked + rows quarantined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from linkage import columns as C
from linkage.ingest.read import BAD_BYTES, DATE_FORMATS
from linkage.standardize.ssn import ssn_digits, ssn_status

EARLIEST_DOB = date(1900, 1, 1)
MIN_PARENT_AGE = 10  # a parent younger than this on the run date holds someone else's birth date
_FVI_OFF = ("", "N", "NO", "FALSE", "0")


BLANKED_SCHEMA = {
    C.SOURCE_FILE: pl.String,
    C.ROW_NUMBER: pl.Int64,
    C.RECORD_ID: pl.String,
    C.BLANKED_FIELD: pl.String,
    C.QUARANTINE_REASON: pl.String,
}
IDENTITY_COLUMNS = (C.RECORD_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE)


@dataclass(frozen=True)
class Validated:
    records: pl.DataFrame  # usable rows, with uid, cleaned codes and a parsed dob_date
    quarantine: pl.DataFrame  # the rows as read, plus `reason`
    blanked: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=BLANKED_SCHEMA))  # a row per field blanked

    @property
    def rows_read(self) -> int:
        return self.records.height + self.quarantine.height


def validate(raw: pl.DataFrame, today: date | None = None) -> Validated:
    """Clean the coded columns, parse dates, and give every unusable row its reason."""
    today = today or date.today()
    df = raw.with_columns(pl.col(pl.String).str.strip_chars()).with_columns(
        pl.when(pl.col(pl.String) == "").then(None).otherwise(pl.col(pl.String)).name.keep()
    )
    df = df.with_columns(
        _source_system().alias("_src"),
        pl.col(C.ROLE).str.to_uppercase().alias("_role"),
        pl.col(C.CASE_STATUS).str.to_uppercase().fill_null("OPEN").alias("_status"),
        pl.col(C.PATERNITY_STATUS).str.to_uppercase().alias("_pat"),
        parse_dates(pl.col(C.DOB)).alias(C.DOB_DATE),
        *[parse_dates(pl.col(c)).alias(f"_{c}") for c in C.PROGRAM_DATES],
        pl.col(C.CASE_GOAL).str.to_uppercase().str.replace_all(" ", "").alias("_goal"),
    )
    reason = _reason(df)
    df = df.with_columns(reason.alias(C.QUARANTINE_REASON))
    bad = df.filter(pl.col(C.QUARANTINE_REASON).is_not_null())
    good = df.filter(pl.col(C.QUARANTINE_REASON).is_null())
    quarantine = bad.select(*raw.columns, C.QUARANTINE_REASON)
    good, blanked = _blank_fields(good, today)
    records = good.with_columns(
        pl.col("_src").alias(C.SOURCE_SYSTEM),
        pl.col("_role").alias(C.ROLE),
        pl.col("_status").alias(C.CASE_STATUS),
        pl.col("_pat").alias(C.PATERNITY_STATUS),
        (~pl.col(C.FVI).fill_null("").str.to_uppercase().is_in(_FVI_OFF)).alias(C.FVI_FLAG),
    ).drop(
        "_src",
        "_role",
        "_status",
        "_pat",
        "_goal",
        *[f"_{c}" for c in C.PROGRAM_DATES],
        C.QUARANTINE_REASON,
        *_READER_COLUMNS,
        strict=False,
    )
    records = records.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
    return Validated(records, quarantine, blanked)


_READER_COLUMNS = (C.READ_PROBLEM, C.RAW_LINE)


def parse_dates(col: pl.Expr) -> pl.Expr:
    """The schema's date formats; anything else (or an impossible date) parses to null."""
    return pl.coalesce([col.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS])


def _source_system() -> pl.Expr:
    s = pl.col(C.SOURCE_SYSTEM).str.to_uppercase().str.replace_all(r"[\s_]", "-")
    return s.str.replace(r"^IV-?([ADE])$", "IV-$1")


def _bad_bytes(column: str) -> pl.Expr:
    return pl.col(column).str.contains(BAD_BYTES, literal=True).fill_null(False)


def _reason(df: pl.DataFrame) -> pl.Expr:
    """Why a row cannot be a person, first applicable, in the order an IT team would fix them."""
    first_seen = pl.col(C.RECORD_ID).is_first_distinct() | pl.col(C.RECORD_ID).is_null()
    read_problem = pl.col(C.READ_PROBLEM) if C.READ_PROBLEM in df.columns else pl.lit(None, pl.String)
    # a placeholder (999999999) or a number SSA never issues is no SSN to link by
    usable_ssn = ssn_status(ssn_digits(pl.col(C.SSN))).is_in(["valid", "itin"])
    nameless = pl.col(C.FIRST_NAME).is_null() & pl.col(C.LAST_NAME).is_null() & ~usable_ssn
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (read_problem.is_not_null(), read_problem),
        (pl.col(C.RECORD_ID).is_null(), pl.lit("missing record_id")),
        (~first_seen, pl.lit("duplicate record_id (an earlier row has the same id)")),
        (
            pl.any_horizontal(_bad_bytes(c) for c in IDENTITY_COLUMNS),
            pl.lit("invalid UTF-8 bytes in record_id, source_system, case_id or role (re-export the file as UTF-8)"),
        ),
        (pl.col("_src").is_null(), pl.lit("missing source_system")),
        (
            ~pl.col("_src").is_in(C.SOURCE_SYSTEMS),
            pl.format("unknown source_system '{}' (expected IV-A, IV-D or IV-E)", pl.col(C.SOURCE_SYSTEM)),
        ),
        (pl.col(C.CASE_ID).is_null(), pl.lit("missing case_id")),
        (pl.col("_role").is_null(), pl.lit("missing role")),
        (~pl.col("_role").is_in(C.ROLES), pl.format("unknown role '{}' (expected CP, NCP, PF or CH)", pl.col(C.ROLE))),
        (nameless, pl.lit("no name and no SSN: nothing to link the record by")),
    ]
    expr: Then | ChainedThen = pl.when(checks[0][0].fill_null(False)).then(checks[0][1])
    for cond, msg in checks[1:]:
        expr = expr.when(cond.fill_null(False)).then(msg)
    return expr.otherwise(None)


def _field_checks(df: pl.DataFrame, today: date) -> list[tuple[str, pl.Expr, str]]:
    """(field, condition, reason) for fields that cannot be used; never the value in the reason
    (reasons are printed and counted in the run report)."""
    dob = pl.col(C.DOB_DATE)
    text = [
        c
        for c, t in df.schema.items()
        if t == pl.String
        and c not in (*IDENTITY_COLUMNS, C.SOURCE_FILE, C.QUARANTINE_REASON, *_READER_COLUMNS)
        and not c.startswith("_")
    ]
    return [
        (
            C.DOB,
            pl.col(C.DOB).is_not_null() & dob.is_null(),
            "dob: impossible or unreadable date (use YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)",
        ),
        (C.DOB, dob > pl.lit(today), "dob: in the future"),
        (C.DOB, dob < pl.lit(EARLIEST_DOB), "dob: before 1900"),
        (
            C.DOB,
            pl.col("_role").is_in(C.PARENT_ROLES) & (dob > pl.lit(years_before(today, MIN_PARENT_AGE))),
            f"dob: a parent (CP, NCP or PF) younger than {MIN_PARENT_AGE} (a child's or the case's date typed in)",
        ),
        (C.CASE_STATUS, ~pl.col("_status").is_in(C.CASE_STATUSES), "case_status: unknown code (taken as OPEN)"),
        (
            C.PATERNITY_STATUS,
            pl.col("_pat").is_not_null() & ~pl.col("_pat").is_in(C.PATERNITY_STATUSES),
            "paternity_status: unknown code",
        ),
        (
            C.CASE_GOAL,
            pl.col("_goal").is_not_null() & ~pl.col("_goal").is_in(C.CASE_GOALS),
            "case_goal: unknown code (expected REUNIFICATION, ADOPTION, GUARDIANSHIP or OTHER)",
        ),
        *_program_date_checks(today),
        *[(c, _bad_bytes(c), f"{c}: invalid UTF-8 bytes (re-export the file as UTF-8)") for c in text],
    ]


def years_before(today: date, years: int) -> date:
    """The same day `years` earlier (February 29th: the 28th)."""
    return today.replace(year=today.year - years) if (today.month, today.day) != (2, 29) else date(today.year - years, 2, 28)


def _program_date_checks(today: date) -> list[tuple[str, pl.Expr, str]]:
    """Placement and grant dates: readable, not in the future, an end not before its start."""
    out = []
    for c in C.PROGRAM_DATES:
        d = pl.col(f"_{c}")
        out += [
            (
                c,
                pl.col(c).is_not_null() & d.is_null(),
                f"{c}: impossible or unreadable date (use YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)",
            ),
            (c, d > pl.lit(today), f"{c}: in the future"),
        ]
    for start, end in ((C.PLACEMENT_START, C.PLACEMENT_END), (C.GRANT_START, C.GRANT_END)):
        out.append((end, pl.col(f"_{end}") < pl.col(f"_{start}"), f"{end}: before {start}"))
    return out


def _blank_fields(df: pl.DataFrame, today: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The rows with every unusable field blanked, and one row per blanked field with its reason."""
    checks = _field_checks(df, today)
    where = [
        pl.col(c) if c in df.columns else pl.lit(None, t).alias(c)
        for c, t in ((C.SOURCE_FILE, pl.String), (C.ROW_NUMBER, pl.Int64))
    ]
    flags = df.select(*where, C.RECORD_ID, *[cond.fill_null(False).alias(f"_b{i}") for i, (_, cond, _) in enumerate(checks)])
    found = [
        flags.filter(pl.col(f"_b{i}")).select(
            C.SOURCE_FILE,
            pl.col(C.ROW_NUMBER).cast(pl.Int64),
            C.RECORD_ID,
            pl.lit(field).alias(C.BLANKED_FIELD),
            pl.lit(reason).alias(C.QUARANTINE_REASON),
        )
        for i, (field, _, reason) in enumerate(checks)
    ]
    blanked = pl.concat([pl.DataFrame(schema=BLANKED_SCHEMA), *found]).unique(
        [C.SOURCE_FILE, C.ROW_NUMBER, C.RECORD_ID, C.BLANKED_FIELD], keep="first", maintain_order=True
    )
    by_field: dict[str, list[pl.Expr]] = {}
    for name, cond, _ in checks:
        by_field.setdefault(name, []).append(cond.fill_null(False))
    rewritten = (C.CASE_GOAL, *C.PROGRAM_DATES)  # written below from their cleaned forms
    fixes = [
        pl.when(pl.any_horizontal(conds)).then(None).otherwise(pl.col(f)).alias(f)
        for f, conds in by_field.items()
        if f not in rewritten
    ]
    fixes += [
        pl.when(pl.any_horizontal(by_field[C.DOB])).then(None).otherwise(pl.col(C.DOB_DATE)).alias(C.DOB_DATE),
        pl.when(pl.any_horizontal(by_field[C.CASE_STATUS])).then(pl.lit("OPEN")).otherwise(pl.col("_status")).alias("_status"),
        pl.when(pl.any_horizontal(by_field[C.PATERNITY_STATUS])).then(None).otherwise(pl.col("_pat")).alias("_pat"),
        pl.when(pl.any_horizontal(by_field[C.CASE_GOAL])).then(None).otherwise(pl.col("_goal")).alias(C.CASE_GOAL),
        # program dates as YYYY-MM-DD whatever format they came in
        *[
            pl.when(pl.any_horizontal(by_field[c])).then(None).otherwise(pl.col(f"_{c}").dt.strftime("%Y-%m-%d")).alias(c)
            for c in C.PROGRAM_DATES
        ],
    ]
    return df.with_columns(fixes), blanked
